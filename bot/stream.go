package bot

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// streamer shows an answer while the model writes it: the first text is posted (with
// chat.startStream in threads, else chat.postMessage), later text is appended or edited
// in at most once per streamInterval, and finish replaces it with the rendered answer.
// When Slack refuses the streaming API, the streamer falls back to chat.update.
type streamer struct {
	b   *Bot
	t   target
	ctx context.Context

	mu     sync.Mutex
	latest string

	kick     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	haltOnce sync.Once

	// The loop goroutine owns these until done is closed; then finish does.
	ts       string
	native   bool   // the message is a chat.startStream stream
	streamed string // text sent to the stream so far
	shown    string // text the message shows
}

// newStreamer starts the loop that pushes updates to Slack.
func (b *Bot) newStreamer(ctx context.Context, t target) *streamer {
	s := &streamer{b: b, t: t, ctx: ctx, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	return s
}

// update receives the answer text so far; it never blocks the model.
func (s *streamer) update(textSoFar string) {
	s.mu.Lock()
	s.latest = textSoFar
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *streamer) loop() {
	defer close(s.done)
	defer func() {
		// A failed update must not take the process down: the final answer is still posted
		// by the caller, which does not depend on this loop.
		if r := recover(); r != nil {
			s.b.log.Error("panic while streaming an answer", "panic", r)
		}
	}()
	for {
		select {
		case <-s.kick:
		case <-s.stop:
			return
		}
		s.flush()
		t := time.NewTimer(s.b.streamInterval)
		select {
		case <-t.C:
		case <-s.stop:
			t.Stop()
			return
		}
	}
}

// halt stops the loop and waits for it.
func (s *streamer) halt() {
	s.haltOnce.Do(func() { close(s.stop) })
	<-s.done
}

// flush shows the latest text.
func (s *streamer) flush() {
	s.mu.Lock()
	text := s.latest
	s.mu.Unlock()
	if strings.TrimSpace(text) == "" || text == s.shown {
		return
	}
	if s.ts == "" {
		s.open(text)
		return
	}
	s.push(text)
}

// open posts the first text.
func (s *streamer) open(text string) {
	api, t := s.b.api, s.t
	if t.ThreadTS != "" {
		opts := []slack.MsgOption{slack.MsgOptionTS(t.ThreadTS), slack.MsgOptionMarkdownText(escapeMarkdown(text))}
		if t.UserID != "" {
			opts = append(opts, slack.MsgOptionRecipientUserID(t.UserID))
		}
		if t.TeamID != "" {
			opts = append(opts, slack.MsgOptionRecipientTeamID(t.TeamID))
		}
		_, ts, err := api.StartStreamContext(s.ctx, t.Channel, opts...)
		if err == nil && ts != "" {
			s.ts, s.native, s.streamed, s.shown = ts, true, text, text
			return
		}
		s.b.log.Info("chat.startStream unavailable; streaming with chat.update", "err", err)
	}
	_, ts, err := api.PostMessageContext(s.ctx, t.Channel, plainMessage(text).options(t.ThreadTS)...)
	if err != nil {
		s.b.log.Warn("could not post the first part of an answer", "err", err)
		return
	}
	s.ts, s.shown = ts, text
}

// push shows more text: appended to a native stream, or edited into the message.
func (s *streamer) push(text string) {
	api, t := s.b.api, s.t
	if s.native {
		// The whole text is escaped, then cut: a web address split across two chunks is still
		// seen whole.
		if delta, ok := strings.CutPrefix(escapeMarkdown(text), escapeMarkdown(s.streamed)); ok {
			_, _, err := api.AppendStreamContext(s.ctx, t.Channel, s.ts, slack.MsgOptionMarkdownText(delta))
			if err == nil {
				s.streamed, s.shown = text, text
				return
			}
			s.b.log.Info("chat.appendStream failed; streaming with chat.update", "err", err)
		}
		// The model rewrote its text, or appending failed: stop the stream and edit.
		s.stopNative()
	}
	if _, _, _, err := api.UpdateMessageContext(s.ctx, t.Channel, s.ts, plainMessage(text).options("")...); err != nil {
		s.b.log.Warn("could not update a streamed answer", "err", err)
		return
	}
	s.shown = text
}

// stopNative ends a chat.startStream stream so that the message can be edited.
func (s *streamer) stopNative() {
	if !s.native {
		return
	}
	s.native = false
	err := s.b.call(s.ctx, "chat.stopStream", func(ctx context.Context) error {
		_, _, err := s.b.api.StopStreamContext(ctx, s.t.Channel, s.ts)
		return err
	})
	if err != nil {
		s.b.log.Warn("could not stop a stream", "err", err)
	}
}

// finish replaces the streamed text with the rendered answer and posts any further
// messages of a long answer; without streamed text it simply delivers.
func (s *streamer) finish(ctx context.Context, msgs []slackMessage) error {
	s.halt()
	if s.ts == "" || len(msgs) == 0 {
		return s.b.deliver(ctx, s.t, msgs)
	}
	s.stopNative()
	if err := s.replace(ctx, msgs[0]); err != nil {
		s.b.log.Warn("could not replace a streamed answer; posting it again", "err", err)
		if _, err := s.b.post(ctx, s.t, msgs[0]); err != nil {
			return err
		}
	}
	return s.b.deliver(ctx, s.t, msgs[1:])
}

// finishWithNotice replaces streamed text with a notice, and reports whether it did:
// without streamed text, the caller posts the notice itself.
func (s *streamer) finishWithNotice(ctx context.Context, m slackMessage) bool {
	s.halt()
	if s.ts == "" {
		return false
	}
	s.stopNative()
	return s.replace(ctx, m) == nil
}

// replace edits the streamed message into m.
func (s *streamer) replace(ctx context.Context, m slackMessage) error {
	return s.b.call(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := s.b.api.UpdateMessageContext(ctx, s.t.Channel, s.ts, m.options("")...)
		return err
	})
}
