package digest

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/takeaway-bot/takeaway/corpus"
)

// Points are what a report itself says is worth remembering, found by the shape of the text:
//
//   - A take-away list — a list the loader marked as take-away (under a "Takeaways",
//     "Que retenir", "Fazit" heading, or introduced by such words) — whose items are points:
//     either statements (sentences, most of them ending with a full stop) or titles that the
//     report develops in sections of their own (a "top 10" post, each point a heading). Each
//     item is a point; a title is supported by the passage of the report that develops it.
//     A list of fragments ("audit of images", "vulnerability scans") stays one passage.
//   - Each paragraph of a conclusion or take-away section, in a report without such a list,
//     and each paragraph of an announcements section.
//
// Paragraphs must be in the central half of their report, which drops the "thanks for coming,
// the slides are online, try our product" lines that conclusion sections end with: their words
// appear nowhere else in the report. Every other central passage is a tier-1 candidate, ranked
// by the strength of its claims.

// point is one copy of an insight: how one report states it.
type point struct {
	// id is stable across loads: the passage ID, or the list passage's ID and the item's
	// position ("…#82f8076a/3").
	id     string
	report string
	lang   string
	// passage is the passage quoted and cited; -1 when the point is a list item with no
	// passage of its own (it is then quoted from list, or from the canonical copy's support).
	passage int
	list    int
	// title is the point's own title: a list item short enough to be a headline.
	title string
	// item is the list item as written.
	item string
}

// rawPoint is a point before translated copies are joined.
type rawPoint struct {
	// key joins the copies of a point: the same key in two reports of a translation group is
	// one insight.
	key    string
	anchor int // a passage of the point, whose unit names its group and event
	pt     point
	tier   int
	score  float64
	// claims: the passage bears a mark of a claim (tier 1 only).
	claims bool
}

// takeawayList is a list the loader marked as take-away, split into its items.
type takeawayList struct {
	passage int
	items   []string
	// points reports whether the items are points (statements, or titles developed in
	// sections), set for every copy of a translated list once one copy qualifies.
	points bool
	// support is, per item, the passage that develops it (-1: none).
	support []int
	// covered are the passages of the sections the items head: part of those points, never
	// points of their own.
	covered []int
}

// Shape thresholds of take-away lists.
const (
	minListItems = 3
	// statementRunes (statementRunesCJK): items this long on average, ending with a full stop,
	// are statements that carry themselves.
	statementRunes    = 40
	statementRunesCJK = 15
	// titleRunes: items shorter than this are titles and need the passage that develops them.
	titleRunes    = 100
	titleRunesCJK = 40
	// headingMatch: how much an item and a heading must share to be one title (see
	// Selector.headingMatch).
	headingMatch = 0.34
	// contentMatch: how close (cosine of TF-IDF vectors) a passage must be to an item title
	// to develop it when no heading names it.
	contentMatch = 0.12
)

// takeawayLists finds the take-away lists of every report, with each item's supporting
// passage, and decides which lists are lists of points. A translated copy of a list of points
// is one too, whatever its own shape (a translation that keeps only three of ten sections).
func (s *Selector) takeawayLists(byReport map[string][]int) (lists map[int]*takeawayList, usedUnits map[int]bool) {
	lists = map[int]*takeawayList{}
	for _, idx := range byReport {
		for _, i := range idx {
			p := s.passages[i]
			intro, items := splitList(p.Text)
			if len(items) < minListItems {
				continue
			}
			named := p.Takeaway || corpus.IsTakeawayText(intro)
			l := &takeawayList{passage: i, items: items}
			echoed := s.supportItems(l, idx)
			// A list whose items head the sections that follow is the report's own table of
			// points (a "five things we learned" post), whatever words introduce it — unless
			// the items are mere topics ("Setup", "Results"): a table of contents.
			headsSections := 2*echoed >= len(items) && !slices.ContainsFunc(items, isTopic)
			l.points = (named && (statements(items) || 2*echoed >= len(items))) || headsSections
			if named || l.points {
				lists[i] = l
			}
		}
	}
	for _, l := range lists {
		if !l.points {
			continue
		}
		for _, j := range s.units[s.unitOf[l.passage]].copies {
			if o := lists[j]; o != nil && len(o.items) == len(l.items) {
				o.points = true
			}
		}
	}
	// The passages a list of points quotes are that list's, in every copy.
	usedUnits = map[int]bool{}
	for _, l := range lists {
		if !l.points {
			continue
		}
		usedUnits[s.unitOf[l.passage]] = true
		for _, j := range append(slices.Clone(l.support), l.covered...) {
			if j >= 0 {
				usedUnits[s.unitOf[j]] = true
			}
		}
	}
	return lists, usedUnits
}

