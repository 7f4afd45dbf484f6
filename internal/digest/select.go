package digest

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/text"
	"github.com/takeaway-bot/takeaway/internal/text/stopwords"
)

// Tiers of the rotation: the reports' own take-away points first, then the passages with the
// strongest claims.
const (
	TierTakeaway = 0
	TierCentral  = 1
)

// Candidate thresholds.
const (
	// minRunes and minRunesCJK: shorter passages are fragments, not insights.
	minRunes    = 120
	minRunesCJK = 50
	// claimsPerCycle: one post in about this many is a strong-claim passage rather than a
	// take-away point, once the points of a cycle have all been posted.
	claimsPerCycle = 14
)

// ErrNoCandidates is returned when the corpus holds no passage worth a daily post.
var ErrNoCandidates = errors.New("digest: the corpus has no candidate passage")

// Selector chooses the insight of the day. It is built once from a corpus and is safe for
// concurrent use (it is read-only after NewSelector).
//
// Selection, in short:
//   - The units are insights: the points the reports make themselves (see points.go) — each
//     item of a take-away list ("top 10 takeaways", "what to remember", a numbered list of
//     conclusions), supported by the section that develops it when there is one; each
//     paragraph of a conclusion or announcements section. They form tier 0.
//   - The other central passages are ranked by the strength of their claims (figures,
//     announcements, evaluative words, on top of centrality) and form tier 1.
//   - Translated copies are one insight: reports sharing TranslationOf are aligned passage by
//     passage (buildUnits) and list item by list item; a channel gets the copy in its
//     language when there is one, so the headline is in its language where a report gives it.
//   - Each tier is laid out once as a fixed rotation that spreads reports and events evenly,
//     never the same report twice in a row while another has insights left.
//   - A cycle posts every take-away point once, then a few strong-claim passages (about one
//     post in claimsPerCycle; every tier-1 passage in turn over the cycles), then starts
//     again. A corpus with no take-away point posts its tier-1 passages in turn.
//   - The date picks where the walk starts (days since 1970-01-01 modulo the tier's length);
//     the walk takes the first insight not yet posted in the current cycle, passing over
//     those of the report posted last when it can.
type Selector struct {
	reports  map[string]corpus.Report
	passages []corpus.Passage
	byID     map[string]int // passage ID → index in passages
	unitOf   []int          // passage index → unit index
	units    []unit
	// groupReports lists the reports of each translation group, the canonical one first.
	groupReports map[string][]string
	insights     []insight
	// insightOf maps the IDs a ledger holds (insight copy IDs, and the passage IDs of
	// whole-passage insights) to insights.
	insightOf map[string]int
	// rotation holds, per tier, the insights in rotation order.
	rotation [2][]int
	// perCycle is how many tier-1 insights a cycle posts after its take-away points.
	perCycle int
	w        weights
	// centroid of each report, for choosing key sentences.
	centroid map[string]vector
	// stops are the function words of every language with a stop list (folded), which say
	// nothing about whether an item and a heading are one title.
	stops map[string]bool
}

// unit is one passage and its translated copies.
type unit struct {
	// copies are passage indexes, the canonical copy first.
	copies []int
	group  string
	event  string
}

// insight is one point and its translated copies.
type insight struct {
	// copies are the point as each report states it, the canonical report's first.
	copies []point
	group  string
	event  string
	tier   int
	score  float64
	// order breaks ties between equal scores: the reading order of the canonical copy.
	order int
	// unit is the passage unit of a whole-passage insight, -1 for a list item.
	unit int
	// claims: a copy bears a mark of a claim (figures, announcements, evaluative words).
	claims bool
}

