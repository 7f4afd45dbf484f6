package bot

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// Slack's limits on what one message may carry.
const (
	// maxBlocks is the number of blocks a message may hold.
	maxBlocks = 50
	// maxMarkdown is the cumulative length of the markdown blocks of one message.
	maxMarkdown = 12000
	// maxBlocksText bounds the text of all the blocks of one message together: Slack refuses
	// a message with about 13,000 characters across its blocks (msg_blocks_too_long).
	maxBlocksText = 12000
	// blockOverhead is what one block adds to that count besides its text (labels, emoji).
	blockOverhead = 50
	// maxText is the length of one text object (context and section elements).
	maxText = 3000
	// maxFallback is how much of the answer goes into the plain-text fallback; Slack
	// allows more, but the fallback only feeds notifications and old clients.
	maxFallback = 3000
	// maxTitle shortens source titles, which come from reports.
	maxTitle = 150
)

// Action and block IDs of the interactive elements.
const (
	actionFeedback = "feedback"
	actionShare    = "share"
	blockFeedback  = "feedback:"
	blockShare     = "share:"
)

// slackMessage is one rendered message: a plain-text fallback and its blocks.
type slackMessage struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks,omitempty"`
}

// renderOptions says what goes around the answer.
type renderOptions struct {
	// ID names the answer in the feedback and share buttons.
	ID string
	// Share adds a "Share in channel" button (for ephemeral answers).
	Share bool
	// Feedback adds the 👍/👎 buttons.
	Feedback bool
	// Question, when set, is shown above the answer (for answers shared in a channel).
	Question string
}

// renderAnswer turns an answer into Slack messages. It is a pure function: everything
// that comes from users or reports is escaped, long answers are split so that each
// message stays within Slack's limits, and every message has a plain-text fallback.
func renderAnswer(cat *i18n.Catalog, a answer.Answer, opt renderOptions) []slackMessage {
	lang := a.Lang
	if lang == "" {
		lang = "en"
	}
	var pieces []piece
	if opt.Question != "" {
		text := cat.Sprintf(lang, i18n.BotSharedQuestion, escape(truncate(opt.Question, 500)))
		pieces = append(pieces, piece{block: contextText(text), text: text})
	}
	for _, chunk := range splitText(escapeMarkdown(a.Text), min(maxMarkdown, maxBlocksText-blockOverhead)) {
		pieces = append(pieces, piece{block: slack.NewMarkdownBlock("", chunk), text: markdownFallback.Replace(chunk), markdown: textLen(chunk)})
	}
	if a.Note != "" {
		text := "_" + escape(truncate(a.Note, maxText-2)) + "_"
		pieces = append(pieces, piece{block: contextText(text), text: text})
	}
	if len(a.Suggestions) > 0 {
		lines := make([]string, 0, len(a.Suggestions))
		for _, s := range a.Suggestions {
			lines = append(lines, "• "+escape(truncate(s, 200)))
		}
		for _, text := range packLines(cat.Sprintf(lang, i18n.BotSuggestions), lines, maxText) {
			pieces = append(pieces, piece{block: slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, true), nil, nil), text: text})
		}
	}
	if len(a.Citations) > 0 {
		lines := make([]string, 0, len(a.Citations))
		for _, c := range a.Citations {
			lines = append(lines, citationLine(c))
		}
		for _, text := range packLines("*"+cat.Sprintf(lang, i18n.AnswerSources)+"*", lines, maxText) {
			pieces = append(pieces, piece{block: contextText(text), text: text})
		}
	}
	if opt.Share {
		btn := slack.NewButtonBlockElement(actionShare, opt.ID,
			slack.NewTextBlockObject(slack.PlainTextType, cat.Sprintf(lang, i18n.BotShareButton), false, false))
		btn.Style = slack.StylePrimary
		pieces = append(pieces, piece{block: slack.NewActionBlock(blockShare+opt.ID, btn)})
	}
	if opt.Feedback {
		up := slack.NewFeedbackButton(slack.NewTextBlockObject(slack.PlainTextType, "👍", true, false), VoteUp).
			WithAccessibilityLabel(cat.Sprintf(lang, i18n.BotFeedbackUp))
		down := slack.NewFeedbackButton(slack.NewTextBlockObject(slack.PlainTextType, "👎", true, false), VoteDown).
			WithAccessibilityLabel(cat.Sprintf(lang, i18n.BotFeedbackDown))
		pieces = append(pieces, piece{block: slack.NewContextActionsBlock(blockFeedback+opt.ID,
			slack.NewFeedbackButtonsBlockElement(actionFeedback, up, down))})
	}
	return pack(pieces)
}

// piece is one block with what it adds to the fallback text and the markdown budget.
type piece struct {
	block    slack.Block
	text     string
	markdown int
}

// pack fills messages in order, starting a new one when a block would break a limit.
func pack(pieces []piece) []slackMessage {
	var msgs []slackMessage
	var cur slackMessage
	var md, total int
	var fallback []string
	flush := func() {
		if len(cur.Blocks) == 0 {
			return
		}
		cur.Text = truncate(strings.Join(fallback, "\n"), maxFallback)
		msgs = append(msgs, cur)
		cur, md, total, fallback = slackMessage{}, 0, 0, nil
	}
	for _, p := range pieces {
		size := textLen(p.text) + blockOverhead
		if len(cur.Blocks) == maxBlocks || md+p.markdown > maxMarkdown || total+size > maxBlocksText {
			flush()
		}
		cur.Blocks = append(cur.Blocks, p.block)
		md += p.markdown
		total += size
		if p.text != "" {
			fallback = append(fallback, p.text)
		}
	}
	flush()
	for i := range msgs {
		if msgs[i].Text == "" {
			// A message of buttons only still needs a fallback; "…" says "continued".
			msgs[i].Text = "…"
		}
	}
	return msgs
}

