package answer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/lang"
	"github.com/takeaway-bot/takeaway/internal/question"
	"github.com/takeaway-bot/takeaway/internal/text"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// ErrEmptyQuestion is returned for a question with no words in it.
var ErrEmptyQuestion = errors.New("the question is empty")

// Searcher finds passages; *retrieval.Index is one.
type Searcher interface {
	Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error)
	Concepts(text, lang string) []retrieval.Concept
	// Section returns the passages of a passage's section, in reading order.
	Section(passageID string) []retrieval.Hit
}

// Planner turns a question into a plan (intent, scope, subject); *question.Planner is one.
type Planner interface {
	Plan(q, lang string) question.Plan
}

// Service answers questions: it picks the answer language, plans the question, retrieves
// passages within its scope and writes the answer, extractively or with a model.
type Service struct {
	search   Searcher
	planner  Planner
	detector *lang.Detector
	catalog  *i18n.Catalog
	writer   Writer
	log      *slog.Logger
	// topics are what the reports cover, offered when a question is not covered.
	topics []string
	// events names the conferences the reports are about.
	events []string
	// langs are the languages of the reports.
	langs []string
	// cat is the catalog of events and reports, for naming scopes; may be nil.
	cat *corpus.Catalog
	// passages caches the words of the passages the answerer reads.
	passages *passageCache
	// modelTimeout bounds all the model calls of one question together; 0: no bound of its own.
	modelTimeout time.Duration
}

// Writer writes an answer with a language model; nil means extractive answers only.
type Writer interface {
	// Translate returns the question in each target language.
	Translate(ctx context.Context, question string, langs []string) (map[string]string, error)
	// Write returns an answer citing the numbered passages (req.Hits[i] is [i+1]), with
	// citations to passages that do not exist already removed, and the citation numbers it used.
	Write(ctx context.Context, req WriteRequest) (text string, used []int, err error)
}

// WriteRequest is what a Writer needs to answer.
type WriteRequest struct {
	Question string
	Lang     string
	Hits     []retrieval.Hit
	History  []Turn
	NotFound string
	OnToken  func(string)
	// Intent is the question plan's intent ("summary", "list", …), which shapes the answer.
	Intent string
	// Scope names the event or report the question is limited to; empty when it names none.
	Scope string
	// Firm asks for the answer language more strongly: the previous answer was in another one.
	Firm bool
}

// Options configure a Service.
type Options struct {
	Writer Writer
	// Planner reads questions against the catalog; nil plans every question without a scope.
	Planner Planner
	Logger  *slog.Logger
	// Topics lists what the reports cover (report titles), offered when a question is not covered.
	Topics []string
	// Events names the conferences the reports are about ("KubeCon + CloudNativeCon Europe 2019, Barcelona").
	Events []string
	// CorpusLangs are the languages of the reports, to translate questions into with a model.
	CorpusLangs []string
	// Catalog names events and reports in answers about a scope.
	Catalog *corpus.Catalog
	// Places, when set, lets place names written the way one language writes them vote for
	// that language ("Copenaghen": Italian).
	Places *text.Places
	// ModelTimeout is one deadline for all the model calls of a question (translating it,
	// answering, asking again): past it the extractive answer is given. 0 leaves each call to
	// the Writer's own bound.
	ModelTimeout time.Duration
}

// NewService returns a Service over a searcher.
func NewService(s Searcher, cat *i18n.Catalog, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{
		search:       s,
		planner:      opts.Planner,
		detector:     lang.NewDetector(i18n.Supported()).WithPlaces(opts.Places),
		catalog:      cat,
		writer:       opts.Writer,
		log:          opts.Logger,
		topics:       opts.Topics,
		events:       opts.Events,
		langs:        opts.CorpusLangs,
		cat:          opts.Catalog,
		passages:     newPassageCache(),
		modelTimeout: opts.ModelTimeout,
	}
}

