package question

import (
	"regexp"
	"slices"
	"strings"

	"github.com/takeaway-bot/takeaway/internal/text"
)

// Intent is what a question asks for, which decides how passages are retrieved and how the
// answer is shaped.
type Intent string

// The intents, in the order they are tested: the first that matches wins.
const (
	IntentChatter    Intent = "chatter"    // greetings, thanks, an empty question
	IntentSources    Intent = "sources"    // about the reports themselves
	IntentSummary    Intent = "summary"    // key points, the gist, take-aways
	IntentDefinition Intent = "definition" // "what is X"
	IntentHowMany    Intent = "how_many"
	IntentWhen       Intent = "when"
	IntentWhere      Intent = "where"
	IntentWho        Intent = "who"
	IntentOpinion    Intent = "opinion" // opinion or trend: "should we bet on X?", "the mood about Y"
	IntentYesNo      Intent = "yes_no"
	IntentList       Intent = "list"
	IntentFact       Intent = "fact" // anything else
)

// intentRules hold the words that mark each intent in the supported languages. They are
// general question vocabulary, not words of the reports.
var intentRules = []struct {
	intent Intent
	re     *regexp.Regexp
}{
	{IntentSources, words(`(?i)\b(what|which|how many|list( all)?|show( me)?)[^?]{0,40}\b(reports?|write-?ups?|sources|articles?|blog ?posts?|documents?)\b|\bwho (wrote|published|authored|is the author)\b|\b(who is|who are|name of) the authors?\b|\bquels? (rapports?|articles?|sources?|comptes[- ]rendus)\b|\bqui a (écrit|publié|rédigé)\b|\bqui (est|sont) l'auteur|\bwelche (berichte|quellen|artikel)\b|\bwer hat\b.*\b(geschrieben|verfasst|veröffentlicht)\b|\bwer (ist|sind) (der|die) autor|\bvilka (rapporter|källor|artiklar)\b|\bvem (skrev|har skrivit|publicerade)\b|\bvem är författaren|\bqué (informes|fuentes|artículos)\b|\bquién (escribió|publicó)\b|\bquali (report|articoli|fonti|resoconti)\b|\bchi ha scritto\b|\bquais (relatórios|fontes|artigos)\b|\bquem escreveu\b|\bwelke (verslagen|rapporten|bronnen|artikelen)\b|\bwie heeft\b.*\bgeschreven\b|\bis (it|this|that|the \w+ (one|version|report)) a translation\b|\btraduction\b|\bübersetzung\b|\böversättning\b|有哪些(报告|文章|来源)|哪些报告|谁写的|作者是谁|原文作者|是翻译的|どの(レポート|記事)|誰が書|著者は|どんなレポート|\bкакие (отч[её]ты|статьи|источники)\b|\bкто (написал|автор)\b|\bякі (звіти|статті|джерела)\b|\bхто (написав|автор)\b|\bjakie (raporty|relacje|źródła|artykuły)\b|\bkto (napisał|jest autorem)\b|\bhangi (raporlar|kaynaklar|yazılar)\b|\bkim yazdı\b|\byazarı kim\b|어떤 (보고서|리포트|글)|누가 (썼|작성)|작성자|저자`)},
	{IntentSummary, words(`(?i)\b(summar\w*|recap\w*|tl;?dr|gist|key (points|takeaways|take-aways|messages|lessons)|main (points|takeaways|themes|messages)|highlights?|take-?aways?|what should i (remember|know)|in a nutshell|overview|résum\w*|retenir|points? clés|l'essentiel|en bref|faits marquants|zusammenfass\w*|fass\w* .*zusammen|fazit|wichtigsten|kernaussagen|highlights|sammanfatt\w*|huvudpunkt\w*|viktigaste|höjdpunkter|lärdomar|resum\w*|lo más importante|lo esencial|puntos clave|conclusiones|riassun\w*|punti chiave|in sintesi|destaques|pontos principais|samenvatting|belangrijkste|hoogtepunten)\b|总结|概括|要点|亮点|重点|摘要|まとめ|要約|ポイント|요약|핵심|\b(кратко|резюме|итоги|главное|основные (моменты|выводы)|выводы|підсумк\w*|коротко|головне|основні (моменти|висновки)|висновки|podsumuj\w*|podsumowanie|najważniejsze|wnioski|özet\w*|önemli noktalar|çıkarımlar)\b|정리`)},
	{IntentDefinition, words(`(?i)^\s*(what\s*(is|are|'s)|whats|what does\b.*\bmean|define|qu'est-ce que|qu'est ce que|c'est quoi|que signifie|was (ist|sind|bedeutet)|vad (är|betyder)|qué (es|son|significa)|que es|cos'è|cosa (è|sono)|che cos'è|o que (é|são)|wat (is|zijn|betekent))\b|\b(c'est quoi|means?)\s*\??$|什么是|是什么|是啥|とは|って何|とは何|^\s*(что такое|що таке|co to jest|czym jest)\b|\b(nedir|ne demek)\b|란 무엇|이란 무엇|뭐예요|뭔가요|무엇인가요|무엇입니까|뭐야`)},
	{IntentHowMany, words(`(?i)\b(how many|how much|how large|how big|number of|combien|hur många|hur mycket|wie viele|wie viel|anzahl|cuántos|cuántas|cuánto|quantos|quantas|quanto|quanti|quante|hoeveel)\b|多少|几个|多大|几位|何人|いくつ|どれくらい|何本|何台|\b(сколько|скільки|ile|jak wiele|kaç|ne kadar)\b|몇|얼마나`)},
	{IntentWhen, words(`(?i)\b(when|what date|which date|quand|när|wann|cuándo|quando|wanneer)\b|什么时候|何时|哪天|いつ|\b(когда|коли|kiedy|ne zaman|hangi tarih)\b|언제`)},
	{IntentWhere, words(`(?i)\b(where|où|wo|var|dónde|dove|onde|waar)\b|哪里|在哪|何处|どこ|\b(где|де|gdzie|nerede)\b|어디`)},
	{IntentWho, words(`(?i)\b(who|whom|which compan\w*|what compan\w*|qui|quelle entreprise|quelles entreprises|quelle société|vem|vilka företag|vilket företag|wer|welche firm\w*|welches unternehmen|welche unternehmen|quién|quiénes|qué empresa|quem|que empresa|chi|quale azienda|quali aziende|wie|welk bedrijf|welke bedrijven)\b|谁|哪家公司|哪些公司|誰|どの会社|\b(кто|какая компания|какие компании|хто|яка компанія|які компанії|kto|która firma|które firmy|kim|hangi şirket\w*)\b|누가|누구`)},
	{IntentOpinion, words(`(?i)\b(should (we|i)|worth|bet on|mood|vibe|sentiment|opinions?|think (of|about)|thoughts on|trend\w*|hype|hyped|feel about|vaut[- ]il|faut[- ]il|avis|ambiance|tendances?|pensent|lohnt|stimmung|meinung|trends?|sollten wir|värt|stämning|åsikt|borde vi|merece la pena|vale la pena|opinión|tendencias?|deberíamos|conviene|vale a pena|tendências?|devemos|moeten we|sfeer|mening|loont)\b|值得|趋势|看法|氛围|前景|べき|雰囲気|トレンド|評判|どう思|\b(стоит ли|мнени\w*|тренд\w*|тенденци\w*|настроени\w*|чи варто|думк\w*|тенденці\w*|czy warto|opini\w*|nastr\w*|değer mi|fikir\w*|görüş\w*|eğilim\w*)\b|가치가|트렌드|의견|분위기|해야 할까`)},
	{IntentYesNo, words(`(?i)^\s*(did|does|do|is|are|was|were|has|have|had|can|could|will|would|any(one|body)?)\b|^\s*(est-ce qu|y a-t-il|y avait-il|a-t-on|ont-ils|gab es|gibt es|hat|ist|sind|wurde|war|fanns|finns|har|är|var det|hubo|hay|se habló|c'è|ci sono|houve|há|was er|is er|zijn er)\b|吗[？?]?\s*$|是否|有没有|ありますか|ましたか|\b(ли|есть ли)\b|^\s*(чи|czy)\b|\b(mı|mi|mu|mü|var mı|mıydı|miydi)\s*\??\s*$|있나요|있었나요|있습니까|했나요`)},
	{IntentList, words(`(?i)\b(list|enumerate|name (all|the)|which|what (are|were) the|quels|quelles|liste|welche|vilka|cuáles|qué .*s\b|quali|quais|welke)\b|哪些|列出|どんな|どの|\b(какие|перечисли\w*|які|перелічи\w*|jakie|wymień|hangi|neler|listele)\b|어떤|나열`)},
}

