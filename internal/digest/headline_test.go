package digest

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/takeaway-bot/takeaway/corpus"
)

func TestHeadline(t *testing.T) {
	tests := []struct{ key, want string }{
		{"• **Platform teams win by paving roads**: the talks agreed that golden paths beat mandates.", "Platform teams win by paving roads"},
		{"3. GitOps is the default — every demo deployed from a repository.", "GitOps is the default"},
		{"Observability budgets are shrinking: teams sample more and keep less.", "Observability budgets are shrinking"},
		{"The keynote announced a new graduation process for sandbox projects, with stricter reviews.", "The keynote announced a new graduation process for sandbox projects"},
		{"服务网格已经成熟，生产环境中的采用率很高。", "服务网格已经成熟，生产环境中的采用率很高"},
		{strings.Repeat("word ", 60), strings.TrimSpace(strings.Repeat("word ", 20)) + "…"},
	}
	for _, tt := range tests {
		got := headline(Pick{Key: []string{tt.key}})
		if got != tt.want {
			t.Errorf("headline(%q) = %q, want %q", tt.key, got, tt.want)
		}
		if utf8.RuneCountInString(got) > maxHeadline+1 {
			t.Errorf("headline %q is longer than %d", got, maxHeadline)
		}
	}
	if got := headline(Pick{Passage: corpus.Passage{Text: "Serverless is back.\nMore below."}}); got != "Serverless is back" {
		t.Errorf("headline without key sentences = %q", got)
	}
}

func TestQuoteBound(t *testing.T) {
	long := strings.Repeat("a", 300) + "."
	got := boundKey([]string{long, long, "short."}, maxQuote)
	if len(got) != 1 || got[0] != long {
		t.Errorf("boundKey kept %d sentences, want the first only", len(got))
	}
	huge := strings.Repeat("b", 900)
	if got := boundKey([]string{huge}, maxQuote); utf8.RuneCountInString(got[0]) > maxQuote+1 {
		t.Errorf("a single sentence of 900 characters was kept at %d", utf8.RuneCountInString(got[0]))
	}
	s := NewSelector(defaultCorpus(t))
	for day := 0; day < 21; day++ {
		date := "2026-03-" + string(rune('0'+(day+1)/10)) + string(rune('0'+(day+1)%10))
		p, err := s.Preview(date, "en")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, k := range boundKey(p.Key, maxQuote) {
			n += utf8.RuneCountInString(k) + 1
		}
		if n-1 > maxQuote+1 {
			t.Errorf("%s: quote of %d characters", date, n-1)
		}
		if headline(p) == "" {
			t.Errorf("%s: no headline", date)
		}
	}
}