// NewSelector lays out the insights and their rotation for a corpus.
func NewSelector(c *corpus.Corpus) *Selector {
	s := &Selector{
		reports:   make(map[string]corpus.Report, len(c.Reports)),
		passages:  slices.Clone(c.Passages),
		byID:      make(map[string]int, len(c.Passages)),
		centroid:  map[string]vector{},
		insightOf: map[string]int{},
	}
	for _, r := range c.Reports {
		s.reports[r.ID] = r
	}
	for i, p := range s.passages {
		s.byID[p.ID] = i
	}
	s.w = newWeights(s.passages)
	s.stops = map[string]bool{}
	if lists, err := stopwords.Load(); err == nil { // only fails if Bleve lost a language
		for _, l := range lists {
			for w := range l {
				s.stops[text.Fold(w)] = true
			}
		}
	}

	// Per report: centrality of each passage, in reading order.
	byReport := s.passagesByReport()
	score := make([]float64, len(s.passages))
	for rid, idx := range byReport {
		ps := make([]corpus.Passage, len(idx))
		for k, i := range idx {
			ps[k] = s.passages[i]
		}
		cs, vs := centralities(s.w, ps)
		s.centroid[rid] = centroid(vs)
		for k, i := range idx {
			score[i] = cs[k]
		}
	}
	s.buildUnits(c.Reports, byReport)
	s.buildInsights(byReport, score)
	s.buildRotation()
	return s
}

// passagesByReport returns the passage indexes of each report in reading order.
func (s *Selector) passagesByReport() map[string][]int {
	byReport := map[string][]int{}
	for i, p := range s.passages {
		byReport[p.ReportID] = append(byReport[p.ReportID], i)
	}
	for _, idx := range byReport {
		sort.SliceStable(idx, func(a, b int) bool { return s.passages[idx[a]].Ordinal < s.passages[idx[b]].Ordinal })
	}
	return byReport
}

// isList reports whether a passage holds list items (the loader writes them "• item").
func isList(text string) bool { return strings.Contains(text, "\n• ") }

func longEnough(text string) bool {
	n := utf8.RuneCountInString(text)
	if hasCJK([]rune(text)) {
		return n >= minRunesCJK
	}
	return n >= minRunes
}

// groupOf names the article a report is a copy of: its TranslationOf, or itself.
func groupOf(r corpus.Report) string {
	if r.TranslationOf != "" {
		return "translation:" + r.TranslationOf
	}
	return "report:" + r.ID
}

// buildUnits groups translated copies. In each group of reports sharing TranslationOf, the
// report with the most passages is canonical; every passage of the other copies joins the
// canonical passage it shares the most names and numbers with (the words a translation
// keeps: "Istio", "SMI", "1.0"), the nearest by ordinal on a tie or when it shares none.
func (s *Selector) buildUnits(reports []corpus.Report, byReport map[string][]int) {
	groups := map[string][]string{} // group → report IDs
	for _, r := range reports {
		g := groupOf(r)
		groups[g] = append(groups[g], r.ID)
	}
	s.unitOf = make([]int, len(s.passages))
	for i := range s.unitOf {
		s.unitOf[i] = -1
	}
	s.groupReports = make(map[string][]string, len(groups))
	gnames := make([]string, 0, len(groups))
	for g := range groups {
		gnames = append(gnames, g)
	}
	sort.Strings(gnames)
	for _, g := range gnames {
		ids := groups[g]
		sort.Slice(ids, func(a, b int) bool {
			na, nb := len(byReport[ids[a]]), len(byReport[ids[b]])
			if na != nb {
				return na > nb
			}
			return ids[a] < ids[b]
		})
		s.groupReports[g] = ids
		canon := byReport[ids[0]]
		first := len(s.units)
		for _, i := range canon {
			s.unitOf[i] = len(s.units)
			s.units = append(s.units, unit{copies: []int{i}, group: g, event: eventKey(s.reports[ids[0]])})
		}
		if len(canon) == 0 {
			continue
		}
		canonAnchors := make([]map[string]bool, len(canon))
		for k, i := range canon {
			canonAnchors[k] = anchors(s.passages[i].Text)
		}
		for _, rid := range ids[1:] {
			for _, i := range byReport[rid] {
				k := align(anchors(s.passages[i].Text), s.passages[i].Ordinal, canon, canonAnchors, s.passages)
				u := first + k
				s.unitOf[i] = u
				s.units[u].copies = append(s.units[u].copies, i)
			}
		}
	}
	// Passages of reports missing from c.Reports still get a unit (and a group) of their own.
	for i := range s.passages {
		if s.unitOf[i] < 0 {
			g := "report:" + s.passages[i].ReportID
			if _, ok := s.groupReports[g]; !ok {
				s.groupReports[g] = []string{s.passages[i].ReportID}
			}
			s.unitOf[i] = len(s.units)
			s.units = append(s.units, unit{copies: []int{i}, group: g, event: "?"})
		}
	}
}

