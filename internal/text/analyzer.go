package text

import (
	"sort"
	"strings"
	"unicode"
)

// Analyzer knows the function words of each language and the glossary: what the index, the
// question plan and the answerer need to agree on a question's content words.
type Analyzer struct {
	stops    map[string]map[string]bool
	question map[string]map[string]bool
	cjkWords map[string][]string // question words of zh and ja, longest first
	glossary *Glossary
}

// NewAnalyzer returns an analyzer over a glossary (nil: the built-in one) and the stop words of
// each language (package stopwords reads the full-text index's own).
func NewAnalyzer(g *Glossary, stops map[string]map[string]bool) (*Analyzer, error) {
	if g == nil {
		var err error
		if g, err = DefaultGlossary(); err != nil {
			return nil, err
		}
	}
	// Questions are folded before their words are looked up ("på" → "pa", "où" → "ou"), so
	// every stop word is kept in its folded form too.
	folded := make(map[string]map[string]bool, len(stops))
	for lang, ws := range stops {
		folded[lang] = make(map[string]bool, 2*len(ws))
		for w := range ws {
			folded[lang][w] = true
			folded[lang][Fold(w)] = true
		}
	}
	a := &Analyzer{stops: folded, question: map[string]map[string]bool{}, cjkWords: map[string][]string{}, glossary: g}
	for lang, ws := range questionWords {
		a.question[lang] = map[string]bool{}
		for _, w := range ws {
			a.question[lang][Fold(w)] = true
		}
		if lang == "zh" || lang == "ja" {
			var sorted []string
			for _, w := range ws {
				sorted = append(sorted, Fold(w))
			}
			sort.SliceStable(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
			a.cjkWords[lang] = sorted
		}
	}
	return a, nil
}

// Translate returns, per target language, the glossary forms of the question's phrases, leaving
// out function words: Swedish "är" ("is") folds onto "år" ("year") and must not bring "année".
func (a *Analyzer) Translate(text, lang string, targets []string) map[string][]string {
	return a.glossary.translate(text, lang, targets, func(surface string) bool { return a.IsStop(lang, surface) }, false)
}

// TranslateWritten is Translate with the forms as the glossary writes them (accents kept), for
// the full-text index.
func (a *Analyzer) TranslateWritten(text, lang string, targets []string) map[string][]string {
	return a.glossary.translate(text, lang, targets, func(surface string) bool { return a.IsStop(lang, surface) }, true)
}

// Glossary returns the analyzer's glossary.
func (a *Analyzer) Glossary() *Glossary { return a.glossary }

// IsStop reports whether a folded word is a function word of lang (from the analyzer's stop
// list) or a question word.
func (a *Analyzer) IsStop(lang, word string) bool {
	lang = analysisLang(lang)
	if a.stops[lang][word] {
		return true
	}
	return a.question[lang][word]
}

// Terms are the content words of a question: folded, without the language's function and
// question words. Chinese and Japanese keep their runs (the analyzer makes bigrams of them).
func (a *Analyzer) Terms(text, lang string) []string { return a.terms(text, lang, Words) }

// QueryTerms are Terms as written (lower-cased, accents kept), for the full-text index.
func (a *Analyzer) QueryTerms(text, lang string) []string {
	return a.terms(FoldHan(strings.ToLower(text)), lang, LowerWords)
}

func (a *Analyzer) terms(s, lang string, split func(string) []string) []string {
	lang = analysisLang(lang)
	if words, ok := a.cjkWords[lang]; ok {
		s = Fold(s)
		for _, w := range words {
			s = strings.ReplaceAll(s, w, " ")
		}
		if lang == "ja" {
			// Hiragana are particles and endings; the subject is in kanji, katakana and Latin.
			s = strings.Map(func(r rune) rune {
				if unicode.Is(unicode.Hiragana, r) {
					return ' '
				}
				return r
			}, s)
		}
	}
	var out []string
	for _, t := range split(s) {
		f := Fold(t)
		if t == "" || a.IsStop(lang, f) {
			continue
		}
		if parts := strings.FieldsFunc(f, func(r rune) bool { return r == '-' || r == '/' || r == '.' }); len(parts) > 1 {
			content := 0
			for _, p := range parts {
				if !a.IsStop(lang, p) && len([]rune(p)) > 1 {
					content++
				}
			}
			if content < 2 {
				continue // "avait-il", "qu'est-ce": a function word glued to another; its parts decide
			}
		}
		if len([]rune(t)) < 2 && !IsHanWord([]rune(t)) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// NameTokens returns the folded words of text that look like names: a capital letter after the
// first word, an acronym, or digits.
func NameTokens(text string) map[string]bool { return NameTokensIn(text, "") }

// NameTokensIn is NameTokens for a text written in lang. German writes every noun with a
// capital, so there a capital initial alone does not make a name ("Netzwerkverkehr"):
// acronyms, inner capitals (gVisor) and digits still do.
func NameTokensIn(text, lang string) map[string]bool {
	nounCase := analysisLang(lang) == "de"
	out := map[string]bool{}
	words := Tokenize(text)
	for i, w := range words {
		w = CleanToken(w)
		rs := []rune(w)
		if len(rs) < 2 || IsHanWord(rs) {
			continue
		}
		upper, digit := 0, false
		for _, r := range rs {
			if unicode.IsUpper(r) {
				upper++
			}
			if unicode.IsDigit(r) {
				digit = true
			}
		}
		if nounCase && upper == 1 && unicode.IsUpper(rs[0]) {
			continue
		}
		if digit || upper >= 2 || (upper == 1 && i > 0) {
			out[Fold(w)] = true
		}
	}
	return out
}
