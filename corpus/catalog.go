package corpus

import (
	"fmt"
	"sort"
	"strings"
)

// Catalog is what the reports are about, built from the reports themselves: the events (from
// metadata, or inferred from a report's words) and the reports of each. The question plan reads
// it to resolve scopes, the "not covered" answer names what it covers, `takeaway sources` lists it.
type Catalog struct {
	Events  []CatalogEvent
	Reports []Report
	// Orphans are the reports no event could be found for.
	Orphans []string
}

// CatalogEvent is one event and the reports about it.
type CatalogEvent struct {
	Event
	Reports []string
}

// NewCatalog builds the catalog of a corpus. Events are ordered by year, then name, and
// reports keep corpus order, so the catalog is the same from run to run.
func NewCatalog(c *Corpus) *Catalog {
	cat := &Catalog{Reports: append([]Report(nil), c.Reports...)}
	index := map[string]int{}
	for _, r := range c.Reports {
		if r.Event.Name == "" {
			cat.Orphans = append(cat.Orphans, r.ID)
			continue
		}
		key := r.Event.ID
		if key == "" {
			key = slug(r.Event.Name)
		}
		i, ok := index[key]
		if !ok {
			i = len(cat.Events)
			index[key] = i
			cat.Events = append(cat.Events, CatalogEvent{Event: r.Event})
		} else {
			// Reports of one event each know part of it (one names the city, another the
			// dates): the catalog keeps what any of them knows, whatever their order.
			cat.Events[i].Event = mergeEvent(cat.Events[i].Event, r.Event)
		}
		cat.Events[i].Reports = append(cat.Events[i].Reports, r.ID)
	}
	sort.SliceStable(cat.Events, func(i, j int) bool {
		a, b := cat.Events[i], cat.Events[j]
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		return a.Name < b.Name
	})
	return cat
}

// ApplyTo gives every report of c its event as the catalog knows it (merged from all the
// reports about it), so that each report is indexed with the city another report named.
func (c *Catalog) ApplyTo(corp *Corpus) {
	byReport := map[string]Event{}
	for _, e := range c.Events {
		for _, id := range e.Reports {
			byReport[id] = e.Event
		}
	}
	for i, r := range corp.Reports {
		if e, ok := byReport[r.ID]; ok {
			corp.Reports[i].Event = e
		}
	}
	for i, r := range c.Reports {
		if e, ok := byReport[r.ID]; ok {
			c.Reports[i].Event = e
		}
	}
}

// Report returns a report by ID.
func (c *Catalog) Report(id string) (Report, bool) {
	for _, r := range c.Reports {
		if r.ID == id {
			return r, true
		}
	}
	return Report{}, false
}

// Label names an event for people: its name, with its city when the name lacks it, and its
// year when the name lacks it ("KubeCon + CloudNativeCon Europe 2019 (Barcelona)").
func (e CatalogEvent) Label() string {
	name := e.Name
	if e.Year > 0 && !strings.Contains(name, fmt.Sprint(e.Year)) {
		name += fmt.Sprintf(" %d", e.Year)
	}
	if e.City != "" && !strings.Contains(name, e.City) {
		name += " (" + e.City + ")"
	}
	return name
}

// Covered names every event of the catalog, for the "not covered" answer.
func (c *Catalog) Covered() []string {
	out := make([]string, 0, len(c.Events))
	for _, e := range c.Events {
		out = append(out, e.Label())
	}
	return out
}

// mergeEvent fills a's empty fields from b and joins their aliases; where both know a field,
// the smaller value wins, so that the result does not depend on which report came first.
func mergeEvent(a, b Event) Event {
	pick := func(x, y string) string {
		switch {
		case x == "":
			return y
		case y == "" || x <= y:
			return x
		}
		return y
	}
	a.City, a.Country = pick(a.City, b.City), pick(a.Country, b.Country)
	a.Start, a.End = pick(a.Start, b.Start), pick(a.End, b.End)
	if a.Year == 0 || b.Year != 0 && b.Year < a.Year {
		a.Year = b.Year
	}
	seen := map[string]bool{}
	var aliases []string
	for _, x := range append(append([]string(nil), a.Aliases...), b.Aliases...) {
		if !seen[x] {
			seen[x] = true
			aliases = append(aliases, x)
		}
	}
	sort.Strings(aliases)
	a.Aliases = aliases
	a.Inferred = a.Inferred && b.Inferred
	return a
}
