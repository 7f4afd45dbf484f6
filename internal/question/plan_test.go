package question

import (
	"slices"
	"strings"
	"testing"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/text"
	"github.com/takeaway-bot/takeaway/internal/text/stopwords"
)

// vocab is a fake corpus vocabulary: the words of the test reports.
type vocab map[string]bool

func (v vocab) Known(t string) bool { return v[t] }

// testPlanner plans against a catalog of reports that are not the default corpus: a German
// JavaLand report, an English DevConf.CZ post in Brno, a Japanese report on CloudNative Days
// Fukuoka and a Spanish one on Open Source Summit Europe in Bilbao, loaded from text.
func testPlanner(t *testing.T) *Planner {
	t.Helper()
	loader := corpus.NewLoader([]string{"en", "fr", "de", "es", "ja", "sv", "zh"})
	docs := map[string]string{
		"javaland.de.md": "---\ntitle: Meine Notizen von der JavaLand 2025\nauthor: Katrin Hellwig\nlang: de\n---\nDie JavaLand 2025 fand am Nürburgring statt. Virtuelle Threads waren das Thema vieler Vorträge, und die Keynote über dreißig Jahre Java war voll besetzt.\n",
		"devconf.md":     "---\ntitle: My notes from DevConf.CZ 2024\npublisher: Open Notes\n---\nDevConf.CZ took place in Brno in June 2024. Podman 5 and bootc were the talks everyone discussed, and the hallway track was as good as ever.\n",
		"cnd.ja.md":      "---\ntitle: CloudNative Days Fukuoka 2025 参加レポート\nlang: ja\n---\n福岡で開催されたカンファレンスに参加しました。プラットフォームエンジニアリングとeBPFの話が多く、会場は満員でした。\n",
		"oss.es.md":      "---\ntitle: Crónica del Open Source Summit Europe 2023 en Bilbao\nlang: es\n---\nEl Open Source Summit Europe 2023 se celebró en Bilbao del 19 al 21 de septiembre, con charlas sobre SBOM y Rust en el kernel.\n",
	}
	c := &corpus.Corpus{}
	v := vocab{}
	for _, name := range []string{"javaland.de.md", "devconf.md", "cnd.ja.md", "oss.es.md"} {
		d, err := loader.Load(name, []byte(docs[name]), nil)
		if err != nil {
			t.Fatal(err)
		}
		c.Add(d)
		for _, p := range d.Passages {
			for _, w := range text.Words(p.Text) {
				v[w] = true
			}
		}
	}
	stops, err := stopwords.Load()
	if err != nil {
		t.Fatal(err)
	}
	an, err := text.NewAnalyzer(nil, stops)
	if err != nil {
		t.Fatal(err)
	}
	return NewPlanner(corpus.NewCatalog(c), an, loader.Places(), v, []string{"en", "fr", "de", "es", "ja", "sv", "zh"})
}

