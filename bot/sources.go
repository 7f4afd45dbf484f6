package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// maxSourcesListed keeps /takeaway sources to one readable message.
const maxSourcesListed = 100

// cmdSources lists the reports the answers draw on.
func (b *Bot) cmdSources(ctx context.Context, c commandCall) {
	_, _, ui := b.userLangs(ctx, c.t.UserID)
	var list []Source
	if b.sources != nil {
		list = b.sources.Sources()
	}
	for i, s := range list {
		if s.ID != "" {
			list[i].AddedBy = b.userName(ctx, s.AddedBy) // a name, never a mention
		}
	}
	if _, err := b.post(ctx, c.t, renderSources(b.cat, ui, list)); err != nil {
		b.log.Error("could not post the list of sources", "err", err)
	}
}

// renderSources renders the list of reports in lang, escaped, in one message.
func renderSources(cat *i18n.Catalog, lang string, list []Source) slackMessage {
	if len(list) == 0 {
		return plainMessage(cat.Sprintf(lang, i18n.BotSourcesNone))
	}
	header := cat.Sprintf(lang, i18n.BotSourcesHeader, len(list))
	lines := make([]string, 0, min(len(list), maxSourcesListed)+1)
	for i, s := range list {
		if i == maxSourcesListed {
			lines = append(lines, escape(cat.Sprintf(lang, i18n.BotSourcesMore, len(list)-i)))
			break
		}
		line := "• " + referenceLine(s.Title, s.URL, s.Publisher, s.Event)
		if lang := strings.TrimSpace(s.Lang); lang != "" {
			line += " (" + escape(lang) + ")"
		}
		if s.ID != "" {
			line += " · " + cat.Sprintf(lang, i18n.BotSourcesAdded, escape(s.ID), escape(s.AddedBy), s.AddedAt.Format("2006-01-02"))
		}
		lines = append(lines, line)
	}
	m := slackMessage{Text: escape(header)}
	for _, text := range packLines("*"+escape(header)+"*", lines, maxText) {
		m.Blocks = append(m.Blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, true), nil, nil))
	}
	return m
}
