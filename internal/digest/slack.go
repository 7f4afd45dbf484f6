package digest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// EventType is the message metadata event type of a daily takeaway post; its payload holds
// the date (YYYY-MM-DD, in the channel's time zone) and the passage IDs.
const EventType = "takeaway_daily"

// historyLimit is how many of the channel's messages since local midnight are read to find
// a post of the day that the ledger does not know about.
const historyLimit = 50

var (
	// ErrNotInChannel means the bot cannot see or post in the channel (not_in_channel,
	// channel_not_found): someone has to invite it. Retrying the same day is pointless.
	ErrNotInChannel = errors.New("the bot is not in the channel")
	// ErrRejected means Slack refused the post for a reason that retrying will not change
	// (an archived channel, a read-only channel, a message it considers invalid).
	ErrRejected = errors.New("slack rejected the post")
)

// permanentErrors are chat.postMessage errors that no retry fixes on the same day.
var permanentErrors = map[string]bool{
	"is_archived": true, "msg_too_long": true, "restricted_action": true,
	"restricted_action_read_only_channel": true, "restricted_action_thread_only_channel": true,
	"restricted_action_non_threadable_channel": true, "team_access_not_granted": true,
	"invalid_blocks": true, "invalid_metadata_format": true, "invalid_metadata_schema": true,
	"metadata_too_large": true, "ekm_access_denied": true,
}

// SlackPoster posts takeaways with the Slack Web API and finds the ones already posted.
// It needs the chat:write and channels:history (groups:history for private channels) scopes.
type SlackPoster struct {
	api *slack.Client
	cat *i18n.Catalog
}

// NewSlackPoster returns a poster using api.
func NewSlackPoster(api *slack.Client, cat *i18n.Catalog) *SlackPoster {
	return &SlackPoster{api: api, cat: cat}
}

// Post sends the takeaway to channel with its metadata and returns the message timestamp.
func (p *SlackPoster) Post(ctx context.Context, channel string, t Takeaway) (string, error) {
	m := renderMessage(p.cat, t)
	_, ts, err := p.api.PostMessageContext(ctx, channel,
		slack.MsgOptionText(m.Text, false),
		slack.MsgOptionBlocks(m.Blocks...),
		slack.MsgOptionMetadata(m.Metadata),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	)
	if err != nil {
		return "", fmt.Errorf("slack chat.postMessage %s: %w", channel, classify(err))
	}
	return ts, nil
}

// FindPosted looks for the takeaway of date among the channel's messages since since (local
// midnight) and returns its timestamp and passage IDs.
func (p *SlackPoster) FindPosted(ctx context.Context, channel, date string, since time.Time) (ts string, passageIDs []string, found bool, err error) {
	resp, err := p.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID:          channel,
		Oldest:             strconv.FormatInt(since.Unix(), 10) + ".000000",
		Limit:              historyLimit,
		Inclusive:          true,
		IncludeAllMetadata: true,
	})
	if err != nil {
		return "", nil, false, fmt.Errorf("slack conversations.history %s: %w", channel, classify(err))
	}
	for _, m := range resp.Messages {
		if m.Metadata.EventType != EventType {
			continue
		}
		if d, _ := m.Metadata.EventPayload["date"].(string); d != date {
			continue
		}
		ids := []string{}
		if raw, ok := m.Metadata.EventPayload["passage_ids"].([]any); ok {
			for _, v := range raw {
				if s, ok := v.(string); ok {
					ids = append(ids, s)
				}
			}
		}
		return m.Timestamp, ids, true, nil
	}
	return "", nil, false, nil
}

// classify wraps Slack's error codes that retrying will not fix into ErrNotInChannel or
// ErrRejected, keeping the original error.
func classify(err error) error {
	code := err.Error()
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		code = se.Err
	}
	switch {
	case code == "not_in_channel" || code == "channel_not_found":
		return fmt.Errorf("%w (%w)", ErrNotInChannel, err)
	case permanentErrors[code]:
		return fmt.Errorf("%w (%w)", ErrRejected, err)
	}
	return err
}

// message is a rendered Slack message.
type message struct {
	Text     string
	Blocks   []slack.Block
	Metadata slack.SlackMetadata
}

// Slack's limit on one text object, and the shortening of titles from reports.
const (
	maxText  = 3000
	maxTitle = 150
)

// renderMessage turns a takeaway into a Slack message: the text in a section, the citation
// in a context line, the metadata that marks the day's post. Everything from reports and
// models is escaped, so "<!channel>" in a passage is shown, never acted upon.
func renderMessage(cat *i18n.Catalog, t Takeaway) message {
	body := truncateUTF16(escapeMrkdwn(t.Text), maxText)
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, false), nil, nil),
	}
	var refs []string
	for _, c := range t.Citations {
		refs = append(refs, fmt.Sprintf("*[%d]* %s", c.N, referenceLine(c.Title, c.URL, c.Publisher, c.Event)))
	}
	if len(refs) > 0 {
		src := truncateUTF16("*"+cat.Sprintf(t.Lang, i18n.DigestSource)+"* "+strings.Join(refs, "\n"), maxText)
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, src, false, false)))
	}
	ids := make([]any, len(t.PassageIDs))
	for i, id := range t.PassageIDs {
		ids[i] = id
	}
	return message{
		Text:   body,
		Blocks: blocks,
		Metadata: slack.SlackMetadata{
			EventType:    EventType,
			EventPayload: map[string]any{"date": t.Date, "passage_ids": ids},
		},
	}
}

// referenceLine renders a report as "<url|title> · extra · extra", escaped.
func referenceLine(title, rawURL string, extras ...string) string {
	title = strings.TrimSpace(title)
	if title == "" {
		title = rawURL
	}
	line := escape(truncateUTF16(title, maxTitle))
	if u := linkURL(rawURL); u != "" {
		line = "<" + u + "|" + line + ">"
	}
	for _, e := range extras {
		if e = strings.TrimSpace(e); e != "" {
			line += " · " + escape(truncateUTF16(e, 100))
		}
	}
	return line
}

// linkURL returns u ready for Slack's <url|text> syntax, or "" when it is not an http(s) link.
func linkURL(u string) string {
	parsed, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return ""
	}
	return strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C", " ", "%20").Replace(parsed.String())
}

// escaper neutralises Slack's control characters.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(s) }

// escapeMrkdwn escapes text line by line, keeping a leading "> " as mrkdwn's block quote (a
// quote is formatting, not a control sequence: only &, < and > elsewhere need escaping).
func escapeMrkdwn(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "> "); ok {
			lines[i] = "> " + escape(rest)
		} else {
			lines[i] = escape(l)
		}
	}
	return strings.Join(lines, "\n")
}

// truncateUTF16 shortens s to at most limit UTF-16 units (Slack's way of counting), ending
// with "…", without cutting an escape entity in two.
func truncateUTF16(s string, limit int) string {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	if n <= limit {
		return s
	}
	n = 0
	for i, r := range s {
		if n+utf16.RuneLen(r) > limit-1 {
			cut := s[:i]
			if amp := strings.LastIndexByte(cut, '&'); amp >= 0 && amp > len(cut)-5 && !strings.Contains(cut[amp:], ";") {
				cut = cut[:amp]
			}
			return cut + "…"
		}
		n += utf16.RuneLen(r)
	}
	return s
}
