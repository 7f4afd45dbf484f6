package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Check calls auth.test with the bot token and remembers who the bot is, so that it can
// ignore its own messages. Its errors name the setting to fix.
func (b *Bot) Check(ctx context.Context) error {
	token := b.cfg.BotToken
	switch {
	case token == "":
		return fmt.Errorf("bot: SLACK_BOT_TOKEN is not set; copy the app's Bot User OAuth Token (xoxb-…): %w", errBadToken)
	case !strings.HasPrefix(token, "xoxb-"):
		return fmt.Errorf("bot: SLACK_BOT_TOKEN must be a bot token starting with xoxb- (it starts with %q): %w", tokenPrefix(token), errBadToken)
	case b.cfg.AppToken != "" && !strings.HasPrefix(b.cfg.AppToken, "xapp-"):
		return fmt.Errorf("bot: SLACK_APP_TOKEN must be an app-level token starting with xapp- (it starts with %q): %w", tokenPrefix(b.cfg.AppToken), errBadToken)
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
				return fmt.Errorf("bot: Slack rejected SLACK_BOT_TOKEN (%s); reinstall the app or copy its current Bot User OAuth Token: %w", se.Err, errBadToken)
			}
		}
		return fmt.Errorf("bot: checking SLACK_BOT_TOKEN with auth.test: %w", err)
	}
	b.ident.Store(&identity{UserID: resp.UserID, BotID: resp.BotID, TeamID: resp.TeamID})
	b.log.Info("connected to Slack", "team", resp.Team, "bot_user", resp.UserID)
	return nil
}

// errBadToken marks a token Slack or the check itself refuses: waiting will not help.
var errBadToken = errors.New("bad token")

// WaitForSlack checks the token as Check does, and while Slack fails for another reason (a
// 5xx, a network error) tries again with a growing pause, for at most maxWait: a Slack
// outage at start-up is waited out, a bad token is reported at once.
func (b *Bot) WaitForSlack(ctx context.Context, maxWait time.Duration) error {
	deadline := b.now().Add(maxWait)
	pause := time.Second
	for {
		err := b.Check(ctx)
		if err == nil || errors.Is(err, errBadToken) || ctx.Err() != nil {
			return err
		}
		if !b.now().Add(pause).Before(deadline) {
			return fmt.Errorf("%w (Slack kept failing for %v)", err, maxWait)
		}
		b.log.Warn("Slack is not answering yet; trying again", "in", pause, "err", err)
		if serr := b.sleep(ctx, pause); serr != nil {
			return err
		}
		pause = min(2*pause, 15*time.Second)
	}
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
