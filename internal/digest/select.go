package digest

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/takeaway-bot/takeaway/corpus"
)

// Tiers of candidates: take-away lists and conclusions first, then the other central passages.
const (
	TierTakeaway = 0
	TierCentral  = 1
)

// Candidate thresholds.
const (
	// minRunes and minRunesCJK: shorter passages are fragments, not insights.
	minRunes    = 120
	minRunesCJK = 50
)

// ErrNoCandidates is returned when the corpus holds no passage worth a daily post.
var ErrNoCandidates = errors.New("digest: the corpus has no candidate passage")

// Selector chooses the passage of the day. It is built once from a corpus and is safe for
// concurrent use (it is read-only after NewSelector).
//
// Selection, in short:
//   - Every passage belongs to a unit, the set of its translated copies: reports sharing
//     TranslationOf are aligned passage by passage (see buildUnits), and posting one copy
//     counts for all.
//   - A unit is a candidate when one of its copies is long enough and in the central half of
//     its report. Centrality is the cosine between a passage's TF-IDF vector and the sum of
//     the other passages of its report (the centroid measure of extractive summarisation).
//     Take-away passages (lists and conclusions marked by the loader; only the lists when a
//     report has one) form tier 0, the others tier 1.
//   - Each tier is laid out once as a fixed rotation that spreads the reports evenly, never
//     the same report twice in a row while another has candidates left.
//   - The date picks where the walk starts (days since 1970-01-01 modulo the tier's length);
//     the walk takes the first unit not yet posted in the current cycle, from the first tier
//     that still has one, passing over units of the report posted last when it can.
//   - A cycle ends when every candidate has been posted; then everything is eligible again.
//
// With no ledger (an empty state), consecutive dates therefore give consecutive entries of
// the take-away rotation: different passages, from different reports.
type Selector struct {
	reports  map[string]corpus.Report
	passages []corpus.Passage
	byID     map[string]int // passage ID → index in passages
	unitOf   []int          // passage index → unit index
	units    []unit
	// rotation holds, per tier, the candidate units in rotation order.
	rotation [2][]int
	w        weights
	// centroid of each report, for choosing key sentences.
	centroid map[string]vector
}

// unit is one passage and its translated copies.
type unit struct {
	// copies are passage indexes, the canonical copy first.
	copies    []int
	group     string
	event     string
	candidate bool
	tier      int
	score     float64
}

