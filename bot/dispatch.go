package bot

import (
	"context"
	"encoding/json"
	"runtime/debug"
	"time"
)

// handlerFunc handles one parsed request.
type handlerFunc func(b *Bot, ctx context.Context, r request)

// eventHandlers routes Events API events by their subscription name ("message.im" for a
// message event in a DM). The app manifest subscribes to exactly these events.
var eventHandlers = map[string]handlerFunc{
	"app_mention":              (*Bot).onMention,
	"message.im":               (*Bot).onDirectMessage,
	"assistant_thread_started": (*Bot).onAssistantThreadStarted,
	"message.channels":         (*Bot).onChannelMessage,
	"message.groups":           (*Bot).onChannelMessage,
	"app_home_opened":          (*Bot).onAppHomeOpened,

	"assistant_thread_context_changed": (*Bot).onAssistantContextChanged,
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
		// Finished once handled, or once its handler panicked: a request that crashes its
		// handler is not handled again and again.
		defer b.finish(r)
		defer func() {
			if p := recover(); p != nil {
				b.log.Error("panic while handling a request", "request_id", r.ID, "panic", p, "stack", string(debug.Stack()))
			}
		}()
		if h := b.route(r); h != nil {
			h(b, b.workCtx, r)
		}
	}()
}

// accept decides, before a request is acknowledged, whether to handle it, and records it as
// accepted: what is acknowledged is then answered, even if this process dies first (a
// replica, or this one restarted, finds it with ClaimPending). Slack retries a request that
// was not acknowledged in time, with the same ID: a copy already accepted is dropped.
func (b *Bot) accept(ctx context.Context, r request) bool {
	if b.route(r) == nil {
		return false
	}
	if r.ID == "" {
		return true
	}
	payload, err := json.Marshal(r)
	if err != nil {
		b.log.Warn("could not record a request; handling it anyway", "request_id", r.ID, "err", err)
		return true
	}
	accepted, err := b.store.AcceptRequest(ctx, r.ID, b.owner, payload, b.cfg.RequestLease, dedupeTTL)
	switch {
	case err != nil && r.Retry > 0:
		// The first delivery was most likely accepted; a second answer is worse than none.
		b.log.Warn("cannot tell whether a retried request was handled; dropping it", "request_id", r.ID, "err", err)
		return false
	case err != nil:
		b.log.Warn("could not record a request as accepted; handling it anyway", "request_id", r.ID, "err", err)
		return true
	case !accepted:
		b.log.Info("dropping a request already handled", "request_id", r.ID, "retry", r.Retry)
		return false
	}
	return true
}

// finish marks a request as handled.
func (b *Bot) finish(r request) {
	if r.ID == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.workCtx), noticeTimeout)
	defer cancel()
	if err := b.store.FinishRequest(ctx, r.ID); err != nil {
		b.log.Warn("could not record a request as handled; it may be answered again", "request_id", r.ID, "err", err)
	}
}

// recoverLoop answers the requests that were accepted and never finished, by a process that
// died: at start-up, then every RecoverInterval, until ctx ends.
func (b *Bot) recoverLoop(ctx context.Context) {
	t := time.NewTicker(b.cfg.RecoverInterval)
	defer t.Stop()
	for {
		b.recoverPending(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// recoverPending claims what dead handlers left and dispatches it.
func (b *Bot) recoverPending(ctx context.Context) {
	pending, err := b.store.ClaimPending(ctx, b.owner, b.cfg.RequestLease)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Warn("could not look for unanswered requests", "err", err)
		}
		return
	}
	for _, p := range pending {
		var r request
		if err := json.Unmarshal(p.Payload, &r); err != nil || r.ID != p.ID {
			b.log.Error("an accepted request cannot be read back; dropping it", "request_id", p.ID, "err", err)
			b.finish(request{ID: p.ID})
			continue
		}
		b.log.Info("answering a request a stopped process had accepted", "request_id", r.ID)
		r.Recovered = true
		b.dispatch(r)
	}
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
		if sub := subscription(r.Event); (sub == "message.channels" || sub == "message.groups") && !b.channelMessageRoute(r.Event) {
			return nil
		}
		return h
	}
	return nil
}

// fromHuman reports whether a message was written by a person, not by a bot or Slack. A
// message sharing a file is a person's too: its text may be a question.
func (b *Bot) fromHuman(e event) bool {
	return e.BotID == "" && (e.Subtype == "" || e.Subtype == "file_share") && e.User != "" && e.User != b.botUserID()
}
