// Package lang tells which language a text is written in, within the languages takeaway supports.
package lang

import (
	"slices"
	"strings"
	"unicode"

	"github.com/abadojack/whatlanggo"

	"github.com/takeaway-bot/takeaway/internal/text"
)

// Detector guesses the language of questions and reports.
//
// It checks the script first (Han, kana, Hangul decide by themselves, however few of them there are,
// because trigram detectors mislabel "SMI是什么？" when Latin letters outnumber Han ones), then asks
// whatlanggo restricted to the supported Latin-script languages, then votes with function words,
// which is what decides very short questions.
type Detector struct {
	whitelist map[whatlanggo.Lang]bool
	codes     map[whatlanggo.Lang]string
	words     map[string]map[string]bool
	cyrWords  map[string]map[string]bool
	hant      bool     // Traditional Chinese is one of the languages: told apart from Simplified
	order     []string // languages in a fixed order, so that ties break the same way every time
	places    *text.Places
}

// WithPlaces makes place names vote too: a name only one of the detector's languages writes
// ("Copenaghen", "Köpenhamn", "Kopenhaga") counts as two function words of that language, the
// way its letters do. It returns d.
func (d *Detector) WithPlaces(p *text.Places) *Detector {
	d.places = p
	return d
}

// Result is a detection: the language code and whether the detector is sure of it. Voted is
// true when the text's function words back the guess, which a guess from letter trigrams alone
// is not ("monzo outage postmortem" reads as Portuguese to them).
type Result struct {
	Lang  string
	Sure  bool
	Voted bool
}

// NewDetector returns a detector limited to the given language codes (en, fr, sv, de, es, pt, it, nl, zh, ja).
func NewDetector(codes []string) *Detector {
	d := &Detector{
		whitelist: map[whatlanggo.Lang]bool{},
		codes:     map[whatlanggo.Lang]string{},
		words:     map[string]map[string]bool{},
		cyrWords:  map[string]map[string]bool{},
	}
	for _, c := range codes {
		if c == "zh-Hant" {
			d.hant = true
		}
		if ws, ok := cyrillicWords[c]; ok {
			d.cyrWords[c] = wordSet(ws)
		}
		if l, ok := whatlangCodes[c]; ok {
			d.whitelist[l] = true
			d.codes[l] = c
		}
		d.order = append(d.order, c)
		if ws, ok := functionWords[c]; ok {
			d.words[c] = wordSet(ws)
		}
	}
	return d
}

func wordSet(ws string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(ws) {
		set[w] = true
	}
	return set
}

var whatlangCodes = map[string]whatlanggo.Lang{
	"en": whatlanggo.Eng, "fr": whatlanggo.Fra, "sv": whatlanggo.Swe, "de": whatlanggo.Deu,
	"es": whatlanggo.Spa, "pt": whatlanggo.Por, "it": whatlanggo.Ita, "nl": whatlanggo.Nld,
	"pl": whatlanggo.Pol, "tr": whatlanggo.Tur,
}

// letterVotes are letters that only one supported language writes: each counts as two function
// words, because a short question ("Ile było sesji?") may hold none of those.
var letterVotes = map[rune]string{
	'ł': "pl", 'ą': "pl", 'ę': "pl", 'ź': "pl", 'ż': "pl", 'ś': "pl", 'ń': "pl",
	'ı': "tr", 'ğ': "tr", 'ş': "tr", 'İ': "tr",
	'å': "sv", 'ß': "de",
}

