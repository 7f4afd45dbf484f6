package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// errSlackRefused: Slack kept refusing a call (rate limited or failing) past the deadline.
var errSlackRefused = errors.New("Slack refused the call in time")

// maxAttempts bounds the tries of one Web API call (the first one and two retries).
const maxAttempts = 3

// call runs one Web API call, retrying after a 429 (waiting as long as Slack asks) and
// after a 5xx (with doubling backoff), at most maxAttempts times in all.
func (b *Bot) call(ctx context.Context, method string, fn func(ctx context.Context) error) error {
	backoff := b.cfg.RetryBackoff
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		var wait time.Duration
		var limited *slack.RateLimitedError
		var status slack.StatusCodeError
		switch {
		case errors.As(err, &limited):
			wait = limited.RetryAfter
		case errors.As(err, &status) && status.Code >= 500:
			wait = backoff
			backoff *= 2
		default:
			return fmt.Errorf("slack %s: %w", method, err)
		}
		if attempt >= maxAttempts {
			return fmt.Errorf("slack %s: giving up after %d tries: %w (%w)", method, attempt, err, errSlackRefused)
		}
		// A wait past the question's deadline ("Retry-After: 3600") is not waited: the caller
		// tells the user instead.
		if dl, ok := ctx.Deadline(); ok && wait > time.Until(dl) {
			return fmt.Errorf("slack %s: asked to wait %v, past the deadline: %w", method, wait, errSlackRefused)
		}
		b.log.Warn("retrying Slack call", "method", method, "attempt", attempt, "wait", wait, "err", err)
		if serr := b.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("slack %s: %w (while waiting to retry: %w)", method, err, serr)
		}
	}
}

// target is where a reply goes.
type target struct {
	// Surface names where the question came from (slash, mention, dm, assistant).
	Surface  string
	Channel  string
	ThreadTS string
	UserID   string
	TeamID   string
	// ResponseURL, when set, carries the reply to a slash command or a click.
	ResponseURL string
	// Ephemeral replies are seen by UserID only.
	Ephemeral bool
}

// streamable reports whether a reply can be posted early and then edited.
func (t target) streamable() bool { return !t.Ephemeral && t.ResponseURL == "" }

// options turns a rendered message into chat options; links are never unfurled.
func (m slackMessage) options(threadTS string) []slack.MsgOption {
	opts := []slack.MsgOption{
		slack.MsgOptionText(m.Text, false),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	return opts
}

// post sends one message to t and returns its timestamp (empty for replies through a
// response URL).
func (b *Bot) post(ctx context.Context, t target, m slackMessage) (string, error) {
	var ts string
	if t.ResponseURL != "" {
		kind := slack.ResponseTypeInChannel
		if t.Ephemeral {
			kind = slack.ResponseTypeEphemeral
		}
		err := b.call(ctx, "response_url", func(ctx context.Context) error {
			_, _, err := b.api.PostMessageContext(ctx, t.Channel,
				append(m.options(""), slack.MsgOptionResponseURL(t.ResponseURL, kind))...)
			return err
		})
		if err == nil || !t.Ephemeral || t.UserID == "" {
			return "", err
		}
		// A response URL expires after 30 minutes; an ephemeral post still reaches the user
		// when the bot is in the channel.
		b.log.Warn("response_url failed; trying chat.postEphemeral", "err", err)
	}
	if t.Ephemeral {
		err := b.call(ctx, "chat.postEphemeral", func(ctx context.Context) error {
			var err error
			ts, err = b.api.PostEphemeralContext(ctx, t.Channel, t.UserID, m.options(t.ThreadTS)...)
			return err
		})
		return ts, err
	}
	err := b.call(ctx, "chat.postMessage", func(ctx context.Context) error {
		var err error
		_, ts, err = b.api.PostMessageContext(ctx, t.Channel, m.options(t.ThreadTS)...)
		return err
	})
	return ts, err
}

// deliver posts every message of a rendered answer, in order.
func (b *Bot) deliver(ctx context.Context, t target, msgs []slackMessage) error {
	for _, m := range msgs {
		if _, err := b.post(ctx, t, m); err != nil {
			return err
		}
	}
	return nil
}

// say posts a one-line message in the user's language to t; failures are logged, since
// there is nobody left to tell.
func (b *Bot) say(ctx context.Context, t target, lang string, key i18n.Key, args ...any) {
	m := plainMessage(b.cat.Sprintf(lang, key, args...))
	if _, err := b.post(ctx, t, m); err != nil {
		b.log.Error("could not tell the user", "surface", t.Surface, "channel", t.Channel, "message", string(key), "err", err)
	}
}
