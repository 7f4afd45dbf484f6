package bot

import (
	"context"
	"strings"
)

// Surfaces, as recorded in the question log.
const (
	surfaceSlash     = "slash"
	surfaceMention   = "mention"
	surfaceDM        = "dm"
	surfaceAssistant = "assistant"
	surfaceShare     = "share"
	surfaceFeedback  = "feedback"
	surfaceFollowUp  = "follow-up" // a thread reply without a mention
	surfaceHelp      = "help"      // a question in a help channel
	surfaceShortcut  = "shortcut"  // the message shortcut "Ask takeaway about this"
)

// onSlash runs /takeaway: a subcommand from the command table, or else a question
// answered ephemerally. Empty text shows the help.
func (b *Bot) onSlash(ctx context.Context, r request) {
	sc := r.Slash
	t := target{
		Surface:     surfaceSlash,
		Channel:     sc.ChannelID,
		UserID:      sc.UserID,
		TeamID:      sc.TeamID,
		ResponseURL: sc.ResponseURL,
		Ephemeral:   true,
	}
	text := strings.TrimSpace(sc.Text)
	if text == "" {
		text = "help"
	}
	cmd, args := b.lookup(text)
	cmd.Run(b, ctx, commandCall{r: r, t: t, args: args})
}
