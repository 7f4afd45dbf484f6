package main

import (
	"context"
	"time"

	"github.com/takeaway-bot/takeaway/bot"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/metrics"
	"github.com/takeaway-bot/takeaway/internal/store"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// timedSearcher records the latency of every search.
type timedSearcher struct {
	*retrieval.Index
	m *metrics.Metrics
}

func (t timedSearcher) Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	start := time.Now()
	hits, err := t.Index.Search(ctx, q)
	t.m.RetrievalSeconds.Observe(time.Since(start).Seconds())
	return hits, err
}

// countingWriter counts failed model calls.
type countingWriter struct {
	answer.Writer
	m *metrics.Metrics
}

func (c countingWriter) Translate(ctx context.Context, q string, langs []string) (map[string]string, error) {
	out, err := c.Writer.Translate(ctx, q, langs)
	if err != nil {
		c.m.LLMErrors.WithLabelValues("translate").Inc()
	}
	return out, err
}

func (c countingWriter) Write(ctx context.Context, req answer.WriteRequest) (string, []int, error) {
	text, used, err := c.Writer.Write(ctx, req)
	if err != nil {
		c.m.LLMErrors.WithLabelValues("answer").Inc()
	}
	return text, used, err
}

// botStore adapts the state store to the bot, and counts questions and feedback on the way.
type botStore struct {
	st store.Store
	m  *metrics.Metrics
}

// storeTimeout bounds every state call made while answering: a stuck database must not hold a
// Slack request forever.
const storeTimeout = 5 * time.Second

func (b botStore) AcceptRequest(ctx context.Context, id, owner string, payload []byte, lease, ttl time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	return b.st.AcceptRequest(ctx, id, owner, payload, lease, ttl)
}

func (b botStore) FinishRequest(ctx context.Context, id string) error {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	return b.st.FinishRequest(ctx, id)
}

func (b botStore) ClaimPending(ctx context.Context, owner string, lease time.Duration) ([]bot.PendingRequest, error) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	ps, err := b.st.ClaimPending(ctx, owner, lease)
	out := make([]bot.PendingRequest, len(ps))
	for i, p := range ps {
		out[i] = bot.PendingRequest(p)
	}
	return out, err
}

func (b botStore) SetUserLang(ctx context.Context, user, lang string) error {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	return b.st.SetUserLang(ctx, user, lang)
}

func (b botStore) UserLang(ctx context.Context, user string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	return b.st.UserLang(ctx, user)
}

func (b botStore) RecordFeedback(ctx context.Context, f bot.Feedback) error {
	b.m.Feedback.WithLabelValues(f.Vote).Inc()
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	return b.st.RecordFeedback(ctx, store.Feedback(f))
}

func (b botStore) LogQuestion(ctx context.Context, q bot.QuestionLog) error {
	b.m.Questions.WithLabelValues(q.Surface, q.Lang, q.Mode, q.Outcome).Inc()
	if q.Outcome == bot.OutcomeAnswered || q.Outcome == bot.OutcomeNotFound {
		b.m.AnswerSeconds.WithLabelValues(q.Surface).Observe(float64(q.LatencyMS) / 1000)
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	return b.st.LogQuestion(ctx, store.QuestionLog(q))
}

// QuestionStats sums up the questions since a time, for admins on App Home.
func (b botStore) QuestionStats(ctx context.Context, since time.Time) (bot.QuestionStats, error) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	s, err := b.st.Stats(ctx, since)
	if err != nil {
		return bot.QuestionStats{}, err
	}
	return bot.QuestionStats{Total: s.Total, Up: s.Up, Down: s.Down, NotFound: s.NotFound}, nil
}

// corpusSources lists the reports for /takeaway sources.
type corpusSources struct{ a *app }

func (c corpusSources) Sources() []bot.Source {
	g := c.a.acquire()
	defer g.release()
	out := make([]bot.Source, 0, len(g.corpus.Reports))
	passages := map[string]int{}
	for _, p := range g.corpus.Passages {
		passages[p.ReportID]++
	}
	for _, r := range g.corpus.Reports {
		event := r.Event.Name
		if r.Event.City != "" {
			event += ", " + r.Event.City
		}
		url := r.URL
		if url == "" && len(r.TranslationOf) > 4 && r.TranslationOf[:4] == "http" {
			url = r.TranslationOf
		}
		s := bot.Source{Title: r.Title, Publisher: r.Publisher, Event: event, Lang: r.Lang, URL: url, Passages: passages[r.ID]}
		if e, ok := g.added[r.ID]; ok {
			s.ID, s.AddedBy, s.AddedAt = e.ID, e.AddedBy, e.AddedAt
		}
		out = append(out, s)
	}
	return out
}

// SetChannelMode stores a channel mode an admin set from App Home.
func (b botStore) SetChannelMode(ctx context.Context, channel, mode string) error {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	return b.st.SetChannelMode(ctx, channel, mode)
}

// ChannelModes returns the channel modes admins set.
func (b botStore) ChannelModes(ctx context.Context) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	return b.st.ChannelModes(ctx)
}

var _ bot.ChannelModeStore = botStore{}