// plainMessage is a one-line message of the bot's own, escaped in case it quotes a user.
func plainMessage(text string) slackMessage {
	return slackMessage{Text: escape(text)}
}

// contextText is a context block of one mrkdwn text.
func contextText(text string) *slack.ContextBlock {
	// verbatim: Slack links nothing by itself (URLs, channel names) in text the bot escaped.
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, text, false, true))
}

// citationLine renders "[1] <url|title> · publisher · event".
func citationLine(c answer.Citation) string {
	return fmt.Sprintf("*[%d]* ", c.N) + referenceLine(c.Title, c.URL, c.Publisher, c.Event)
}

// referenceLine renders a report as "<url|title> · extra · extra", escaped.
func referenceLine(title, rawURL string, extras ...string) string {
	title = strings.TrimSpace(title)
	if title == "" {
		title = rawURL
	}
	title = escape(truncate(title, maxTitle))
	line := title
	if u := linkURL(rawURL); u != "" {
		line = "<" + u + "|" + title + ">"
	}
	for _, extra := range extras {
		if extra = strings.TrimSpace(extra); extra != "" {
			line += " · " + escape(truncate(extra, 100))
		}
	}
	return line
}

// linkURL returns u ready for Slack's <url|text> syntax, or "" when u is not an http(s)
// link (a report's URL must not become a mention or a javascript: link).
func linkURL(u string) string {
	parsed, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return ""
	}
	s := parsed.String()
	return strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C", " ", "%20").Replace(s)
}

// packLines joins a heading and lines into texts of at most limit characters each.
func packLines(heading string, lines []string, limit int) []string {
	var out []string
	cur := heading
	for _, l := range lines {
		l = truncate(l, limit-1)
		if cur != "" && textLen(cur)+1+textLen(l) > limit {
			out = append(out, cur)
			cur = ""
		}
		if cur != "" {
			cur += "\n"
		}
		cur += l
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// escaper neutralises Slack's control characters: with them escaped, "<!channel>",
// "<!here>" or "<@U123>" in a question or a report is shown, never acted upon. Bare web
// addresses get a zero-width space after their scheme or "www", so that no client turns
// them into links: the only links in a message are those the bot makes (citation URLs).
var escaper = strings.NewReplacer(mrkdwnEscapes...)

// mrkdwnEscapes are escaper's pairs: Slack's control characters, then bare web addresses.
var mrkdwnEscapes = []string{"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"://", ":\u200b//", "www.", "www\u200b.", "WWW.", "WWW\u200b."}

// escape makes text from users or reports safe to show in Slack's mrkdwn.
func escape(s string) string { return escaper.Replace(s) }

// markdownEscaper adds to escaper what standard Markdown would act upon: "[text](url)" and
// "![alt](url)" stay text once their brackets are escaped.
var markdownEscaper = strings.NewReplacer(append(slices.Clone(mrkdwnEscapes), "[", `\[`, "]", `\]`)...)

// markdownFallback turns a markdown block's text back into mrkdwn for the message's fallback.
var markdownFallback = strings.NewReplacer(`\[`, "[", `\]`, "]")

// escapeMarkdown makes text from users, reports or models safe for a markdown block: bold and
// lists keep working, links and images are shown as text.
func escapeMarkdown(s string) string { return markdownEscaper.Replace(s) }

// unescaper reverses Slack's own escaping of message text.
var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// unescape turns message text as Slack sends it back into plain text.
func unescape(s string) string { return unescaper.Replace(s) }

// textLen counts as Slack does (UTF-16 code units), which is never less than runes.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// truncate shortens s to at most limit characters (UTF-16 units), ending with "…".
func truncate(s string, limit int) string {
	if textLen(s) <= limit {
		return s
	}
	n := 0
	for i, r := range s {
		if n+utf16.RuneLen(r) > limit-1 {
			return s[:i] + "…"
		}
		n += utf16.RuneLen(r)
	}
	return s
}

// splitText cuts escaped text into chunks of at most limit characters, preferring
// paragraph breaks, then line breaks, then sentence ends, then spaces, and never
// cutting an escape entity (&amp; &lt; &gt;) in two.
func splitText(s string, limit int) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var chunks []string
	for textLen(s) > limit {
		// Find the byte offset of the longest prefix that fits.
		end, n := 0, 0
		for i, r := range s {
			if n+utf16.RuneLen(r) > limit {
				break
			}
			n += utf16.RuneLen(r)
			end = i + utf8.RuneLen(r)
		}
		cut := end
		for _, sep := range []string{"\n\n", "\n", ". ", "。", " "} {
			if i := strings.LastIndex(s[:end], sep); i > end/2 {
				cut = i + len(sep)
				break
			}
		}
		if cut == end {
			// A hard cut: step back out of an entity.
			if amp := strings.LastIndexByte(s[:cut], '&'); amp > 0 && amp > cut-5 && !strings.Contains(s[amp:cut], ";") {
				cut = amp
			}
		}
		if chunk := strings.TrimSpace(s[:cut]); chunk != "" {
			chunks = append(chunks, chunk)
		}
		s = strings.TrimSpace(s[cut:])
	}
	if s != "" {
		chunks = append(chunks, s)
	}
	return chunks
}