// chatterWords are greetings, thanks and reactions: a message made only of them is not a
// question about the reports.
var chatterWords = strings.Fields(`hi hello hey heya hiya yo hej hallo hola ciao salut bonjour bonsoir coucou olá ola oi moin servus
	thanks thank thx ty cheers merci danke tack tak gracias grazie obrigado obrigada bedankt dank dankjewel
	you you're youre are is great awesome cool nice good perfect super top bravo lol haha ok okay k yes no yep nope
	morning evening bot takeaway test ping please sorry wow bye goodbye awesome help can do doing going
	beaucoup bonne journee journée soiree soirée ca ça va aide
	schon schön vielen dank tschuss tschüss gehts geht's hilfe guten tag
	mycket hej hejdå lage läget hjalp hjälp
	muchas tal adios adiós buenas ayuda
	mille come aiuto
	muito tudo bem tchau ajuda
	hoi hoe gaat het doei hulp
	göra faire sais kannst machen puedes hacer puoi fare podes fazer kun je doen
	valeu brigado brigadão
	你好 谢谢 多谢 好的 好 辛苦 辛苦了 收到 明白 ありがとう こんにちは どうも 안녕하세요 안녕 감사합니다 고마워 고맙습니다
	спасибо привет здравствуйте дякую привіт вітаю dzięki dziękuję cześć teşekkürler teşekkür sağol merhaba selam شكرا مرحبا`)