// functionWords are the short, frequent words that identify a language in a few-word question,
// greetings and thanks included ("merci !", "tack").
var functionWords = map[string]string{
	// Pronouns and modal verbs count too: chat questions ("who won el clasico, i missed it")
	// carry more of them than interrogatives. Words other languages write ("me", "has", "will",
	// "so") are left out.
	"en": "what which who whom whose when where why how is are was were the a an of and to in on for does did do with about at from this that these those there many much hi hello hey thanks thank great it you your my we our they their them us can could would should have had been be any anyone anything someone or but if by just not",
	"fr": "ça ca c'est je pas mais donc alors nous vous leur aussi très que quoi qui quel quelle quels quelles quand où pourquoi comment combien est sont était le la les un une des du de et à au aux en sur pour avec qu'est-ce qu'a qu'il y a-t-il ce cette ces il elle ont merci bonjour salut coucou",
	"sv": "jag inte eller också bara vad vilka vilken vilket vem när var varför hur är var den det de en ett och att på för med om av till från som gjorde har hade många mycket under hej tack",
	"de": "ich wir aber oder denn doch nur was welche welcher welches wer wann wo warum wie ist sind war waren der die das ein eine einen einem einer eines und zu im in auf für mit über von den dem des hat haben gibt es nicht auch noch viele hallo danke",
	"es": "yo pero muy también esto eso ya qué que cuál cuáles quién quiénes cuándo dónde por cómo cuántos cuántas es son fue el la los las un una y de del en para con sobre hay se su sus según está están hola gracias",
	"pt": "você vc também muito isso isto então né pra que qual quais quem quando onde porque como quantos quantas é são foi o a os as um uma e de do da em para com sobre há não olá oi valeu obrigado obrigada",
	"it": "anche però questo questa quella c'è che cosa quale quali chi quando dove perché come quanti quante è sono era il lo la gli le un una e di del della in per con su ha hanno ciao grazie",
	"nl": "ik niet maar ook nog wel dit dat deze wat welke wie wanneer waar waarom hoe is zijn was de het een en van in op voor met over hoeveel heeft hebben er hoi goedemorgen goedemiddag allemaal bedankt dankjewel",
	// Polish "i", "do", "to", "w", "na" are left out: English questions ("How do I…", "KubeCon NA")
	// hold them too, and Polish is told by its letters.
	"pl": "co czym jak jaki jaka jakie jakich kto kogo kim komu czego czemu kiedy gdzie dlaczego ile czy jest są był była było były być mają się nie od dla że przez oto tym tego tej temu może który która które także również więc też już tylko bardzo cześć dzień dobry dzięki dziękuję",
	"tr": "ne nedir neler neye neyi neyin hangi kim kimdir kime kimi kimin zaman nerede neden niçin nasıl kaç mı mi mu mü mıydı miydi var yok bir ve ile için bu şu hakkında merhaba selam teşekkürler teşekkür sağol",
}

// cyrillicWords vote between the two Cyrillic-script languages takeaway speaks.
var cyrillicWords = map[string]string{
	"ru": "что кто когда где почему как сколько какой какая какие это был была было были и в на с о об про для от не ли есть ещё привет спасибо здравствуйте",
	"uk": "що хто коли де чому як скільки який яка які це був була було були і й в у на з про для від не чи є ще привіт дякую вітаю",
}

// cyrillicLetters are letters one of the two writes and the other does not.
var cyrillicLetters = map[rune]string{
	'ы': "ru", 'э': "ru", 'ъ': "ru", 'ё': "ru",
	'і': "uk", 'ї': "uk", 'є': "uk", 'ґ': "uk",
}

// Detect returns the language of text. Sure is false when the text is too short or too mixed to tell.
func (d *Detector) Detect(text string) Result {
	var han, kana, hangul, cyrillic, letters int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyrillic++
		case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			kana++
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.Is(unicode.Hangul, r):
			hangul++
		case unicode.IsLetter(r):
			letters++
		}
	}
	switch {
	case cyrillic > 0 && cyrillic >= 2*(han+kana+hangul):
		// Mostly Cyrillic with a Chinese or Japanese title quoted in it.
		return d.cyrillic(text)
	case kana > 0:
		return Result{Lang: "ja", Sure: true}
	case hangul > 0:
		return Result{Lang: "ko", Sure: true}
	case han > 0:
		return Result{Lang: d.chinese(text), Sure: true}
	case cyrillic > 0:
		return d.cyrillic(text)
	case letters == 0:
		return Result{}
	}

	votes := d.vote(text)
	info := whatlanggo.DetectWithOptions(text, whatlanggo.Options{Whitelist: d.whitelist})
	code := d.codes[info.Lang]
	words := len(strings.Fields(text))
	best, second := "", ""
	for _, c := range d.order {
		n := votes[c]
		if n == 0 {
			continue
		}
		if best == "" || n > votes[best] || (n == votes[best] && c == code) {
			second, best = best, c
		} else if second == "" || n > votes[second] {
			second = c
		}
	}
	// Function words are the surest sign: names (KubeCon, Detroit) and loanwords do not vote.
	if best != "" && votes[best] >= 2 && votes[best] >= 2*votes[second] {
		return Result{Lang: best, Sure: true, Voted: true}
	}
	if words >= 8 && code != "" && info.Confidence > 0.5 {
		return Result{Lang: code, Sure: true}
	}
	if best != "" && (second == "" || votes[best] > votes[second]) {
		return Result{Lang: best, Sure: best == code, Voted: true}
	}
	if best != "" && votes[best] == votes[second] && (best == code || second == code) {
		return Result{Lang: code, Sure: false, Voted: true}
	}
	// A tie the trigram guess does not break ("su" is Spanish and Italian, and the guess says
	// Portuguese): letter trigrams decide among the tied languages only.
	if best != "" && votes[best] == votes[second] {
		tied := map[whatlanggo.Lang]bool{}
		for _, c := range d.order {
			if l, ok := whatlangCodes[c]; ok && votes[c] == votes[best] {
				tied[l] = true
			}
		}
		if l := d.codes[whatlanggo.DetectWithOptions(text, whatlanggo.Options{Whitelist: tied}).Lang]; l != "" {
			return Result{Lang: l, Sure: false, Voted: true}
		}
	}
	return Result{Lang: code, Sure: false}
}

