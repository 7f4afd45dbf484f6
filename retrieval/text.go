package retrieval

import (
	"strings"
	"unicode"
)

// tokenize splits text into words; runs of Han or kana stay whole, but are cut from Latin
// letters they touch ("Spotify删除集群" → "Spotify", "删除集群").
func tokenize(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '.' && r != '/'
	}) {
		start := 0
		rs := []rune(f)
		for i := 1; i < len(rs); i++ {
			if isHan(rs[i]) != isHan(rs[i-1]) {
				out = append(out, string(rs[start:i]))
				start = i
			}
		}
		out = append(out, string(rs[start:]))
	}
	return out
}

func isHan(r rune) bool { return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) }

// wordsOf folds text and returns its words, plus the parts of hyphenated, slashed and camel-case
// words ("CPU-kärnor" → cpu-karnor, cpu, karnor; "IPv4/IPv6" → ipv4, ipv6; "kindKubernetes" →
// kind, kubernetes), so that each part can be matched alone.
func wordsOf(text string) []string {
	var out []string
	for _, raw := range tokenize(text) {
		raw = cleanToken(raw)
		if raw == "" {
			continue
		}
		w := foldText(raw)
		out = append(out, w)
		parts := strings.FieldsFunc(raw, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
		var split []string
		for _, p := range parts {
			split = append(split, splitCamel(p)...)
		}
		if len(split) > 1 {
			for _, p := range split {
				if p = foldText(p); len([]rune(p)) >= 2 {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// Words is wordsOf for other packages: the folded words of text and the parts of compound words.
func Words(text string) []string { return wordsOf(text) }

// Fold lower-cases text and strips its accents, the way the index compares words.
func Fold(text string) string { return foldText(text) }

// splitCamel splits "kindKubernetes" into "kind", "Kubernetes"; acronyms ("IPv4", "gVisor") stay whole.
func splitCamel(s string) []string {
	rs := []rune(s)
	var out []string
	start := 0
	for i := 1; i < len(rs); i++ {
		if unicode.IsLower(rs[i-1]) && unicode.IsUpper(rs[i]) && i+1 < len(rs) && unicode.IsLower(rs[i+1]) && i-start >= 3 {
			out = append(out, string(rs[start:i]))
			start = i
		}
	}
	return append(out, string(rs[start:]))
}

// cleanToken trims punctuation that tokenize keeps inside words ("v1.0", "ci/cd") from the ends.
func cleanToken(t string) string {
	return strings.Trim(t, "-./")
}

// questionWords are words that make a question a question without saying what it is about; they
// are dropped from queries in every language (function words come from each analyzer's stop list).
var questionWords = map[string][]string{
	"en": {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "does", "did", "do", "tell", "me", "about", "please", "according", "say", "said", "per", "report", "reports", "talk"},
	"fr": {"quoi", "quel", "quelle", "quels", "quelles", "quand", "où", "pourquoi", "comment", "combien", "qu", "est-ce", "dit", "parle", "selon", "rapport"},
	"sv": {"vad", "vilka", "vilken", "vilket", "vem", "när", "var", "varför", "hur", "gjorde", "enligt", "berätta"},
	"de": {"was", "welche", "welcher", "welches", "wer", "wann", "wo", "warum", "wie", "laut", "gemäß", "erzähl"},
	"es": {"qué", "que", "cuál", "cuáles", "quién", "quiénes", "cuándo", "dónde", "por", "cómo", "cuántos", "cuántas", "según"},
	"pt": {"que", "qual", "quais", "quem", "quando", "onde", "porque", "como", "quantos", "quantas", "segundo"},
	"it": {"che", "cosa", "cos", "quale", "quali", "chi", "quando", "dove", "perché", "come", "quanti", "quante", "secondo"},
	"nl": {"wat", "welke", "wie", "wanneer", "waar", "waarom", "hoe", "hoeveel", "volgens"},
	"zh": {"什么", "是", "的", "了", "吗", "呢", "哪些", "哪个", "哪里", "谁", "怎么", "如何", "为什么", "有", "在", "和", "讲", "关于", "请问", "一下"},
	"ja": {"何", "は", "が", "の", "を", "に", "で", "と", "です", "ですか", "か", "について", "どこ", "いつ", "誰", "なぜ", "どう"},
}
