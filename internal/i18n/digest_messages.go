package i18n

// Keys of the daily takeaway post's own sentences.
const (
	// DigestFraming introduces the day's takeaway; %s is the report's publisher. Report titles
	// stay in the citation: in another language, they would blur the post's own.
	DigestFraming Key = "digest.framing"
	// DigestFramingAnon introduces a takeaway from a report without a publisher.
	DigestFramingAnon Key = "digest.framing_anon"
	// DigestSource labels the citation under the takeaway.
	DigestSource Key = "digest.source"
)

// digestMessages holds the sentences of the daily takeaway post.
func digestMessages() Table {
	return Table{
		DigestFraming: {
			"en":      "Here is today's takeaway, from the report by %s:",
			"fr":      "Voici l'enseignement du jour, tiré du compte rendu de %s :",
			"sv":      "Här är dagens lärdom, från rapporten av %s:",
			"zh":      "这是今天的要点，摘自%s的报告：",
			"de":      "Hier ist die Erkenntnis des Tages, aus dem Bericht von %s:",
			"es":      "Esta es la lección del día, del informe de %s:",
			"ja":      "今日のポイントです。%sのレポートより：",
			"pt":      "Eis a lição do dia, do relatório de %s:",
			"it":      "Ecco la lezione del giorno, dal resoconto di %s:",
			"nl":      "Dit is de les van vandaag, uit het verslag van %s:",
			"ko":      "오늘의 핵심입니다. %s의 보고서에서 가져왔습니다:",
			"zh-Hant": "這是今天的重點，摘自%s的報告：",
			"ru":      "Вывод дня — из отчёта (%s):",
			"pl":      "Oto wniosek dnia z raportu autorstwa %s:",
			"tr":      "İşte %s tarafından hazırlanan rapordan günün çıkarımı:",
			"uk":      "Висновок дня — зі звіту (%s):",
		},
		DigestFramingAnon: {
			"en":      "Here is today's takeaway, from one of the conference reports:",
			"fr":      "Voici l'enseignement du jour, tiré de l'un des comptes rendus de conférence :",
			"sv":      "Här är dagens lärdom, från en av konferensrapporterna:",
			"zh":      "这是今天的要点，摘自其中一份会议报告：",
			"de":      "Hier ist die Erkenntnis des Tages, aus einem der Konferenzberichte:",
			"es":      "Esta es la lección del día, de uno de los informes de la conferencia:",
			"ja":      "今日のポイントです。カンファレンスのレポートの一つより：",
			"pt":      "Eis a lição do dia, de um dos relatórios da conferência:",
			"it":      "Ecco la lezione del giorno, da uno dei resoconti della conferenza:",
			"nl":      "Dit is de les van vandaag, uit een van de conferentieverslagen:",
			"ko":      "오늘의 핵심입니다. 컨퍼런스 보고서 중 하나에서 가져왔습니다:",
			"zh-Hant": "這是今天的重點，摘自其中一份大會報告：",
			"ru":      "Вывод дня — из отчёта о конференции:",
			"pl":      "Oto wniosek dnia z jednego z raportów konferencyjnych:",
			"tr":      "İşte konferans raporlarından birinden günün çıkarımı:",
			"uk":      "Висновок дня — зі звіту про конференцію:",
		},
		DigestSource: {
			"en":      "Source",
			"fr":      "Source",
			"sv":      "Källa",
			"zh":      "来源",
			"de":      "Quelle",
			"es":      "Fuente",
			"ja":      "出典",
			"pt":      "Fonte",
			"it":      "Fonte",
			"nl":      "Bron",
			"ko":      "출처",
			"zh-Hant": "來源",
			"ru":      "Источник",
			"pl":      "Źródło",
			"tr":      "Kaynak",
			"uk":      "Джерело",
		},
	}
}