// NewSelector lays out the candidates and their rotation for a corpus.
func NewSelector(c *corpus.Corpus) *Selector {
	s := &Selector{
		reports:  make(map[string]corpus.Report, len(c.Reports)),
		passages: slices.Clone(c.Passages),
		byID:     make(map[string]int, len(c.Passages)),
		centroid: map[string]vector{},
	}
	for _, r := range c.Reports {
		s.reports[r.ID] = r
	}
	for i, p := range s.passages {
		s.byID[p.ID] = i
	}
	s.w = newWeights(s.passages)

	// Per report: centrality and the candidate tier of each passage (-1: not a candidate).
	byReport := map[string][]int{}
	for i, p := range s.passages {
		byReport[p.ReportID] = append(byReport[p.ReportID], i)
	}
	score := make([]float64, len(s.passages))
	tier := make([]int, len(s.passages))
	for rid, idx := range byReport {
		ps := make([]corpus.Passage, len(idx))
		for k, i := range idx {
			ps[k] = s.passages[i]
		}
		cs, vs := centralities(s.w, ps)
		s.centroid[rid] = centroid(vs)
		// The central half of a report: the passages scoring its median or better. Take-away
		// passages must clear the same bar, which drops the "thanks for coming, the slides are
		// online, try our product" paragraphs that conclusion sections end with: their words
		// appear nowhere else in the report.
		//
		// A report with an explicit take-away list has said what to remember there: its other
		// conclusion paragraphs compete with the rest of the report in tier 1.
		sorted := slices.Clone(cs)
		slices.Sort(sorted)
		cut := sorted[len(sorted)-(len(sorted)+1)/2]
		hasList := slices.ContainsFunc(ps, func(p corpus.Passage) bool { return p.Takeaway && isList(p.Text) })
		for k, i := range idx {
			score[i] = cs[k]
			tier[i] = -1
			p := s.passages[i]
			switch {
			case !longEnough(p.Text) || cs[k] < cut:
			case p.Takeaway && (isList(p.Text) || !hasList):
				tier[i] = TierTakeaway
			default:
				tier[i] = TierCentral
			}
		}
	}

	s.buildUnits(c.Reports, score, tier)
	s.buildRotation()
	return s
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
func (s *Selector) buildUnits(reports []corpus.Report, score []float64, tier []int) {
	groups := map[string][]string{} // group → report IDs
	for _, r := range reports {
		g := groupOf(r)
		groups[g] = append(groups[g], r.ID)
	}
	byReport := map[string][]int{}
	for i, p := range s.passages {
		byReport[p.ReportID] = append(byReport[p.ReportID], i)
	}
	s.unitOf = make([]int, len(s.passages))
	for i := range s.unitOf {
		s.unitOf[i] = -1
	}
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
	// Passages of reports missing from c.Reports still get a unit of their own.
	for i := range s.passages {
		if s.unitOf[i] < 0 {
			s.unitOf[i] = len(s.units)
			s.units = append(s.units, unit{copies: []int{i}, group: "report:" + s.passages[i].ReportID, event: "?"})
		}
	}
	for u := range s.units {
		un := &s.units[u]
		un.tier = TierCentral
		for _, i := range un.copies {
			if tier[i] < 0 {
				continue
			}
			un.candidate = true
			un.tier = min(un.tier, tier[i])
			un.score = max(un.score, score[i])
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

// buildRotation lays out each tier: within a report group, units by descending centrality;
// the groups spread evenly over the tier (each in proportion to its size), never twice in a
// row while another group has units left, and taking turns between events on a tie.
func (s *Selector) buildRotation() {
	for t := range s.rotation {
		byGroup := map[string][]int{}
		for u, un := range s.units {
			if un.candidate && un.tier == t {
				byGroup[un.group] = append(byGroup[un.group], u)
			}
		}
		groups := make([]string, 0, len(byGroup))
		for g := range byGroup {
			groups = append(groups, g)
		}
		sort.Strings(groups)
		lists := make([][]int, len(groups))
		events := make([]string, len(groups))
		for k, g := range groups {
			us := byGroup[g]
			sort.SliceStable(us, func(a, b int) bool {
				ua, ub := s.units[us[a]], s.units[us[b]]
				if ua.score != ub.score {
					return ua.score > ub.score
				}
				return s.passages[ua.copies[0]].Ordinal < s.passages[ub.copies[0]].Ordinal
			})
			lists[k] = us
			events[k] = s.units[us[0]].event
		}
		s.rotation[t] = unwrap(spread(lists, events), func(u int) string { return s.units[u].group })
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

// Candidates returns the number of candidate units (translated copies counted once): how many
// days pass before a channel sees a passage again.
func (s *Selector) Candidates() int { return len(s.rotation[0]) + len(s.rotation[1]) }

// Rotation returns the canonical passage IDs of the candidates in rotation order, take-aways
// first (for inspection and tests).
func (s *Selector) Rotation() []string {
	var out []string
	for _, r := range s.rotation {
		for _, u := range r {
			out = append(out, s.passages[s.units[u].copies[0]].ID)
		}
	}
	return out
}

// SameUnit reports whether two passage IDs are copies of one passage (or the same passage).
func (s *Selector) SameUnit(a, b string) bool {
	ia, oka := s.byID[a]
	ib, okb := s.byID[b]
	return oka && okb && s.unitOf[ia] == s.unitOf[ib]
}

// Pick is the passage chosen for a day.
type Pick struct {
	Date    string
	Passage corpus.Passage
	Report  corpus.Report
	// Tier is TierTakeaway or TierCentral.
	Tier int
	// Index is the unit's position in its tier's rotation.
	Index int
	// Key holds the passage's key sentences (one to three, in reading order), for the
	// offline takeaway and the citation's quote.
	Key []string
	// Unit identifies the insight whatever the copy posted: its canonical passage's ID.
	Unit string
}

// Pick chooses the passage for date (YYYY-MM-DD) in a channel speaking lang, given the passage
// IDs already posted there (oldest first, as store.PostedPassageIDs lists them). The same date
// and posted IDs always give the same pick. Of a unit's copies, the one in lang is preferred,
// else the canonical copy.
func (s *Selector) Pick(date, lang string, posted []string) (Pick, error) {
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return Pick{}, fmt.Errorf("digest: date %q: want YYYY-MM-DD: %w", date, err)
	}
	if s.Candidates() == 0 {
		return Pick{}, ErrNoCandidates
	}
	return s.pickAt(date, int(day.Unix()/86400), lang, posted)
}

// Preview is the pick for a date without a ledger (`takeaway digest --date`): it replays the
// cycle as if a post had gone out every day since the cycle began, so that consecutive dates
// give distinct passages, take-aways first, for as many days in a row as there are candidates.
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
	k := ((days % total) + total) % total
	var replay []string
	for j := 0; j < k; j++ {
		p, err := s.pickAt(date, days-k+j, lang, replay)
		if err != nil {
			return Pick{}, err
		}
		replay = append(replay, p.Passage.ID)
	}
	return s.pickAt(date, days, lang, replay)
}

// pickAt picks for the given day number (days since 1970) after the posts of the channel.
func (s *Selector) pickAt(date string, days int, lang string, posted []string) (Pick, error) {
	done := s.currentCycle(posted)
	// Yesterday's report (or translation group): not again today if the tier has another.
	lastGroup := ""
	if n := len(posted); n > 0 {
		if i, ok := s.byID[posted[n-1]]; ok {
			lastGroup = s.units[s.unitOf[i]].group
		}
	}
	for t, rot := range s.rotation {
		n := len(rot)
		if n == 0 {
			continue
		}
		start := ((days % n) + n) % n
		found := -1
		for k := 0; k < n; k++ {
			idx := (start + k) % n
			u := rot[idx]
			if done[u] {
				continue
			}
			if found < 0 {
				found = idx
			}
			if s.units[u].group != lastGroup {
				found = idx
				break
			}
		}
		if found < 0 {
			continue
		}
		i := s.copyFor(rot[found], lang)
		p := s.passages[i]
		return Pick{
			Date: date, Passage: p, Report: s.reports[p.ReportID], Tier: t, Index: found,
			Key:  keySentences(s.w, s.centroid[p.ReportID], p.Text),
			Unit: s.passages[s.units[rot[found]].copies[0]].ID,
		}, nil
	}
	// Unreachable: currentCycle never reports every candidate as done.
	return Pick{}, ErrNoCandidates
}

// currentCycle returns the candidate units posted since the last time every candidate had been
// posted. IDs of passages no longer in the corpus, or not candidates, are ignored.
func (s *Selector) currentCycle(posted []string) map[int]bool {
	total := s.Candidates()
	done := map[int]bool{}
	for _, id := range posted {
		i, ok := s.byID[id]
		if !ok {
			continue
		}
		u := s.unitOf[i]
		if !s.units[u].candidate {
			continue
		}
		done[u] = true
		if len(done) == total {
			done = map[int]bool{}
		}
	}
	return done
}

// copyFor returns the passage index of unit u to post in a channel speaking lang.
func (s *Selector) copyFor(u int, lang string) int {
	for _, i := range s.units[u].copies {
		if s.passages[i].Lang == lang {
			return i
		}
	}
	return s.units[u].copies[0]
}
