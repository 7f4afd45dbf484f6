package answer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/takeaway-bot/takeaway/internal/question"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// The entities a who / when / where / how-many question asks for, as they appear in report
// sentences of the supported languages.
var (
	monthNames     = `jan(?:uary|vier|uari|uar)?|feb(?:ruary|ruari|ruar)?|fév(?:rier)?|mar(?:ch|s|zo|ço|t)?|märz|maart|apr(?:il|ile)?|avr(?:il)?|abr(?:il)?|may|mai|maj|mayo|maio|maggio|mei|jun(?:e|i|io|ho)?|juin|giugno|jul(?:y|i|io|ho)?|juil(?:let)?|luglio|aug(?:ust|usti|ustus)?|août|ago(?:sto)?|sep(?:t|tember|tembre|tiembre|tembro)?|settembre|oct(?:ober|obre|ubre)?|okt(?:ober)?|out(?:ubro)?|ottobre|nov(?:ember|embre|iembre|embro)?|déc(?:embre)?|dec(?:ember)?|dez(?:ember|embro)?|dic(?:iembre|embre)?`
	dateEntityRe   = regexp.MustCompile(`(?i)\b\d{1,2}(?:er|\.|st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2}\.?)?\s+(?:de\s+)?(?:` + monthNames + `)\.?(?:\s+(?:de\s+)?\d{4})?\b|\b(?:` + monthNames + `)\s+\d{1,2}(?:,\s*\d{4})?\b|\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|\b(?:19|20)\d{2}\b`)
	numberEntityRe = regexp.MustCompile(`\b\d{1,3}(?:[.,\x{202F}\x{00A0} ]\d{3})+\b|\b\d+(?:[.,]\d+)?\s?%|\d+(?:[.,]\d+)?(?:名|人|本|個|台|万)|\b\d+\b`)
	personEntityRe = regexp.MustCompile(`\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+){1,2}`)
	placeEntityRe  = regexp.MustCompile(`(?:^|[\s(])(?:in|at|à|au|en|a|i|im|am|em|no|na|nel|nella|op|te)\s+(\p{Lu}[\p{Ll}\p{M}]+(?:[ -]\p{Lu}[\p{Ll}\p{M}]+)?)`)
	yearOnlyRe     = regexp.MustCompile(`^(?:19|20)\d{2}$`)
	// countRe finds a number in digits or in words (two to twelve, dozens, hundreds, thousands)
	// in the supported languages; "one" is left out where it is also the article (un, en, ein).
	countRe = regexp.MustCompile(`(?i)\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|centaines?|milliers?|två|tre|fyra|fem|sex|sju|åtta|nio|tio|tolv|hundratals|tusentals|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|zwölf|hunderte|tausende|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|doce|cientos|miles|dois|duas|três|quatro|sete|oito|nove|dez|centenas|milhares|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|dodici|centinaia|migliaia|twee|drie|vijf|zes|zeven|negen|tien|twaalf|honderden|duizenden|(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twen|thir|for|fif|six|seven|eigh|nine)ty|onze|treize|quatorze|quinze|seize|vingts?|trente|quarante|cinquante|soixante|elva|tretton|fjorton|femton|sexton|sjutton|arton|nitton|tjugo|trettio|fyrtio|femtio|elf|\p{L}+zehn|zwanzig|dreißig|\p{L}+zig|once|trece|catorce|dieci\p{L}+|veinte|treinta|cuarenta|cincuenta|treze|quatorze|dez[ae]sseis|dez[ae]ssete|dezoito|dez[ae]nove|vinte|trinta|quarenta|undici|tredici|quattordici|quindici|sedici|diciassette|diciotto|diciannove|venti|trenta|quaranta|cinquanta|dertien|veertien|vijftien|zestien|zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|сотни|тысячи|двадцать|тридцать|dwa|trzy|cztery|pięć|sześć|siedem|osiem|dziewięć|dziesięć|setki|tysiące|iki|üç|dört|beş|altı|yedi|sekiz|dokuz|on|yüzlerce|binlerce|два|три|чотири|пʼять|шість|сім|вісім|девʼять|десять|сотні|тисячі)\b|[一二三四五六七八九十百千万億]|[하두세네다여일아열백천만]\s?(?:개|명|가지)`)
)

// emphasize puts the entity a question asks for in bold inside a quoted sentence (the city,
// the date, the number, the name), so that a reader who does not read the report's language
// still sees the answer. One entity a sentence; a sentence already holding bold is left alone.
//
// For a number, the one followed by a word of the question wins ("combien de sessions": the
// number before "sessions"), else the longest.
func emphasize(s string, intent question.Intent, concepts []retrieval.Concept) string {
	if strings.Contains(s, "**") {
		return s
	}
	var loc []int
	switch intent {
	case question.IntentHowMany:
		best := -1
		for _, m := range numberEntityRe.FindAllStringIndex(s, -1) {
			if yearOnlyRe.MatchString(s[m[0]:m[1]]) {
				continue
			}
			score := m[1] - m[0]
			if next := wordAfter(s, m[1]); next != "" && mentionsAny(next, concepts) {
				score += 100
			}
			if score > best {
				best, loc = score, m
			}
		}
	case question.IntentWhen:
		loc = dateEntityRe.FindStringIndex(s)
	case question.IntentWho:
		// The name asked for is one the question does not give ("who presented with Tom
		// Wilkie?"): names the question holds are left plain.
		for _, m := range personEntityRe.FindAllStringIndex(s, -1) {
			if before, _ := utf8.DecodeLastRuneInString(s[:m[0]]); m[0] > 0 && (unicode.IsLetter(before) || unicode.IsDigit(before)) {
				continue // inside a word: "Con EU" of "CloudNativeCon EU" is no one
			}
			if !mentionsAny(s[m[0]:m[1]], concepts) {
				loc = m
				break
			}
		}
	case question.IntentWhere:
		if m := placeEntityRe.FindStringSubmatchIndex(s); m != nil {
			loc = m[2:4]
		}
	}
	if loc == nil {
		return s
	}
	return s[:loc[0]] + "**" + strings.TrimSpace(s[loc[0]:loc[1]]) + "**" + s[loc[1]:]
}

// mentionsAny reports whether text mentions one of the question's concepts (a word of a name,
// the word after a number).
func mentionsAny(text string, concepts []retrieval.Concept) bool {
	ws := wordSet(text)
	for _, c := range concepts {
		if mentions(ws, c) {
			return true
		}
	}
	return false
}

// wordAfter is the word that follows position i of s.
func wordAfter(s string, i int) string {
	rest := strings.TrimLeft(s[i:], " \u00a0\u202f")
	if j := strings.IndexFunc(rest, func(r rune) bool { return r == ' ' || r == ',' || r == '.' || r == ';' || r == ')' }); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
