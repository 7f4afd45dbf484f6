package eval

import (
	"context"
	"strings"
	"testing"
)

// scripted answers each question from a table.
type scripted map[string]Result

func (s scripted) Run(_ context.Context, q string, _ int) (Result, error) { return s[q], nil }

type byWords struct{}

// DetectLang calls French anything with "le", Swedish anything with "är", else English.
func (byWords) DetectLang(text string) string {
	switch {
	case strings.Contains(" "+text+" ", " le "):
		return "fr"
	case strings.Contains(text, "är"):
		return "sv"
	}
	return "en"
}

func TestRunMetrics(t *testing.T) {
	cases, err := ReadCases(strings.NewReader(`
{"id":"a","lang":"en","q":"qa","needles":["Amsterdam"],"facts":[["2020"]]}
{"id":"b","lang":"fr","q":"qb","needles":["Higgs"],"facts":[["Higgs"],["CERN"]]}
{"id":"c","lang":"en","q":"qc","needles":["nowhere"],"facts":[["x"]]}
`))
	if err != nil {
		t.Fatal(err)
	}
	sys := scripted{
		"qa": {Passages: []string{"Amsterdam in 2020"}, Answer: "It is in “Amsterdam du 30 mars au 2 avril 2020” [1] this year", Answered: true},
		"qb": {Passages: []string{"a", "b", "the Higgs boson"}, Answer: "Voici le résumé : “CERN a trouvé le Higgs” [1]", Answered: true},
		"qc": {Passages: []string{"a"}, Answer: "> “le quote”\nNothing", Answered: true},
	}
	rep, err := Run(context.Background(), sys, byWords{}, cases, 10)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cases != 3 || rep.RecallAt1 != 0.333 || rep.RecallAt5 != 0.667 || rep.MRR != 0.444 {
		t.Errorf("retrieval metrics = %+v", rep)
	}
	if rep.Facts == nil || *rep.Facts != 0.667 {
		t.Errorf("facts = %v, want 0.667", rep.Facts)
	}
	// Only own words count for the language: qc's French quote does not make it French.
	if rep.Language == nil || *rep.Language != 1 {
		t.Errorf("language = %v, want 1", rep.Language)
	}
	if s := rep.ByLang["fr"]; s.Cases != 1 || s.RecallAt5 != 1 || s.Facts == nil || *s.Facts != 1 {
		t.Errorf("by_lang[fr] = %+v", s)
	}
}

func TestRetrievalOnlyLeavesAnswerMetricsNull(t *testing.T) {
	cases := []Case{{ID: "a", Lang: "en", Q: "q", Needles: []string{"x"}}}
	rep, err := Run(context.Background(), scripted{"q": {Passages: []string{"x"}}}, byWords{}, cases, 10)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Facts != nil || rep.Language != nil {
		t.Errorf("facts %v language %v, want null without answers", rep.Facts, rep.Language)
	}
}

func TestOwnWords(t *testing.T) {
	in := "Voici ce que dit le rapport « Retour » :\n> “La prochaine KubeCon” (anglais) [1]\nEt “cité” [2]"
	if got := OwnWords(in); strings.Contains(got, "prochaine") || strings.Contains(got, "cité") || strings.Contains(got, "[1]") || !strings.Contains(got, "Voici") {
		t.Errorf("OwnWords = %q", got)
	}
}

func TestReadCasesNamesBadLine(t *testing.T) {
	_, err := ReadCases(strings.NewReader("{\"id\":\"a\",\"q\":\"x\"}\nnot json\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v, want one naming line 2", err)
	}
}
