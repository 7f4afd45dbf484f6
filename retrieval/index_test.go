package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/takeaway-bot/takeaway/corpus"
)

var update = flag.Bool("update", false, "rewrite golden files")

var langs = []string{"en", "fr", "sv", "zh", "de", "es", "ja", "pt", "it", "nl"}

var (
	defaultOnce   sync.Once
	defaultCorpus *corpus.Corpus
	defaultIdx    *Index
	defaultErr    error
)

func testIndex(tb testing.TB) (*corpus.Corpus, *Index) {
	tb.Helper()
	defaultOnce.Do(func() {
		defaultCorpus, defaultErr = corpus.NewLoader(langs).Default()
		if defaultErr == nil {
			defaultIdx, defaultErr = Build(context.Background(), defaultCorpus, Options{Languages: langs})
		}
	})
	if defaultErr != nil {
		tb.Fatal(defaultErr)
	}
	return defaultCorpus, defaultIdx
}

// TestRankingGolden records the top passages of a few questions in several languages, so that
// a change in ranking shows up in review. Regenerate with -update.
func TestRankingGolden(t *testing.T) {
	_, ix := testIndex(t)
	questions := []struct{ Q, Lang string }{
		{"Where will the next KubeCon Europe take place?", "en"},
		{"Qu'est-ce que gVisor ?", "fr"},
		{"Vad sa CERN i sin keynote?", "sv"},
		{"服务网格接口是什么？", "zh"},
		{"Was hat Spotify über das Löschen von Clustern gelernt?", "de"},
		{"¿Qué anunció Microsoft sobre CloudEvents?", "es"},
	}
	got := map[string][]string{}
	for _, q := range questions {
		hits, err := ix.Search(context.Background(), Query{Text: q.Q, Lang: q.Lang, K: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			got[q.Q] = append(got[q.Q], h.Passage.ID)
		}
	}
	path := filepath.Join("testdata", "ranking.golden.json")
	if *update {
		data, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	var want map[string][]string
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ranking changed (-want +got):\n%s", diff)
	}
}

func TestSearchFindsAcrossLanguages(t *testing.T) {
	_, ix := testIndex(t)
	tests := []struct {
		q, lang, needle string
	}{
		{"What is gVisor?", "en", "gVisor"},
		{"Vad gjorde CERN under keynoten?", "sv", "Higgs"},
		{"Who is Cheryl Hung?", "en", "Cheryl Hung"},
		{"什么是服务网格接口（SMI）？", "zh", "SMI"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			hits, err := ix.Search(context.Background(), Query{Text: tt.q, Lang: tt.lang, K: 5})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				if strings.Contains(h.Passage.Text, tt.needle) {
					return
				}
			}
			t.Errorf("no passage with %q in the top 5", tt.needle)
		})
	}
}

func TestTranslatedCopiesCollapse(t *testing.T) {
	_, ix := testIndex(t)
	hits, err := ix.Search(context.Background(), Query{Text: "Service Mesh Interface SMI Gabe Monroy Microsoft", Lang: "en", K: 5})
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]int{}
	for _, h := range hits {
		if strings.Contains(h.Passage.Text, "Gabe Monroy") {
			groups[h.Report.TranslationOf]++
		}
	}
	for g, n := range groups {
		if n > 1 {
			t.Errorf("%d copies of the Gabe Monroy passage from %q in the top 5", n, g)
		}
	}
	var collapsed bool
	for _, h := range hits {
		if len(h.Duplicates) > 0 {
			collapsed = true
		}
	}
	if !collapsed {
		t.Error("no translated copy was collapsed into a hit")
	}
}