// chinese tells Traditional from Simplified Chinese by the characters only one of them writes;
// it returns "zh-Hant" only when the detector was asked for it.
func (d *Detector) chinese(s string) string {
	if d.hant && text.ChineseScript(s) == "Hant" {
		return "zh-Hant"
	}
	return "zh"
}

// cyrillic decides between Russian and Ukrainian: by the letters only one writes, then by
// function words, then by letter trigrams of the Cyrillic words alone (Latin names left out).
func (d *Detector) cyrillic(text string) Result {
	votes := map[string]int{}
	lower := strings.ToLower(text)
	for _, r := range lower {
		if c, ok := cyrillicLetters[r]; ok {
			votes[c] += 2
		}
	}
	var cyr []string
	for _, w := range strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' }) {
		if !unicode.Is(unicode.Cyrillic, []rune(w)[0]) {
			continue
		}
		cyr = append(cyr, w)
		for c, ws := range d.cyrWords {
			if ws[w] {
				votes[c]++
			}
		}
	}
	ru, uk := votes["ru"], votes["uk"]
	switch {
	case !d.has("ru") && !d.has("uk"):
		return Result{}
	case !d.has("uk"):
		return Result{Lang: "ru", Sure: true, Voted: ru > 0}
	case !d.has("ru"):
		return Result{Lang: "uk", Sure: true, Voted: uk > 0}
	case ru > uk:
		return Result{Lang: "ru", Sure: true, Voted: true}
	case uk > ru:
		return Result{Lang: "uk", Sure: true, Voted: true}
	}
	info := whatlanggo.DetectWithOptions(strings.Join(cyr, " "), whatlanggo.Options{Whitelist: map[whatlanggo.Lang]bool{whatlanggo.Rus: true, whatlanggo.Ukr: true}})
	if info.Lang == whatlanggo.Ukr {
		return Result{Lang: "uk", Sure: false}
	}
	return Result{Lang: "ru", Sure: false}
}

func (d *Detector) has(code string) bool { return slices.Contains(d.order, code) }

// vote counts, per language, the function words of text.
func (d *Detector) vote(text string) map[string]int {
	votes := map[string]int{}
	for _, r := range text {
		if r != 'İ' { // lower-cased, it would be a plain i
			r = unicode.ToLower(r)
		}
		if c, ok := letterVotes[r]; ok && d.words[c] != nil {
			votes[c] += 2
		}
	}
	if d.places != nil {
		for _, m := range d.places.FindAnyCase(text) {
			var writers []string
			for _, l := range d.places.Languages(m.Surface) {
				if d.words[l] != nil {
					writers = append(writers, l)
				}
			}
			if len(writers) == 1 {
				votes[writers[0]] += 2
			}
		}
	}
	// Digits belong to the word they are glued to: "2018de" (Turkish "in 2018") is no "de".
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || r == '-')
	}) {
		w = strings.ReplaceAll(w, "’", "'")
		for _, part := range append([]string{w}, strings.FieldsFunc(w, func(r rune) bool { return r == '\'' || r == '-' })...) {
			for c, set := range d.words {
				if set[part] {
					votes[c]++
				}
			}
		}
	}
	return votes
}

// Base reduces a BCP 47 tag or Slack locale ("fr-FR", "zh_CN", "pt-BR") to its lower-case primary
// language code; it returns "" for an empty or malformed tag.
func Base(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	tag = strings.ToLower(tag)
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	for _, r := range tag {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return tag
}

// Script is the writing system a supported language is written in: "Cyrl" (Russian,
// Ukrainian), "Hang" (Korean), "Jpan" (Japanese), "Hani" (Chinese), else "Latn".
func Script(code string) string {
	switch Base(code) {
	case "ru", "uk":
		return "Cyrl"
	case "ko":
		return "Hang"
	case "ja":
		return "Jpan"
	case "zh":
		return "Hani"
	}
	return "Latn"
}
