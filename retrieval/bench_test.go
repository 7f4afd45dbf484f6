package retrieval

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/takeaway-bot/takeaway/corpus"
)

// benchQuestions are asked in turn by the search benchmarks, in several languages.
var benchQuestions = []Query{
	{Text: "When does the next European KubeCon start?", Lang: "en"},
	{Text: "Combien de sessions y avait-il à Copenhague ?", Lang: "fr"},
	{Text: "Vad gjorde CERN under keynoten?", Lang: "sv"},
	{Text: "什么是服务网格接口（SMI）？", Lang: "zh"},
	{Text: "What does Linkerd offer compared to Istio?", Lang: "en"},
	{Text: "¿Qué es Brigade?", Lang: "es"},
}

// syntheticCorpus makes n passages by recombining the sentences of the default corpus with a
// fixed seed: the same n always gives the same corpus. Reports hold 500 passages each and keep
// the metadata of the report their first sentence came from.
func syntheticCorpus(tb testing.TB, n int) *corpus.Corpus {
	tb.Helper()
	base, err := corpus.NewLoader(langs).Default()
	if err != nil {
		tb.Fatal(err)
	}
	type sent struct {
		text   string
		report int
	}
	var pool []sent
	reportIdx := map[string]int{}
	for i, r := range base.Reports {
		reportIdx[r.ID] = i
	}
	for _, p := range base.Passages {
		for _, s := range corpus.Sentences(p.Text) {
			pool = append(pool, sent{s, reportIdx[p.ReportID]})
		}
	}
	rng := rand.New(rand.NewSource(42))
	c := &corpus.Corpus{}
	var rep corpus.Report
	for i := 0; i < n; i++ {
		first := pool[rng.Intn(len(pool))]
		if i%500 == 0 {
			rep = base.Reports[first.report]
			rep.ID = fmt.Sprintf("synthetic-%06d", i/500)
			rep.Hash = rep.ID
			c.Reports = append(c.Reports, rep)
		}
		parts := []string{first.text}
		for k := rng.Intn(4); k > 0; k-- {
			parts = append(parts, pool[rng.Intn(len(pool))].text)
		}
		c.Passages = append(c.Passages, corpus.Passage{
			ID:       fmt.Sprintf("%s#%06d", rep.ID, i),
			ReportID: rep.ID,
			Lang:     rep.Lang,
			Text:     strings.Join(parts, " "),
			Ordinal:  i%500 + 1,
		})
	}
	return c
}

var (
	benchMu      sync.Mutex
	benchIndexes = map[int]*Index{}
)

