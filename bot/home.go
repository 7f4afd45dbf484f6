package bot

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// QuestionStats are the figures admins see on App Home.
type QuestionStats struct {
	Total, Up, Down int
	// NotFound are questions answered "not covered", most recent first.
	NotFound []string
}

// StatsStore is a Store that can sum up the questions asked since a time; App Home shows its
// figures to admins when the store offers them.
type StatsStore interface {
	QuestionStats(ctx context.Context, since time.Time) (QuestionStats, error)
}

const (
	// actionHomeLang is the App Home select of the answer language.
	actionHomeLang = "home_lang"
	// homeReports caps the reports listed on App Home (Slack allows 100 blocks a view).
	homeReports = 30
	// homeGaps caps the "not covered" questions shown to admins.
	homeGaps = 10
	// langAuto is the select's value for "no fixed language".
	langAuto = "auto"
)

// onAppHomeOpened publishes the Home tab when a user opens it.
func (b *Bot) onAppHomeOpened(ctx context.Context, r request) {
	if r.Event.Tab != "" && r.Event.Tab != "home" {
		return // the Messages tab
	}
	b.publishHome(ctx, r.Event.User)
}

// publishHome renders and publishes a user's Home tab, in their language.
func (b *Bot) publishHome(ctx context.Context, user string) {
	if user == "" {
		return
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: b.homeBlocks(ctx, user)}}
	err := b.call(ctx, "views.publish", func(ctx context.Context) error {
		_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
		return err
	})
	if err != nil {
		b.log.Warn("could not publish the Home tab", "user", user, "err", err)
		return
	}
	b.homes.add(user)
}

// RefreshHomes publishes again, in the background, the Home tabs this process published
// lately (the reports they list changed). Only the most recent homeUsers are kept.
func (b *Bot) RefreshHomes(ctx context.Context) {
	users := b.homes.list()
	if len(users) == 0 {
		return
	}
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		return
	}
	b.inflight.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.inflight.Done()
		for _, u := range users {
			if ctx.Err() != nil || b.workCtx.Err() != nil {
				return
			}
			b.publishHome(b.workCtx, u)
		}
	}()
}

// homeUsers bounds the users whose Home tab is refreshed when the reports change.
const homeUsers = 200

// recentUsers is a bounded set of users, oldest dropped first.
type recentUsers struct {
	mu    sync.Mutex
	order []string
}

func (r *recentUsers) add(user string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.order = slices.DeleteFunc(r.order, func(u string) bool { return u == user })
	r.order = append(r.order, user)
	if len(r.order) > homeUsers {
		r.order = r.order[len(r.order)-homeUsers:]
	}
}

func (r *recentUsers) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.order)
}

// homeBlocks is the Home tab: how to ask, with two examples drawn from the reports' events;
// the reports known; the answer language, with a select to change it; where the daily
// takeaway posts; and for admins, the week's figures, the questions answered "not covered"
// and how to add a report.
func (b *Bot) homeBlocks(ctx context.Context, user string) []slack.Block {
	force, _, ui := b.userLangs(ctx, user)
	md := func(text string) slack.Block {
		return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, true), nil, nil)
	}
	sources := b.sources.Sources()
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "takeaway", false, false)),
		md(b.cat.Sprintf(ui, i18n.BotHelpIntro)),
	}
	var examples []string
	seen := map[string]bool{}
	for _, s := range sources {
		if s.Event != "" && !seen[s.Event] && len(examples) < 2 {
			seen[s.Event] = true
			examples = append(examples, "• "+escape(b.cat.Sprintf(ui, i18n.BotHomeExample, s.Event)))
		}
	}
	if len(examples) == 0 {
		examples = append(examples, "• "+escape(b.cat.Sprintf(ui, i18n.BotPrompt1)))
	}
	blocks = append(blocks, md(b.cat.Sprintf(ui, i18n.BotHomeAsk)+"\n"+strings.Join(examples, "\n")), slack.NewDividerBlock())

	lines := []string{b.cat.Sprintf(ui, i18n.BotHomeReports, len(sources))}
	for i, s := range sources {
		if i == homeReports {
			lines = append(lines, escape(b.cat.Sprintf(ui, i18n.BotHomeMore, len(sources)-homeReports)))
			break
		}
		extras := []string{s.Publisher, s.Event, langName(s.Lang)}
		if s.Passages > 0 {
			extras = append(extras, b.cat.Sprintf(ui, i18n.BotHomePassages, s.Passages))
		}
		lines = append(lines, "• "+referenceLine(s.Title, s.URL, extras...))
	}
	for _, text := range packLines("", lines, maxText) {
		blocks = append(blocks, md(strings.TrimPrefix(text, "\n")))
	}
	blocks = append(blocks, slack.NewDividerBlock())

	options := []*slack.OptionBlockObject{slack.NewOptionBlockObject(langAuto, slack.NewTextBlockObject(slack.PlainTextType, b.cat.Sprintf(ui, i18n.BotHomeLangAuto), false, false), nil)}
	initial := options[0]
	for _, code := range i18n.Supported() {
		o := slack.NewOptionBlockObject(code, slack.NewTextBlockObject(slack.PlainTextType, langName(code)+" ("+code+")", false, false), nil)
		options = append(options, o)
		if code == force {
			initial = o
		}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, actionHomeLang, options...)
	sel.InitialOption = initial
	blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, b.cat.Sprintf(ui, i18n.BotHomeLang), false, true), nil, slack.NewAccessory(sel)))
	blocks = append(blocks, md(dailyHelp(b.cat, b.cfg.Daily, ui)))

	if b.isAdmin(ctx, user) {
		blocks = append(blocks, slack.NewDividerBlock())
		if ss, ok := b.store.(StatsStore); ok {
			st, err := ss.QuestionStats(ctx, b.now().Add(-7*24*time.Hour))
			if err != nil {
				b.log.Warn("could not read the week's questions for App Home", "err", err)
			} else {
				blocks = append(blocks, md(b.cat.Sprintf(ui, i18n.BotHomeAdmin, st.Total, st.Up, st.Down)))
				if len(st.NotFound) > 0 {
					gaps := []string{b.cat.Sprintf(ui, i18n.BotHomeGaps)}
					for _, q := range st.NotFound[:min(homeGaps, len(st.NotFound))] {
						gaps = append(gaps, "• "+escape(truncate(q, 150)))
					}
					blocks = append(blocks, md(strings.Join(gaps, "\n")))
				}
			}
		}
		if b.library != nil {
			blocks = append(blocks, md(b.cat.Sprintf(ui, i18n.BotAddUsage, size(b.library.MaxBytes()))))
		}
		if _, ok := b.store.(ChannelModeStore); ok {
			blocks = append(blocks, b.modeBlocks(ui)...)
		}
	}
	return blocks
}

