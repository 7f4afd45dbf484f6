package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// onShare posts an ephemeral answer to its channel, with the question above it, and
// removes the ephemeral copy.
func (b *Bot) onShare(ctx context.Context, r request, act *slack.BlockAction) {
	cb := r.Action
	channel := firstNonEmpty(cb.Container.ChannelID, cb.Channel.ID)
	user := cb.User.ID
	private := target{Surface: surfaceShare, Channel: channel, UserID: user, ResponseURL: cb.ResponseURL, Ephemeral: true}
	cached, ok := b.answers.get(act.Value)
	if !ok {
		_, _, ui := b.userLangs(ctx, user)
		b.say(ctx, private, ui, i18n.BotShareExpired)
		return
	}
	msgs := renderAnswer(b.cat, cached.Answer, renderOptions{ID: act.Value, Feedback: true, Question: cached.Question})
	public := target{Surface: surfaceShare, Channel: channel, UserID: user}
	if err := b.deliver(ctx, public, msgs); err != nil {
		if cb.ResponseURL == "" {
			b.log.Error("could not share an answer", "channel", channel, "err", err)
			_, _, ui := b.userLangs(ctx, user)
			b.say(ctx, private, ui, i18n.BotCouldNotAnswer)
			return
		}
		// The bot may not be in the channel; the response URL can still post there.
		b.log.Info("chat.postMessage failed; sharing through the response URL", "channel", channel, "err", err)
		public.ResponseURL = cb.ResponseURL
		if err := b.deliver(ctx, public, msgs); err != nil {
			b.log.Error("could not share an answer", "channel", channel, "err", err)
			_, _, ui := b.userLangs(ctx, user)
			b.say(ctx, private, ui, i18n.BotCouldNotAnswer)
			return
		}
	}
	if cb.ResponseURL == "" {
		return
	}
	err := b.call(ctx, "response_url", func(ctx context.Context) error {
		_, _, err := b.api.PostMessageContext(ctx, channel, slack.MsgOptionDeleteOriginal(cb.ResponseURL))
		return err
	})
	if err != nil {
		b.log.Warn("could not remove the ephemeral answer", "err", err)
	}
}
