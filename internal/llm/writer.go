package llm

import (
	"context"

	"github.com/takeaway-bot/takeaway/internal/answer"
)

// Writer adapts a Client to the answer service: it numbers the retrieved passages, asks the
// model and checks the citations of its answer.
type Writer struct {
	client *Client
}

// NewWriter returns the answer.Writer of a client.
func NewWriter(c *Client) *Writer { return &Writer{client: c} }

// Translate translates the question into the given languages, for retrieval.
func (w *Writer) Translate(ctx context.Context, question string, langs []string) (map[string]string, error) {
	return w.client.Translate(ctx, question, langs)
}

// Write asks the model for an answer citing req.Hits as [1]…[n]; citations to passages that
// do not exist are removed.
func (w *Writer) Write(ctx context.Context, req answer.WriteRequest) (string, []int, error) {
	passages := make([]Passage, len(req.Hits))
	for i, h := range req.Hits {
		event := h.Report.Event.Name
		if h.Report.Event.City != "" {
			event += ", " + h.Report.Event.City
		}
		passages[i] = Passage{
			N: i + 1, Title: h.Report.Title, Publisher: h.Report.Publisher, Event: event,
			Lang: h.Passage.Lang, Heading: h.Passage.Section, Text: h.Passage.Text, Takeaway: h.Passage.Takeaway,
		}
	}
	history := make([]Turn, len(req.History))
	for i, t := range req.History {
		history[i] = Turn{FromBot: t.FromBot, Text: t.Text}
	}
	text, err := w.client.Answer(ctx, Request{
		Question: req.Question, Lang: req.Lang, Passages: passages, History: history,
		NotFound: req.NotFound, OnToken: req.OnToken, Intent: req.Intent, Scope: req.Scope, Firm: req.Firm,
	})
	if err != nil {
		return "", nil, err
	}
	clean, used := ValidateCitations(text, len(passages))
	return clean, used, nil
}