// align returns the index (in canon) of the canonical passage a translated passage matches.
func align(a map[string]bool, ordinal int, canon []int, canonAnchors []map[string]bool, ps []corpus.Passage) int {
	best, bestShared, bestDist := 0, -1, 1<<30
	for k, i := range canon {
		shared := 0
		for t := range a {
			if canonAnchors[k][t] {
				shared++
			}
		}
		dist := ps[i].Ordinal - ordinal
		if dist < 0 {
			dist = -dist
		}
		if shared > bestShared || (shared == bestShared && dist < bestDist) {
			best, bestShared, bestDist = k, shared, dist
		}
	}
	return best
}

// anchors are the tokens of a text that survive translation: Latin-script words with a capital
// or a digit (names, acronyms, versions, numbers), lower-cased.
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.')
	}) {
		f = strings.Trim(f, ".")
		if utf8.RuneCountInString(f) < 2 {
			continue
		}
		latin, marked := true, false
		for _, r := range f {
			switch {
			case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
				marked = true
			case r > unicode.MaxLatin1 && !unicode.Is(unicode.Latin, r):
				latin = false
			}
		}
		if latin && marked {
			out[strings.ToLower(f)] = true
		}
	}
	return out
}

func eventKey(r corpus.Report) string {
	switch {
	case r.Event.ID != "":
		return r.Event.ID
	case r.Event.Name != "":
		return r.Event.Name
	}
	return "report:" + r.ID
}

// buildInsights collects the points of every report (see points.go) and joins the copies of
// one point across translations: whole passages by their unit, list items by the unit of
// their list and their position in it.
func (s *Selector) buildInsights(byReport map[string][]int, central []float64) {
	lists, usedUnits := s.takeawayLists(byReport)
	byKey := map[string]int{}
	gnames := make([]string, 0, len(s.groupReports))
	for g := range s.groupReports {
		gnames = append(gnames, g)
	}
	sort.Strings(gnames)
	for _, g := range gnames {
		for _, rid := range s.groupReports[g] {
			for _, rp := range s.reportPoints(rid, byReport[rid], central, lists, usedUnits) {
				k, ok := byKey[rp.key]
				if !ok {
					k = len(s.insights)
					byKey[rp.key] = k
					u := s.units[s.unitOf[rp.anchor]]
					in := insight{group: u.group, event: u.event, tier: rp.tier, score: rp.score, order: len(s.insights), unit: -1}
					if rp.pt.list < 0 {
						in.unit = s.unitOf[rp.anchor]
					}
					s.insights = append(s.insights, in)
				}
				in := &s.insights[k]
				if slices.ContainsFunc(in.copies, func(p point) bool { return p.lang == rp.pt.lang && p.report == rp.pt.report }) {
					continue // two passages of one copy aligned to the same canonical passage
				}
				in.copies = append(in.copies, rp.pt)
				in.tier = min(in.tier, rp.tier)
				in.score = max(in.score, rp.score)
				in.claims = in.claims || rp.claims
			}
		}
	}
	// A whole passage is one insight in all its copies, whichever of them qualified: each
	// channel gets its language's copy.
	for k := range s.insights {
		in := &s.insights[k]
		if in.unit < 0 {
			continue
		}
		for _, j := range s.units[in.unit].copies {
			p := s.passages[j]
			if slices.ContainsFunc(in.copies, func(c point) bool { return c.report == p.ReportID }) {
				continue
			}
			in.copies = append(in.copies, point{id: p.ID, report: p.ReportID, lang: lang(s.reports[p.ReportID], p), passage: j, list: -1})
		}
		canon := s.passages[s.units[in.unit].copies[0]].ReportID
		slices.SortStableFunc(in.copies, func(a, b point) int {
			switch {
			case a.report == canon && b.report != canon:
				return -1
			case b.report == canon && a.report != canon:
				return 1
			}
			return 0
		})
	}
	for k, in := range s.insights {
		for _, p := range in.copies {
			s.insightOf[p.id] = k
		}
	}
}

