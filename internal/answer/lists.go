package answer

import (
	"strings"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// maxListItems is how many items of a list an answer quotes at most.
const maxListItems = 8

// wholeList widens the answer to a list question when its best sentence is part of a list that
// the splitter cut into several passages, each carrying the list's introduction ("Tim Hockin
// covers five topics: • Ingress …", "… five topics: • DNS …"): the introduction once, then the
// first line of every item of the run of passages that share it, each cited to its passage.
// Passages not retrieved are added to hits. Otherwise hits and chosen are returned unchanged.
//
// A question about one item ("what is planned for Ingress?" under "five topics: • Ingress …")
// keeps its detail: the list is given only when the introduction names as much of the question
// as the quoted item does.
func wholeList(section func(id string) []retrieval.Hit, hits []retrieval.Hit, chosen []candidate, concepts []retrieval.Concept) ([]retrieval.Hit, []candidate) {
	if len(chosen) == 0 || section == nil {
		return hits, chosen
	}
	b := chosen[0]
	intro, ok := listIntro(hits[b.hit].Passage.Text)
	if !ok || countMentioned(intro, concepts) < countMentioned(strings.TrimPrefix(b.text, intro), concepts) {
		return hits, chosen
	}
	all := section(hits[b.hit].Passage.ID)
	at := -1
	for i, h := range all {
		if h.Passage.ID == hits[b.hit].Passage.ID {
			at = i
		}
	}
	if at < 0 {
		return hits, chosen
	}
	first, last := at, at
	for first > 0 && sharesIntro(all[first-1], intro) {
		first--
	}
	for last+1 < len(all) && sharesIntro(all[last+1], intro) {
		last++
	}
	if first == last {
		return hits, chosen
	}
	last = min(last, first+maxListItems-1)
	var out []candidate
	for i := first; i <= last; i++ {
		h := all[i]
		hi := -1
		for j, x := range hits {
			if x.Passage.ID == h.Passage.ID {
				hi = j
			}
		}
		if hi < 0 {
			hits = append(hits, h)
			hi = len(hits) - 1
		}
		sents := corpus.Sentences(h.Passage.Text)
		text := sents[1]
		if i == first {
			text = sents[0] + "\n" + text
		}
		c := candidate{hit: hi, sentence: 1, span: 1, text: text, matched: map[int]bool{}}
		if hi == b.hit {
			c.matched = b.matched
		}
		out = append(out, c)
	}
	return hits, out
}

// listIntro is the introduction of a passage that opens with one ("… five topics:") followed
// by a list item.
func listIntro(text string) (string, bool) {
	sents := corpus.Sentences(text)
	if len(sents) < 2 || !introducesList(sents[0]) || !corpus.IsListLine(sents[1]) {
		return "", false
	}
	return strings.TrimSpace(sents[0]), true
}

func sharesIntro(h retrieval.Hit, intro string) bool {
	got, ok := listIntro(h.Passage.Text)
	return ok && got == intro
}

// countMentioned is how many of the concepts text mentions.
func countMentioned(text string, concepts []retrieval.Concept) int {
	ws := wordSet(text)
	n := 0
	for _, c := range concepts {
		if mentions(ws, c) {
			n++
		}
	}
	return n
}

// maxOpinionReports is how many reports an opinion answer quotes.
const maxOpinionReports = 3

// byReport answers an opinion or trend question ("what was the mood about service meshes?")
// with what each report says: the best sentence (or two) of each report among the hits that
// covers the question by itself, in the order the reports rank, up to maxOpinionReports. The best answer
// keeps its place first; a report with nothing that covers the question is left out.
func byReport(pc *passageCache, question, lang string, hits []retrieval.Hit, chosen []candidate, concepts []retrieval.Concept) []candidate {
	if len(chosen) == 0 {
		return chosen
	}
	first := hits[chosen[0].hit].Report.ID
	out := []candidate{}
	for _, c := range chosen {
		if hits[c.hit].Report.ID == first {
			out = append(out, c)
		}
	}
	out = out[:min(len(out), 2)]
	seen := map[string]bool{first: true}
	reports := 1
	for _, h := range hits[:min(len(hits), hitsRead)] {
		id := h.Report.ID
		if seen[id] || reports >= maxOpinionReports {
			continue
		}
		seen[id] = true
		// The report's own hits, at their places in hits (the candidate refers to its index).
		var own []retrieval.Hit
		var at []int
		for i, x := range hits[:min(len(hits), hitsRead)] {
			if x.Report.ID == id {
				own = append(own, x)
				at = append(at, i)
			}
		}
		c, cov := extract(pc, question, lang, own, concepts)
		if !covered(c, cov, concepts) {
			continue
		}
		for _, x := range c[:min(len(c), 2)] {
			x.hit = at[x.hit]
			out = append(out, x)
		}
		reports++
	}
	return out
}