// splitList returns the introduction of a list passage (its last line before the items) and
// the items, without their bullets.
func splitList(text string) (intro string, items []string) {
	lines := strings.Split(text, "\n")
	first := slices.IndexFunc(lines, corpus.IsListLine)
	if first < 0 {
		return "", nil
	}
	if first > 0 {
		intro = strings.TrimSpace(lines[first-1])
	}
	for _, l := range lines[first:] {
		if !corpus.IsListLine(l) {
			break
		}
		if strings.HasPrefix(strings.TrimSpace(l), "◦") {
			continue // a nested item belongs to the item above it
		}
		item := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "•◦"))
		if m := numberedRE.FindStringIndex(item); m != nil {
			item = item[m[1]:]
		}
		if item != "" {
			items = append(items, item)
		}
	}
	return intro, items
}

// statements reports whether list items are sentences: most end with a full stop, and they
// are long enough on average to say something on their own.
func statements(items []string) bool {
	stops, runes, cjk := 0, 0, false
	for _, it := range items {
		t := strings.TrimRight(it, " \"'”»)）」』")
		if strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!") || strings.HasSuffix(t, "。") || strings.HasSuffix(t, "！") {
			stops++
		}
		runes += utf8.RuneCountInString(it)
		cjk = cjk || hasCJK([]rune(it))
	}
	min := statementRunes
	if cjk {
		min = statementRunesCJK
	}
	return 2*stops > len(items) && runes >= min*len(items)
}

// isTopic reports whether a list item is a bare topic (fewer than three words) rather than
// a point.
func isTopic(item string) bool {
	if hasCJK([]rune(item)) {
		return utf8.RuneCountInString(item) < 6
	}
	return len(strings.Fields(item)) < 3
}

// isTitle reports whether an item is short enough to be a title rather than a statement.
func isTitle(item string) bool {
	n := utf8.RuneCountInString(item)
	if hasCJK([]rune(item)) {
		return n < titleRunesCJK
	}
	return n < titleRunes
}

