package digest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// pointsCorpus loads the two reports of testdata (written for these tests): an English "five
// things" post whose points head sections of their own (one heading lost, others rephrased)
// and a German review ending in a "Fazit" list of statements, with a list of fragments on the
// way and thanks and links at the end.
func pointsCorpus(t *testing.T) *corpus.Corpus {
	t.Helper()
	l := corpus.NewLoader(i18n.Supported())
	c := &corpus.Corpus{}
	for _, name := range []string{"top5-platform.en.md", "fazit-javaland.de.md"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		d, err := l.Load(name, data, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c.Add(d)
	}
	return c
}

func TestPointsOfNewReports(t *testing.T) {
	s := NewSelector(pointsCorpus(t))
	type got struct{ title, quote string }
	points := map[string][]got{}
	for _, k := range s.rotation[TierTakeaway] {
		p := s.pickOf("2026-01-01", k, TierTakeaway, 0, "en")
		points[p.Report.Lang] = append(points[p.Report.Lang], got{p.Title, strings.Join(p.Key, " ")})
		for _, junk := range []string{"slides", "YouTube", "Folien", "Vielen Dank"} {
			if strings.Contains(strings.Join(p.Key, " "), junk) {
				t.Errorf("point %s quotes boilerplate: %q", p.ID, p.Key)
			}
		}
	}
	// The five points of the English post, each quoted from the section that develops it.
	want := []struct{ title, support string }{
		{"Golden paths beat mandates", "paved roads"},
		{"Internal developer portals are judged by their search box", "search box and leave"},
		{"Cost data belongs next to the deploy button", "sixty percent"},
		{"Platform teams need a product manager", "product manager for its platform"},
		{"Nobody trusts a platform that hides its failures", "incidents"},
	}
	en := points["en"]
	if len(en) != len(want) {
		t.Fatalf("%d points in the English post, want %d: %+v", len(en), len(want), en)
	}
	for _, w := range want {
		found := false
		for _, g := range en {
			if g.title == w.title {
				found = true
				if !strings.Contains(g.quote, w.support) {
					t.Errorf("point %q quotes %q, want its section (%q)", w.title, g.quote, w.support)
				}
			}
		}
		if !found {
			t.Errorf("point %q missing: %+v", w.title, en)
		}
	}
	// The three statements of the German "Fazit"; the list of fragments is not a point.
	de := points["de"]
	if len(de) != 3 {
		t.Fatalf("%d points in the German review, want the 3 of its Fazit: %+v", len(de), de)
	}
	for _, g := range de {
		if strings.Contains(g.quote, "Stücklisten für Abhängigkeiten\n") || strings.HasPrefix(g.quote, "Die Sicherheitsvorträge") {
			t.Errorf("a list of fragments posted as a point: %q", g.quote)
		}
	}
	// Alternating reports: never the same one twice in a row while the other has points.
	rot := s.rotation[TierTakeaway]
	for i := 1; i < len(rot); i++ {
		if s.insights[rot[i]].group == s.insights[rot[i-1]].group && i < 2*len(de) {
			t.Errorf("rotation %d and %d both from %s", i-1, i, s.insights[rot[i]].group)
		}
	}
}

// TestDefaultCorpusPoints holds the daily post to the target on the default corpus,
// against a list of the five reports' take-away points written independently of this code
// (testdata/default_points.json: each point with verbatim anchors from the report text): in
// every window of 21 consecutive days, in English and in French, at least 18 posts quote or head
// one of the points, none repeats, every quote is at most 500 characters and every post has a
// headline.
func TestDefaultCorpusPoints(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "default_points.json"))
	if err != nil {
		t.Fatal(err)
	}
	var points []struct {
		Point   string   `json:"point"`
		Anchors []string `json:"anchors"`
	}
	if err := json.Unmarshal(data, &points); err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string {
		return strings.ToLower(strings.Join(strings.Fields(strings.ReplaceAll(s, "’", "'")), " "))
	}
	s := NewSelector(defaultCorpus(t))
	c := NewComposer(i18n.MustNew(), nil, nil, 0, nil)
	all := dates("2026-12-01", 2*s.Candidates()+21)
	for _, lang := range []string{"en", "fr"} {
		hit := make([]bool, len(all))
		units := make([]string, len(all))
		for d, date := range all {
			p, err := s.Preview(date, lang)
			if err != nil {
				t.Fatal(err)
			}
			tk := c.Compose(context.Background(), p, lang)
			if tk.Headline == "" || utf8.RuneCountInString(tk.Citations[0].Quote) > maxQuote+1 {
				t.Errorf("%s %s: headline %q, quote of %d characters", lang, date, tk.Headline, utf8.RuneCountInString(tk.Citations[0].Quote))
			}
			text := norm(tk.Headline + " " + tk.Citations[0].Quote)
			for _, pt := range points {
				for _, a := range pt.Anchors {
					hit[d] = hit[d] || strings.Contains(text, norm(a))
				}
			}
			units[d] = tk.InsightID
		}
		worst, sum := 21, 0
		for w := 0; w+21 <= len(all); w++ {
			n, seen := 0, map[string]bool{}
			for d := w; d < w+21; d++ {
				if hit[d] {
					n++
				}
				if seen[units[d]] {
					t.Errorf("%s: %s posted twice in the 21 days from %s", lang, units[d], all[w])
				}
				seen[units[d]] = true
			}
			worst, sum = min(worst, n), sum+n
		}
		t.Logf("%s: take-away points per 21 days: worst %d, mean %.2f over %d windows", lang, worst, float64(sum)/float64(len(all)-20), len(all)-20)
		if worst < 18 {
			t.Errorf("%s: a window of 21 days posts only %d take-away points, want 18", lang, worst)
		}
	}
}
