package lang

import (
	"testing"

	"github.com/takeaway-bot/takeaway/internal/text"
)

func TestDetect(t *testing.T) {
	d := NewDetector([]string{"en", "fr", "sv", "zh", "de", "es", "ja", "pt", "it", "nl", "ko", "zh-Hant", "ru", "pl", "tr", "uk"})
	tests := []struct {
		text string
		want string
		sure bool
	}{
		{"When does the next European KubeCon start?", "en", true},
		{"What did Kelsey Hightower say about serverless at KubeCon Detroit?", "en", true},
		{"Combien de sessions y avait-il à Copenhague ?", "fr", true},
		{"Qu'est-ce que SMI ?", "fr", true},
		{"Vad gjorde CERN under keynoten?", "sv", true},
		{"Hur många var där?", "sv", true},
		{"Was ist Velero?", "de", true},
		{"¿Qué es Brigade?", "es", true},
		{"O que é o Istio?", "pt", true},
		{"Wat is Kubeflow?", "nl", true},
		{"SMI是什么？", "zh", true},
		{"什么是服务网格接口（SMI）？", "zh", true},
		{"Brigadeとは何ですか？", "ja", true},
		{"這份報告說了什麼？", "zh-Hant", true},
		{"这份报告说了什么？", "zh", true},
		{"Spotify刪除叢集後學到了什麼？", "zh-Hant", true},
		{"Istio는 무엇인가요?", "ko", true},
		{"Что Spotify узнал после удаления кластеров?", "ru", true},
		{"Что такое Linkerd?", "ru", true},
		{"Kim był Oliver Beattie?", "pl", true},
		{"Вот отчёты, на которые я опираюсь: «[译] KubeCon EU 2019：十大要点»", "ru", true},
		{"Barcelona 2019da neler oldu?", "tr", true},
		{"Monzo neye benziyordu?", "tr", true},
		{"oi, valeu!", "pt", true},
		{"goedemorgen allemaal", "nl", true},
		{"Що таке Linkerd?", "uk", true},
		{"Скільки було сесій у Копенгагені?", "uk", true},
		{"Сколько было сессий в Копенгагене?", "ru", true},
		{"Czym jest Linkerd?", "pl", true},
		{"Ile było sesji w Kopenhadze?", "pl", true},
		{"Linkerd nedir?", "tr", true},
		{"Kopenhag'da kaç oturum vardı?", "tr", true},
		{"What is Linkerd exactly?", "en", true},
		{"monzo outage postmortem", "", false},
		{"SMI?", "", false},
		{"Qué es SMI", "es", true},
		{"How does Linkerd work", "en", true},
		{"what is service mesh", "en", true},
		{"spotify cluster deletion lessons", "", false}, // no function word: trigrams alone decide nothing in four words
		{"Istio", "", false},
		{"who won la liga, i missed it", "en", true}, // English pronouns outvote a Spanish name
		{"can you tell me about el niño", "en", true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := d.Detect(tt.text)
			if got.Sure != tt.sure || (tt.want != "" && got.Lang != tt.want) {
				t.Errorf("Detect(%q) = %+v, want lang %q sure %v", tt.text, got, tt.want, tt.sure)
			}
		})
	}
}

func TestBase(t *testing.T) {
	for in, want := range map[string]string{"fr-FR": "fr", "zh_CN": "zh", "pt-BR": "pt", "EN": "en", "": "", "not a tag": "", "x": ""} {
		if got := Base(in); got != want {
			t.Errorf("Base(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPlaceNamesVote: a city written as only one language writes it tells that language when
// nothing else in the question does; a name many languages share tells nothing.
func TestPlaceNamesVote(t *testing.T) {
	places, err := text.DefaultPlaces()
	if err != nil {
		t.Fatal(err)
	}
	d := NewDetector([]string{"en", "fr", "sv", "de", "es", "pt", "it", "nl", "pl", "tr"}).WithPlaces(places)
	for _, tt := range []struct {
		text, want string
		sure       bool
	}{
		{"meetup copenaghen agenda", "it", true},
		{"köpenhamn meetup agenda", "sv", true},
		{"lisbonne meetup agenda", "fr", true},
		{"berlin meetup agenda", "", false},
	} {
		got := d.Detect(tt.text)
		if got.Sure != tt.sure || tt.want != "" && got.Lang != tt.want {
			t.Errorf("Detect(%q) = %+v, want %q sure %v", tt.text, got, tt.want, tt.sure)
		}
	}
}
