package bot

import (
	"context"
	"strings"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// slashCommand is the app's one slash command.
const slashCommand = "/takeaway"

// command is one subcommand of /takeaway, as data: the help text is generated from the
// table, so a new command documents itself.
type command struct {
	// Name is the word after /takeaway; "" is the question itself.
	Name string
	// Args is the argument as typed ("xx|auto"); ArgsKey is a localized placeholder
	// used instead when set. A command without arguments matches only its bare name.
	Args    string
	ArgsKey i18n.Key
	// Description is the help line, formatted with DescArgs.
	Description i18n.Key
	DescArgs    func() []any
	Run         func(b *Bot, ctx context.Context, c commandCall)
}

// commandCall is one use of a command.
type commandCall struct {
	r    request
	t    target
	args string
}

// newCommands returns the command table; the question comes first in the help.
func newCommands() []command {
	return []command{
		{ArgsKey: i18n.BotUsageQuestion, Description: i18n.BotHelpAsk, Run: (*Bot).cmdAsk},
		{Name: "help", Description: i18n.BotHelpHelp, Run: (*Bot).cmdHelp},
		{Name: "sources", Description: i18n.BotHelpSources, Run: (*Bot).cmdSources},
		{Name: "add", Args: "URL", Description: i18n.BotHelpAdd, Run: (*Bot).cmdAdd},
		{Name: "remove", Args: "ID", Description: i18n.BotHelpRemove, Run: (*Bot).cmdRemove},
		{Name: "lang", Args: "xx|auto", Description: i18n.BotHelpLang, Run: (*Bot).cmdLang,
			DescArgs: func() []any { return []any{supportedList()} }},
	}
}

// lookup finds the command a slash command's text calls, and its arguments; any other
// text is a question.
func (b *Bot) lookup(text string) (command, string) {
	name, args, _ := strings.Cut(text, " ")
	args = strings.TrimSpace(args)
	var ask command
	for _, c := range b.commands {
		switch {
		case c.Name == "":
			ask = c
		case strings.EqualFold(c.Name, name) && (args == "" || c.Args != "" || c.ArgsKey != ""):
			return c, args
		}
	}
	return ask, text
}

// cmdAsk answers the text as a question, ephemerally.
func (b *Bot) cmdAsk(ctx context.Context, c commandCall) {
	b.answerQuestion(ctx, c.r, c.t, c.args, nil)
}
