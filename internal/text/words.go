// Package text is takeaway's one home for text analysis: what a word is (tokens, folding, parts of
// compound words), function and question words per language, names, and the cross-lingual
// glossary. The index, the question plan, the answerer and the daily post all use it, so that
// the words a question is searched with are the words passages were indexed with.
package text

import (
	_ "embed"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Tokenize splits text into words; runs of Han or kana stay whole, and a word is cut where its
// script changes, so that a name keeps clear of the letters glued to it ("Spotify删除集群" →
// "Spotify", "删除集群"; Korean "Istio를" → "Istio", "를"; "Datawireの" → "Datawire", "の").
func Tokenize(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '.' && r != '/'
	}) {
		start := 0
		rs := []rune(f)
		for i := 1; i < len(rs); i++ {
			a, b := scriptOf(rs[i-1]), scriptOf(rs[i])
			// Digits go with Latin letters ("k8s", "IPv4") but not with Han ("2025年福冈").
			digitHan := a == scriptCommon && b == scriptHan && unicode.IsDigit(rs[i-1]) || a == scriptHan && b == scriptCommon && unicode.IsDigit(rs[i])
			if digitHan || a != b && a != scriptCommon && b != scriptCommon {
				out = append(out, string(rs[start:i]))
				start = i
			}
		}
		out = append(out, string(rs[start:]))
	}
	return out
}

type script int

const (
	scriptCommon script = iota // digits and punctuation kept inside words: go with either side
	scriptLatin
	scriptHan // Han and kana, which Chinese and Japanese mix within one word
	scriptHangul
	scriptCyrillic
	scriptOther
)

func scriptOf(r rune) script {
	switch {
	case r < 0x80 && !unicode.IsLetter(r):
		return scriptCommon
	case r < 0x250 || unicode.Is(unicode.Latin, r):
		return scriptLatin
	case isHan(r):
		return scriptHan
	case unicode.Is(unicode.Hangul, r):
		return scriptHangul
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
		return scriptCommon // combining marks belong to the letter before them
	}
	return scriptOther
}

// isHan reports whether r is Han or kana, counting the marks Japanese writes inside such words
// (the prolonged sound mark of "ブース", the iteration mark of "人々").
func isHan(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー' || r == '々' || r == 'ｰ'
}

// Words folds text and returns its words, plus the parts of hyphenated, slashed and camel-case
// words ("CPU-kärnor" → cpu-karnor, cpu, karnor; "IPv4/IPv6" → ipv4, ipv6; "kindKubernetes" →
// kind, kubernetes), so that each part can be matched alone.
func Words(text string) []string { return words(text, Fold) }

// LowerWords is Words with letters lower-cased but accents kept, for the full-text index,
// whose analyzers see the text as it is written ("säkerhet" is not "sakerhet" to a Swedish
// stemmer).
func LowerWords(text string) []string {
	return words(text, func(s string) string { return FoldHan(strings.ToLower(s)) })
}