// words compiles a pattern whose \b are word boundaries in any script (Go's \b only knows
// ASCII letters, so "où\b" would never match).
func words(pattern string) *regexp.Regexp {
	// Go's \b and \w know ASCII only: "résumé" would end at "résum", "підсумки" never start.
	pattern = strings.ReplaceAll(pattern, `\w`, `[\p{L}\p{N}_]`)
	return regexp.MustCompile(strings.ReplaceAll(pattern, `\b`, `(?:^|$|[^\p{L}\p{N}])`))
}

// intentPattern is the pattern of one intent.
func intentPattern(i Intent) *regexp.Regexp {
	for _, r := range intentRules {
		if r.intent == i {
			return r.re
		}
	}
	return neverRe
}

// neverRe matches nothing: the pattern of an intent that has no rule.
var neverRe = regexp.MustCompile(`$^`)

// falseFriends are question words that mean one thing in one language and something else in
// another: German "wie" is "how", Dutch "wie" is "who"; Swedish "var" is "where", English "var"
// is not. Each counts for its intent only in its own languages.
var falseFriends = map[Intent]map[string][]string{
	IntentWho:     {"wie": {"nl"}, "qui": {"fr"}, "chi": {"it"}, "wer": {"de"}, "vem": {"sv"}, "quem": {"pt"}, "kim": {"tr"}},
	IntentHowMany: {"ile": {"pl"}},
	IntentWhere:   {"var": {"sv"}, "wo": {"de"}, "onde": {"pt"}, "dove": {"it"}, "waar": {"nl"}, "où": {"fr"}},
}

