package answer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/question"
)

// sourcesAnswer answers a question about the reports themselves ("what reports do you have?",
// "who wrote the Swedish one?") from the catalog: the scoped reports, or all of them, each with
// its title, publisher, authors, language, event and the article it translates.
func (s *Service) sourcesAnswer(lang string, plan question.Plan) Answer {
	var reports []corpus.Report
	for _, r := range s.cat.Reports {
		if !plan.Scope.Limited() || plan.Scope.Outside() || slices.Contains(plan.Scope.Reports, r.ID) {
			reports = append(reports, r)
		}
	}
	var b strings.Builder
	switch {
	case len(plan.Scope.AbsentLangs) > 0:
		// "Is there a Japanese report?": no, and here is what there is.
		names := make([]string, 0, len(plan.Scope.AbsentLangs))
		for _, l := range plan.Scope.AbsentLangs {
			names = append(names, LanguageName(l, lang))
		}
		b.WriteString(s.catalog.Sprintf(lang, i18n.AnswerNoLanguage, strings.Join(names, ", ")) + "\n")
	case plan.Scope.Outside():
		b.WriteString(s.catalog.Sprintf(lang, i18n.AnswerOutside, plan.Scope.OutsideText) + "\n")
	}
	b.WriteString(s.catalog.Sprintf(lang, i18n.AnswerCatalog))
	for _, r := range reports {
		b.WriteString("\n• " + r.Title)
		if r.Publisher != "" {
			b.WriteString(" — " + r.Publisher)
		}
		var details []string
		if len(r.Authors) > 0 {
			details = append(details, s.catalog.Sprintf(lang, i18n.AnswerBy, strings.Join(r.Authors, ", ")))
		}
		if name := LanguageName(r.Lang, lang); name != "" {
			details = append(details, name)
		}
		if r.OriginalTitle != "" && r.OriginalTitle != r.Title {
			details = append(details, s.catalog.Sprintf(lang, i18n.AnswerTranslationOf, r.OriginalTitle))
		}
		if len(details) > 0 {
			b.WriteString(" (" + strings.Join(details, "; ") + ")")
		}
		if r.Event.Name != "" {
			e := corpus.CatalogEvent{Event: r.Event}
			fmt.Fprintf(&b, ", %s", e.Label())
		}
	}
	return Answer{Text: b.String(), Lang: lang, Mode: ModeExtractive, Citations: []Citation{}, Plan: &plan}
}