func words(text string, norm func(string) string) []string {
	var out []string
	for _, raw := range Tokenize(text) {
		raw = CleanToken(raw)
		if raw == "" {
			continue
		}
		w := norm(raw)
		out = append(out, w)
		parts := strings.FieldsFunc(raw, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
		var split []string
		for _, p := range parts {
			split = append(split, splitCamel(p)...)
		}
		if len(split) > 1 {
			for _, p := range split {
				if p = norm(p); len([]rune(p)) >= 2 {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

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

// CleanToken trims punctuation that tokenize keeps inside words ("v1.0", "ci/cd") from the ends.
func CleanToken(t string) string {
	return strings.Trim(t, "-./")
}

// questionWords are words that make a question a question without saying what it is about; they
// are dropped from queries in every language (function words come from each analyzer's stop list).
var questionWords = map[string][]string{
	"en": {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "does", "did", "do", "tell", "me", "about", "please", "according", "say", "said", "per", "report", "reports", "talk"},
	"fr": {"quoi", "quel", "quelle", "quels", "quelles", "quand", "où", "pourquoi", "comment", "combien", "qu", "est-ce", "dit", "parle", "selon", "rapport"},
	"sv": {"vad", "vilka", "vilken", "vilket", "vem", "när", "var", "varför", "hur", "gjorde", "enligt", "berätta"},
	"de": {"was", "welche", "welcher", "welches", "wer", "wann", "wo", "warum", "wie", "laut", "gemäß", "erzähl"},
	"es": {"qué", "que", "cuál", "cuáles", "quién", "quiénes", "cuándo", "dónde", "por", "cómo", "cuántos", "cuántas", "según", "sobre", "acerca"},
	"pt": {"que", "qual", "quais", "quem", "quando", "onde", "porque", "como", "quantos", "quantas", "segundo", "sobre", "acerca"},
	"it": {"che", "cosa", "cos", "quale", "quali", "chi", "quando", "dove", "perché", "come", "quanti", "quante", "secondo", "riguardo"},
	"nl": {"wat", "welke", "wie", "wanneer", "waar", "waarom", "hoe", "hoeveel", "volgens", "over"},
	"zh": {"什么", "是", "的", "了", "吗", "呢", "哪些", "哪个", "哪里", "谁", "怎么", "如何", "为什么", "有", "在", "和", "讲", "关于", "请问", "一下", "那篇", "这篇", "那份", "这份", "那个", "这个"},
	"ja": {"何", "は", "が", "の", "を", "に", "で", "と", "です", "ですか", "か", "について", "どこ", "いつ", "誰", "なぜ", "どう"},
	"ru": {"что", "такое", "кто", "когда", "где", "почему", "зачем", "как", "сколько", "какой", "какая", "какое", "какие", "каких", "каким", "ли", "про", "согласно", "расскажи", "расскажите", "скажи", "скажите", "отчёт", "отчет", "отчёта", "отчета", "отчёту", "отчету", "отчёте", "отчете", "отчёты", "отчеты", "отчётов", "отчетов", "отчётах", "отчетах", "это", "есть", "был", "была", "были"},
	// Ukrainian has no stop list in the full-text index: its common function words are here.
	"uk": {"що", "таке", "хто", "коли", "де", "чому", "навіщо", "як", "скільки", "який", "яка", "яке", "які", "яких", "чи", "про", "згідно", "розкажи", "розкажіть", "скажи", "скажіть", "звіт", "звіту", "звіті", "звіти", "звітів", "звітах", "це", "є", "був", "була", "було", "були", "і", "й", "та", "в", "у", "на", "з", "із", "зі", "до", "від", "для", "за", "по", "не", "а", "але", "або", "вже", "ще", "так", "ні", "ми", "ви", "він", "вона", "вони", "воно", "його", "її", "їх", "цей", "ця", "ці", "той", "там", "тут", "мені", "можна"},
	// Polish's stop list in the full-text index comes with a stemmer module of its own; its
	// common function words are here instead.
	"pl": {"i", "w", "we", "z", "ze", "na", "do", "o", "od", "po", "za", "przez", "dla", "przy", "u", "nie", "się", "to", "ten", "ta", "te", "tego", "tej", "a", "ale", "lub", "albo", "oraz", "że", "jak", "już", "jeszcze", "tak", "tylko", "mi", "mnie", "my", "wy", "on", "ona", "oni", "ich", "jego", "jej", "można", "co", "czym", "kto", "kim", "kiedy", "gdzie", "dlaczego", "czemu", "jak", "ile", "jaki", "jaka", "jakie", "jakich", "który", "która", "które", "czy", "według", "powiedz", "opowiedz", "raport", "raportu", "raporcie", "raporty", "raportów", "raportach", "jest", "są", "był", "była", "było", "były"},
	"tr": {"ne", "nedir", "neler", "kim", "kimdir", "kimler", "nerede", "nereden", "neden", "niçin", "nasıl", "kaç", "hangi", "hangisi", "mi", "mı", "mu", "mü", "midir", "mıdır", "hakkında", "göre", "rapor", "raporu", "raporda", "raporlar", "raporları", "raporlarda", "anlat", "söyle", "var", "yok"},
	// Korean glues particles to its words; these are the question words and endings that
	// stand alone.
	"ko": {"무엇", "무엇인가요", "무엇입니까", "뭐", "뭐야", "뭐예요", "뭔가요", "누구", "누가", "언제", "어디", "어디서", "어디에서", "왜", "어떻게", "어떤", "몇", "얼마나", "있나요", "있었나요", "있습니까", "했나요", "했습니까", "인가요", "입니까", "대해", "대해서", "대한", "관해", "관한", "보고서", "보고서에서", "보고서에", "알려줘", "알려주세요", "말해줘", "그리고", "또는"},
}

// analysisLang is the language whose word lists read a text: Traditional Chinese is read as
// Chinese, since text is folded to Simplified characters before its words are looked up.
func analysisLang(lang string) string {
	if lang == "zh-Hant" {
		return "zh"
	}
	return lang
}

// IsHanWord reports whether a word holds Han or kana (Chinese or Japanese script).
func IsHanWord(rs []rune) bool {
	for _, r := range rs {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

// IsASCII reports whether s holds only ASCII bytes.
func IsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Fold lower-cases, strips accents from Latin letters and brings Han characters to one form
// (Japanese and Traditional to Simplified), so that "détection" meets "detection" and 福岡
// meets 福冈.
func Fold(s string) string {
	if IsASCII(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		// Accents go from Latin letters only: Japanese voicing marks (サービス) carry meaning.
		if unicode.Is(unicode.Mn, r) && unicode.Is(unicode.Latin, prev) {
			continue
		}
		b.WriteRune(r)
		if !unicode.Is(unicode.Mn, r) {
			prev = r
		}
	}
	return FoldHan(norm.NFC.String(b.String()))
}

// hanTSV maps Han characters to the form text is folded to; generated from OpenCC's tables
// by gen_han.go (origin and licence in its header).
//
//go:embed han.tsv
var hanTSV string

// hanFold is hanTSV parsed: fixed data, like the unicode package's tables.
var hanFold = parseHan(hanTSV)

func parseHan(src string) map[rune]rune {
	out := map[rune]rune{}
	for _, line := range strings.Split(src, "\n") {
		from, to, ok := strings.Cut(line, "\t")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		f, t := []rune(from), []rune(to)
		if len(f) == 1 && len(t) == 1 {
			out[f[0]] = t[0]
		}
	}
	return out
}

// FoldHan brings the Han characters of s to one form and leaves everything else as it is.
func FoldHan(s string) string {
	for _, r := range s {
		if r < 0x2E80 {
			continue // below the CJK blocks: nothing to fold, no map look-up
		}
		if _, ok := hanFold[r]; ok {
			return strings.Map(func(r rune) rune {
				if r < 0x2E80 {
					return r
				}
				if f, ok := hanFold[r]; ok {
					return f
				}
				return r
			}, s)
		}
	}
	return s
}

// EditDistance is the Levenshtein distance of a and b in runes, or limit+1 once it must exceed
// limit (misspellings of words and names).
func EditDistance(a, b []rune, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// FieldSet is the set of the space-separated words of s, for word lists written in code.
func FieldSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(s) {
		out[w] = true
	}
	return out
}

// hanScripts sorts the characters of the Han table: those only Traditional Chinese writes (a
// key whose folded form differs and is not itself folded) and those only Simplified writes.
var hanTraditional, hanSimplified = hanScripts(hanFold)

func hanScripts(fold map[rune]rune) (trad, simp map[rune]bool) {
	trad, simp = map[rune]bool{}, map[rune]bool{}
	for from, to := range fold {
		if from != to {
			trad[from] = true
		}
	}
	for _, to := range fold {
		if !trad[to] {
			simp[to] = true
		}
	}
	return trad, simp
}

// ChineseScript tells which form of Chinese s is written in: "Hant" when it holds more
// Traditional-only characters than Simplified-only ones, "Hans" when fewer, "" when it holds
// neither (or as many of each).
func ChineseScript(s string) string {
	var t, p int
	for _, r := range s {
		switch {
		case r < 0x2E80:
		case hanTraditional[r]:
			t++
		case hanSimplified[r]:
			p++
		}
	}
	switch {
	case t > p:
		return "Hant"
	case p > t:
		return "Hans"
	}
	return ""
}
