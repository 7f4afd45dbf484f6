package bot

import (
	"context"
	"runtime/debug"
)

// handlerFunc handles one parsed request.
type handlerFunc func(b *Bot, ctx context.Context, r request)

// eventHandlers routes Events API events by their subscription name ("message.im" for a
// message event in a DM). The app manifest subscribes to exactly these events.
var eventHandlers = map[string]handlerFunc{
	"app_mention":              (*Bot).onMention,
	"message.im":               (*Bot).onDirectMessage,
	"assistant_thread_started": (*Bot).onAssistantThreadStarted,
}

// messageSubscriptions maps a message's channel_type to its Events API subscription.
var messageSubscriptions = map[string]string{
	"channel": "message.channels",
	"group":   "message.groups",
	"im":      "message.im",
	"mpim":    "message.mpim",
}

// subscription names the Events API subscription an event arrives through.
func subscription(e event) string {
	if e.Type == "message" {
		return messageSubscriptions[e.ChannelType]
	}
	return e.Type
}

// dispatch handles a request in the background; the transport has already acknowledged
// it. During shutdown, new requests are dropped (and logged).
func (b *Bot) dispatch(r request) {
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		b.log.Warn("shutting down; dropping a request", "request_id", r.ID)
		return
	}
	b.inflight.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.inflight.Done()
		defer func() {
			if p := recover(); p != nil {
				b.log.Error("panic while handling a request", "request_id", r.ID, "panic", p, "stack", string(debug.Stack()))
			}
		}()
		b.handle(b.workCtx, r)
	}()
}

// handle routes a request, after dropping the deliveries already handled: Slack retries
// an event that was not acknowledged in time, with the same event ID.
func (b *Bot) handle(ctx context.Context, r request) {
	h := b.route(r)
	if h == nil {
		return
	}
	if r.ID != "" {
		first, err := b.store.MarkEventSeen(ctx, r.ID, dedupeTTL)
		switch {
		case err != nil && r.Retry > 0:
			// The first delivery was most likely handled; a second answer is worse than none.
			b.log.Warn("cannot tell whether a retried request was handled; dropping it", "request_id", r.ID, "err", err)
			return
		case err != nil:
			b.log.Warn("could not record a request as seen; handling it anyway", "request_id", r.ID, "err", err)
		case !first:
			b.log.Info("dropping a request already handled", "request_id", r.ID, "retry", r.Retry)
			return
		}
	}
	h(b, ctx, r)
}

// route picks the handler of a request, or nil for requests the bot ignores: events it
// does not handle, and messages from bots (itself included) or with a subtype (edits,
// joins, deletions).
func (b *Bot) route(r request) handlerFunc {
	switch r.Kind {
	case kindSlash:
		return (*Bot).onSlash
	case kindAction:
		return (*Bot).onAction
	case kindEvent:
		h := eventHandlers[subscription(r.Event)]
		if h == nil {
			return nil
		}
		if (r.Event.Type == "message" || r.Event.Type == "app_mention") && !b.fromHuman(r.Event) {
			return nil
		}
		return h
	}
	return nil
}

// fromHuman reports whether a message was written by a person, not by a bot or Slack.
func (b *Bot) fromHuman(e event) bool {
	return e.BotID == "" && e.Subtype == "" && e.User != "" && e.User != b.botUserID()
}
