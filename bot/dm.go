package bot

import "context"

// onDirectMessage answers a direct message, with the last few messages of the
// conversation as context. A message in a thread of the DM is an assistant thread.
func (b *Bot) onDirectMessage(ctx context.Context, r request) {
	e := r.Event
	// A file uploaded in the DM, or in an assistant thread, is a report to add.
	if b.onUpload(ctx, r, target{Surface: surfaceDM, Channel: e.Channel, ThreadTS: e.ThreadTS, UserID: e.User, TeamID: r.TeamID}) {
		return
	}
	if e.ThreadTS != "" {
		b.onAssistantMessage(ctx, r)
		return
	}
	t := target{Surface: surfaceDM, Channel: e.Channel, UserID: e.User, TeamID: r.TeamID}
	text := unescape(stripMentions(e.Text, b.botUserID()))
	if text == "" {
		b.askHint(ctx, t)
		return
	}
	b.answerQuestion(ctx, r, t, text, b.dmHistory(ctx, e.Channel, e.TS))
}