// isAdmin tells whether a user is one of the bot's admins or a workspace admin or owner.
func (b *Bot) isAdmin(ctx context.Context, user string) bool {
	if slices.Contains(b.cfg.Admins, user) {
		return true
	}
	u, ok := b.userInfo(ctx, user)
	return ok && (u.IsAdmin || u.IsOwner || u.IsPrimaryOwner)
}

// onHomeLang stores the answer language chosen on App Home (as /takeaway lang does) and
// publishes the Home tab again, in that language.
func (b *Bot) onHomeLang(ctx context.Context, r request, act *slack.BlockAction) {
	user := r.Action.User.ID
	code := act.SelectedOption.Value
	if code == langAuto {
		code = ""
	} else if code = i18n.Base(code); !i18n.IsSupported(code) {
		b.log.Warn("an unknown language chosen on App Home", "user", user, "lang", act.SelectedOption.Value)
		return
	}
	if err := b.store.SetUserLang(ctx, user, code); err != nil {
		b.log.Error("could not store a language choice", "user", user, "err", err)
	}
	b.publishHome(ctx, user)
}

// The App Home controls of channel modes, for admins.
const (
	actionHomeModeChannel = "home_mode_channel"
	actionHomeMode        = "home_mode"
	blockHomeModes        = "home_modes"
)

// modeLabels name the channel modes in a language.
func (b *Bot) modeLabels(ui string) map[ChannelMode]string {
	return map[ChannelMode]string{
		ModeFollowUps: b.cat.Sprintf(ui, i18n.BotModeFollowUps),
		ModeHelp:      b.cat.Sprintf(ui, i18n.BotModeHelp),
		ModeMentions:  b.cat.Sprintf(ui, i18n.BotModeMentions),
	}
}

// modeBlocks lists the channels with a mode other than follow-ups, and offers a channel
// picker and a mode select to change one.
func (b *Bot) modeBlocks(ui string) []slack.Block {
	labels := b.modeLabels(ui)
	modes := map[string]ChannelMode{}
	for c, m := range b.cfg.Channels {
		modes[c] = m
	}
	for c, m := range b.storedModes() {
		modes[c] = m
	}
	lines := []string{b.cat.Sprintf(ui, i18n.BotHomeModes)}
	for _, c := range slices.Sorted(maps.Keys(modes)) {
		if m := modes[c]; m != ModeFollowUps && labels[m] != "" {
			lines = append(lines, "• <#"+escape(c)+"> — "+escape(labels[m]))
		}
	}
	var options []*slack.OptionBlockObject
	for _, m := range []ChannelMode{ModeFollowUps, ModeHelp, ModeMentions} {
		options = append(options, slack.NewOptionBlockObject(string(m), slack.NewTextBlockObject(slack.PlainTextType, labels[m], false, false), nil))
	}
	return []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Join(lines, "\n"), false, true), nil, nil),
		slack.NewActionBlock(blockHomeModes,
			slack.NewOptionsSelectBlockElement(slack.OptTypeChannels, nil, actionHomeModeChannel),
			slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, actionHomeMode, options...),
		),
	}
}

// onHomeMode sets the mode of the channel picked beside the select, for an admin, and
// publishes the Home tab again.
func (b *Bot) onHomeMode(ctx context.Context, r request, act *slack.BlockAction) {
	user := r.Action.User.ID
	if !b.isAdmin(ctx, user) {
		b.log.Warn("a channel mode change from someone who is not an admin", "user", user)
		return
	}
	mode := ChannelMode(act.SelectedOption.Value)
	if mode != ModeFollowUps && mode != ModeHelp && mode != ModeMentions {
		return
	}
	channel := ""
	for _, byAction := range r.Action.View.State.Values {
		if a, ok := byAction[actionHomeModeChannel]; ok && a.SelectedChannel != "" {
			channel = a.SelectedChannel
		}
	}
	if channel != "" {
		// Stored even when it is the default: it overrides what the configuration says.
		if err := b.setChannelMode(ctx, channel, mode); err != nil {
			b.log.Error("could not store a channel mode", "channel", channel, "err", err)
		} else {
			b.log.Info("channel mode set from App Home", "channel", channel, "mode", mode, "by", user)
		}
	}
	b.publishHome(ctx, user)
}