// supportItems finds, for each title item of l, the passage of the report (idx, in reading
// order) that develops it: the best passage of the section whose heading is the item; else,
// when most items head sections (a "top N" post) and this one's heading was lost, the
// passage closest in content between the sections of its neighbours, or anywhere in the
// report. It returns how many items head a section of their own.
func (s *Selector) supportItems(l *takeawayList, idx []int) (echoed int) {
	l.support = make([]int, len(l.items))
	heading := make([]string, len(idx))
	for k, i := range idx {
		heading[k] = corpus.LastHeading(s.passages[i].Section)
	}
	listAt := slices.Index(idx, l.passage)
	listHeading := heading[listAt]
	// Per item: the positions (in idx) of its section, when a heading names it. Pairs are
	// matched best first, one heading per item; conclusion headings name no single point.
	section := make([][]int, len(l.items))
	var headings []string
	seen := map[string]bool{}
	for _, h := range heading {
		if h != "" && h != listHeading && !seen[h] && !corpus.IsTakeawayText(h) {
			seen[h] = true
			headings = append(headings, h)
		}
	}
	type pair struct {
		item, head int
		sim        float64
	}
	var pairs []pair
	for n, item := range l.items {
		l.support[n] = -1
		for h, text := range headings {
			if sim := s.headingMatch(item, text); sim >= headingMatch {
				pairs = append(pairs, pair{n, h, sim})
			}
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return cmp.Compare(b.sim, a.sim) })
	headAt := make([]int, len(headings)) // where each heading first appears
	for h, text := range headings {
		headAt[h] = slices.Index(heading, text)
	}
	headTaken := map[int]bool{}
	var accepted []pair
	for _, pr := range pairs {
		if len(section[pr.item]) > 0 || headTaken[pr.head] {
			continue
		}
		// Items and their sections come in the same order.
		if slices.ContainsFunc(accepted, func(a pair) bool { return (a.item < pr.item) != (headAt[a.head] < headAt[pr.head]) }) {
			continue
		}
		accepted = append(accepted, pr)
		headTaken[pr.head] = true
		echoed++
		for k, h := range heading {
			if h == headings[pr.head] && k != listAt {
				section[pr.item] = append(section[pr.item], k)
				l.covered = append(l.covered, idx[k])
			}
		}
	}
	used := map[int]bool{l.passage: true}
	for n, item := range l.items {
		if len(section[n]) > 0 && isTitle(item) {
			l.support[n] = s.closest(item, idx, section[n], used, 0, true)
		}
	}
	if 2*echoed < len(l.items) {
		return echoed // not a table of sections: the items stand on their own
	}
	// Title items no heading names, in gaps between items that have their section: when the
	// gap spans as many sections as it has items, they are those sections in order (a heading
	// the text lost or rephrased); else each takes the passage closest in content, in the gap
	// or anywhere in the report.
	for n := 0; n < len(l.items); {
		if len(section[n]) > 0 || !isTitle(l.items[n]) {
			n++
			continue
		}
		m := n
		for m < len(l.items) && len(section[m]) == 0 && isTitle(l.items[m]) {
			m++
		}
		from, to := listAt+1, len(idx)
		for k := n - 1; k >= 0; k-- {
			if len(section[k]) > 0 {
				from = section[k][len(section[k])-1] + 1
				break
			}
		}
		for k := m; k < len(l.items); k++ {
			if len(section[k]) > 0 {
				to = section[k][0]
				break
			}
		}
		runs := sectionRuns(heading, from, to, listAt)
		// A conclusion section develops no single point.
		runs = slices.DeleteFunc(runs, func(r []int) bool { return corpus.IsTakeawayText(heading[r[0]]) })
		for j := n; j < m; j++ {
			if len(runs) == m-n {
				l.support[j] = s.closest(l.items[j], idx, runs[j-n], used, 0, true)
				for _, at := range runs[j-n] {
					l.covered = append(l.covered, idx[at])
				}
				continue
			}
			var window []int
			for _, r := range runs {
				window = append(window, r...)
			}
			k := s.closest(l.items[j], idx, window, used, contentMatch, false)
			if k < 0 {
				all := make([]int, 0, len(idx))
				for at := range idx {
					all = append(all, at)
				}
				k = s.closest(l.items[j], idx, all, used, 2*contentMatch, false)
			}
			l.support[j] = k
		}
		n = m
	}
	return echoed
}

// sectionRuns splits the positions from..to-1 (but the list's own, at skip) into runs of
// consecutive passages under one heading.
func sectionRuns(heading []string, from, to, skip int) [][]int {
	var runs [][]int
	for k := from; k < to; k++ {
		if k == skip {
			continue
		}
		if n := len(runs); n > 0 && heading[runs[n-1][0]] == heading[k] {
			runs[n-1] = append(runs[n-1], k)
			continue
		}
		runs = append(runs, []int{k})
	}
	return runs
}

// closest returns the passage (among idx[at] for at in positions, not used) whose vector is
// closest to the item's, if at least min; it marks it used. In a section (lead), the first
// passage usually states the point the rest develops: it wins unless another is clearly
// closer. -1 when none qualifies.
func (s *Selector) closest(item string, idx, positions []int, used map[int]bool, min float64, lead bool) int {
	const leadBonus = 0.1
	v := s.w.vectorOf(item)
	best, bestSim := -1, min
	first := true
	for _, at := range positions {
		i := idx[at]
		if used[i] || !longEnough(s.passages[i].Text) {
			continue
		}
		// The text alone: the heading, which every passage of the section shares, would
		// favour the shortest.
		sim := cosine(v, s.w.vectorOf(s.passages[i].Text))
		if lead && first {
			sim += leadBonus
		}
		first = false
		if sim > bestSim || (best < 0 && sim >= bestSim) {
			best, bestSim = i, sim
		}
	}
	if best >= 0 {
		used[best] = true
	}
	return best
}