func TestSearchAsksNoMoreThanTheCorpusHolds(t *testing.T) {
	c := &corpus.Corpus{}
	doc, err := corpus.NewLoader(langs).Load("one.txt", []byte("A single report paragraph about Kubernetes operators and their tests.\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Add(doc)
	ix, err := Build(context.Background(), c, Options{Languages: langs})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	hits, err := ix.Search(context.Background(), Query{Text: "operators", Lang: "en", K: 10})
	if err != nil {
		t.Fatalf("search over a one-passage corpus: %v", err)
	}
	if len(hits) != 1 {
		t.Errorf("hits = %d, want 1", len(hits))
	}
}

// countingEmbedder counts the texts it embeds, to tell whether an index was re-embedded.
type countingEmbedder struct {
	inner *HashEmbedder
	mu    sync.Mutex
	n     int
}

func (e *countingEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	e.n += len(texts)
	e.mu.Unlock()
	return e.inner.EmbedDocuments(ctx, texts)
}

func (e *countingEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	return e.inner.EmbedQuery(ctx, text)
}

func TestDenseSnapshot(t *testing.T) {
	c, _ := testIndex(t)
	dir := t.TempDir()
	ctx := context.Background()
	build := func(c *corpus.Corpus, id string) (*Index, int) {
		t.Helper()
		emb := &countingEmbedder{inner: NewHashEmbedder(64, nil)}
		ix, err := Build(ctx, c, Options{Languages: langs, DataDir: dir, Embedder: emb, EmbedderID: id})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix, emb.n
	}
	if _, n := build(c, "model-a"); n != len(c.Passages) {
		t.Fatalf("first build embedded %d passages, want %d", n, len(c.Passages))
	}
	ix, n := build(c, "model-a")
	if n != 0 || ix.Reembedded {
		t.Errorf("restart re-embedded %d passages, want 0 (snapshot)", n)
	}
	if hits, err := ix.Search(ctx, Query{Text: "gVisor", Lang: "en"}); err != nil || len(hits) == 0 {
		t.Errorf("search on a restored index: %v, %d hits", err, len(hits))
	}
	if _, n := build(c, "model-b"); n != len(c.Passages) {
		t.Errorf("another embedder re-embedded %d passages, want %d", n, len(c.Passages))
	}
	changed := &corpus.Corpus{Reports: c.Reports[1:], Passages: nil}
	for _, p := range c.Passages {
		if p.ReportID != c.Reports[0].ID {
			changed.Passages = append(changed.Passages, p)
		}
	}
	if _, n := build(changed, "model-a"); n != len(changed.Passages) {
		t.Errorf("a changed corpus re-embedded %d passages, want %d", n, len(changed.Passages))
	}
}

func TestHashEmbedderUnitLength(t *testing.T) {
	e := NewHashEmbedder(128, []string{"kubernetes cluster", "service mesh"})
	for _, text := range []string{"", "kubernetes", "服务网格", "!!!"} {
		v, _ := e.EmbedQuery(context.Background(), text)
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		if n < 0.999 || n > 1.001 {
			t.Errorf("%q: squared norm %f, want 1", text, n)
		}
	}
}

// downEmbedder embeds documents but fails on questions, like a provider that went away.
type downEmbedder struct{ *HashEmbedder }

func (downEmbedder) EmbedQuery(context.Context, string) ([]float32, error) {
	return nil, errors.New("connection refused")
}

func TestSearchSurvivesEmbedderOutage(t *testing.T) {
	c, _ := testIndex(t)
	ix, err := Build(context.Background(), c, Options{Languages: langs, Embedder: downEmbedder{NewHashEmbedder(64, nil)}, EmbedderID: "down"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	hits, err := ix.Search(context.Background(), Query{Text: "What is gVisor?", Lang: "en"})
	if err != nil {
		t.Fatalf("search with the embedder down: %v", err)
	}
	if len(hits) == 0 || !strings.Contains(hits[0].Passage.Text, "gVisor") {
		t.Errorf("full-text fallback did not find gVisor: %d hits", len(hits))
	}
}

// TestSearchIsDeterministic builds the index twice (each build has its own map iteration
// order) and asks the same questions many times: scores and rankings must be identical.
func TestSearchIsDeterministic(t *testing.T) {
	c, first := testIndex(t)
	// Several builds: scores equal in exact arithmetic can differ in their last bit from one
	// build to another, and must still rank the same.
	builds := []*Index{first}
	for range 5 {
		ix, err := Build(context.Background(), c, Options{Languages: langs})
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		builds = append(builds, ix)
	}
	questions := []Query{
		// Matched mostly on one report's header: dozens of passages tie.
		{Text: "Was schreibt der schwedische Artikel über das Publikum und den Saal?", Lang: "de", K: 10},
		{Text: "Que dit l'article suédois sur le public ?", Lang: "fr", K: 10},
		{Text: "スウェーデンの記事では、会場の雰囲気について何と書いてある？", Lang: "ja", K: 10},
		{Text: "What did Spotify learn from deleting its clusters?", Lang: "en", K: 10},
		{Text: "Quelles annonces à Copenhague ?", Lang: "fr", K: 10},
		{Text: "Vad sa CERN om Kubernetes och maskininlärning?", Lang: "sv", K: 10},
		{Text: "服务网格接口是什么？", Lang: "zh", K: 10},
	}
	type ranked struct {
		ID    string
		Score float64
	}
	run := func(ix *Index, q Query) []ranked {
		hits, err := ix.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		var out []ranked
		for _, h := range hits {
			out = append(out, ranked{h.Passage.ID, h.Score})
		}
		return out
	}
	for _, q := range questions {
		want := run(first, q)
		for i := 0; i < 24; i++ {
			ix := builds[i%len(builds)]
			if diff := cmp.Diff(want, run(ix, q)); diff != "" {
				t.Fatalf("%q, run %d (-first +now):\n%s", q.Text, i, diff)
			}
		}
	}
}

// TestScopeIsAFilter: a search limited to one report returns only its passages, in the order
// the unlimited search gives them.
func TestScopeIsAFilter(t *testing.T) {
	_, ix := testIndex(t)
	report := "kubecon-eu-2019-barcelona-cag.sv"
	q := Query{Text: "Kubernetes machine learning Kubeflow", Lang: "en", K: 50}
	all, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	q.Reports = []string{report}
	scoped, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(scoped) == 0 {
		t.Fatal("no hit inside the scope")
	}
	for _, h := range scoped {
		if h.Report.ID != report {
			t.Errorf("hit %s outside the scope", h.Passage.ID)
		}
	}
	var want []string
	for _, h := range all {
		if h.Report.ID == report {
			want = append(want, h.Passage.ID)
		}
	}
	var got []string
	for _, h := range scoped[:min(3, len(scoped))] {
		got = append(got, h.Passage.ID)
	}
	if len(want) >= 3 {
		if diff := cmp.Diff(want[:3], got); diff != "" {
			t.Errorf("scoped order differs from the unscoped order (-want +got):\n%s", diff)
		}
	}
}

func TestMisspeltWordsGetTheirCorrection(t *testing.T) {
	_, ix := testIndex(t)
	for in, want := range map[string]string{"spotfy": "spotify", "kubernets": "kubernetes", "obsrvability": "observability", "zzzzzzz": ""} {
		if got := ix.closestWord(in); got != want {
			t.Errorf("closestWord(%q) = %q, want %q", in, got, want)
		}
	}
	hits, err := ix.Search(context.Background(), Query{Text: "wat did spotfy lern from deleting clustres", Lang: "en", K: 5})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range hits {
		if strings.Contains(h.Passage.Text, "Spotify") {
			found = true
		}
	}
	if !found {
		t.Error("a misspelt question did not find the Spotify passage")
	}
}

// TestAccentedWordsReachTheirPassages: the full-text side gets words as written, so that a
// Swedish question word meets the Swedish report ("säkerhet" is not "sakerhet" to its stemmer).
func TestAccentedWordsReachTheirPassages(t *testing.T) {
	_, ix := testIndex(t)
	hits, err := ix.Search(context.Background(), Query{Text: "säkerhet", Lang: "sv", K: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].LexicalRank == 0 {
		t.Fatalf("no full-text hit for säkerhet: %+v", hits)
	}
}

func TestLowerCaseNamesAreNames(t *testing.T) {
	_, ix := testIndex(t)
	names := ix.questionNames("what did google say about istio and the cncf")
	for _, n := range []string{"google", "istio", "cncf"} {
		if _, ok := names[n]; !ok {
			t.Errorf("%q is not taken as a name: %v", n, names)
		}
	}
	if _, ok := names["say"]; ok {
		t.Error("an ordinary word was taken as a name")
	}
}

// TestIncrementalBuild: an index built to replace another (a report added, one removed) embeds
// only the new passages, keeps the vectors of the others, and finds the new report; a removed
// report's passages are gone.
func TestIncrementalBuild(t *testing.T) {
	c, _ := testIndex(t)
	ctx := context.Background()
	for _, builtin := range []bool{false, true} {
		t.Run(fmt.Sprintf("builtin=%v", builtin), func(t *testing.T) {
			emb := &countingEmbedder{inner: NewHashEmbedder(64, nil)}
			opts := Options{Languages: langs, Embedder: emb, EmbedderID: "model-a"}
			if builtin {
				opts.Embedder, opts.EmbedderID = nil, ""
			}
			first, err := Build(ctx, c, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer first.Close()
			added := corpus.Document{Report: corpus.Report{ID: "zz-new", Title: "Notes on the Quarkus native images talk", Lang: "en"}}
			for i, text := range []string{
				"The Quarkus talk showed native images starting in forty milliseconds on a cold laptop.",
				"The speaker measured memory at a fifth of the JVM's for the same service.",
			} {
				added.Passages = append(added.Passages, corpus.Passage{ID: fmt.Sprintf("zz-new#%d", i+1), ReportID: "zz-new", Lang: "en", Text: text})
			}
			next := &corpus.Corpus{Reports: append([]corpus.Report(nil), c.Reports[1:]...)}
			for _, p := range c.Passages {
				if p.ReportID != c.Reports[0].ID {
					next.Passages = append(next.Passages, p)
				}
			}
			next.Reports = append(next.Reports, added.Report)
			next.Passages = append(next.Passages, added.Passages...)
			before := emb.n
			opts.Previous = first
			second, err := Build(ctx, next, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer second.Close()
			if second.Embedded != len(added.Passages) {
				t.Errorf("the replacing index embedded %d passages, want only the %d new ones", second.Embedded, len(added.Passages))
			}
			if !builtin && emb.n-before != len(added.Passages) {
				t.Errorf("the model embedded %d texts, want %d", emb.n-before, len(added.Passages))
			}
			hits, err := second.Search(ctx, Query{Text: "How fast do Quarkus native images start?", Lang: "en"})
			if err != nil || len(hits) == 0 || hits[0].Passage.ReportID != "zz-new" {
				t.Fatalf("the new report is not found first: %v %+v", err, hits)
			}
			for _, p := range c.Passages {
				if p.ReportID != c.Reports[0].ID {
					continue
				}
				if _, ok := second.Passage(p.ID); ok {
					t.Fatalf("a removed report's passage %s is still indexed", p.ID)
				}
			}
			if n := second.dense.Count(); n != len(next.Passages) {
				t.Errorf("the dense index holds %d passages, want %d", n, len(next.Passages))
			}
		})
	}
}

// TestSection: a passage's section is every passage of its report under the same heading, in
// reading order, and nothing for an unknown passage.
func TestSection(t *testing.T) {
	c, ix := testIndex(t)
	p := c.Passages[len(c.Passages)/2]
	got := ix.Section(p.ID)
	found, last := false, 0
	for _, h := range got {
		if h.Passage.ReportID != p.ReportID || h.Passage.Section != p.Section {
			t.Fatalf("passage %s of report %s, section %q, in the section of %s", h.Passage.ID, h.Passage.ReportID, h.Passage.Section, p.ID)
		}
		if h.Passage.Ordinal <= last {
			t.Fatalf("section out of reading order at %s", h.Passage.ID)
		}
		last = h.Passage.Ordinal
		found = found || h.Passage.ID == p.ID
	}
	if !found {
		t.Errorf("the section of %s does not hold it", p.ID)
	}
	if got := ix.Section("no-such-passage"); got != nil {
		t.Errorf("Section of an unknown passage = %d hits", len(got))
	}
}
