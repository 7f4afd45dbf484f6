package retrieval

import (
	"strings"
	"unicode"
)

// tokenize splits folded text into words; runs of Han or kana stay whole.
func tokenize(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '.' && r != '/'
	})
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