// detectIntent is the first intent whose words the question holds, read as lang.
func detectIntent(q, lang string) Intent {
	q = text.FoldHan(q) // the rules are written in Simplified characters; 什麼是 is 什么是
	for _, r := range intentRules {
		text := q
		if ff := falseFriends[r.intent]; ff != nil && lang != "" {
			text = maskFalseFriends(q, lang, ff)
		}
		if r.re.MatchString(text) {
			return r.intent
		}
	}
	return IntentFact
}

func maskFalseFriends(q, lang string, ff map[string][]string) string {
	fields := strings.FieldsFunc(q, func(r rune) bool { return r == ' ' || r == ',' || r == '?' || r == '¿' })
	changed := false
	for i, f := range fields {
		if langs, ok := ff[strings.ToLower(f)]; ok && !slices.Contains(langs, lang) {
			fields[i] = "_"
			changed = true
		}
	}
	if !changed {
		return q
	}
	return strings.Join(fields, " ")
}

// AsksByForm reports whether a message is put as a question or a request, in any language:
// it ends a sentence with a question mark of any script (?, ？, ؟, ;), or its opening words
// are those of a question or a request ("what is", "combien", "summarize", "有哪些"…). It
// does not tell chatter apart: "how are you?" asks by form; the plan's chatter intent says
// whether there is anything to look up.
func AsksByForm(q, lang string) bool {
	q = strings.TrimSpace(linkRE.ReplaceAllString(q, " "))
	for _, mark := range []string{"?", "？", "؟", ";"} {
		if strings.HasSuffix(q, mark) && (mark != ";" || lang == "el") {
			return true
		}
		for _, end := range []string{mark + " ", mark + "\n"} {
			if strings.Contains(q, end) && mark != ";" {
				return true
			}
		}
	}
	if strings.HasPrefix(q, "¿") {
		return true
	}
	// The opening of the message, its first words; in scripts written without spaces, where
	// question particles close the sentence (吗, か, 까), the whole message.
	opening := q
	if f := strings.Fields(q); len(f) > 6 {
		opening = strings.Join(f[:6], " ")
	}
	return askingRE.MatchString(opening) || detectIntent(opening, lang) != IntentFact
}

// askingRE matches the words that open a question or a request in the supported languages:
// general question words and verbs of asking, not words of the reports.
var askingRE = words(`(?i)^\s*(what|how|why|which|who|whom|whose|when|where|did|does|do|is|are|was|were|can|could|should|would|will|has|have|any|tell me|explain|describe|give me|show me|list|compare|` +
	`que|quoi|qu'|comment|pourquoi|quel|quelle|quels|quelles|qui|quand|où|est-ce|dis-moi|explique|décris|donne-moi|` +
	`vad|hur|varför|vilken|vilket|vilka|vem|när|var|finns|berätta|förklara|beskriv|` +
	`was|wie|warum|welche|welcher|welches|wer|wann|wo|gibt|erzähl|erkläre|beschreibe|` +
	`qué|cómo|por qué|cuál|cuáles|quién|cuándo|dónde|hay|cuéntame|explica|describe|` +
	`cosa|come|perché|quale|quali|chi|quando|dove|dimmi|spiega|` +
	`o que|como|por que|qual|quais|quem|onde|diga|explique|` +
	`wat|hoe|waarom|welke|wie|wanneer|waar|vertel|leg uit|` +
	`что|как|почему|какой|какая|какие|кто|когда|где|расскажи|объясни|що|як|чому|який|яка|які|хто|коли|розкажи|поясни|` +
	`co|jak|dlaczego|jaki|jaka|jakie|kto|kiedy|gdzie|czy|opowiedz|wyjaśnij|ne|nasıl|neden|hangi|kim|nerede|anlat|açıkla)\b` +
	`|^\s*(什么|怎么|为什么|如何|哪|谁|请|告诉我|介绍|解释|说说|何|なぜ|どう|どの|誰|いつ|教えて|説明|무엇|어떻게|왜|누가|언제|어디|알려|설명)`)

// linkRE matches Slack links and URLs, whose "?" is not a question mark.
var linkRE = regexp.MustCompile(`<[^>]*>|https?://\S+`)