// Language picks the answer language: the user's explicit choice, else the question's language
// when the detector is sure (or its script rules the locale's out), else the caller's locale
// hint, else a weak guess, else English.
func (s *Service) Language(q Question) string {
	if l := i18n.Base(q.ForceLang); i18n.IsSupported(l) {
		return l
	}
	det := s.detector.Detect(q.Text)
	if det.Sure && i18n.IsSupported(det.Lang) {
		return det.Lang
	}
	hint := i18n.Base(q.LangHint)
	// The script is sure even when the language is not: a Cyrillic question torn between
	// Russian and Ukrainian is not answered in the English of the asker's locale.
	if det.Lang != "" && i18n.IsSupported(det.Lang) && lang.Script(det.Lang) != "Latn" && lang.Script(hint) != lang.Script(det.Lang) {
		return det.Lang
	}
	if i18n.IsSupported(hint) {
		return hint
	}
	// A weak guess counts only when function words back it ("Cos'è Linkerd?" stays Italian); a
	// few content words ("monzo outage postmortem") say nothing of the asker's language.
	if det.Lang != "" && det.Voted && i18n.IsSupported(det.Lang) && len(strings.Fields(q.Text)) >= 2 {
		return det.Lang
	}
	return "en"
}

// DetectLang names the language of a text (for evaluation of answers).
func (s *Service) DetectLang(text string) string { return s.detector.Detect(text).Lang }

// Plan computes the plan of a question in the given answer language.
func (s *Service) Plan(q Question, lang string) question.Plan {
	text := contextualize(strings.TrimSpace(q.Text), q.History)
	if s.planner == nil {
		return question.Unscoped(text, lang)
	}
	return s.planner.Plan(text, lang)
}

// Retrieve finds the passages for a question in the given language, within its scope.
func (s *Service) Retrieve(ctx context.Context, q Question, lang string, k int) ([]retrieval.Hit, error) {
	if empty(q.Text) {
		return nil, ErrEmptyQuestion
	}
	return s.retrieve(ctx, q, s.Plan(q, lang), k, true)
}

// retrieve searches for a plan; scoped false searches every report (what other reports say).
func (s *Service) retrieve(ctx context.Context, q Question, plan question.Plan, k int, scoped bool) ([]retrieval.Hit, error) {
	text := plan.Search
	switch {
	case plan.Intent == question.IntentSummary && len(plan.Subject) == 0:
		text = "" // the scope's take-aways and central passages, whatever the question's words
	case strings.TrimSpace(text) == "":
		text = plan.Question
	}
	rq := retrieval.Query{Text: text, Lang: plan.Lang, K: k, Translations: q.translations,
		Summary: plan.Intent == question.IntentSummary, Sources: plan.Intent == question.IntentSources}
	if scoped {
		rq.Reports = plan.Scope.Reports
	}
	hits, err := s.search.Search(ctx, rq)
	if err != nil {
		return nil, fmt.Errorf("retrieve: %w", err)
	}
	return hits, nil
}

func empty(text string) bool {
	text = strings.TrimSpace(text)
	return text == "" || utf8.RuneCountInString(strings.Trim(text, "?!.¿¡？！。 ")) == 0
}

// contextualize adds the previous user turn to a short follow-up ("and what about Linkerd?"), so
// that retrieval knows what the conversation is about.
func contextualize(text string, history []Turn) string {
	if len(history) == 0 || len(strings.Fields(text)) > 8 {
		return text
	}
	for i := len(history) - 1; i >= 0; i-- {
		if !history[i].FromBot && strings.TrimSpace(history[i].Text) != "" {
			return text + " " + history[i].Text
		}
	}
	return text
}

// IsQuestion tells whether a message asks something the reports may answer: put as a question
// or a request (in any language), and not only greetings, thanks or small talk. Help channels
// answer such messages without a mention.
func (s *Service) IsQuestion(text string) bool {
	if empty(text) {
		return false
	}
	lang := s.detector.Detect(text).Lang
	if s.Plan(Question{Text: text}, lang).Intent == question.IntentChatter {
		return false
	}
	return question.AsksByForm(text, lang)
}

// maxWarmed is how many passages Warm prepares at most: all of a team's corpus, the first
// ones of a large one.
const maxWarmed = 5000

// Warm prepares the sentences and words of the corpus's passages (up to maxWarmed) for the
// extractive answerer, so that the first questions after a start are not the slow ones. It
// stops early when ctx is done.
func (s *Service) Warm(ctx context.Context, c *corpus.Corpus) {
	for i, p := range c.Passages {
		if i >= maxWarmed || ctx.Err() != nil {
			return
		}
		r, _ := c.Report(p.ReportID)
		s.passages.get(retrieval.Hit{Passage: p, Report: r})
	}
}
