package answer

import (
	"context"
	"fmt"
	"strings"

	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// Ask answers a question in the asker's language, citing the passages it relies on.
func (s *Service) Ask(ctx context.Context, q Question) (Answer, error) {
	lang := s.Language(q)
	hits, err := s.Retrieve(ctx, q, lang, 6)
	if err != nil {
		return Answer{Lang: lang}, err
	}
	concepts := s.search.Concepts(contextualize(strings.TrimSpace(q.Text), q.History), lang)
	chosen, coverage := extract(q.Text, hits, concepts)
	s.log.Debug("extractive answer", "lang", lang, "coverage", round3(coverage), "concepts", len(concepts), "hits", len(hits))
	if !covered(chosen, coverage, concepts) {
		return s.notFound(lang), nil
	}
	text, cites := renderExtractive(s.catalog, lang, hits, chosen)
	return Answer{Text: text, Lang: lang, Mode: ModeExtractive, Citations: cites}, nil
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
