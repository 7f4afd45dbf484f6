package llm

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tmc/langchaingo/llms"
)

// answerTemperature keeps answers close to the passages.
const answerTemperature = 0.2

// Passage is one numbered excerpt of an attendee report that an answer may cite.
type Passage struct {
	// N is the citation number, from 1. A value below 1 is replaced by the passage's position.
	N int
	// Title, Publisher, Event, Lang and Heading describe where the passage comes from.
	Title, Publisher, Event, Lang, Heading string
	// Takeaway marks a passage from a report's own take-away list or conclusion.
	Takeaway bool
	// Text is the passage itself.
	Text string
}

// Turn is one earlier message of the conversation.
type Turn struct {
	// FromBot is true for the bot's own messages.
	FromBot bool
	// Text is the message as posted.
	Text string
}

// Request is everything Answer needs.
type Request struct {
	// Question is the question as asked.
	Question string
	// Lang is the BCP 47 code of the answer language, such as "fr". Empty means the
	// language of the question.
	Lang string
	// Passages are the retrieved report excerpts, already numbered.
	Passages []Passage
	// History holds earlier turns of the conversation, oldest first.
	History []Turn
	// NotFound is the sentence, in Lang, to reply with when the passages do not answer.
	NotFound string
	// Intent is what the question asks for (the question plan's intent: "summary", "list",
	// "definition", "who", "when", "where", "how_many", "opinion", "yes_no", "fact"); it
	// shapes the answer. Empty means a plain short answer.
	Intent string
	// Scope names the event or report the question is about, when it names one.
	Scope string
	// Firm repeats the language instruction more strongly, for a retry after an answer came
	// back in another language.
	Firm bool
	// OnToken, when set, streams the answer: it receives the whole text so far after each
	// chunk, never a delta, from the goroutine that called Answer.
	OnToken func(textSoFar string)
}

// Answer asks the model for a short answer to req.Question in req.Lang, built only from
// req.Passages and citing them as [n]. The text is returned trimmed; citations are not
// checked, so pass it through ValidateCitations. With no passages it returns req.NotFound
// without calling the model (when NotFound is set). Errors from the model server wrap
// ErrUnavailable.
func (c *Client) Answer(ctx context.Context, req Request) (string, error) {
	if strings.TrimSpace(req.Question) == "" {
		return "", errors.New("llm: answer: the question is empty")
	}
	if len(req.Passages) == 0 && strings.TrimSpace(req.NotFound) != "" {
		return strings.TrimSpace(req.NotFound), nil
	}
	if len(req.Passages) == 0 {
		req.Passages = []Passage{{N: 1, Text: "(no report passages were found)"}}
	}

	nums := passageNumbers(req.Passages)
	nonce := newNonce()
	history, pending := historyMessages(req.History)
	msgs := make([]llms.MessageContent, 0, len(history)+2)
	msgs = append(msgs, llms.TextParts(llms.ChatMessageTypeSystem, answerSystemPrompt(req, nums, nonce)))
	msgs = append(msgs, history...)
	msgs = append(msgs, llms.TextParts(llms.ChatMessageTypeHuman, answerUserPrompt(req, nums, nonce, pending)))

	opts := []llms.CallOption{llms.WithTemperature(answerTemperature)}
	if req.OnToken != nil {
		var (
			raw  strings.Builder
			last string
		)
		opts = append(opts, llms.WithStreamingFunc(func(_ context.Context, chunk []byte) error {
			if len(chunk) == 0 {
				return nil
			}
			raw.Write(chunk)
			if shown := visibleText(raw.String()); shown != "" && shown != last {
				last = shown
				req.OnToken(shown)
			}
			return nil
		}))
	}

	text, err := c.call(ctx, "answer", msgs, opts...)
	if err != nil {
		return "", err
	}
	text = strings.TrimSpace(stripThink(text))
	if text == "" {
		return "", fmt.Errorf("llm: answer: %s returned an empty answer: %w", c.cfg.Provider, ErrUnavailable)
	}
	return text, nil
}

// stripThink removes a leading <think>…</think> block, which reasoning models served by
// Ollama or vLLM put in the content. An unclosed block leaves nothing.
func stripThink(s string) string {
	t := strings.TrimLeft(s, " \t\r\n")
	if !strings.HasPrefix(t, "<think>") {
		return s
	}
	_, after, ok := strings.Cut(t, "</think>")
	if !ok {
		return ""
	}
	return after
}

// visibleText is the part of a partial answer worth showing while it streams.
func visibleText(s string) string {
	t := strings.TrimLeft(s, " \t\r\n")
	if t != "" && strings.HasPrefix("<think>", t) {
		return "" // possibly the start of a <think> tag
	}
	return strings.TrimLeft(stripThink(s), " \t\r\n")
}
