package answer

import (
	"strings"
	"testing"

	"github.com/takeaway-bot/takeaway/corpus"
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
