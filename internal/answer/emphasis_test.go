package answer

import (
	"testing"

	"github.com/takeaway-bot/takeaway/internal/question"
	"github.com/takeaway-bot/takeaway/retrieval"
)

func TestEmphasizeTheEntityAskedFor(t *testing.T) {
	dobre := []retrieval.Concept{{Term: "dobre", Forms: []string{"dobre"}, Name: true, Known: true}}
	sessions := []retrieval.Concept{{Term: "sessions", Forms: []string{"sessions", "session"}}}
	for _, tt := range []struct {
		s        string
		intent   question.Intent
		concepts []retrieval.Concept
		want     string
	}{
		{"Die JavaLand fand 2025 am Nürburgring statt.", question.IntentWhere, nil, "Die JavaLand fand 2025 am **Nürburgring** statt."},
		{"DevConf.CZ took place in Brno in June 2024.", question.IntentWhere, nil, "DevConf.CZ took place in **Brno** in June 2024."},
		{"Elle aura lieu du 30 mars au 2 avril 2020.", question.IntentWhen, nil, "Elle aura lieu du **30 mars** au 2 avril 2020."},
		{"Rund 1.650 Teilnehmende und 136 Vorträge in 2025.", question.IntentHowMany, nil, "Rund **1.650** Teilnehmende und 136 Vorträge in 2025."},
		{"3 jours, 4300 personnes et 300 sessions.", question.IntentHowMany, sessions, "3 jours, 4300 personnes et **300** sessions."},
		{"La keynote était donnée par Radka Novotná de Red Hat.", question.IntentWho, nil, "La keynote était donnée par **Radka Novotná** de Red Hat."},
		{"Après Mirela Dobre, c'est Jonas Lindqvist qui a pris la parole.", question.IntentWho, dobre, "Après Mirela Dobre, c'est **Jonas Lindqvist** qui a pris la parole."},
		{"Nothing to see here.", question.IntentHowMany, nil, "Nothing to see here."},
		{"A **bold** line stays as it is, 42.", question.IntentHowMany, nil, "A **bold** line stays as it is, 42."},
		{"Kubernetes is a platform.", question.IntentFact, nil, "Kubernetes is a platform."},
	} {
		if got := emphasize(tt.s, tt.intent, tt.concepts); got != tt.want {
			t.Errorf("emphasize(%q, %s) = %q, want %q", tt.s, tt.intent, got, tt.want)
		}
	}
}

// TestSpeakersHeading: a talk heading's speakers that the question does not name are put in
// bold; headings that name no one, or only the people asked about, give nothing.
func TestSpeakersHeading(t *testing.T) {
	named := func(terms ...string) []retrieval.Concept {
		var cs []retrieval.Concept
		for _, term := range terms {
			cs = append(cs, retrieval.Concept{Term: term, Forms: []string{term}, Known: true})
		}
		return cs
	}
	for _, tt := range []struct {
		heading  string
		concepts []retrieval.Concept
		want     string
		ok       bool
	}{
		{"Operators in Anger – Mirela Dobre, Platform Lead, Fjordbank", named("operators"),
			"Operators in Anger – **Mirela Dobre**, Platform Lead, Fjordbank", true},
		{"Keynote: Zero Trust im Mittelstand - Jonas Lindqvist, Nordlicht GmbH und Ana Ferreira, Lisboa Cloud", named("lindqvist"),
			"Keynote: Zero Trust im Mittelstand - Jonas Lindqvist, Nordlicht GmbH und **Ana Ferreira**, Lisboa Cloud", true},
		{"Retour d’expérience — Camille Roux & Yuki Tanaka", nil,
			"Retour d’expérience — **Camille Roux** & **Yuki Tanaka**", true},
		{"Operators in Anger – Mirela Dobre, Platform Lead, Fjordbank", named("mirela", "dobre"),
			"Operators in Anger – Mirela Dobre, **Platform Lead, Fjordbank**", true},
		{"Operators in Anger – Mirela Dobre", named("mirela", "dobre"), "", false},
		{"Day 2 – Keynotes", nil, "", false},
		{"Conclusion", nil, "", false},
	} {
		got, ok := speakersHeading(tt.heading, tt.concepts)
		if got != tt.want || ok != tt.ok {
			t.Errorf("speakersHeading(%q) = %q, %v; want %q, %v", tt.heading, got, ok, tt.want, tt.ok)
		}
	}
}
