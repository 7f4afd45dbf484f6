package answer

import (
	"testing"

	"github.com/takeaway-bot/takeaway/internal/question"
	"github.com/takeaway-bot/takeaway/retrieval"
)

func TestEmphasizeTheEntityAskedFor(t *testing.T) {
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
		{"Nothing to see here.", question.IntentHowMany, nil, "Nothing to see here."},
		{"A **bold** line stays as it is, 42.", question.IntentHowMany, nil, "A **bold** line stays as it is, 42."},
		{"Kubernetes is a platform.", question.IntentFact, nil, "Kubernetes is a platform."},
	} {
		if got := emphasize(tt.s, tt.intent, tt.concepts); got != tt.want {
			t.Errorf("emphasize(%q, %s) = %q, want %q", tt.s, tt.intent, got, tt.want)
		}
	}
}
