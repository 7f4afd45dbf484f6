package answer

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// llmHits is how many passages a model gets to read.
const llmHits = 6

// Ask answers a question in the asker's language, citing the passages it relies on. With a
// model configured, the question is first translated into the reports' languages for retrieval
// and the model writes the answer; when the model fails or times out, the extractive answer is
// given with a one-line note.
func (s *Service) Ask(ctx context.Context, q Question) (Answer, error) {
	log := s.log
	if q.RequestID != "" {
		log = log.With("request_id", q.RequestID)
	}
	lang := s.Language(q)
	if s.writer != nil && strings.TrimSpace(q.Text) != "" {
		targets := make([]string, 0, len(s.langs))
		for _, l := range s.langs {
			if l != lang {
				targets = append(targets, l)
			}
		}
		if len(targets) > 0 {
			tr, err := s.writer.Translate(ctx, contextualize(q.Text, q.History), targets)
			if err != nil {
				log.Warn("question not translated, retrieving with the original only", "err", err)
			}
			q.translations = tr
		}
	}
	hits, err := s.Retrieve(ctx, q, lang, llmHits)
	if err != nil {
		return Answer{Lang: lang}, err
	}
	concepts := s.search.Concepts(contextualize(strings.TrimSpace(q.Text), q.History), lang)
	chosen, coverage := extract(q.Text, lang, hits, concepts)
	log.Debug("retrieved", "lang", lang, "coverage", round3(coverage), "concepts", len(concepts), "hits", len(hits))

	if s.writer != nil && len(hits) > 0 && coverage >= minModelCoverage {
		a, err := s.write(ctx, q, lang, hits)
		if err == nil {
			return a, nil
		}
		log.Warn("model answer failed, answering extractively", "err", err)
		ext := s.extractive(q.Text, lang, hits, chosen, coverage, concepts)
		ext.Note = s.catalog.Sprintf(lang, i18n.AnswerFallbackNote)
		return ext, nil
	}
	return s.extractive(q.Text, lang, hits, chosen, coverage, concepts), nil
}

// minModelCoverage: below it, the reports plainly do not cover the question and the model is
// not asked (it would only be tempted to answer from its own knowledge).
const minModelCoverage = 0.15

func (s *Service) extractive(question, lang string, hits []retrieval.Hit, chosen []candidate, coverage float64, concepts []retrieval.Concept) Answer {
	if !covered(chosen, coverage, concepts) {
		return s.notFound(lang)
	}
	text, cites := renderExtractive(s.catalog, lang, subjectOf(question), hits, chosen)
	return Answer{Text: text, Lang: lang, Mode: ModeExtractive, Citations: cites}
}

var markerRe = regexp.MustCompile(`\[(\d+)\]`)

// write asks the model, then keeps only the citations it used, renumbered 1, 2, … in order of
// first use. An answer with no valid citation is flagged.
func (s *Service) write(ctx context.Context, q Question, lang string, hits []retrieval.Hit) (Answer, error) {
	notFound := s.catalog.Sprintf(lang, i18n.AnswerNotFound)
	text, used, err := s.writer.Write(ctx, WriteRequest{
		Question: q.Text, Lang: lang, Hits: hits, History: q.History, NotFound: notFound, OnToken: q.OnToken,
	})
	if err != nil {
		return Answer{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return Answer{}, errors.New("the model returned an empty answer")
	}
	if strings.Contains(text, notFound) || strings.TrimRight(text, ".。 ") == strings.TrimRight(notFound, ".。 ") {
		a := s.notFound(lang)
		a.Mode = ModeLLM
		return a, nil
	}
	renumber := map[int]int{}
	var cites []Citation
	concepts := s.search.Concepts(q.Text, lang)
	for _, n := range used {
		if n < 1 || n > len(hits) {
			continue
		}
		if _, ok := renumber[n]; ok {
			continue
		}
		renumber[n] = len(cites) + 1
		h := hits[n-1]
		cites = append(cites, NewCitation(len(cites)+1, h, bestSentence(q.Text, h, concepts)))
	}
	text = markerRe.ReplaceAllStringFunc(text, func(m string) string {
		var n int
		fmt.Sscanf(m, "[%d]", &n)
		if r, ok := renumber[n]; ok {
			return fmt.Sprintf("[%d]", r)
		}
		return ""
	})
	a := Answer{Text: text, Lang: lang, Mode: ModeLLM, Citations: cites}
	if len(cites) == 0 {
		a.Flagged = true
		a.Note = s.catalog.Sprintf(lang, i18n.AnswerUncited)
	}
	return a, nil
}

// bestSentence is the sentence of a cited passage that best matches the question, for the quote.
func bestSentence(question string, h retrieval.Hit, concepts []retrieval.Concept) string {
	chosen, _ := extract(question, "", []retrieval.Hit{h}, concepts)
	if len(chosen) == 0 {
		return firstSentence(h.Passage.Text)
	}
	return chosen[0].text
}

func firstSentence(text string) string {
	for _, s := range corpus.Sentences(text) {
		return s
	}
	return text
}

// covered decides whether the best sentence answers the question: it must mention enough of the
// question, and a question naming something the reports never mention (a city, a year, a
// product) is not covered unless the rest of it is matched almost entirely.
func covered(chosen []candidate, coverage float64, concepts []retrieval.Concept) bool {
	if len(chosen) == 0 || coverage < minCoverage {
		return false
	}
	for _, c := range concepts {
		if c.Name && !c.Known {
			return coverage >= 0.75
		}
	}
	return true
}

// notFound says, in the asker's language, that the reports do not cover the question, and
// what they do cover.
func (s *Service) notFound(lang string) Answer {
	text := s.catalog.Sprintf(lang, i18n.AnswerNotFound)
	if len(s.events) > 0 {
		text += " " + s.catalog.Sprintf(lang, i18n.AnswerCovers, strings.Join(s.events, ", "))
	}
	return Answer{Text: text, Lang: lang, Mode: ModeExtractive, NotFound: true, Suggestions: s.topics, Citations: []Citation{}}
}

// Sources lines up citations for a terminal: "[1] Title — Publisher, Event <url>".
func Sources(cat *i18n.Catalog, a Answer) string {
	if len(a.Citations) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(cat.Sprintf(a.Lang, i18n.AnswerSources) + ":\n")
	for _, c := range a.Citations {
		fmt.Fprintf(&b, "[%d] %s", c.N, c.Title)
		if c.Publisher != "" {
			b.WriteString(" — " + c.Publisher)
		}
		if c.Event != "" {
			b.WriteString(", " + c.Event)
		}
		if c.URL != "" {
			b.WriteString(" <" + c.URL + ">")
		}
		b.WriteString(" (" + c.PassageID + ")\n")
	}
	return b.String()
}
