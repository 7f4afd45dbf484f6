package answer

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/question"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// TestWholeList: a list the splitter cut into passages that each carry its introduction is
// quoted whole, introduction once, one line an item, each cited to its own passage; a question
// about one item keeps that item's detail.
func TestWholeList(t *testing.T) {
	intro := "At the Fjord meetup, Lena Okafor listed three habits of teams that ship weekly:"
	section := []retrieval.Hit{
		{Passage: corpus.Passage{ID: "a", Text: "The room was full."}},
		{Passage: corpus.Passage{ID: "b", Text: intro + "\n• Small changes: every pull request stays under a day of work. Reviews are quick."}},
		{Passage: corpus.Passage{ID: "c", Text: intro + "\n• Feature flags: unfinished work ships dark. The flag service is Unleash."}},
		{Passage: corpus.Passage{ID: "d", Text: intro + "\n• Blameless reviews: incidents end with a written review. Nobody is named."}},
		{Passage: corpus.Passage{ID: "e", Text: "Questions followed."}},
	}
	sectionOf := func(string) []retrieval.Hit { return section }
	habits := []retrieval.Concept{{Term: "habits", Forms: []string{"habits", "habit"}, Known: true}}
	hits := []retrieval.Hit{section[2]}
	chosen, _ := extract(nil, "which habits did Lena Okafor list?", "en", hits, habits)
	gotHits, got := wholeList(sectionOf, hits, chosen, habits)
	var lines []string
	for _, c := range got {
		lines = append(lines, gotHits[c.hit].Passage.ID+": "+c.text)
	}
	want := []string{
		"b: " + intro + "\n• Small changes: every pull request stays under a day of work.",
		"c: • Feature flags: unfinished work ships dark.",
		"d: • Blameless reviews: incidents end with a written review.",
	}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("wholeList quoted\n%q\nwant\n%q", lines, want)
	}

	// About one item: "Unleash" is in the item, not in the introduction.
	unleash := []retrieval.Concept{{Term: "unleash", Forms: []string{"unleash"}, Name: true, Known: true}}
	chosen, _ = extract(nil, "which flag service do they use, Unleash?", "en", hits, unleash)
	_, got = wholeList(sectionOf, hits, chosen, unleash)
	if len(got) != len(chosen) || got[0].text != chosen[0].text {
		t.Errorf("a question about one item got the whole list: %q", got[0].text)
	}
}

// TestByReport: an opinion question gets the best covering sentence of each report among the
// hits, the best answer first, and not a report with nothing on the subject.
func TestByReport(t *testing.T) {
	rep := func(id string) corpus.Report { return corpus.Report{ID: id, Publisher: strings.ToUpper(id)} }
	hits := []retrieval.Hit{
		{Passage: corpus.Passage{ID: "a1", Text: "Everyone at the booth argued about Wasm runtimes. Most teams said Wasm is not ready for production."}, Report: rep("a")},
		{Passage: corpus.Passage{ID: "b1", Text: "The food was great. Lunch was served at noon."}, Report: rep("b")},
		{Passage: corpus.Passage{ID: "c1", Text: "Our take: Wasm on the edge is where the momentum is."}, Report: rep("c")},
	}
	wasm := []retrieval.Concept{{Term: "wasm", Forms: []string{"wasm"}, Name: true, Known: true}}
	chosen, _ := extract(nil, "what was the mood about Wasm?", "en", hits, wasm)
	got := byReport(nil, "what was the mood about Wasm?", "en", hits, chosen, wasm)
	var reports []string
	for _, c := range got {
		if r := hits[c.hit].Report.ID; !slices.Contains(reports, r) {
			reports = append(reports, r)
		}
	}
	if !slices.Equal(reports, []string{"a", "c"}) {
		t.Errorf("byReport quoted reports %v, want [a c]", reports)
	}
	text, _ := renderExtractive(i18n.MustNew(), "en", "Wasm", hits, got, question.IntentOpinion, wasm)
	if !strings.Contains(text, "— A [1]") || !strings.Contains(text, "— C [2]") {
		t.Errorf("opinion answer does not attribute its quotes by report:\n%s", text)
	}
}

// TestWarm: warming prepares every passage of a small corpus, and stops when its context ends.
func TestWarm(t *testing.T) {
	svc := newTestService(t)
	c := defaultIndex(t).Corpus()
	svc.passages = newPassageCache()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	svc.Warm(ctx, c)
	if n := len(svc.passages.m); n != 0 {
		t.Errorf("a cancelled warm-up prepared %d passages", n)
	}
	svc.Warm(context.Background(), c)
	if n, want := len(svc.passages.m), min(len(c.Passages), maxWarmed); n != want {
		t.Errorf("warm-up prepared %d passages, want %d", n, want)
	}
}
