package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// runSocketMode receives requests over Socket Mode until ctx ends.
func (b *Bot) runSocketMode(ctx context.Context) error {
	api := slack.New(b.cfg.BotToken, append(apiOptions(b.cfg), slack.OptionAppLevelToken(b.cfg.AppToken))...)
	client := socketmode.New(api, socketmode.OptionPingInterval(b.pingInterval))
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("bot: Socket Mode: %w", err)
		case evt := <-client.Events:
			if err := b.onSocketEvent(ctx, client, evt); err != nil {
				return err
			}
		}
	}
}

// onSocketEvent acknowledges a Socket Mode request, then hands it to the dispatcher the
// same way the HTTP endpoint does.
func (b *Bot) onSocketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) error {
	switch evt.Type {
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive:
	case socketmode.EventTypeInvalidAuth:
		return errors.New("bot: Slack rejected SLACK_APP_TOKEN (invalid_auth); create an app-level token with connections:write")
	case socketmode.EventTypeConnected:
		b.log.Info("connected to Slack over Socket Mode")
		return nil
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		b.log.Warn("Socket Mode trouble", "type", evt.Type, "data", fmt.Sprint(evt.Data))
		return nil
	default:
		return nil
	}
	if evt.Request == nil {
		return nil
	}
	var req request
	switch data := evt.Data.(type) {
	case slack.SlashCommand:
		req = slashRequest(data)
	case slack.InteractionCallback:
		req = actionRequest(data)
	default:
		// Parse the raw payload ourselves, exactly as an HTTP Events API body.
		var err error
		if req, _, err = parseEventsAPI(evt.Request.Payload); err != nil {
			b.log.Warn("unreadable Socket Mode event", "err", err)
			b.ack(ctx, client, evt)
			return nil
		}
	}
	req.Retry = evt.Request.RetryAttempt
	// Accepted, acknowledged, handled: in that order, as over HTTP.
	accepted := b.accept(ctx, req)
	b.ack(ctx, client, evt)
	if accepted {
		b.dispatch(req)
	}
	return nil
}

// ack acknowledges a Socket Mode request.
func (b *Bot) ack(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	if err := client.AckCtx(ctx, evt.Request.EnvelopeID, nil); err != nil {
		b.log.Warn("could not acknowledge a Socket Mode request", "envelope", evt.Request.EnvelopeID, "err", err)
	}
}