func TestPlanIntent(t *testing.T) {
	p := testPlanner(t)
	for _, tt := range []struct {
		q, lang string
		want    Intent
	}{
		{"hi", "en", IntentChatter},
		{"merci !", "fr", IntentChatter},
		{"👍", "en", IntentChatter},
		{"merci beaucoup !", "fr", IntentChatter},
		{"hallo, wie gehts?", "de", IntentChatter},
		{"hej! vad kan du göra?", "sv", IntentChatter},
		{"hi, what can you do?", "en", IntentChatter},
		{"hej, vad sa de om Podman?", "sv", IntentFact},
		{"thanks a lot, you saved my afternoon", "en", IntentChatter},
		{"thanks! and Podman?", "en", IntentFact},
		{"дякую, це все", "uk", IntentChatter},
		{"好的谢谢，明白了", "zh", IntentChatter},
		{"谢谢！那Podman呢？", "zh", IntentFact},
		{"什麼是平台工程？", "zh-Hant", IntentDefinition},
		{"what is bootc?", "en", IntentDefinition},
		{"Qu'est-ce que Quadlet ?", "fr", IntentDefinition},
		{"eBPFとは？", "ja", IntentDefinition},
		{"Wie viele Teilnehmende kamen zur JavaLand?", "de", IntentHowMany},
		{"¿Cuándo se celebró el summit de Bilbao?", "es", IntentWhen},
		{"where was devconf this year", "en", IntentWhere},
		{"who gave the keynote at DevConf?", "en", IntentWho},
		{"Что такое bootc?", "ru", IntentDefinition},
		{"Сколько людей пришло на JavaLand?", "ru", IntentHowMany},
		{"Коли відбулася DevConf?", "uk", IntentWhen},
		{"Хто виступав з keynote на DevConf?", "uk", IntentWho},
		{"Czym jest Podman?", "pl", IntentDefinition},
		{"Ile osób przyszło na JavaLand?", "pl", IntentHowMany},
		{"Czy ktoś mówił o eBPF?", "pl", IntentYesNo},
		{"DevConf nerede yapıldı?", "tr", IntentWhere},
		{"Podman ile bootc hakkında kaç konuşma vardı?", "tr", IntentHowMany},
		{"Podman ile ilgili ne söylendi?", "tr", IntentFact},
		{"DevConf는 언제 열렸나요?", "ko", IntentWhen},
		{"JavaLand의 핵심을 요약해 주세요", "ko", IntentSummary},
		{"should we bet on virtual threads?", "en", IntentOpinion},
		{"what was the mood about AI in open source", "en", IntentOpinion},
		{"did anyone talk about Windows containers?", "en", IntentYesNo},
		{"give me the key takeaways of DevConf", "en", IntentSummary},
		{"tl;dr of the Bilbao summit?", "en", IntentSummary},
		{"Fasse die JavaLand zusammen", "de", IntentSummary},
		{"tu peux me faire un résumé de la JavaLand ?", "fr", IntentSummary},
		{"які підсумки DevConf?", "uk", IntentSummary},
		{"什么是平台工程？", "zh", IntentDefinition},
		{"what reports do you have?", "en", IntentSources},
		{"who wrote the JavaLand notes?", "en", IntentSources},
		{"which talks covered Rust?", "en", IntentList},
	} {
		if got := p.Plan(tt.q, tt.lang).Intent; got != tt.want {
			t.Errorf("Plan(%q).Intent = %s, want %s", tt.q, got, tt.want)
		}
	}
}

func TestPlanScope(t *testing.T) {
	p := testPlanner(t)
	for _, tt := range []struct {
		q, lang string
		reports []string // want exactly these scoped reports
		outside bool
		subject string // a word that must stay in the subject
	}{
		// By event, in any language or script, by year.
		{"What did people say about Podman at DevConf.CZ?", "en", []string{"devconf"}, false, "podman"},
		{"Was gab es in Brünn zu Podman?", "de", nil, false, "podman"}, // Brünn is in no table: no scope, no error
		{"what happened in Brno in 2024?", "en", []string{"devconf"}, false, ""},
		{"Qu'a-t-on dit de Rust à Bilbao ?", "fr", []string{"oss.es"}, false, "rust"},
		{"ビルバオのサミットでSBOMについて何が話されましたか", "ja", nil, false, "sbom"},
		// A city name declined the way Polish declines it.
		{"co mówiono o eBPF w Fukuoce?", "pl", []string{"cnd.ja"}, false, "ebpf"},
		{"what was new at JavaLand 2025?", "en", []string{"javaland.de"}, false, ""},
		// By the report's language, publisher or author.
		{"what does the German report say about virtual threads?", "en", []string{"javaland.de"}, false, "threads"},
		{"que dit le rapport japonais sur eBPF ?", "fr", []string{"cnd.ja"}, false, "ebpf"},
		{"Was schreibt Hellwig über die Keynote?", "de", []string{"javaland.de"}, false, "keynote"},
		{"what do the Open Notes say about bootc", "en", []string{"devconf"}, false, "bootc"},
		// Scopes that match nothing known.
		{"any notes from KubeCon India 2024?", "en", nil, true, ""},
		{"What was announced at DockerCon?", "en", nil, true, ""},
		{"any takeaways from DevConf US?", "en", nil, true, ""},
		{"JavaLand 2019: who spoke?", "en", nil, true, ""},
		{"what happened at devconf in shanghai", "en", nil, true, ""},
		{"what's new in Podman 9.9?", "en", nil, true, ""},
		{"what did the germn report say about Loom", "en", []string{"javaland.de"}, false, "loom"},
		// No scope at all.
		{"what is bootc?", "en", nil, false, "bootc"},
	} {
		plan := p.Plan(tt.q, tt.lang)
		if plan.Scope.Outside() != tt.outside {
			t.Errorf("Plan(%q): outside = %v (unknown %v), want %v", tt.q, plan.Scope.Outside(), plan.Scope.Unknown, tt.outside)
		}
		if !slices.Equal(plan.Scope.Reports, tt.reports) {
			t.Errorf("Plan(%q): reports = %v, want %v (named %v)", tt.q, plan.Scope.Reports, tt.reports, plan.Scope.Named)
		}
		if tt.subject != "" && !slices.Contains(plan.Subject, tt.subject) {
			t.Errorf("Plan(%q): subject %v lacks %q", tt.q, plan.Subject, tt.subject)
		}
		for _, n := range plan.Scope.Named {
			if slices.Contains(plan.Subject, n) {
				t.Errorf("Plan(%q): scope word %q is also in the subject %v", tt.q, n, plan.Subject)
			}
		}
	}
}

