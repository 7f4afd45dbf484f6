package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// cmdHelp shows the generated help.
func (b *Bot) cmdHelp(ctx context.Context, c commandCall) {
	_, _, ui := b.userLangs(ctx, c.t.UserID)
	text := helpText(b.cat, b.commands, ui)
	if slices.Contains(b.cfg.Admins, c.t.UserID) {
		text += "\n\n" + dailyHelp(b.cat, b.cfg.Daily, ui)
	}
	if _, err := b.post(ctx, c.t, slackMessage{Text: text}); err != nil {
		b.log.Error("could not post the help", "err", err)
	}
}

// DailySchedule is one channel's daily takeaway, as configured.
type DailySchedule struct {
	Channel, Time, TimeZone, Lang string
}

// dailyHelp tells admins where and when the daily takeaway is posted, and how to change it.
func dailyHelp(cat *i18n.Catalog, daily []DailySchedule, lang string) string {
	if len(daily) == 0 {
		return cat.Sprintf(lang, i18n.BotHelpDailyOff)
	}
	var where []string
	for _, d := range daily {
		where = append(where, fmt.Sprintf("<#%s> %s %s (%s)", escape(d.Channel), escape(d.Time), escape(d.TimeZone), escape(d.Lang)))
	}
	return cat.Sprintf(lang, i18n.BotHelpDaily, strings.Join(where, ", "))
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
