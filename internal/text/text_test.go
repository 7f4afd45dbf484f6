package text

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGlossary(t *testing.T) {
	g, err := ParseGlossary("# comment\nservice mesh\tmaillage de services|maillage de service\ttjänstenät\tservice mesh\tmalla de servicios\t服务网格\tサービスメッシュ\tmalha de serviço\tservice mesh\tservice mesh\n")
	if err != nil {
		t.Fatal(err)
	}
	got := g.Translate("Qu'apporte le maillage de services ?", "fr", []string{"en", "zh"})
	if diff := cmp.Diff(map[string][]string{"en": {"service mesh"}, "zh": {"服务网格"}}, got); diff != "" {
		t.Errorf("fr → en, zh (-want +got):\n%s", diff)
	}
	got = g.Translate("什么是服务网格？", "zh", []string{"fr"})
	if diff := cmp.Diff(map[string][]string{"fr": {"maillage de services", "maillage de service"}}, got); diff != "" {
		t.Errorf("zh → fr (-want +got):\n%s", diff)
	}
	if _, err := ParseGlossary("too\tfew\tcolumns\n"); err == nil {
		t.Error("a line with 3 columns was accepted")
	}
	if _, err := DefaultGlossary(); err != nil {
		t.Errorf("shipped glossary: %v", err)
	}
}

func TestTermsDropFunctionAndQuestionWords(t *testing.T) {
	a, err := NewAnalyzer(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		q, lang string
		want    []string
	}{
		{"What did Spotify learn from deleting its clusters?", "en", []string{"spotify", "learn", "deleting", "clusters"}},
		{"Qu'est-ce que kind ?", "fr", []string{"kind"}},
		{"什么是服务网格？", "zh", []string{"服务网格"}},
		{"Vad sa CERN om Kubernetes?", "sv", []string{"sa", "cern", "kubernetes"}},
	} {
		if diff := cmp.Diff(tt.want, a.Terms(tt.q, tt.lang)); diff != "" {
			t.Errorf("Terms(%q) (-want +got):\n%s", tt.q, diff)
		}
	}
}

func TestFoldKeepsJapaneseVoicing(t *testing.T) {
	if got := Fold("Détection サービス"); got != "detection サービス" {
		t.Errorf("Fold = %q", got)
	}
}
