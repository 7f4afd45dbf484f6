package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// onAction handles button clicks (feedback votes, "Share in channel") and the message
// shortcut.
func (b *Bot) onAction(ctx context.Context, r request) {
	if r.Action.Type == slack.InteractionTypeMessageAction && r.Action.CallbackID == shortcutCallback {
		b.onShortcut(ctx, r)
		return
	}
	if r.Action.Type != slack.InteractionTypeBlockActions {
		return
	}
	for _, act := range r.Action.ActionCallback.BlockActions {
		switch act.ActionID {
		case actionFeedback:
			b.onFeedback(ctx, r, act)
		case actionShare:
			b.onShare(ctx, r, act)
		case actionHomeLang:
			b.onHomeLang(ctx, r, act)
		case actionHomeMode:
			b.onHomeMode(ctx, r, act)
		}
	}
}

// onFeedback records a 👍/👎 vote on an answer and thanks the voter privately.
func (b *Bot) onFeedback(ctx context.Context, r request, act *slack.BlockAction) {
	cb := r.Action
	vote := act.Value
	if vote != VoteUp && vote != VoteDown {
		b.log.Warn("unknown feedback vote", "value", vote)
		return
	}
	cached, _ := b.answers.get(strings.TrimPrefix(act.BlockID, blockFeedback))
	f := Feedback{
		UserID:    cb.User.ID,
		Channel:   firstNonEmpty(cb.Container.ChannelID, cb.Channel.ID),
		MessageTS: firstNonEmpty(cb.Container.MessageTs, cb.Message.Timestamp),
		Vote:      vote,
		Question:  cached.Question,
		At:        b.now(),
	}
	t := target{Surface: surfaceFeedback, Channel: f.Channel, ThreadTS: firstNonEmpty(cb.Container.ThreadTs, cb.Message.ThreadTimestamp), UserID: f.UserID, Ephemeral: true}
	// The click's response_url reaches the voter wherever the answer is; chat.postEphemeral
	// fails in a channel the bot is not in (an answer shared there, an assistant thread).
	t.ResponseURL = cb.ResponseURL
	_, _, ui := b.userLangs(ctx, f.UserID)
	if err := b.store.RecordFeedback(ctx, f); err != nil {
		b.log.Error("could not record feedback", "user", f.UserID, "err", err)
		b.say(ctx, t, ui, i18n.BotSaveFailed)
		return
	}
	b.say(ctx, t, ui, i18n.BotFeedbackThanks)
}

// firstNonEmpty returns the first non-empty string.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
