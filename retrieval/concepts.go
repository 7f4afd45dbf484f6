package retrieval

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/text"
)

// Concept is one thing a question asks about: a content word or glossary phrase, with its forms
// in other languages. The answerer uses concepts to pick sentences and to tell whether the
// reports cover a question at all.
type Concept struct {
	// Term is the folded form found in the question.
	Term string
	// Forms are the folded forms in every language, Term included.
	Forms []string
	// Name is true for names, acronyms and numbers (words with capitals or digits), which carry
	// a question's subject and survive translation.
	Name bool
	// Known is true when the term, or one of its forms, occurs in the corpus.
	Known bool
	// IDF is the inverse document frequency of the rarest form in the corpus passages: common
	// words (Kubernetes in a KubeCon corpus) weigh little, rare ones a lot.
	IDF float64
}

// Concepts returns the concepts of a question written in lang.
func (ix *Index) Concepts(question, lang string) []Concept {
	var out []Concept
	seen := map[string]bool{}
	targets := text.GlossaryLangs()
	// Glossary phrases first: they claim their words.
	claimed := map[string]bool{}
	for _, m := range ix.analyzer.Glossary().Matches(question, lang) {
		c := Concept{Term: m.Surface}
		forms := map[string]bool{m.Surface: true}
		c.Forms = append(c.Forms, m.Surface)
		for _, t := range targets {
			for _, f := range ix.analyzer.Glossary().Forms(m.Concept, t) {
				if !forms[f] {
					forms[f] = true
					c.Forms = append(c.Forms, f)
				}
			}
		}
		for _, w := range strings.Fields(m.Surface) {
			claimed[w] = true
		}
		if ix.analyzer.IsStop(lang, m.Surface) {
			continue
		}
		c.Known = ix.knownAny(c.Forms)
		c.IDF = ix.idf(c.Forms)
		if !seen[c.Term] {
			seen[c.Term] = true
			out = append(out, c)
		}
	}
	names := text.NameTokensIn(question, lang)
	for _, t := range ix.analyzer.Terms(question, lang) {
		if claimed[t] || seen[t] {
			continue
		}
		seen[t] = true
		c := Concept{Term: t, Forms: []string{t}, Name: names[t] || ix.properNouns[t]}
		c.Known = ix.knownAny(c.Forms)
		c.IDF = ix.idf(c.Forms)
		out = append(out, c)
	}
	return out
}

func (ix *Index) knownAny(forms []string) bool {
	for _, f := range forms {
		if ix.known(f) {
			return true
		}
	}
	return false
}

// known reports whether a folded term occurs in the corpus: every word of a phrase must, and
// Chinese or Japanese runs are looked up by their bigrams.
func (ix *Index) known(term string) bool {
	for _, w := range strings.Fields(term) {
		rs := []rune(w)
		if text.IsHanWord(rs) {
			if len(rs) == 1 {
				if !ix.inVocab(w) {
					return false
				}
				continue
			}
			found := 0
			for i := 0; i+1 < len(rs); i++ {
				if ix.inVocab(string(rs[i : i+2])) {
					found++
				}
			}
			if found*2 < len(rs)-1 {
				return false
			}
			continue
		}
		if ix.inVocab(w) || ix.inVocab(stemKey(w)) {
			continue
		}
		// "IPv4/IPv6", "dual-stack": known when every part is.
		parts := strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
		if len(parts) < 2 {
			return false
		}
		for _, p := range parts {
			if !ix.inVocab(p) && !ix.inVocab(stemKey(p)) {
				return false
			}
		}
	}
	return true
}

// idf is the highest inverse document frequency among forms (a form absent from the corpus
// counts as rare but not infinitely so).
func (ix *Index) idf(forms []string) float64 {
	n := float64(len(ix.corpus.Passages))
	best := 0.0
	for _, f := range forms {
		df := 0
		for _, w := range strings.Fields(f) {
			d := ix.df[w]
			if d == 0 {
				d = ix.df[stemKey(w)]
			}
			if df == 0 || (d > 0 && d < df) {
				df = d
			}
		}
		v := math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
		if df == 0 {
			v = math.Log(1 + (n+0.5)/1.5)
		}
		if v > best {
			best = v
		}
	}
	return best
}

// stemKey is a crude stem for vocabulary look-ups across inflections: the first six letters of
// a long word, marked so it cannot collide with a real word.
func stemKey(w string) string {
	rs := []rune(w)
	if len(rs) < 7 {
		return w
	}
	return string(rs[:6]) + "~"
}

// buildVocab collects the folded words (and CJK bigrams, and word stems) of the n corpus texts
// (each given as word lists),
// with the number of texts each occurs in.
func buildVocab(n int, textAt func(i int) [][]string) map[string]int {
	df := map[string]int{}
	for i := range n {
		seen := map[string]bool{}
		add := func(k string) {
			if !seen[k] {
				seen[k] = true
				df[k]++
			}
		}
		for _, w := range slices.Concat(textAt(i)...) {
			rs := []rune(w)
			if text.IsHanWord(rs) {
				for i := range rs {
					add(string(rs[i]))
					if i+1 < len(rs) {
						add(string(rs[i : i+2]))
					}
				}
				continue
			}
			add(w)
			add(stemKey(w))
		}
	}
	return df
}

// centralPassages lists, for each report, its three most central passages: those whose words
// are the report's own recurring ones (term frequency in the report times IDF in the corpus),
// per word of the passage, so that a long passage does not win by length alone.
func centralPassages(c *corpus.Corpus, passageWords [][]string, df map[string]int) map[string][]string {
	n := float64(len(c.Passages))
	byReport := map[string][]int{}
	var order []string
	for i, p := range c.Passages {
		if _, ok := byReport[p.ReportID]; !ok {
			order = append(order, p.ReportID)
		}
		byReport[p.ReportID] = append(byReport[p.ReportID], i)
	}
	out := map[string][]string{}
	for _, r := range order {
		idx := byReport[r]
		ps := make([]corpus.Passage, len(idx))
		words := make([][]string, len(idx))
		tf := map[string]int{}
		for i, j := range idx {
			ps[i], words[i] = c.Passages[j], passageWords[j]
			for _, w := range words[i] {
				tf[w]++
			}
		}
		type ranked struct {
			id    string
			score float64
		}
		var rs []ranked
		for i, p := range ps {
			if utf8.RuneCountInString(p.Text) < 120 {
				continue
			}
			score := 0.0
			seen := map[string]bool{}
			for _, w := range words[i] {
				if seen[w] || tf[w] < 2 {
					continue
				}
				seen[w] = true
				idf := math.Log(1 + (n-float64(df[w])+0.5)/(float64(df[w])+0.5))
				score += math.Log(float64(tf[w])) * idf
			}
			rs = append(rs, ranked{p.ID, score / math.Sqrt(float64(len(words[i])+1))})
		}
		sort.SliceStable(rs, func(i, j int) bool {
			if rs[i].score != rs[j].score {
				return rs[i].score > rs[j].score
			}
			return rs[i].id < rs[j].id
		})
		for i := 0; i < len(rs) && i < 3; i++ {
			out[r] = append(out[r], rs[i].id)
		}
	}
	return out
}
