package bot

import (
	"context"
	"strings"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// cmdHelp shows the generated help.
func (b *Bot) cmdHelp(ctx context.Context, c commandCall) {
	_, _, ui := b.userLangs(ctx, c.t.UserID)
	if _, err := b.post(ctx, c.t, slackMessage{Text: helpText(b.cat, b.commands, ui)}); err != nil {
		b.log.Error("could not post the help", "err", err)
	}
}

// helpText renders the command table in lang.
func helpText(cat *i18n.Catalog, cmds []command, lang string) string {
	lines := []string{cat.Sprintf(lang, i18n.BotHelpIntro), ""}
	for _, c := range cmds {
		usage := "`" + strings.TrimSpace(slashCommand+" "+c.Name) + "`"
		switch {
		case c.ArgsKey != "":
			usage += " _" + cat.Sprintf(lang, c.ArgsKey) + "_"
		case c.Args != "":
			usage += " _" + c.Args + "_"
		}
		var args []any
		if c.DescArgs != nil {
			args = c.DescArgs()
		}
		lines = append(lines, "• "+usage+" — "+cat.Sprintf(lang, c.Description, args...))
	}
	lines = append(lines, "", cat.Sprintf(lang, i18n.BotHelpElsewhere))
	return strings.Join(lines, "\n")
}
