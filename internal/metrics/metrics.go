// Package metrics defines takeaway's Prometheus metrics on a registry of its own.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds every metric the bot exports.
type Metrics struct {
	reg *prometheus.Registry

	// Questions counts questions by surface (slash, mention, dm, assistant), answer language,
	// mode (extractive, llm) and outcome (answered, not_found, error, rate_limited, busy).
	Questions *prometheus.CounterVec
	// AnswerSeconds is the time from question to answer, by surface.
	AnswerSeconds *prometheus.HistogramVec
	// RetrievalSeconds is the time of one hybrid search.
	RetrievalSeconds prometheus.Histogram
	// LLMErrors counts failed model calls by operation (translate, answer).
	LLMErrors *prometheus.CounterVec
	// SlackAPIErrors counts failed Web API calls by kind (rate_limited, server, network).
	SlackAPIErrors *prometheus.CounterVec
	// DailyPosts counts daily takeaway attempts by outcome (posted, already_posted, error, not_in_channel).
	DailyPosts *prometheus.CounterVec
	// Feedback counts 👍/👎 clicks by vote.
	Feedback *prometheus.CounterVec
}

// New registers the metrics, plus the Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		Questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "takeaway_questions_total", Help: "Questions received, by surface, answer language, mode and outcome.",
		}, []string{"surface", "lang", "mode", "outcome"}),
		AnswerSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "takeaway_answer_seconds", Help: "Time to answer a question, by surface.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20, 30},
		}, []string{"surface"}),
		RetrievalSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "takeaway_retrieval_seconds", Help: "Time of one hybrid search.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .25},
		}),
		LLMErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "takeaway_llm_errors_total", Help: "Failed language model calls, by operation.",
		}, []string{"op"}),
		SlackAPIErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "takeaway_slack_api_errors_total", Help: "Failed Slack Web API calls, by kind.",
		}, []string{"kind"}),
		DailyPosts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "takeaway_daily_posts_total", Help: "Daily takeaway attempts, by outcome.",
		}, []string{"outcome"}),
		Feedback: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "takeaway_feedback_total", Help: "Feedback clicks on answers, by vote.",
		}, []string{"vote"}),
	}
	m.reg.MustRegister(m.Questions, m.AnswerSeconds, m.RetrievalSeconds, m.LLMErrors, m.SlackAPIErrors, m.DailyPosts, m.Feedback,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Transport counts Slack Web API failures seen on the wire: 429s, 5xx and network errors.
type Transport struct {
	Base    http.RoundTripper
	Metrics *Metrics
}

// RoundTrip forwards the request and counts failures.
func (t Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(r)
	switch {
	case err != nil:
		t.Metrics.SlackAPIErrors.WithLabelValues("network").Inc()
	case resp.StatusCode == http.StatusTooManyRequests:
		t.Metrics.SlackAPIErrors.WithLabelValues("rate_limited").Inc()
	case resp.StatusCode >= 500:
		t.Metrics.SlackAPIErrors.WithLabelValues("server").Inc()
	}
	return resp, err
}