func TestPlanIsDeterministic(t *testing.T) {
	p := testPlanner(t)
	q := "per the German report, what did Hellwig say about the JavaLand 2025 keynote in Nürburgring?"
	want := p.Plan(q, "en")
	for i := 0; i < 50; i++ {
		got := p.Plan(q, "en")
		if strings.Join(got.Scope.Named, "|") != strings.Join(want.Scope.Named, "|") || got.Search != want.Search || !slices.Equal(got.Subject, want.Subject) {
			t.Fatalf("run %d: %+v, want %+v", i, got, want)
		}
	}
}

// TestPlanSourcesByLanguage: asking whether a report exists in a language is a question about
// the sources, whether or not one does; a language's name is never read as a place.
func TestPlanSourcesByLanguage(t *testing.T) {
	p := testPlanner(t)
	for _, tt := range []struct {
		q, lang string
		langs   []string
		absent  []string
	}{
		{"is there anything in German?", "en", []string{"de"}, nil},
		{"Gibt es einen spanischen Bericht?", "de", []string{"es"}, nil},
		{"日本語のレポートはありますか？", "ja", []string{"ja"}, nil},
		{"有瑞典语的报告吗？", "zh", nil, []string{"sv"}},
		{"Is there a Swedish write-up?", "en", nil, []string{"sv"}},
		{"which write-ups do you have in French?", "en", nil, []string{"fr"}},
	} {
		t.Run(tt.q, func(t *testing.T) {
			plan := p.Plan(tt.q, tt.lang)
			if plan.Intent != IntentSources || len(plan.Subject) != 0 {
				t.Errorf("intent %s, subject %q; want sources with no subject", plan.Intent, plan.Subject)
			}
			if !slices.Equal(plan.Scope.Langs, tt.langs) || !slices.Equal(plan.Scope.AbsentLangs, tt.absent) {
				t.Errorf("langs %q, absent %q; want %q and %q", plan.Scope.Langs, plan.Scope.AbsentLangs, tt.langs, tt.absent)
			}
			if len(plan.Scope.Events) != 0 {
				t.Errorf("scoped to events %q: a language name read as a place", plan.Scope.Events)
			}
		})
	}
	// Elsewhere a language without reports stays in the subject.
	if plan := p.Plan("What did the Swedish speakers say about Podman?", "en"); plan.Scope.Outside() || !slices.Contains(plan.Subject, "swedish") {
		t.Errorf("scope %+v, subject %q", plan.Scope, plan.Subject)
	}
}

func TestInflected(t *testing.T) {
	for _, tt := range []struct {
		word, place string
		want        bool
	}{
		{"kopenhadze", "kopenhaga", true},
		{"barcelonie", "barcelona", true},
		{"копенгагені", "копенгаген", true},
		{"барселоне", "барселона", true},
		{"barcelona", "barcelona", true},
		{"barcelonaarena", "barcelona", false}, // too long to be a case ending
		{"brnie", "brno", false},               // too short a name to tell
		{"kopenhagen", "kopenhaga", true},
		{"lisboeta", "lisbonne", false},
	} {
		if got := inflected(tt.word, tt.place); got != tt.want {
			t.Errorf("inflected(%q, %q) = %v, want %v", tt.word, tt.place, got, tt.want)
		}
	}
}