func benchIndex(b *testing.B, n int) *Index {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if ix, ok := benchIndexes[n]; ok {
		return ix
	}
	// One index at a time, so that each size's resident set is its own.
	for size, ix := range benchIndexes {
		ix.Close()
		delete(benchIndexes, size)
	}
	runtime.GC()
	var c *corpus.Corpus
	if n == 0 {
		c, _ = testIndex(b)
	} else {
		c = syntheticCorpus(b, n)
	}
	// As the product runs: with a data directory, the full-text index on disk.
	dir, err := os.MkdirTemp("", "takeaway-bench-")
	if err != nil {
		b.Fatal(err)
	}
	benchDirs = append(benchDirs, dir)
	start := time.Now()
	ix, err := Build(context.Background(), c, Options{Languages: langs, DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	benchBuilt[n] = time.Since(start)
	benchIndexes[n] = ix
	return ix
}

// benchBuilt is how long each benchmark index took to build.
var benchBuilt = map[int]time.Duration{}

// benchDirs are the data directories of the benchmark indexes, removed after the run.
var benchDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range benchDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// BenchmarkBuild indexes the default corpus (dense + full text); passages/s is the build rate.
func BenchmarkBuild(b *testing.B) {
	c, _ := testIndex(b)
	b.ReportAllocs()
	for b.Loop() {
		ix, err := Build(context.Background(), c, Options{Languages: langs})
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
	b.ReportMetric(float64(len(c.Passages)*b.N)/b.Elapsed().Seconds(), "passages/s")
}

// BenchmarkBuild10k measures the build rate on 10,000 synthetic passages.
func BenchmarkBuild10k(b *testing.B) {
	c := syntheticCorpus(b, 10_000)
	for b.Loop() {
		ix, err := Build(context.Background(), c, Options{Languages: langs})
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
	b.ReportMetric(float64(len(c.Passages)*b.N)/b.Elapsed().Seconds(), "passages/s")
}

// devQuestions are the questions of the development cases (never the held-out ones), in
// their languages: what the search benchmarks ask, in turn, so that medians and tails are
// taken over several hundred questions as people phrase them. The needles of each (the texts
// of the passages that answer it; none for an off-topic question) come beside them.
func devQuestions(tb testing.TB) ([]Query, [][]string) {
	tb.Helper()
	var out []Query
	var needles [][]string
	for _, set := range []string{"dev_qa", "dev_realistic", "lang_dev", "own_dev", "gate_dev"} {
		data, err := os.ReadFile(filepath.Join("..", "internal", "eval", "testdata", set+".jsonl"))
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			var c struct {
				Lang, Q string
				Needles []string
			}
			if err := json.Unmarshal([]byte(line), &c); err != nil {
				tb.Fatalf("%s: %v", set, err)
			}
			out = append(out, Query{Text: c.Q, Lang: c.Lang})
			needles = append(needles, c.Needles)
		}
	}
	return out, needles
}

// holdsNeedle reports whether one of the first k passages holds one of the needles (as eval
// counts recall: case-insensitive substrings). The synthetic passages are recombined real
// sentences, so the answer to a development question is somewhere among the 100,000: the
// benchmarks report how often a search still finds it there.
func holdsNeedle(ix *Index, ids []string, needles []string, k int) bool {
	for _, id := range ids[:min(k, len(ids))] {
		i, ok := ix.passages[id]
		if !ok {
			continue
		}
		text := strings.ToLower(ix.corpus.Passages[i].Text)
		for _, n := range needles {
			if strings.Contains(text, strings.ToLower(n)) {
				return true
			}
		}
	}
	return false
}

func benchSearch(b *testing.B, n int, mode string) {
	ix := benchIndex(b, n)
	questions, needles := devQuestions(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	var lat []time.Duration
	asked, found := map[int]bool{}, map[int]bool{}
	defer func() {
		// The share of the answerable questions asked whose answer is among the first 10.
		if n := len(asked); n > 0 && (mode == "hybrid" || mode == "lexical") {
			b.ReportMetric(float64(len(found))/float64(n), "recall@10")
		}
		// Medians and tails over every question asked, not only the mean ns/op.
		slices.Sort(lat)
		if len(lat) > 0 {
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		}
		// The resident set of the process holding the index (and its corpus), and the time
		// the index took to build.
		debug.FreeOSMemory()
		b.ReportMetric(residentMB(), "rss-MB")
		// Of which anonymous memory (the heap: vectors, passages, maps) and file pages (the binary,
		// the full-text index's segments: mapped from disk, the kernel can drop them).
		b.ReportMetric(procStatusMB("RssAnon:"), "anon-MB")
		b.ReportMetric(procStatusMB("RssFile:"), "file-MB")
		benchMu.Lock()
		b.ReportMetric(benchBuilt[n].Seconds(), "build-s")
		benchMu.Unlock()
	}()
	for b.Loop() {
		qi := i % len(questions)
		q := questions[qi]
		i++
		start := time.Now()
		var ids []string
		switch mode {
		case "hybrid":
			q.K = 10
			hits, err := ix.Search(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			for _, h := range hits {
				ids = append(ids, h.Passage.ID)
			}
		case "dense":
			// Bare chromem-go: embed the question and query the collection, nothing else.
			vec, _ := ix.embedder.EmbedQuery(ctx, q.Text)
			if _, err := ix.dense.QueryEmbedding(ctx, vec, min(candidates, ix.dense.Count()), nil, nil); err != nil {
				b.Fatal(err)
			}
		case "flat":
			// The dense side as the product searches it: the same embedding, the flat scan.
			vec, _ := ix.embedder.EmbedQuery(ctx, q.Text)
			if _, err := ix.denseSearch(ctx, normalize(vec), nil); err != nil {
				b.Fatal(err)
			}
		case "lexical":
			terms := ix.analyzer.Terms(q.Text, q.Lang)
			hits, err := ix.lex.search(terms, ix.analyzer.Glossary().Translate(q.Text, q.Lang, ix.langsOfCorpus), candidates, nil)
			if err != nil {
				b.Fatal(err)
			}
			for _, h := range hits {
				ids = append(ids, h.id)
			}
		}
		lat = append(lat, time.Since(start))
		if len(needles[qi]) > 0 {
			asked[qi] = true
			if holdsNeedle(ix, ids, needles[qi], 10) {
				found[qi] = true
			}
		}
	}
}

// The search benchmarks come in fours so that every claim reads as a ratio in one run: hybrid
// (the product), the product's dense side (flat scan), bare chromem-go's QueryEmbedding on the
// same vectors, and bare Bleve.
func BenchmarkSearchSeed(b *testing.B)        { benchSearch(b, 0, "hybrid") }
func BenchmarkSearchSeedFlat(b *testing.B)    { benchSearch(b, 0, "flat") }
func BenchmarkSearchSeedDense(b *testing.B)   { benchSearch(b, 0, "dense") }
func BenchmarkSearchSeedLexical(b *testing.B) { benchSearch(b, 0, "lexical") }
func BenchmarkSearch10k(b *testing.B)         { benchSearch(b, 10_000, "hybrid") }
func BenchmarkSearch10kFlat(b *testing.B)     { benchSearch(b, 10_000, "flat") }
func BenchmarkSearch10kDense(b *testing.B)    { benchSearch(b, 10_000, "dense") }
func BenchmarkSearch10kLexical(b *testing.B)  { benchSearch(b, 10_000, "lexical") }
func BenchmarkSearch100k(b *testing.B)        { benchSearch(b, 100_000, "hybrid") }
func BenchmarkSearch100kFlat(b *testing.B)    { benchSearch(b, 100_000, "flat") }
func BenchmarkSearch100kDense(b *testing.B)   { benchSearch(b, 100_000, "dense") }
func BenchmarkSearch100kLexical(b *testing.B) { benchSearch(b, 100_000, "lexical") }
func BenchmarkSearch1M(b *testing.B)          { benchSearch(b, 1_000_000, "hybrid") }
func BenchmarkSearch1MFlat(b *testing.B)      { benchSearch(b, 1_000_000, "flat") }
func BenchmarkSearch1MDense(b *testing.B)     { benchSearch(b, 1_000_000, "dense") }
func BenchmarkSearch1MLexical(b *testing.B)   { benchSearch(b, 1_000_000, "lexical") }

// residentMB reads the process's resident set size (Linux), or 0 elsewhere.
func residentMB() float64 { return procStatusMB("VmRSS:") }

// procStatusMB reads one memory line of /proc/self/status (Linux), in MB, or 0.
func procStatusMB(key string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == key {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// benchMemory reports the live heap and the resident set of an index of n passages (and its
// corpus) built as the product builds it, with a data directory, after a garbage collection;
// and the build rate.
func benchMemory(b *testing.B, n int) {
	for b.Loop() {
		c := syntheticCorpus(b, n)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		ix, err := Build(context.Background(), c, Options{Languages: langs, DataDir: b.TempDir()})
		b.ReportMetric(float64(len(c.Passages))/time.Since(start).Seconds(), "passages/s")
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse)/(1<<20), "heap-MB")
		debug.FreeOSMemory()
		b.ReportMetric(residentMB(), "rss-MB")
		// Of which anonymous memory (the heap: vectors, passages, maps) and file pages (the binary,
		// the full-text index's segments: mapped from disk, the kernel can drop them).
		b.ReportMetric(procStatusMB("RssAnon:"), "anon-MB")
		b.ReportMetric(procStatusMB("RssFile:"), "file-MB") // resident once garbage is returned to the OS
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "index-MB")
		runtime.KeepAlive(ix)
		runtime.KeepAlive(c)
		ix.Close()
	}
}

func BenchmarkMemory100k(b *testing.B) { benchMemory(b, 100_000) }

// benchStartup measures a restart on n passages: Build on a data directory that already holds
// the index (state, full-text index, dense snapshot) of the same corpus.
func benchStartup(b *testing.B, n int) {
	c := syntheticCorpus(b, n)
	dir := b.TempDir()
	ctx := context.Background()
	ix, err := Build(ctx, c, Options{Languages: langs, DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	ix.Close()
	b.ResetTimer()
	for b.Loop() {
		ix, err := Build(ctx, c, Options{Languages: langs, DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		if ix.Reembedded {
			b.Fatal("the restart re-embedded")
		}
		ix.Close()
	}
}

func BenchmarkStartup10k(b *testing.B)  { benchStartup(b, 10_000) }
func BenchmarkStartup100k(b *testing.B) { benchStartup(b, 100_000) }
