package bot

import (
	"errors"
	"net/http"

	"github.com/slack-go/slack"
)

// errNoSigningSecret refuses HTTP requests when no signing secret is configured.
var errNoSigningSecret = errors.New("no signing secret configured")

// verify checks Slack's v0 request signature (HMAC-SHA256 of "v0:timestamp:body") in
// constant time, and that the timestamp is within five minutes, against replays.
func (b *Bot) verify(h http.Header, body []byte) error {
	if b.cfg.SigningSecret == "" {
		return errNoSigningSecret
	}
	sv, err := slack.NewSecretsVerifier(h, b.cfg.SigningSecret)
	if err != nil {
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	return sv.Ensure()
}
