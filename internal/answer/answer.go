// Package answer turns retrieved passages into a short, cited answer in the asker's language.
package answer

import "github.com/takeaway-bot/takeaway/internal/question"

// Mode says how an answer was written.
type Mode string

// The answer modes.
const (
	ModeExtractive Mode = "extractive"
	ModeLLM        Mode = "llm"
)

// Question is what a user asked, with the hints that help to answer it.
type Question struct {
	// Text is the question as typed.
	Text string
	// LangHint is the caller's idea of the asker's language (a Slack locale, --lang),
	// used when the question itself is too short to tell. Empty means none.
	LangHint string
	// ForceLang, when set, overrides detection entirely (the user's /takeaway lang choice).
	ForceLang string
	// History holds earlier turns of the conversation (thread or DM), oldest first,
	// so that a follow-up such as "and what about Linkerd?" can be understood.
	History []Turn
	// RequestID identifies the question in the logs (the Slack event or trigger ID).
	RequestID string
	// OnToken, when set and a model is configured, receives the answer text as it streams.
	// It receives the whole text so far, not a delta.
	OnToken func(textSoFar string)

	// translations of the question, filled by the service when a model is configured.
	translations map[string]string
}

// Turn is one earlier message in a conversation.
type Turn struct {
	FromBot bool
	Text    string
}

// Answer is a plain value: the text, its language and the passages it cites.
type Answer struct {
	// Text is the answer in Markdown-ish plain text; citations appear as [1], [2].
	Text      string     `json:"answer"`
	Lang      string     `json:"lang"`
	Mode      Mode       `json:"mode"`
	Citations []Citation `json:"citations"`
	// NotFound is true when the reports do not cover the question.
	NotFound bool `json:"not_found"`
	// Note is a one-line remark for the reader, such as a fallback from the model.
	Note string `json:"note,omitempty"`
	// Flagged is true when a model's answer carried no valid citation.
	Flagged bool `json:"flagged,omitempty"`
	// Suggestions lists what the reports do cover, offered when NotFound is true.
	Suggestions []string `json:"suggestions,omitempty"`
	// Plan is how the question was read: intent, scope, subject.
	Plan *question.Plan `json:"plan,omitempty"`
}

// Citation points to the exact passage an answer relies on.
type Citation struct {
	N         int    `json:"n"`
	Title     string `json:"title"`
	Publisher string `json:"publisher"`
	Event     string `json:"event"`
	URL       string `json:"url"`
	PassageID string `json:"passage_id"`
	Quote     string `json:"quote"`
	// QuoteLang is the language of the quoted passage.
	QuoteLang string `json:"quote_lang,omitempty"`
}
