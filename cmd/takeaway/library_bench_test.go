package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/config"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/library"
	"github.com/takeaway-bot/takeaway/internal/store"
)

// twentyPages is a report of about 100 passages (20 sections of 5 paragraphs), made of the
// default corpus's passages recombined, unique per n.
func twentyPages(tb testing.TB, n int) []byte {
	tb.Helper()
	c, err := corpus.NewLoader(i18n.Supported()).Default()
	if err != nil {
		tb.Fatal(err)
	}
	var en []string
	for _, p := range c.Passages {
		if len(p.Text) > 150 {
			en = append(en, p.Text)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Benchmark notes %d from a two-day conference\nlang: en\n---\n", n)
	for s := range 20 {
		fmt.Fprintf(&b, "\n# Talk %d of day %d\n", s+1, s/10+1)
		for p := range 5 {
			fmt.Fprintf(&b, "\nOn page %d (copy %d), paragraph %d: %s\n", s+1, n, p+1, en[(s*5+p+n)%len(en)])
		}
	}
	return []byte(b.String())
}

// BenchmarkAddReport measures what an add from Slack costs on a running bot: a 20-page report
// (about 100 passages) checked, stored and indexed until questions are answered from it
// (add-ms), while questions keep being asked (their p99 is q-p99-ms). Each iteration then
// removes the report again, untimed in add-ms.
func BenchmarkAddReport(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	st, err := store.OpenBolt(filepath.Join(dir, store.BoltFileName))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	cfg := config.Defaults(func(string) string { return "" })
	cfg.DataDir = dir
	lib := library.New(st, corpus.NewLoader(i18n.Supported()), 0)
	a, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, lib)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	l := botLibrary{a: a}
	svc := liveService{a}
	questions := []string{"What did Spotify learn from deleting its clusters?", "Where will the next KubeCon Europe take place?",
		"Quelles sont les annonces de la KubeCon 2019 ?", "What is gVisor?"}

	var mu sync.Mutex
	var lat []time.Duration
	stop := make(chan struct{})
	var asking sync.WaitGroup
	asking.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			start := time.Now()
			if _, err := svc.Ask(ctx, answer.Question{Text: questions[i%len(questions)]}); err != nil {
				b.Error(err)
				return
			}
			mu.Lock()
			lat = append(lat, time.Since(start))
			mu.Unlock()
			time.Sleep(5 * time.Millisecond) // a busy bot, not a saturating loop
		}
	})
	var adds []time.Duration
	n := 0
	for b.Loop() {
		n++
		data := twentyPages(b, n)
		start := time.Now()
		added, err := l.AddFile(ctx, fmt.Sprintf("bench-%d.md", n), data, "UADMIN")
		if err != nil {
			b.Fatal(err)
		}
		adds = append(adds, time.Since(start))
		if added.Passages < 90 {
			b.Fatalf("the report has %d passages, want about 100", added.Passages)
		}
		if _, err := l.Remove(ctx, added.ID); err != nil {
			b.Fatal(err)
		}
	}
	close(stop)
	asking.Wait()
	slices.Sort(adds)
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "q-p99-ms")
		b.ReportMetric(float64(len(lat)), "questions")
	}
	b.ReportMetric(float64(adds[len(adds)/2].Microseconds())/1000, "add-ms")
	b.ReportMetric(float64(adds[len(adds)-1].Microseconds())/1000, "add-max-ms")
}
