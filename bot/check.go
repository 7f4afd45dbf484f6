package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// Check calls auth.test with the bot token and remembers who the bot is, so that it can
// ignore its own messages. Its errors name the setting to fix.
func (b *Bot) Check(ctx context.Context) error {
	token := b.cfg.BotToken
	switch {
	case token == "":
		return errors.New("bot: SLACK_BOT_TOKEN is not set; copy the app's Bot User OAuth Token (xoxb-…)")
	case !strings.HasPrefix(token, "xoxb-"):
		return fmt.Errorf("bot: SLACK_BOT_TOKEN must be a bot token starting with xoxb- (it starts with %q)", tokenPrefix(token))
	case b.cfg.AppToken != "" && !strings.HasPrefix(b.cfg.AppToken, "xapp-"):
		return fmt.Errorf("bot: SLACK_APP_TOKEN must be an app-level token starting with xapp- (it starts with %q)", tokenPrefix(b.cfg.AppToken))
	}
	var resp *slack.AuthTestResponse
	err := b.call(ctx, "auth.test", func(ctx context.Context) error {
		var err error
		resp, err = b.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) {
			switch se.Err {
			case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive":
				return fmt.Errorf("bot: Slack rejected SLACK_BOT_TOKEN (%s); reinstall the app or copy its current Bot User OAuth Token", se.Err)
			}
		}
		return fmt.Errorf("bot: checking SLACK_BOT_TOKEN with auth.test: %w", err)
	}
	b.ident.Store(&identity{UserID: resp.UserID, BotID: resp.BotID, TeamID: resp.TeamID})
	b.log.Info("connected to Slack", "team", resp.Team, "bot_user", resp.UserID)
	return nil
}

// tokenPrefix shows the kind of a token (xoxp-, xapp-) without revealing it.
func tokenPrefix(token string) string {
	if i := strings.IndexByte(token, '-'); i >= 0 && i < 6 {
		return token[:i+1]
	}
	if len(token) > 4 {
		return token[:4]
	}
	return token
}

// botUserID is the bot's own user ID, or "" before Check.
func (b *Bot) botUserID() string {
	if id := b.ident.Load(); id != nil {
		return id.UserID
	}
	return ""
}
