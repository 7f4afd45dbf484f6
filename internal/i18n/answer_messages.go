package i18n

// Keys of the answer's own sentences.
const (
	AnswerFraming      Key = "answer.framing"
	AnswerFramingOne   Key = "answer.framing.one"
	AnswerFramingTitle Key = "answer.framing.title"
	// The same three framings, naming the question's subject.
	AnswerFramingAbout      Key = "answer.framing.about"
	AnswerFramingOneAbout   Key = "answer.framing.one.about"
	AnswerFramingTitleAbout Key = "answer.framing.title.about"
	AnswerNotFound          Key = "answer.not_found"
	AnswerCovers            Key = "answer.covers"
	AnswerSources           Key = "answer.sources"
	AnswerFallbackNote      Key = "answer.fallback_note"
	AnswerUncited           Key = "answer.uncited"
	// AnswerWrongLanguage flags a model answer that came back in another language, twice.
	AnswerWrongLanguage Key = "answer.wrong_language"
	AnswerOriginal      Key = "answer.original"
	// AnswerOutside says the question names an event, year or report the catalog does not hold.
	AnswerOutside Key = "answer.outside"
	// AnswerScopeEmpty introduces what other reports say when the named ones say nothing.
	AnswerScopeEmpty Key = "answer.scope_empty"
	// AnswerHowToAsk answers greetings and chatter.
	AnswerHowToAsk Key = "answer.how_to_ask"
	// AnswerExample is an example question about an event, offered with the how-to-ask.
	AnswerExample Key = "answer.example"
	// AnswerCatalog introduces the list of reports, for questions about the sources.
	AnswerCatalog Key = "answer.catalog"
	// AnswerNoLanguage says no report is written in the languages named (%s: their names).
	AnswerNoLanguage Key = "answer.no_language"
	// AnswerBy names a report's authors; AnswerTranslationOf the article it translates.
	AnswerBy            Key = "answer.by"
	AnswerTranslationOf Key = "answer.translation_of"
)

