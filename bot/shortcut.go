package bot

import (
	"context"
	"strings"
)

// shortcutCallback is the callback ID of the message shortcut "Ask takeaway about this".
const shortcutCallback = "ask_takeaway"

// onShortcut answers the message shortcut: the message's text is the question, and the
// answer goes to the user alone, through the payload's response_url, with the Share button.
func (b *Bot) onShortcut(ctx context.Context, r request) {
	cb := r.Action
	t := target{
		Surface:     surfaceShortcut,
		Channel:     cb.Channel.ID,
		UserID:      cb.User.ID,
		TeamID:      cb.Team.ID,
		ResponseURL: cb.ResponseURL,
		Ephemeral:   true,
	}
	if t.ResponseURL == "" {
		b.log.Warn("a message shortcut without a response_url; nowhere to answer", "request_id", r.ID, "user", t.UserID)
		return
	}
	text := strings.TrimSpace(unescape(stripMentions(cb.Message.Text, b.botUserID())))
	if text == "" {
		b.askHint(ctx, t)
		return
	}
	b.answerQuestion(ctx, r, t, text, nil)
}
