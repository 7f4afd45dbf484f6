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

func TestOffTopicCasesCountApart(t *testing.T) {
	cases, err := ReadCases(strings.NewReader(`
{"id":"on","lang":"en","q":"on","needles":["x"],"facts":[["x"]]}
{"id":"miss","lang":"en","q":"miss","needles":["x"],"facts":[["x"]]}
{"id":"off1","lang":"en","q":"off1","needles":[],"facts":[],"offtopic":true}
{"id":"off2","lang":"en","q":"off2","needles":[],"facts":[],"offtopic":true}
`))
	if err != nil {
		t.Fatal(err)
	}
	sys := scripted{
		"on":   {Passages: []string{"x"}, Answer: "x", Answered: true},
		"miss": {Passages: []string{"y"}, Answer: "not covered", Answered: true, NotCovered: true},
		"off1": {Passages: []string{"x"}, Answer: "not covered", Answered: true, NotCovered: true},
		"off2": {Passages: []string{"x"}, Answer: "some quote", Answered: true},
	}
	rep, err := Run(context.Background(), sys, byWords{}, cases, 10)
	if err != nil {
		t.Fatal(err)
	}
	// Off-topic cases stay out of recall: one hit out of two on-topic cases.
	if rep.OnTopic != 2 || rep.OffTopic != 2 || rep.RecallAt5 != 0.5 {
		t.Errorf("on %d off %d recall@5 %v", rep.OnTopic, rep.OffTopic, rep.RecallAt5)
	}
	if rep.FalseNotCovered == nil || *rep.FalseNotCovered != 0.5 {
		t.Errorf("false_not_covered = %v, want 0.5", rep.FalseNotCovered)
	}
	if rep.OffTopicAnswered == nil || *rep.OffTopicAnswered != 0.5 {
		t.Errorf("off_topic_answered = %v, want 0.5", rep.OffTopicAnswered)
	}
}
