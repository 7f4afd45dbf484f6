package i18n

// Keys of the daily takeaway post's own sentences.
const (
	// DigestFraming introduces the day's takeaway; %s is the report's title.
	DigestFraming Key = "digest.framing"
	// DigestSource labels the citation under the takeaway.
	DigestSource Key = "digest.source"
)

// digestMessages holds the sentences of the daily takeaway post.
func digestMessages() Table {
	return Table{
		DigestFraming: {
			"en": "Today's takeaway, from “%s”:",
			"fr": "L'enseignement du jour, tiré de « %s » :",
			"sv": "Dagens lärdom, från ”%s”:",
			"zh": "今日要点，摘自《%s》：",
			"de": "Die Erkenntnis des Tages, aus „%s“:",
			"es": "La lección del día, de «%s»:",
			"ja": "今日のポイント（「%s」より）：",
			"pt": "A lição do dia, de “%s”:",
			"it": "La lezione del giorno, da «%s»:",
			"nl": "De les van vandaag, uit ‘%s’:",
		},
		DigestSource: {
			"en": "Source", "fr": "Source", "sv": "Källa", "zh": "来源", "de": "Quelle",
			"es": "Fuente", "ja": "出典", "pt": "Fonte", "it": "Fonte", "nl": "Bron",
		},
	}
}
