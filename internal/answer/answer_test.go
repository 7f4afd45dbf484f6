package answer

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/lang"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestOffTopicIsNotCovered: questions the reports do not answer get "not covered", in the
// asker's language, never a random passage dressed as an answer.
func TestOffTopicIsNotCovered(t *testing.T) {
	svc := newTestService(t)
	det := lang.NewDetector(i18n.Supported())
	for _, q := range offTopic(t) {
		t.Run(q, func(t *testing.T) {
			a, err := svc.Ask(context.Background(), Question{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			if !a.NotFound || len(a.Citations) != 0 {
				t.Fatalf("answered %q with %d citations, want not covered:\n%s", q, len(a.Citations), a.Text)
			}
			if want := det.Detect(q); want.Sure && a.Lang != want.Lang {
				t.Errorf("answer language %q, want the question's %q", a.Lang, want.Lang)
			}
			if len(a.Suggestions) == 0 {
				t.Error("no suggestion of what the reports do cover")
			}
		})
	}
}

// TestAnswersInTheAskersLanguage: the answer's own words follow the question, whatever the
// language of the quoted report.
func TestAnswersInTheAskersLanguage(t *testing.T) {
	svc := newTestService(t)
	det := lang.NewDetector(i18n.Supported())
	tests := []struct {
		q, hint, want string
	}{
		{"What is gVisor?", "", "en"},
		{"Qu'est-ce que gVisor ?", "", "fr"},
		{"Vad är gVisor?", "", "sv"},
		{"Was ist gVisor?", "", "de"},
		{"¿Qué es gVisor?", "", "es"},
		{"gVisor是什么？", "", "zh"},
		{"gVisorとは何ですか？", "", "ja"},
		{"O que é o gVisor?", "", "pt"},
		{"Che cos'è gVisor?", "", "it"},
		{"Wat is gVisor?", "", "nl"},
		{"gVisor?", "sv-SE", "sv"}, // too short to tell: the locale decides
		{"gVisor?", "", "en"},      // nothing to go on: English
	}
	for _, tt := range tests {
		t.Run(tt.q+"/"+tt.hint, func(t *testing.T) {
			a, err := svc.Ask(context.Background(), Question{Text: tt.q, LangHint: tt.hint})
			if err != nil {
				t.Fatal(err)
			}
			if a.Lang != tt.want {
				t.Fatalf("lang = %q, want %q", a.Lang, tt.want)
			}
			if a.NotFound {
				t.Fatalf("gVisor is covered by the Copenhagen report, got not found:\n%s", a.Text)
			}
			framing := strings.SplitN(a.Text, "\n", 2)[0]
			if got := det.Detect(framing).Lang; got != tt.want {
				t.Errorf("framing %q reads as %q, want %s", framing, got, tt.want)
			}
			if !strings.Contains(a.Text, "gVisor") || !strings.Contains(a.Text, "[1]") || len(a.Citations) == 0 {
				t.Errorf("answer lacks the quote or its citation:\n%s", a.Text)
			}
		})
	}
}

func TestForcedLanguageWins(t *testing.T) {
	a, err := newTestService(t).Ask(context.Background(), Question{Text: "What is gVisor?", LangHint: "de", ForceLang: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Lang != "fr" {
		t.Errorf("lang = %q, want the user's choice fr", a.Lang)
	}
}

// TestEmptyQuestionAndChatterGetHowToAsk: a question with no words, a greeting or thanks is
// answered with how to ask, never with a quote.
func TestEmptyQuestionAndChatterGetHowToAsk(t *testing.T) {
	for _, q := range []string{"", "   ", "?", "¿?", "hi", "thanks!", "merci !", "👍"} {
		a, err := newTestService(t).Ask(context.Background(), Question{Text: q})
		if err != nil {
			t.Fatalf("Ask(%q): %v", q, err)
		}
		if !a.NotFound || len(a.Citations) != 0 || strings.Contains(a.Text, "“") && strings.Contains(a.Text, "[1]") {
			t.Errorf("Ask(%q) = %+v, want a how-to-ask without citations", q, a)
		}
	}
	if _, err := newTestService(t).Retrieve(context.Background(), Question{Text: "?"}, "en", 5); !errors.Is(err, ErrEmptyQuestion) {
		t.Errorf("Retrieve(?) error = %v, want ErrEmptyQuestion", err)
	}
}

func TestCitationsPointToQuotedPassages(t *testing.T) {
	a, err := newTestService(t).Ask(context.Background(), Question{Text: "How many CPU cores did CERN's cluster have?"})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Citations) == 0 {
		t.Fatalf("no citation:\n%s", a.Text)
	}
	for _, c := range a.Citations {
		p, ok := defaultIndex(t).Passage(c.PassageID)
		if !ok {
			t.Fatalf("citation [%d] names unknown passage %s", c.N, c.PassageID)
		}
		for _, s := range strings.Split(c.Quote, "\n") {
			if !strings.Contains(p.Text, strings.TrimSpace(s)) {
				t.Errorf("citation [%d] quotes %q, which is not in passage %s", c.N, s, c.PassageID)
			}
		}
		if c.Title == "" || c.Event == "" {
			t.Errorf("citation [%d] does not name its report and event: %+v", c.N, c)
		}
	}
	if !strings.Contains(a.Text, "25000") {
		t.Errorf("the answer does not quote the figure:\n%s", a.Text)
	}
}

func TestTextFragment(t *testing.T) {
	tests := map[string]string{
		"Short quote here.": "#:~:text=Short%20quote%20here.",
		"• A list item.":    "#:~:text=A%20list%20item.",
		"La prochaine KubeCon + CloudNativeCon Europe se tiendra donc à Amsterdam, du 30 mars": "#:~:text=La%20prochaine%20KubeCon%20+%20CloudNativeCon,du%2030%20mars",
	}
	for in, want := range tests {
		if got := textFragment(in); got != want {
			t.Errorf("textFragment(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRenderedAnswersGolden keeps the rendered extractive answers, in several languages, under
// review. Regenerate with -update.
func TestRenderedAnswersGolden(t *testing.T) {
	svc := newTestService(t)
	questions := []struct{ name, q string }{
		{"en-next-kubecon", "Where will the next KubeCon Europe take place?"},
		{"fr-kind", "Qu'est-ce que kind ?"},
		{"sv-cern", "Vad gjorde CERN under keynoten?"},
		{"zh-smi", "什么是服务网格接口（SMI）？"},
		{"de-velero", "Was ist Velero?"},
		{"es-off-topic", "¿Cuál es el río más largo del mundo?"},
		{"ja-brigade", "Brigadeとは何ですか？"},
	}
	for _, tt := range questions {
		t.Run(tt.name, func(t *testing.T) {
			a, err := svc.Ask(context.Background(), Question{Text: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			got := a.Text + "\n\n" + Sources(i18n.MustNew(), a)
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("rendered answer changed (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkAsk measures one in-process extractive answer on the default corpus.
func BenchmarkAsk(b *testing.B) {
	svc := newTestService(b)
	qs := []string{"When does the next European KubeCon start?", "Vad gjorde CERN under keynoten?", "什么是服务网格接口（SMI）？", "What is the capital of Peru?",
		"per the swedish report why are even .net and c# folks on board w/ kubernetes", "give me the key takeaways of barcelona",
		"honest question from someone who sells to banks and insurers: are big enterprises actually adopting cloud native stuff yet, or is it still early days? did anyone at barcelona talk about that"}
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Ask(ctx, Question{Text: qs[i%len(qs)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func TestSubjectOf(t *testing.T) {
	tests := map[string]string{
		"What is the Operator Hub?":                          "Operator Hub",
		"Who is Cheryl Hung?":                                "Cheryl Hung",
		"什么是服务网格接口（SMI）？":                                    "SMI",
		"Brigadeとは何ですか？":                                     "Brigade",
		"Who presented kind?":                                "",
		"How many CPU cores did CERN's cluster have?":        "", // two names: no single subject
		"Which company received the end user award and why?": "",
	}
	for q, want := range tests {
		if got := subjectOf(q); got != want {
			t.Errorf("subjectOf(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestSubjectOfMixedCase(t *testing.T) {
	if got := subjectOf("What is gVisor?"); got != "gVisor" {
		t.Errorf("subjectOf(What is gVisor?) = %q, want gVisor", got)
	}
}

// TestScopeDecidesTheAnswer: a scoped question is answered from its scope; a scope that says
// nothing on the subject says so before quoting other reports; a scope the catalog does not
// hold is "not covered", naming what is.
func TestScopeDecidesTheAnswer(t *testing.T) {
	svc := newTestService(t)
	ctx := context.Background()

	a, err := svc.Ask(ctx, Question{Text: "vad skriver den svenska rapporten om Kubeflow?"})
	if err != nil {
		t.Fatal(err)
	}
	if a.NotFound || len(a.Citations) == 0 {
		t.Fatalf("scoped question not answered: %+v", a)
	}
	for _, c := range a.Citations {
		if !strings.HasPrefix(c.PassageID, "kubecon-eu-2019-barcelona-cag.sv#") {
			t.Errorf("citation %s outside the Swedish report", c.PassageID)
		}
	}

	a, err = svc.Ask(ctx, Question{Text: "what does the swedish report say about Monzo?"})
	if err != nil {
		t.Fatal(err)
	}
	if a.NotFound || !strings.Contains(a.Text, "says nothing about this") || len(a.Citations) == 0 || strings.HasPrefix(a.Citations[0].PassageID, "kubecon-eu-2019-barcelona-cag.sv#") {
		t.Errorf("empty scope: want the scope named, then another report quoted; got %+v", a)
	}

	for _, q := range []string{"any notes from KubeCon India 2024?", "what's new in Kubernetes 1.31?", "What was announced at DockerCon?"} {
		a, err := svc.Ask(ctx, Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if !a.NotFound || len(a.Citations) != 0 || !strings.Contains(a.Text, "Copenhagen") || !strings.Contains(a.Text, "Barcelona") {
			t.Errorf("%q: want not covered naming the events covered; got %q", q, a.Text)
		}
	}
}

// TestShortQuestionsWithoutFunctionWordsStayEnglish: a few content words are no sign of a
// language; without a locale hint the answer is English, with one it follows the hint.
func TestShortQuestionsWithoutFunctionWordsStayEnglish(t *testing.T) {
	svc := newTestService(t)
	for _, q := range []string{"monzo outage postmortem", "service mesh interface details", "cern keynote recap", "linkerd news"} {
		if got := svc.Language(Question{Text: q}); got != "en" {
			t.Errorf("Language(%q) = %s, want en", q, got)
		}
		if got := svc.Language(Question{Text: q, LangHint: "sv-SE"}); got != "sv" {
			t.Errorf("Language(%q, hint sv) = %s, want sv", q, got)
		}
	}
	if got := svc.Language(Question{Text: "Cos'è Linkerd?"}); got != "it" {
		t.Errorf("Language(Cos'è Linkerd?) = %s, want it", got)
	}
	// A Cyrillic question the detector cannot place between Russian and Ukrainian is still
	// not English, whatever the locale; a Cyrillic locale decides between the two.
	for _, hint := range []string{"", "en-US"} {
		if got := svc.Language(Question{Text: "linkerd или istio?", LangHint: hint}); got != "ru" && got != "uk" {
			t.Errorf("Language(linkerd или istio?, hint %q) = %s, want ru or uk", hint, got)
		}
	}
	if got := svc.Language(Question{Text: "linkerd или istio?", LangHint: "uk-UA"}); got != "uk" {
		t.Errorf("Language(linkerd или istio?, hint uk) = %s, want uk", got)
	}
}

// TestNamesCarryTheSubject: a question whose names the best passages hold is answered even when
// its other words match little; one naming something the reports never mention is not.
func TestNamesCarryTheSubject(t *testing.T) {
	svc := newTestService(t)
	// Istio 1.1 is named by the reports; the question's Chinese words match little of the
	// French and Chinese passages' wording.
	a, err := svc.Ask(context.Background(), Question{Text: "Istio 1.1 版本专门解决了哪个组件的问题？"})
	if err != nil {
		t.Fatal(err)
	}
	if a.NotFound {
		t.Errorf("a question about Istio 1.1 was not covered: %q", a.Text)
	}
	a, err = svc.Ask(context.Background(), Question{Text: "what did Oracle say about Zorblax pricing?"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.NotFound {
		t.Errorf("a question about an unknown product was covered: %q", a.Text)
	}
}

// TestWhenAndHowManyNeedTheirEntity: a sentence about the subject without a date or a number
// does not answer "when" or "how many".
func TestWhenAndHowManyNeedTheirEntity(t *testing.T) {
	svc := newTestService(t)
	for q, covered := range map[string]bool{
		"When was CERN founded?":                          false,
		"How much does Microsoft Azure cost per month?":   false,
		"When is the next KubeCon Europe?":                true,
		"How many people attended KubeCon in Copenhagen?": true,
	} {
		a, err := svc.Ask(context.Background(), Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if a.NotFound == covered {
			t.Errorf("%q: not_found %v, want %v (%q)", q, a.NotFound, !covered, a.Text)
		}
	}
}