// headingMatch is how much of the shorter of an item and a heading the other one says: the
// IDF-weighted share of its words found in the other, two words matching when one is the
// other with a different ending (a shared prefix of all but two letters, four at least:
// "locaux" and "local", "technologique" and "technologie") — a stemmer's effect in any
// language, without a stemmer per language.
func (s *Selector) headingMatch(item, head string) float64 {
	content := func(ts []string) []string {
		return slices.DeleteFunc(uniq(ts), func(t string) bool { return s.stops[t] })
	}
	ta, tb := content(terms(item)), content(terms(head))
	share := func(xs, ys []string) float64 {
		var all, hit float64
		for _, x := range xs {
			w := s.idf(x)
			all += w
			if slices.ContainsFunc(ys, func(y string) bool { return sameWord(x, y) }) {
				hit += w
			}
		}
		if all == 0 {
			return 0
		}
		return hit / all
	}
	if len(ta) < len(tb) {
		return share(ta, tb)
	}
	return share(tb, ta)
}

func (s *Selector) idf(t string) float64 {
	if w, ok := s.w.idf[t]; ok {
		return w
	}
	return math.Log(1 + float64(s.w.n+1))
}

func uniq(xs []string) []string {
	slices.Sort(xs)
	return slices.Compact(xs)
}

// sameWord reports whether two folded words are one word with different endings.
func sameWord(a, b string) bool {
	if a == b {
		return true
	}
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
		n++
	}
	short := min(len(ra), len(rb))
	return n >= 4 && n >= short-2
}

// announceRe recognises headings of announcement sections and announcement verbs, in the
// supported languages (word stems, so that "announced", "annonce", "anunció" all match).
var announceRe = regexp.MustCompile(`(?i)announc|annonc|ankündig|anunci|annunci|anúnci|aankondig|tillkännag|lanser|launch|lançou|lancé|released|ogłos|duyur|анонс|объяв|оголош|公告|发布|宣布|発表|발표`)

// evaluativeRe recognises the words of a claim about what matters (superlatives, trends,
// verdicts), in the supported languages.
var evaluativeRe = regexp.MustCompile(`(?i)\b(most|main|key|major|biggest|trend|dominat|mature|popular|important|winner|le plus|la plus|principa|majeur|tendance|populaire|mûr|mest|viktig|domin|mogen|meisten|wichtig|haupt|más|tendencia|importante|più|tendenza|meest|belangrijk|grootste)|最|主要|趋势|重要|主流|重要|最も|가장`)

// figureRe finds figures: numbers of two digits or more, and percentages.
var figureRe = regexp.MustCompile(`\d[\d\s.,]*\d|\d+\s?%`)

// claimScore ranks a tier-1 passage: its centrality, raised by figures (other than years),
// announcements and evaluative words — the marks of a passage that says something.
func claimScore(text string, central float64) float64 {
	s := central
	if hasFigure(text) {
		s += 0.1
	}
	if announceRe.MatchString(text) {
		s += 0.1
	}
	if evaluativeRe.MatchString(text) {
		s += 0.05
	}
	return s
}

// claims reports whether a passage bears one of the marks of a claim at all; one that does not
// narrates (a talk's agenda, the author's day).
func claims(text string) bool {
	return hasFigure(text) || announceRe.MatchString(text) || evaluativeRe.MatchString(text)
}

func hasFigure(text string) bool {
	for _, m := range figureRe.FindAllString(text, -1) {
		digits := strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return r
			}
			return -1
		}, m)
		if n, err := strconv.Atoi(digits); err == nil && len(digits) == 4 && n >= 1900 && n <= 2100 {
			continue // a year
		}
		if len(digits) >= 2 || strings.Contains(m, "%") {
			return true
		}
	}
	return false
}