// buildRotation lays out each tier: within a report group, insights by descending score (the
// list order for list items); the groups spread evenly over the tier (each in proportion to
// its size), never twice in a row while another group has insights left, and taking turns
// between events on a tie.
func (s *Selector) buildRotation() {
	for t := range s.rotation {
		var tier []int
		for k, in := range s.insights {
			if in.tier == t {
				tier = append(tier, k)
			}
		}
		if t == TierCentral && len(s.rotation[TierTakeaway]) > 0 {
			// Beside take-away points, only passages that claim something, and the stronger
			// half of those: the others are the reports' narrative.
			if marked := slices.DeleteFunc(slices.Clone(tier), func(k int) bool { return !s.insights[k].claims }); len(marked) > 0 {
				tier = marked
			}
			slices.SortStableFunc(tier, func(a, b int) int {
				return cmp.Or(cmp.Compare(s.insights[b].score, s.insights[a].score), s.insights[a].order-s.insights[b].order)
			})
			tier = tier[:(len(tier)+1)/2]
			slices.Sort(tier)
		}
		byGroup := map[string][]int{}
		for _, k := range tier {
			byGroup[s.insights[k].group] = append(byGroup[s.insights[k].group], k)
		}
		groups := make([]string, 0, len(byGroup))
		for g := range byGroup {
			groups = append(groups, g)
		}
		sort.Strings(groups)
		lists := make([][]int, len(groups))
		events := make([]string, len(groups))
		for k, g := range groups {
			ks := byGroup[g]
			sort.SliceStable(ks, func(a, b int) bool {
				ia, ib := s.insights[ks[a]], s.insights[ks[b]]
				if ia.score != ib.score {
					return ia.score > ib.score
				}
				return ia.order < ib.order
			})
			lists[k] = ks
			events[k] = s.insights[ks[0]].event
		}
		s.rotation[t] = unwrap(spread(lists, events), func(k int) string { return s.insights[k].group })
	}
	n0, n1 := len(s.rotation[TierTakeaway]), len(s.rotation[TierCentral])
	switch {
	case n0 == 0:
		s.perCycle = n1
	default:
		s.perCycle = min(n1, max(1, (n0+claimsPerCycle/2)/claimsPerCycle))
	}
}

// spread merges lists so that each is evenly distributed over the result: the k-th of n
// elements of a list is due at (k+½)/n of the way, and the list with the earliest due element
// goes next — unless it went last and another list has elements left; on a tie, a list of
// another event than the last one's goes first.
func spread(lists [][]int, events []string) []int {
	next := make([]int, len(lists))
	total := 0
	for _, l := range lists {
		total += len(l)
	}
	out := make([]int, 0, total)
	last := -1
	for len(out) < total {
		best := -1
		var bestDue float64
		for l, xs := range lists {
			if next[l] == len(xs) || (l == last && remainingElsewhere(lists, next, l)) {
				continue
			}
			due := (float64(next[l]) + 0.5) / float64(len(xs))
			switch {
			case best < 0, due < bestDue:
				best, bestDue = l, due
			case due == bestDue && last >= 0 && events[best] == events[last] && events[l] != events[last]:
				best = l
			}
		}
		out = append(out, lists[best][next[best]])
		next[best]++
		last = best
	}
	return out
}

// unwrap keeps a cyclic rotation from ending with the group it starts with (the day after the
// last comes the first): the last element moves into the first gap between two elements of
// other groups, as long as that helps.
func unwrap(out []int, groupOf func(int) string) []int {
	for tries := 0; tries < len(out) && len(out) > 2; tries++ {
		n := len(out)
		g := groupOf(out[n-1])
		if groupOf(out[0]) != g || groupOf(out[n-2]) == g {
			break
		}
		moved := false
		for i := 1; i < n-1; i++ {
			if groupOf(out[i-1]) != g && groupOf(out[i]) != g {
				last := out[n-1]
				copy(out[i+1:], out[i:n-1])
				out[i] = last
				moved = true
				break
			}
		}
		if !moved {
			break
		}
	}
	return out
}

// remainingElsewhere reports whether a list other than l has elements left.
func remainingElsewhere(lists [][]int, next []int, l int) bool {
	for k, xs := range lists {
		if k != l && next[k] < len(xs) {
			return true
		}
	}
	return false
}

