package answer

import (
	"slices"
	"testing"

	"github.com/takeaway-bot/takeaway/corpus"

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
		{"Le dernier jour de la CloudNativeCon EU, Ada Brandt a parlé.", question.IntentWho, nil, "Le dernier jour de la CloudNativeCon EU, **Ada Brandt** a parlé."},
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

// TestAboutSubject: a definition quotes, from the passage of its best sentence, the other
// sentences that name the subject (what it is, what it is for), in reading order, and leaves
// out the ones that do not.
func TestAboutSubject(t *testing.T) {
	text := "Quarkbox is getting known as a build cache. It turns out to be much more than that. " +
		"Quarkbox is really a scheduler for test suites written in Rust. The speaker closed with a demo. " +
		"Teams use Quarkbox to split slow suites across runners."
	hits := []retrieval.Hit{{Passage: corpus.Passage{ID: "p1", Text: text}}}
	concepts := []retrieval.Concept{{Term: "quarkbox", Forms: []string{"quarkbox"}, Name: true, Known: true}}
	chosen, _ := extract(nil, "What is Quarkbox?", "en", hits, concepts)
	if len(chosen) == 0 {
		t.Fatal("no sentence chosen")
	}
	got := aboutSubject(nil, hits, chosen, concepts)
	var texts []string
	for _, c := range got {
		texts = append(texts, c.text)
	}
	want := []string{
		"Quarkbox is getting known as a build cache.",
		"Quarkbox is really a scheduler for test suites written in Rust.",
		"Teams use Quarkbox to split slow suites across runners.",
	}
	if !slices.Equal(texts, want) {
		t.Errorf("aboutSubject quoted %q, want %q", texts, want)
	}
}