// reportPoints returns the points of one report (its passages idx, in reading order) and its
// other central passages as tier-1 candidates.
func (s *Selector) reportPoints(rid string, idx []int, central []float64, lists map[int]*takeawayList, usedUnits map[int]bool) []rawPoint {
	if len(idx) == 0 {
		return nil
	}
	r := s.reports[rid]
	var out []rawPoint
	used := map[int]bool{}
	hasItems := false
	for _, i := range idx {
		l := lists[i]
		if l == nil || !l.points {
			continue
		}
		hasItems = true
		used[i] = true
		list := s.passages[i]
		for n, item := range l.items {
			pt := point{
				id: fmt.Sprintf("%s/%d", list.ID, n+1), report: rid, lang: lang(r, list),
				passage: l.support[n], list: i, item: item,
			}
			if isTitle(item) {
				pt.title = strings.TrimRight(item, " .。")
			}
			if l.support[n] >= 0 {
				used[l.support[n]] = true
			}
			out = append(out, rawPoint{
				key: fmt.Sprintf("u%d/%d/%d", s.unitOf[i], n, len(l.items)), anchor: i, pt: pt,
				tier: TierTakeaway, score: 10 - float64(n)/float64(len(l.items)),
			})
		}
	}
	// The central half of the report: the passages scoring its median or better. Take-away
	// paragraphs need only half the median (a highlight is often the one place a report names
	// a subject), and must not be boilerplate.
	cs := make([]float64, len(idx))
	for k, i := range idx {
		cs[k] = central[i]
	}
	sorted := slices.Clone(cs)
	slices.Sort(sorted)
	cut := sorted[len(sorted)-(len(sorted)+1)/2]
	for k, i := range idx {
		p := s.passages[i]
		if used[i] || usedUnits[s.unitOf[i]] || !longEnough(p.Text) || cs[k] < cut/2 || boilerplate(p.Text) {
			continue
		}
		isPoint := (p.Takeaway || announceRe.MatchString(corpus.LastHeading(p.Section))) && !hasItems
		tier, score := TierCentral, claimScore(p.Text, cs[k])
		switch {
		case isPoint:
			tier, score = TierTakeaway, cs[k]
		case cs[k] < cut:
			continue
		}
		out = append(out, rawPoint{
			key: fmt.Sprintf("u%d", s.unitOf[i]), anchor: i,
			pt:   point{id: p.ID, report: rid, lang: lang(r, p), passage: i, list: -1},
			tier: tier, score: score, claims: claims(p.Text),
		})
	}
	return out
}

// logisticsRe recognises the lines of a report about where to find things (slides, videos,
// the programme), thanks, invitations and calls to try a product: what a conclusion section
// holds besides its points.
var logisticsRe = regexp.MustCompile(`(?i)slides|vid[eé]o|youtube|replay|recording|enregistr|inspelning|aufzeichnung|grabaci|registrazion|opname|programme complet|full (program|schedule)|available (here|online)|disponibles? (ici|en ligne)|hier verfügbar|disponible aquí|thanks|thank you|merci|danke|tack|gracias|grazie|bedankt|obrigad|谢谢|感谢|ありがとう|감사|try (our|the latest)|essayez|probieren sie|prueba nuestr|prova (il|la) nostr|get in touch|contact us|contactez|kontaktieren sie|kontakta oss`)

// boilerplate reports whether at least half of a passage's sentences are questions to the
// reader or logistics and thanks.
func boilerplate(text string) bool {
	ss := corpus.Sentences(text)
	n := 0
	for _, s := range ss {
		if isQuestion(s) || logisticsRe.MatchString(s) {
			n++
		}
	}
	return len(ss) > 0 && 2*n >= len(ss)
}

// lang is a passage's language, else its report's.
func lang(r corpus.Report, p corpus.Passage) string {
	if p.Lang != "" {
		return p.Lang
	}
	return r.Lang
}
