package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/digest"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// dailyEventType is the message metadata event type of a daily takeaway post; its payload
// holds the date (YYYY-MM-DD, in the channel's time zone) and the passage IDs.
const dailyEventType = "takeaway_daily"

// dailyHistoryLimit is how many of the channel's messages since local midnight are read to
// find a post of the day that the ledger does not know about.
const dailyHistoryLimit = 50

// permanentErrors are chat.postMessage errors that no retry fixes on the same day.
var permanentErrors = map[string]bool{
	"is_archived": true, "msg_too_long": true, "restricted_action": true,
	"restricted_action_read_only_channel": true, "restricted_action_thread_only_channel": true,
	"restricted_action_non_threadable_channel": true, "team_access_not_granted": true,
	"invalid_blocks": true, "invalid_metadata_format": true, "invalid_metadata_schema": true,
	"metadata_too_large": true, "ekm_access_denied": true,
}

// DailyPoster posts the daily takeaways with the Slack Web API and finds the ones already
// posted: it is the digest.Poster of the daily scheduler. It needs the chat:write and
// channels:history (groups:history for private channels) scopes.
type DailyPoster struct {
	api *slack.Client
	cat *i18n.Catalog
}

var _ digest.Poster = (*DailyPoster)(nil)

// NewDailyPoster returns a poster that calls Slack as New's bot does, with cfg's BotToken,
// APIURL and HTTPClient (30-second timeout by default); the other fields are not used.
func NewDailyPoster(cfg Config) (*DailyPoster, error) {
	if cfg.APIURL != "" && !strings.HasSuffix(cfg.APIURL, "/") {
		return nil, fmt.Errorf("bot: API URL %q must end with \"/\"", cfg.APIURL)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	cat, err := i18n.New()
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	return &DailyPoster{api: slack.New(cfg.BotToken, apiOptions(cfg)...), cat: cat}, nil
}

// Post sends the takeaway to channel with its metadata and returns the message timestamp.
// It does not retry: the scheduler tries again on its next tick.
func (p *DailyPoster) Post(ctx context.Context, channel string, t digest.Takeaway) (string, error) {
	m := renderDaily(p.cat, t)
	_, ts, err := p.api.PostMessageContext(ctx, channel,
		slack.MsgOptionText(m.Text, false),
		slack.MsgOptionBlocks(m.Blocks...),
		slack.MsgOptionMetadata(m.Metadata),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	)
	if err != nil {
		return "", fmt.Errorf("slack chat.postMessage %s: %w", channel, classifyDaily(err))
	}
	return ts, nil
}

// FindPosted looks for the takeaway of date among the channel's messages since since (local
// midnight) and returns its timestamp and passage IDs.
func (p *DailyPoster) FindPosted(ctx context.Context, channel, date string, since time.Time) (ts string, passageIDs []string, found bool, err error) {
	resp, err := p.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID:          channel,
		Oldest:             strconv.FormatInt(since.Unix(), 10) + ".000000",
		Limit:              dailyHistoryLimit,
		Inclusive:          true,
		IncludeAllMetadata: true,
	})
	if err != nil {
		return "", nil, false, fmt.Errorf("slack conversations.history %s: %w", channel, classifyDaily(err))
	}
	for _, m := range resp.Messages {
		if m.Metadata.EventType != dailyEventType {
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

// classifyDaily wraps Slack's error codes that retrying will not fix into
// digest.ErrNotInChannel or digest.ErrRejected, keeping the original error.
func classifyDaily(err error) error {
	code := err.Error()
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		code = se.Err
	}
	switch {
	case code == "not_in_channel" || code == "channel_not_found":
		return fmt.Errorf("%w (%w)", digest.ErrNotInChannel, err)
	case permanentErrors[code]:
		return fmt.Errorf("%w (%w)", digest.ErrRejected, err)
	}
	return err
}

// dailyMessage is a rendered daily takeaway.
type dailyMessage struct {
	Text     string
	Blocks   []slack.Block
	Metadata slack.SlackMetadata
}

// renderDaily turns a takeaway into a Slack message: the text in a section, the citation in a
// context line, the metadata that marks the day's post. Everything from reports and models
// is escaped, so "<!channel>" in a passage is shown, never acted upon.
func renderDaily(cat *i18n.Catalog, t digest.Takeaway) dailyMessage {
	text := escapeMrkdwn(t.Text)
	if h := strings.TrimSpace(strings.ReplaceAll(t.Headline, "*", "")); h != "" {
		text = "*" + escape(h) + "*\n" + text // the point in a line, in bold, above the post
	}
	body := truncateEscaped(text, maxText)
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, true), nil, nil),
	}
	var refs []string
	for _, c := range t.Citations {
		refs = append(refs, citationLine(c))
	}
	if len(refs) > 0 {
		blocks = append(blocks, contextText(truncateEscaped("*"+cat.Sprintf(t.Lang, i18n.DigestSource)+"* "+strings.Join(refs, "\n"), maxText)))
	}
	ledger := t.LedgerIDs()
	ids := make([]any, len(ledger))
	for i, id := range ledger {
		ids[i] = id
	}
	return dailyMessage{
		Text:   body,
		Blocks: blocks,
		Metadata: slack.SlackMetadata{
			EventType:    dailyEventType,
			EventPayload: map[string]any{"date": t.Date, "passage_ids": ids},
		},
	}
}

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

// truncateEscaped shortens escaped text as truncate does, without cutting an escape entity
// (&amp; &lt; &gt;) in two.
func truncateEscaped(s string, limit int) string {
	t := truncate(s, limit)
	if t == s {
		return s
	}
	cut := strings.TrimSuffix(t, "…")
	if amp := strings.LastIndexByte(cut, '&'); amp >= 0 && amp > len(cut)-5 && !strings.Contains(cut[amp:], ";") {
		cut = cut[:amp]
	}
	return cut + "…"
}
