package text

import (
	"bufio"
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// glossaryTSV is the cross-lingual domain glossary: one concept a line, one column a language.
//
//go:embed glossary.tsv
var glossaryTSV string

// glossaryLangs is the column order of glossary.tsv.
var glossaryLangs = []string{"en", "fr", "sv", "de", "es", "zh", "ja", "pt", "it", "nl"}

// GlossaryLangs returns the languages of the glossary's columns.
func GlossaryLangs() []string { return append([]string(nil), glossaryLangs...) }

// Glossary translates domain words and phrases between languages, so that a question finds
// passages written in another language ("next" → "prochaine", "nästa", "下一届").
type Glossary struct {
	// entries maps a language and a folded surface form to the concepts it belongs to.
	entries map[string]map[string][]int
	// concepts holds, per concept, the folded surface forms by language; written holds the
	// same forms as the glossary writes them (lower case, accents kept).
	concepts []map[string][]string
	written  []map[string][]string
	// longest is the longest surface form in words (Latin) per language.
	longest int
	// byStem lists, per language, the one-word forms by their first five letters, so that an
	// inflection the glossary does not list ("organiza" of "organizar") finds its form.
	byStem map[string]map[string][]string
}

// ParseGlossary reads the TSV format of glossary.tsv.
func ParseGlossary(src string) (*Glossary, error) {
	g := &Glossary{entries: map[string]map[string][]int{}, byStem: map[string]map[string][]string{}}
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != len(glossaryLangs) {
			return nil, fmt.Errorf("glossary line %d: %d columns, want %d (%s)", line, len(cols), len(glossaryLangs), strings.Join(glossaryLangs, " "))
		}
		concept, written := map[string][]string{}, map[string][]string{}
		for i, col := range cols {
			l := glossaryLangs[i]
			for _, raw := range strings.Split(col, "|") {
				raw = FoldHan(strings.ToLower(strings.TrimSpace(raw)))
				form := Fold(raw)
				if form == "" {
					continue
				}
				concept[l] = append(concept[l], form)
				written[l] = append(written[l], raw)
				if g.entries[l] == nil {
					g.entries[l] = map[string][]int{}
				}
				g.entries[l][form] = append(g.entries[l][form], len(g.concepts))
				if rs := []rune(form); len(rs) >= 6 && !strings.Contains(form, " ") {
					if g.byStem[l] == nil {
						g.byStem[l] = map[string][]string{}
					}
					k := string(rs[:5])
					if !slices.Contains(g.byStem[l][k], form) {
						g.byStem[l][k] = append(g.byStem[l][k], form)
					}
				}
				if n := len(strings.Fields(form)); n > g.longest {
					g.longest = n
				}
			}
		}
		g.concepts = append(g.concepts, concept)
		g.written = append(g.written, written)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("glossary: %w", err)
	}
	return g, nil
}

// DefaultGlossary is the glossary shipped in the binary.
func DefaultGlossary() (*Glossary, error) { return ParseGlossary(glossaryTSV) }

// Match is one glossary phrase found in a text: its folded surface form and its concept.
type Match struct {
	Surface string
	Concept int
}

// Forms returns the folded forms of a concept in a language, most common first.
func (g *Glossary) Forms(concept int, lang string) []string { return g.concepts[concept][lang] }

// Matches finds the glossary phrases of text (written in lang). Longer phrases win over the words
// inside them. Chinese and Japanese text is matched by substring, longest first, which is also
// how it gets segmented.
func (g *Glossary) Matches(text, lang string) []Match {
	if g == nil {
		return nil
	}
	lang = analysisLang(lang)
	forms := g.entries[lang]
	var out []Match
	folded := Fold(text)
	if lang == "zh" || lang == "ja" {
		// CJK forms match as substrings (that is the segmentation); Latin forms in these
		// columns ("ga", "api") must match whole words, or "ga" would match inside "brigade".
		var keys, words []string
		latin := map[string]bool{}
		for _, w := range Tokenize(folded) {
			latin[w] = true
		}
		for k := range forms {
			if IsHanWord([]rune(k)) {
				if strings.Contains(folded, k) {
					keys = append(keys, k)
				}
			} else if latin[k] {
				words = append(words, k)
			}
		}
		sort.Strings(words)
		for _, k := range words {
			out = append(out, matchesOf(k, forms[k])...)
		}
		sort.Slice(keys, func(i, j int) bool {
			if a, b := utf8.RuneCountInString(keys[i]), utf8.RuneCountInString(keys[j]); a != b {
				return a > b
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys {
			if strings.Contains(folded, k) {
				for _, id := range forms[k] {
					out = append(out, Match{k, id})
				}
				folded = strings.ReplaceAll(folded, k, " ")
			}
		}
		return out
	}
	words := Tokenize(folded)
	for i := 0; i < len(words); {
		n := min(g.longest, len(words)-i)
		for ; n >= 1; n-- {
			phrase := strings.Join(words[i:i+n], " ")
			if ids, ok := forms[phrase]; ok {
				for _, id := range ids {
					out = append(out, Match{phrase, id})
				}
				break
			}
		}
		if n == 0 {
			if f := g.inflectionOf(lang, words[i]); f != "" {
				for _, id := range forms[f] {
					out = append(out, Match{words[i], id})
				}
			}
		}
		i += max(n, 1)
	}
	return out
}

// inflectionOf is the glossary form a word inflects: the same first five letters and most of
// the longer word shared ("organiza" → "organizar", "konferensen" → "konferens"); the longest
// shared beginning wins, then the shorter form.
func (g *Glossary) inflectionOf(lang, w string) string {
	rw := []rune(w)
	if len(rw) < 6 {
		return ""
	}
	best, bestCommon := "", 0
	for _, f := range g.byStem[lang][string(rw[:5])] {
		rf := []rune(f)
		common := 0
		for common < len(rw) && common < len(rf) && rw[common] == rf[common] {
			common++
		}
		if float64(common) < 0.75*float64(max(len(rw), len(rf))) {
			continue
		}
		if common > bestCommon || common == bestCommon && len(rf) < len([]rune(best)) {
			best, bestCommon = f, common
		}
	}
	return best
}

// maxForms caps the forms of one concept used per language: the first forms are the common ones,
// the rest (rare inflections) mostly add noise to a query.
const maxForms = 3

func matchesOf(surface string, ids []int) []Match {
	out := make([]Match, len(ids))
	for i, id := range ids {
		out[i] = Match{surface, id}
	}
	return out
}

// Translate returns, per target language, the forms of the glossary phrases found in text.
func (g *Glossary) Translate(text, lang string, targets []string) map[string][]string {
	return g.translate(text, lang, targets, func(string) bool { return false }, false)
}

func (g *Glossary) translate(text, lang string, targets []string, skip func(surface string) bool, asWritten bool) map[string][]string {
	out := map[string][]string{}
	seen := map[string]bool{}
	for _, m := range g.Matches(text, lang) {
		if skip(m.Surface) {
			continue
		}
		for _, t := range targets {
			forms := g.concepts[m.Concept][t]
			if asWritten {
				forms = g.written[m.Concept][t]
			}
			for _, f := range forms[:min(len(forms), maxForms)] {
				if !seen[t+"\x00"+f] {
					seen[t+"\x00"+f] = true
					out[t] = append(out[t], f)
				}
			}
		}
	}
	return out
}