// Candidates returns the length of a cycle in days: the take-away points (translated copies
// counted once) and the strong-claim passages that follow them. No insight repeats within a
// cycle.
func (s *Selector) Candidates() int {
	if len(s.rotation[TierTakeaway]) == 0 {
		return s.perCycle
	}
	return len(s.rotation[TierTakeaway]) + s.perCycle
}

// Insights returns the number of take-away points (translated copies counted once).
func (s *Selector) Insights() int { return len(s.rotation[TierTakeaway]) }

// Rotation returns the canonical IDs of the insights in rotation order, take-away points first
// (for inspection and tests).
func (s *Selector) Rotation() []string {
	var out []string
	for _, r := range s.rotation {
		for _, k := range r {
			out = append(out, s.insights[k].copies[0].id)
		}
	}
	return out
}

// SameUnit reports whether two IDs (insight or passage IDs) name one insight, or copies of
// one passage.
func (s *Selector) SameUnit(a, b string) bool {
	ka, oka := s.insightOf[a]
	kb, okb := s.insightOf[b]
	if oka && okb {
		return ka == kb
	}
	ia, oka := s.byID[a]
	ib, okb := s.byID[b]
	return oka && okb && s.unitOf[ia] == s.unitOf[ib]
}

// Pick is the insight chosen for a day.
type Pick struct {
	Date string
	// Passage is the passage quoted and cited.
	Passage corpus.Passage
	Report  corpus.Report
	// Tier is TierTakeaway or TierCentral.
	Tier int
	// Index is the insight's position in its tier's rotation.
	Index int
	// Title is the point's own title (a list item, in the copy's language), "" when the
	// report gives it none.
	Title string
	// Key holds the support to quote (one to three sentences, in reading order).
	Key []string
	// Unit identifies the insight whatever the copy posted: its canonical copy's ID.
	Unit string
	// ID is the posted copy's insight ID.
	ID string
}

// Pick chooses the insight for date (YYYY-MM-DD) in a channel speaking lang, given the IDs
// already posted there (oldest first, as store.PostedPassageIDs lists them: the insight IDs
// and passage IDs of Takeaway.LedgerIDs). The same date and posted IDs always give the same
// pick. Of an insight's copies, the one in lang is preferred, else the canonical copy.
func (s *Selector) Pick(date, lang string, posted []string) (Pick, error) {
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return Pick{}, fmt.Errorf("digest: date %q: want YYYY-MM-DD: %w", date, err)
	}
	if s.Candidates() == 0 {
		return Pick{}, ErrNoCandidates
	}
	days := int(day.Unix() / 86400)
	// With nothing posted yet, the date picks where the walks start.
	var from [2]int
	for t, rot := range s.rotation {
		if n := len(rot); n > 0 {
			from[t] = ((days % n) + n) % n
		}
	}
	in, tier, at := s.next(posted, from)
	return s.pickOf(date, in, tier, at, lang), nil
}

// Preview is the pick for a date without a ledger (`takeaway digest --date`): it replays the
// cycle as if a post had gone out every day since the cycle began, so that consecutive dates
// give distinct insights, take-away points first, for as many days in a row as a cycle lasts.
// The same date always gives the same pick.
func (s *Selector) Preview(date, lang string) (Pick, error) {
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return Pick{}, fmt.Errorf("digest: date %q: want YYYY-MM-DD: %w", date, err)
	}
	total := s.Candidates()
	if total == 0 {
		return Pick{}, ErrNoCandidates
	}
	days := int(day.Unix() / 86400)
	cycle := floorDiv(days, total)
	k := days - cycle*total
	// Every cycle walks the take-away points in rotation order from the first, so that a
	// point comes back exactly a cycle later; its strong-claim posts take the next ones of
	// the tier-1 rotation.
	var from [2]int
	if n1 := len(s.rotation[TierCentral]); n1 > 0 {
		from[TierCentral] = ((cycle*s.perCycle)%n1 + n1) % n1
	}
	var replay []string
	for j := 0; ; j++ {
		in, tier, at := s.next(replay, from)
		if j == k {
			return s.pickOf(date, in, tier, at, lang), nil
		}
		replay = append(replay, s.insights[in].copies[0].id)
	}
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// walkFrom is where the walk of each tier's rotation starts: after the insight of that tier
// posted last, so that cycles follow the rotation and a tier-1 passage comes back only once
// all the others have been posted; from where nothing of the tier was posted yet.
func (s *Selector) walkFrom(posted []string, from [2]int) [2]int {
	found := [2]bool{}
	for i := len(posted) - 1; i >= 0 && !(found[0] && found[1]); i-- {
		k, ok := s.insightOf[posted[i]]
		if !ok {
			continue
		}
		t := s.insights[k].tier
		if found[t] {
			continue
		}
		if at := slices.Index(s.rotation[t], k); at >= 0 {
			from[t] = (at + 1) % len(s.rotation[t])
			found[t] = true
		}
	}
	return from
}

