package digest

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/text"
)

// Centrality is the centroid measure of extractive summarisation (MEAD, Radev et al. 2004): a
// passage is central when its TF-IDF vector points where the rest of its report points. It
// costs one pass over the corpus, needs no model, works in every language the tokenizer
// handles (Han text is cut into character bigrams) and ranks boilerplate — thanks, author
// biographies, "the slides are on YouTube" — low, because those words appear nowhere else
// in the report.

// vector is a sparse TF-IDF vector.
type vector map[string]float64

// terms are the words of text used for centrality: the folded words of retrieval, with Han
// and kana runs cut into overlapping bigrams (a Chinese report has no spaces to split on).
func terms(s string) []string {
	var out []string
	for _, w := range text.Words(s) {
		rs := []rune(w)
		if !hasCJK(rs) {
			if len(rs) >= 2 && !isNumber(w) {
				out = append(out, w)
			}
			continue
		}
		if len(rs) == 1 {
			continue
		}
		for i := 0; i+1 < len(rs); i++ {
			out = append(out, string(rs[i:i+2]))
		}
	}
	return out
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) && r != '.' && r != ',' {
			return false
		}
	}
	return true
}

func hasCJK(rs []rune) bool {
	for _, r := range rs {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}

// weights holds the inverse document frequencies of a corpus, passages being the documents.
type weights struct {
	idf map[string]float64
	n   int
}

func newWeights(ps []corpus.Passage) weights {
	df := map[string]int{}
	for _, p := range ps {
		seen := map[string]bool{}
		for _, t := range terms(p.Section + "\n" + p.Text) {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	w := weights{idf: make(map[string]float64, len(df)), n: len(ps)}
	for t, d := range df {
		w.idf[t] = math.Log(1 + float64(len(ps))/float64(d))
	}
	return w
}

// vectorOf is the unit-length TF-IDF vector of text (sublinear term frequency).
func (w weights) vectorOf(text string) vector {
	tf := map[string]float64{}
	for _, t := range terms(text) {
		tf[t]++
	}
	v := make(vector, len(tf))
	var norm float64
	for t, n := range tf {
		idf, ok := w.idf[t]
		if !ok {
			idf = math.Log(1 + float64(w.n+1))
		}
		x := (1 + math.Log(n)) * idf
		v[t] = x
		norm += x * x
	}
	if norm == 0 {
		return v
	}
	norm = math.Sqrt(norm)
	for t := range v {
		v[t] /= norm
	}
	return v
}

func cosine(a, b vector) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var dot, nb float64
	for t, x := range a {
		dot += x * b[t]
	}
	for _, y := range b {
		nb += y * y
	}
	if nb == 0 {
		return 0
	}
	return dot / math.Sqrt(nb) // a is unit length
}

// centralities returns, for each passage of one report (in the given order), the cosine of
// its vector with the sum of the others' vectors. A report of one passage gets 1.
func centralities(w weights, ps []corpus.Passage) ([]float64, []vector) {
	vs := make([]vector, len(ps))
	sum := vector{}
	for i, p := range ps {
		vs[i] = w.vectorOf(p.Section + "\n" + p.Text)
		for t, x := range vs[i] {
			sum[t] += x
		}
	}
	out := make([]float64, len(ps))
	for i := range ps {
		if len(ps) == 1 {
			out[i] = 1
			continue
		}
		rest := make(vector, len(sum))
		for t, x := range sum {
			if y := x - vs[i][t]; y > 1e-12 {
				rest[t] = y
			}
		}
		out[i] = cosine(vs[i], rest)
	}
	return out, vs
}

// centroid is the sum of a report's passage vectors.
func centroid(vs []vector) vector {
	sum := vector{}
	for _, v := range vs {
		for t, x := range v {
			sum[t] += x
		}
	}
	return sum
}

// Key sentences: how much of a passage the offline takeaway quotes.
const (
	maxKeySentences = 3
	// keyBudget and keyBudgetCJK bound the quoted text in runes (a Han character says more).
	keyBudget    = 480
	keyBudgetCJK = 220
)

// keySentences picks the one to three sentences of a passage that best carry its report's
// centroid, in reading order. In a list the items are the units (a whole "• item" line each)
// and the introduction line ("What to remember:") stays in front of them, since items make
// little sense without it.
func keySentences(w weights, report vector, text string) []string {
	budget := keyBudget
	if hasCJK([]rune(text)) {
		budget = keyBudgetCJK
	}
	var intro string
	var pieces []string
	lines := strings.Split(text, "\n")
	if first := slices.IndexFunc(lines, func(l string) bool { return corpus.IsListLine(l) }); first >= 0 {
		// The line that introduces the list (what came before it is another point).
		if first > 0 {
			intro = lines[first-1]
		}
		for _, l := range lines[first:] {
			if corpus.IsListLine(l) {
				pieces = append(pieces, l)
			}
		}
	} else {
		for _, s := range corpus.Sentences(text) {
			// Rhetorical questions ("And you, were you there?") are not insights.
			if !isQuestion(s) {
				pieces = append(pieces, s)
			}
		}
	}
	type scored struct {
		i     int
		score float64
	}
	var cands []scored
	for i, s := range pieces {
		if !substantial(s) {
			continue
		}
		cands = append(cands, scored{i, cosine(w.vectorOf(s), report)})
	}
	if len(cands) == 0 {
		if s := corpus.Sentences(text); len(s) > 0 {
			return []string{truncateRunes(s[0], budget)}
		}
		return nil
	}
	slices.SortStableFunc(cands, func(a, b scored) int { return cmp.Or(cmp.Compare(b.score, a.score), a.i-b.i) })
	chosen := []int{}
	used := 0
	// A paragraph's first sentence states its topic: it leads the quote when it says something.
	if intro == "" {
		if k := slices.IndexFunc(cands, func(c scored) bool { return c.i == 0 }); k >= 0 {
			chosen = append(chosen, 0)
			used += utf8.RuneCountInString(pieces[0])
			cands = slices.Delete(cands, k, k+1)
		}
	}
	for _, c := range cands {
		if len(chosen) == maxKeySentences {
			break
		}
		n := utf8.RuneCountInString(pieces[c.i])
		if len(chosen) > 0 && used+n > budget {
			continue
		}
		chosen = append(chosen, c.i)
		used += n
	}
	slices.Sort(chosen)
	var out []string
	if intro = strings.TrimSpace(intro); intro != "" {
		out = append(out, truncateRunes(intro, budget/2))
	}
	for _, i := range chosen {
		out = append(out, truncateRunes(pieces[i], budget))
	}
	return out
}

// substantial reports whether a sentence says something: a stray quotation mark or a
// three-word aside does not.
func substantial(s string) bool {
	letters := 0
	cjk := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			cjk = true
		}
	}
	if cjk {
		return letters >= 5
	}
	return letters >= 20
}

func isQuestion(s string) bool {
	s = strings.TrimRight(s, " \"'”»)）」』")
	return strings.HasSuffix(s, "?") || strings.HasSuffix(s, "？")
}

// truncateRunes shortens s to at most n runes, at a space when there is one near the end.
func truncateRunes(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	cut := n - 1
	for i := cut; i > n*3/4; i-- {
		if unicode.IsSpace(rs[i]) {
			cut = i
			break
		}
	}
	return strings.TrimSpace(string(rs[:cut])) + "…"
}
