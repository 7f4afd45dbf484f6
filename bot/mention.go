package bot

import (
	"context"

	"github.com/takeaway-bot/takeaway/internal/answer"
)

// onMention answers an @mention in the thread of the mention. Inside an existing
// thread, the earlier messages are passed along so that follow-ups make sense.
func (b *Bot) onMention(ctx context.Context, r request) {
	e := r.Event
	if e.Channel == "" {
		b.log.Warn("a mention without a channel; nowhere to answer", "request_id", r.ID, "user", e.User)
		return
	}
	t := target{Surface: surfaceMention, Channel: e.Channel, ThreadTS: e.ThreadTS, UserID: e.User, TeamID: r.TeamID}
	if t.ThreadTS == "" {
		t.ThreadTS = e.TS
	}
	if !b.allowed(e.Channel) {
		b.pointAway(ctx, t)
		return
	}
	if b.onUpload(ctx, r, t) {
		return
	}
	text := unescape(stripMentions(e.Text, b.botUserID()))
	if text == "" {
		b.askHint(ctx, t)
		return
	}
	var history []answer.Turn
	if e.ThreadTS != "" && e.ThreadTS != e.TS {
		history = b.threadHistory(ctx, e.Channel, e.ThreadTS, e.TS)
	}
	b.answerQuestion(ctx, r, t, text, history)
}
