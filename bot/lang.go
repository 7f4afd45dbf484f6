package bot

import (
	"context"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// cmdLang shows, sets or clears the user's answer language.
func (b *Bot) cmdLang(ctx context.Context, c commandCall) {
	force, locale, ui := b.userLangs(ctx, c.t.UserID)
	arg := strings.ToLower(strings.TrimSpace(c.args))
	switch arg {
	case "":
		if force != "" {
			b.say(ctx, c.t, ui, i18n.BotLangCurrent, langName(force), supportedList())
		} else {
			b.say(ctx, c.t, ui, i18n.BotLangCurrentAuto, supportedList())
		}
		return
	case "auto", "off", "reset", "none":
		if err := b.store.SetUserLang(ctx, c.t.UserID, ""); err != nil {
			b.log.Error("could not clear a language choice", "user", c.t.UserID, "err", err)
			b.say(ctx, c.t, ui, i18n.BotSaveFailed)
			return
		}
		b.say(ctx, c.t, uiLang("", locale), i18n.BotLangAuto)
		b.publishHome(ctx, c.t.UserID)
		return
	}
	code := i18n.Base(arg)
	if !i18n.IsSupported(code) {
		b.say(ctx, c.t, ui, i18n.BotLangUnknown, c.args, supportedList())
		return
	}
	if err := b.store.SetUserLang(ctx, c.t.UserID, code); err != nil {
		b.log.Error("could not store a language choice", "user", c.t.UserID, "err", err)
		b.say(ctx, c.t, ui, i18n.BotSaveFailed)
		return
	}
	b.say(ctx, c.t, code, i18n.BotLangSet, langName(code))
	b.publishHome(ctx, c.t.UserID) // the Home tab shows the choice, in that language
}

// supportedList is "en, fr, sv, …", for messages.
func supportedList() string { return strings.Join(i18n.Supported(), ", ") }

// langName names a language in itself ("français", "日本語").
func langName(code string) string {
	return display.Self.Name(language.Make(code))
}

// userLocale returns the user's Slack locale ("fr-FR"), from users.info with
// include_locale, cached; "" when unknown.
func (b *Bot) userLocale(ctx context.Context, userID string) string {
	u, _ := b.userInfo(ctx, userID)
	return u.Locale
}

// userLangs returns the user's /takeaway lang choice and Slack locale, and the language
// of the bot's own sentences for them.
func (b *Bot) userLangs(ctx context.Context, userID string) (force, locale, ui string) {
	force, err := b.store.UserLang(ctx, userID)
	if err != nil {
		b.log.Warn("could not read the user's language", "user", userID, "err", err)
		force = ""
	}
	locale = b.userLocale(ctx, userID)
	return force, locale, uiLang(force, locale)
}

// uiLang picks the language of the bot's own sentences: the user's choice, else their
// Slack locale, else English.
func uiLang(force, locale string) string {
	if force != "" && i18n.IsSupported(force) {
		return force
	}
	if base := i18n.Base(locale); i18n.IsSupported(base) {
		return base
	}
	return "en"
}