// answerMessages holds the sentences that frame an answer.
func answerMessages() Table {
	return Table{
		AnswerFraming: {
			"en": "Here is what the reports say about this:",
			"fr": "Voici ce que les rapports disent à ce sujet :",
			"sv": "Så här skriver rapporterna om det här:",
			"zh": "以下是报告中关于这个问题的内容：",
			"de": "Das sagen die Berichte dazu:",
			"es": "Esto es lo que dicen los informes sobre el tema:",
			"ja": "レポートにはこの件について次のように書かれています：",
			"pt": "Eis o que os relatórios dizem sobre isso:",
			"it": "Ecco che cosa dicono i resoconti su questo argomento:",
			"nl": "Dit is wat de verslagen hierover zeggen:",
		},
		AnswerFramingOne: {
			"en": "Here is what the report by %s says about this:",
			"fr": "Voici ce que le rapport de %s dit à ce sujet :",
			"sv": "Så här skriver rapporten från %s om det här:",
			"zh": "以下是%s的报告中关于这个问题的内容：",
			"de": "Das sagt der Bericht von %s dazu:",
			"es": "Esto es lo que dice el informe de %s sobre el tema:",
			"ja": "%sのレポートにはこの件について次のように書かれています：",
			"pt": "Eis o que o relatório de %s diz sobre isso:",
			"it": "Ecco che cosa dice il resoconto di %s su questo argomento:",
			"nl": "Dit is wat het verslag van %s hierover zegt:",
		},
		AnswerFramingTitle: {
			"en": "Here is what one of the reports says about this:",
			"fr": "Voici ce que dit l'un des rapports à ce sujet :",
			"sv": "Så här skriver en av rapporterna om det här:",
			"zh": "以下是其中一份报告关于这个问题的内容：",
			"de": "Das sagt einer der Berichte dazu:",
			"es": "Esto es lo que dice uno de los informes sobre el tema:",
			"ja": "レポートの一つにはこの件について次のように書かれています：",
			"pt": "Eis o que um dos relatórios diz sobre isso:",
			"it": "Ecco che cosa dice uno dei resoconti su questo argomento:",
			"nl": "Dit is wat een van de verslagen hierover zegt:",
		},
		AnswerFramingAbout: {
			"en": "Here is what the reports say about %s:",
			"fr": "Voici ce que les rapports disent à propos de %s :",
			"sv": "Så här skriver rapporterna om %s:",
			"zh": "以下是报告中关于%s的内容：",
			"de": "Das sagen die Berichte über %s:",
			"es": "Esto es lo que dicen los informes sobre %s:",
			"ja": "レポートには%sについて次のように書かれています：",
			"pt": "Eis o que os relatórios dizem sobre %s:",
			"it": "Ecco che cosa dicono i resoconti su %s:",
			"nl": "Dit is wat de verslagen zeggen over %s:",
		},
		AnswerFramingOneAbout: {
			"en": "Here is what the report by %s says about %s:",
			"fr": "Voici ce que le rapport de %s dit à propos de %s :",
			"sv": "Så här skriver rapporten från %s om %s:",
			"zh": "以下是%s的报告中关于%s的内容：",
			"de": "Das sagt der Bericht von %s über %s:",
			"es": "Esto es lo que dice el informe de %s sobre %s:",
			"ja": "%sのレポートには%sについて次のように書かれています：",
			"pt": "Eis o que o relatório de %s diz sobre %s:",
			"it": "Ecco che cosa dice il resoconto di %s su %s:",
			"nl": "Dit is wat het verslag van %s zegt over %s:",
		},
		AnswerFramingTitleAbout: {
			"en": "Here is what one of the reports says about %s:",
			"fr": "Voici ce que dit l'un des rapports à propos de %s :",
			"sv": "Så här skriver en av rapporterna om %s:",
			"zh": "以下是其中一份报告关于%s的内容：",
			"de": "Das sagt einer der Berichte über %s:",
			"es": "Esto es lo que dice uno de los informes sobre %s:",
			"ja": "レポートの一つには%sについて次のように書かれています：",
			"pt": "Eis o que um dos relatórios diz sobre %s:",
			"it": "Ecco che cosa dice uno dei resoconti su %s:",
			"nl": "Dit is wat een van de verslagen zegt over %s:",
		},
		AnswerNotFound: {
			"en": "The reports do not cover this, so I would rather not guess.",
			"fr": "Les rapports ne parlent pas de ce sujet, je préfère donc ne pas inventer de réponse.",
			"sv": "Rapporterna tar inte upp det här, så jag vill inte gissa.",
			"zh": "报告中没有涉及这个问题，所以我不想猜测。",
			"de": "Die Berichte behandeln das nicht, deshalb rate ich lieber nicht.",
			"es": "Los informes no tratan este tema, así que prefiero no adivinar.",
			"ja": "レポートにはこの件についての記述がないため、推測は控えます。",
			"pt": "Os relatórios não tratam deste assunto, por isso prefiro não adivinhar.",
			"it": "I resoconti non parlano di questo argomento, quindi preferisco non tirare a indovinare.",
			"nl": "De verslagen gaan hier niet over, dus ik ga niet gokken.",
		},
		AnswerCovers: {
			"en": "They cover %s. You could ask, for example, about:",
			"fr": "Ils portent sur %s. Vous pouvez par exemple poser une question sur :",
			"sv": "De handlar om %s. Du kan till exempel fråga om:",
			"zh": "这些报告涉及%s。你可以问例如：",
			"de": "Sie handeln von %s. Sie können zum Beispiel fragen nach:",
			"es": "Tratan de %s. Puedes preguntar, por ejemplo, sobre:",
			"ja": "レポートの対象は%sです。たとえば次のような質問ができます：",
			"pt": "Eles tratam de %s. Você pode perguntar, por exemplo, sobre:",
			"it": "Parlano di %s. Puoi chiedere, per esempio, di:",
			"nl": "Ze gaan over %s. Je kunt bijvoorbeeld vragen naar:",
		},
		AnswerSources: {
			"en": "Sources",
			"fr": "Sources",
			"sv": "Källor",
			"zh": "来源",
			"de": "Quellen",
			"es": "Fuentes",
			"ja": "出典",
			"pt": "Fontes",
			"it": "Fonti",
			"nl": "Bronnen",
		},
		AnswerFallbackNote: {
			"en": "The language model could not be reached or did not answer in time, so this answer quotes the reports directly.",
			"fr": "Le modèle de langue est injoignable ou n'a pas répondu à temps : cette réponse cite donc directement les rapports.",
			"sv": "Språkmodellen gick inte att nå eller svarade inte i tid, så det här svaret citerar rapporterna direkt.",
			"zh": "无法连接语言模型或其未能及时回答，因此本回答直接引用报告原文。",
			"de": "Das Sprachmodell war nicht erreichbar oder hat nicht rechtzeitig geantwortet, daher zitiert diese Antwort die Berichte direkt.",
			"es": "No se pudo contactar con el modelo de lenguaje o no respondió a tiempo, así que esta respuesta cita directamente los informes.",
			"ja": "言語モデルに接続できないか時間内に応答がなかったため、この回答はレポートを直接引用しています。",
			"pt": "Não foi possível contactar o modelo de linguagem ou ele não respondeu a tempo, por isso esta resposta cita diretamente os relatórios.",
			"it": "Il modello linguistico non è raggiungibile o non ha risposto in tempo, quindi questa risposta cita direttamente i resoconti.",
			"nl": "Het taalmodel was niet bereikbaar of antwoordde niet op tijd, dus dit antwoord citeert de verslagen rechtstreeks.",
		},
		AnswerUncited: {
			"en": "Careful: this answer cites none of the passages, so check it against the sources.",
			"fr": "Attention : cette réponse ne cite aucun passage, vérifiez-la dans les sources.",
			"sv": "Obs: svaret hänvisar inte till något stycke, så kontrollera det mot källorna.",
			"zh": "注意：这个回答没有引用任何段落，请对照来源核实。",
			"de": "Vorsicht: Diese Antwort zitiert keine Passage, bitte anhand der Quellen prüfen.",
			"es": "Atención: esta respuesta no cita ningún pasaje, compruébala con las fuentes.",
			"ja": "注意：この回答はどの段落も引用していないため、出典で確認してください。",
			"pt": "Atenção: esta resposta não cita nenhum trecho, confira-a nas fontes.",
			"it": "Attenzione: questa risposta non cita alcun passaggio, verificala nelle fonti.",
			"nl": "Let op: dit antwoord citeert geen enkele passage, controleer het in de bronnen.",
		},
		AnswerWrongLanguage: {
			"en": "Careful: the model answered in another language than asked.",
			"fr": "Attention : le modèle a répondu dans une autre langue que celle demandée.",
			"sv": "Obs: modellen svarade på ett annat språk än det som efterfrågades.",
			"zh": "注意：模型没有用所要求的语言回答。",
			"de": "Vorsicht: Das Modell hat in einer anderen als der gewünschten Sprache geantwortet.",
			"es": "Atención: el modelo respondió en otro idioma distinto del solicitado.",
			"ja": "注意：モデルは指定とは別の言語で回答しました。",
			"pt": "Atenção: o modelo respondeu em outro idioma, não no que foi pedido.",
			"it": "Attenzione: il modello ha risposto in una lingua diversa da quella richiesta.",
			"nl": "Let op: het model antwoordde in een andere taal dan gevraagd.",
		},
		AnswerNoLanguage: {
			"en": "No report is written in %s.",
			"fr": "Aucun rapport n'est rédigé en %s.",
			"sv": "Ingen rapport är skriven på %s.",
			"zh": "没有用%s撰写的报告。",
			"de": "Kein Bericht ist auf %s geschrieben.",
			"es": "Ningún informe está escrito en %s.",
			"ja": "%sで書かれたレポートはありません。",
			"pt": "Nenhum relatório está escrito em %s.",
			"it": "Nessun resoconto è scritto in %s.",
			"nl": "Geen enkel verslag is in het %s geschreven.",
		},
		AnswerOutside: {
			"en": "The reports do not cover %s.",
			"fr": "Les rapports ne couvrent pas %s.",
			"sv": "Rapporterna tar inte upp %s.",
			"zh": "报告中没有涉及%s。",
			"de": "Die Berichte behandeln %s nicht.",
			"es": "Los informes no tratan %s.",
			"ja": "レポートは%sを扱っていません。",
			"pt": "Os relatórios não tratam de %s.",
			"it": "I resoconti non parlano di %s.",
			"nl": "De verslagen gaan niet over %s.",
		},
		AnswerScopeEmpty: {
			"en": "%s says nothing about this. Here is what the other reports say:",
			"fr": "%s n'en dit rien. Voici ce qu'en disent les autres rapports :",
			"sv": "%s säger inget om det här. Så här skriver de andra rapporterna:",
			"zh": "%s没有提到这一点。以下是其他报告的内容：",
			"de": "%s sagt dazu nichts. Das sagen die anderen Berichte:",
			"es": "%s no dice nada al respecto. Esto es lo que dicen los demás informes:",
			"ja": "%sにはこの件の記述がありません。他のレポートには次のように書かれています：",
			"pt": "%s não diz nada sobre isso. Eis o que dizem os outros relatórios:",
			"it": "%s non ne parla. Ecco che cosa dicono gli altri resoconti:",
			"nl": "%s zegt hier niets over. Dit is wat de andere verslagen zeggen:",
		},
		AnswerHowToAsk: {
			"en": "Hi! Ask me a question about the conference reports, for example: “%s”",
			"fr": "Bonjour ! Posez-moi une question sur les comptes rendus de conférences, par exemple : « %s »",
			"sv": "Hej! Ställ en fråga om konferensrapporterna, till exempel: ”%s”",
			"zh": "你好！可以问我关于会议报告的问题，例如：“%s”",
			"de": "Hallo! Stellen Sie mir eine Frage zu den Konferenzberichten, zum Beispiel: „%s“",
			"es": "¡Hola! Hazme una pregunta sobre los informes de conferencias, por ejemplo: «%s»",
			"ja": "こんにちは！カンファレンスのレポートについて質問してください。例：「%s」",
			"pt": "Olá! Faça-me uma pergunta sobre os relatórios das conferências, por exemplo: “%s”",
			"it": "Ciao! Fammi una domanda sui resoconti delle conferenze, per esempio: «%s»",
			"nl": "Hallo! Stel me een vraag over de conferentieverslagen, bijvoorbeeld: ‘%s’",
		},
		AnswerExample: {
			"en": "What were the key take-aways of %s?",
			"fr": "Quels sont les points à retenir de %s ?",
			"sv": "Vilka var de viktigaste lärdomarna från %s?",
			"zh": "%s有哪些要点？",
			"de": "Was waren die wichtigsten Erkenntnisse der %s?",
			"es": "¿Cuáles fueron las conclusiones principales de %s?",
			"ja": "%sの要点は何でしたか？",
			"pt": "Quais foram os pontos principais da %s?",
			"it": "Quali sono stati i punti chiave della %s?",
			"nl": "Wat waren de belangrijkste lessen van %s?",
		},
		AnswerCatalog: {
			"en": "These are the reports I answer from:",
			"fr": "Voici les rapports dont je tire mes réponses :",
			"sv": "Det här är rapporterna jag svarar utifrån:",
			"zh": "我的回答依据以下报告：",
			"de": "Das sind die Berichte, aus denen ich antworte:",
			"es": "Estos son los informes en los que baso mis respuestas:",
			"ja": "回答の元にしているレポートは次のとおりです：",
			"pt": "Estes são os relatórios em que baseio as respostas:",
			"it": "Questi sono i resoconti da cui traggo le risposte:",
			"nl": "Dit zijn de verslagen waaruit ik antwoord:",
		},
		AnswerBy: {
			"en": "by %s",
			"fr": "par %s",
			"sv": "av %s",
			"zh": "作者：%s",
			"de": "von %s",
			"es": "de %s",
			"ja": "著者：%s",
			"pt": "por %s",
			"it": "di %s",
			"nl": "door %s",
		},
		AnswerTranslationOf: {
			"en": "translation of “%s”",
			"fr": "traduction de « %s »",
			"sv": "översättning av ”%s”",
			"zh": "译自“%s”",
			"de": "Übersetzung von „%s“",
			"es": "traducción de «%s»",
			"ja": "「%s」の翻訳",
			"pt": "tradução de “%s”",
			"it": "traduzione di «%s»",
			"nl": "vertaling van ‘%s’",
		},
		AnswerOriginal: {
			"en": "original",
			"fr": "original",
			"sv": "original",
			"zh": "原文",
			"de": "Original",
			"es": "original",
			"ja": "原文",
			"pt": "original",
			"it": "originale",
			"nl": "origineel",
		},
	}
}