// next returns the insight to post after posted (and its tier and place in the tier's
// rotation): the first of the walk not posted in the current cycle, passing over the report
// posted last when the tier has another. There must be candidates.
func (s *Selector) next(posted []string, from [2]int) (in, tier, at int) {
	done := s.currentCycle(posted)
	from = s.walkFrom(posted, from)
	lastGroup := ""
	for i := len(posted) - 1; i >= 0 && lastGroup == ""; i-- {
		if k, ok := s.insightOf[posted[i]]; ok {
			lastGroup = s.insights[k].group
		}
	}
	for t, rot := range s.rotation {
		n := len(rot)
		found := -1
		for k := 0; k < n; k++ {
			idx := (from[t] + k) % n
			if done[rot[idx]] {
				continue
			}
			if found < 0 {
				found = idx
			}
			if s.insights[rot[idx]].group != lastGroup {
				found = idx
				break
			}
		}
		if found >= 0 {
			return rot[found], t, found
		}
	}
	// Not reached (currentCycle ends a cycle with its last post): start the cycle again.
	for t, rot := range s.rotation {
		if len(rot) > 0 {
			return rot[0], t, 0
		}
	}
	return 0, TierTakeaway, 0
}

// currentCycle returns the insights posted since the current cycle began: a cycle ends once
// every take-away point and perCycle strong-claim insights have been posted. IDs no longer in
// the corpus are ignored.
func (s *Selector) currentCycle(posted []string) map[int]bool {
	n0 := len(s.rotation[TierTakeaway])
	done := map[int]bool{}
	points, claims := 0, 0
	prev := -1
	for _, id := range posted {
		k, ok := s.insightOf[id]
		if !ok || done[k] || k == prev {
			continue // a post records its insight and its passage: one post, counted once
		}
		prev = k
		done[k] = true
		if s.insights[k].tier == TierTakeaway {
			points++
		} else {
			claims++
		}
		if points >= n0 && claims >= s.perCycle {
			done, points, claims = map[int]bool{}, 0, 0
		}
	}
	return done
}

// pickOf turns insight k into the pick for a channel speaking lang: the copy in lang when
// there is one, its title, and the support to quote.
func (s *Selector) pickOf(date string, k, tier, index int, lang string) Pick {
	in := s.insights[k]
	c := in.copies[0]
	for _, p := range in.copies {
		if p.lang == lang {
			c = p
			break
		}
	}
	// A copy with nothing of its own to quote (a translated list item whose section the
	// translation left out) quotes the canonical copy's support, under its own title.
	support := c
	if c.passage < 0 && in.copies[0].passage >= 0 {
		support = in.copies[0]
	}
	var key []string
	var cited int
	switch {
	case support.passage >= 0:
		cited = support.passage
		p := s.passages[cited]
		key = keySentences(s.w, s.focus(p.ReportID, c.title), p.Text)
	default:
		cited = support.list
		key = []string{support.item}
	}
	p := s.passages[cited]
	return Pick{
		Date: date, Passage: p, Report: s.reports[p.ReportID], Tier: tier, Index: index,
		Title: c.title, Key: key, Unit: in.copies[0].id, ID: c.id,
	}
}

// focus is what key sentences should carry: the report's centroid, and the point's title when
// it has one.
func (s *Selector) focus(report, title string) vector {
	cen := s.centroid[report]
	if title == "" {
		return cen
	}
	out := make(vector, len(cen))
	var norm float64
	for _, x := range cen {
		norm += x * x
	}
	if norm > 0 {
		norm = 1 / math.Sqrt(norm)
	}
	for t, x := range cen {
		out[t] = x * norm
	}
	for t, x := range s.w.vectorOf(title) {
		out[t] += x
	}
	return out
}
