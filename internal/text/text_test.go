package text

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/takeaway-bot/takeaway/internal/text/stopwords"
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
	stops, err := stopwords.Load()
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAnalyzer(nil, stops)
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
		{"Vad sa CERN om Kubernetes?", "sv", []string{"cern", "kubernetes"}}, // "sa" folds onto "så", a stop word
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

// TestPlacesNameCitiesInEveryScript uses cities that none of the default reports mention.
func TestPlacesNameCitiesInEveryScript(t *testing.T) {
	p, err := DefaultPlaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ text, city, country string }{
		{"Notes from a meetup in Bruxelles", "Brussels", "BE"},
		{"Rückblick: Konferenz in Prag", "Prague", "CZ"},
		{"我在布拉格参加了大会", "Prague", "CZ"},
		{"リスボンで開催されたカンファレンス", "Lisbon", "PT"},
		{"Встреча в Варшаве", "", ""}, // an inflected form is not a name in the table
		{"KubeCon Europe in Varsovie", "Warsaw", "PL"},
		{"Open Source Summit Japan 2024", "", "JP"},
		{"Le rapport sur le Danemark", "", "DK"},
	} {
		got := p.Find(tt.text)
		if tt.city == "" && tt.country == "" {
			if len(got) != 0 {
				t.Errorf("Find(%q) = %+v, want nothing", tt.text, got)
			}
			continue
		}
		ok := false
		for _, m := range got {
			if m.City == tt.city && (tt.country == "" || m.Country == tt.country) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("Find(%q) = %+v, want %s %s", tt.text, got, tt.city, tt.country)
		}
	}
	if got := p.Find("a nice talk about paris-style routing"); len(got) != 0 {
		t.Errorf("lower-case words named places: %+v", got)
	}
}

func TestTokenizeCutsAtScriptChanges(t *testing.T) {
	for in, want := range map[string][]string{
		"Istio를 평가한":       {"Istio", "를", "평가한"},
		"Spotify删除集群":      {"Spotify", "删除集群"},
		"Datawireのブース":     {"Datawire", "のブース"},
		"отчёта Datawire?": {"отчёта", "Datawire"},
		"IPv4/IPv6 k8s":    {"IPv4/IPv6", "k8s"},
		"Köpenhamn, Brno.": {"Köpenhamn", "Brno."},
	} {
		if diff := cmp.Diff(want, Tokenize(in)); diff != "" {
			t.Errorf("Tokenize(%q) (-want +got):\n%s", in, diff)
		}
	}
}

func TestHanVariantsFoldToOneForm(t *testing.T) {
	for a, b := range map[string]string{"福岡": "福冈", "東京": "东京", "駅": "驿", "會議": "会议", "会議": "会议"} {
		if Fold(a) != Fold(b) {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q: want one form", a, Fold(a), b, Fold(b))
		}
	}
	if got := Tokenize("2025年福冈那场"); len(got) != 2 || got[0] != "2025" {
		t.Errorf("Tokenize cut %v: want the year apart from the Han run", got)
	}
}

func TestGlossaryFindsInflections(t *testing.T) {
	g, err := DefaultGlossary()
	if err != nil {
		t.Fatal(err)
	}
	// Portuguese "organiza" is not listed; "organizar" is.
	got := g.Translate("quem organiza o evento?", "pt", []string{"fr"})
	if !slices.Contains(got["fr"], "organiser") {
		t.Errorf("organiza → %v, want the organize concept", got["fr"])
	}
	if got := g.inflectionOf("en", "zzzzzzzz"); got != "" {
		t.Errorf("inflectionOf(zzzzzzzz) = %q", got)
	}
}

func TestNameTokensIn(t *testing.T) {
	for _, tt := range []struct {
		text, lang string
		want       []string
	}{
		{"What did Spotify say about gVisor and K8s?", "en", []string{"spotify", "gvisor", "k8s"}},
		// German capitalises every noun: only acronyms, inner capitals and digits are names.
		{"Wie viel Netzwerkverkehr erzeugt ein Rolling Update über 1000 Pods bei CERN mit gVisor?", "de", []string{"1000", "cern", "gvisor"}},
	} {
		got := NameTokensIn(tt.text, tt.lang)
		if len(got) != len(tt.want) {
			t.Errorf("NameTokensIn(%q, %s) = %v, want %v", tt.text, tt.lang, got, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !got[w] {
				t.Errorf("NameTokensIn(%q, %s) = %v, lacks %q", tt.text, tt.lang, got, w)
			}
		}
	}
}
