package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// maxLoggedQuestion bounds the characters of a question kept in the question log.
const maxLoggedQuestion = 2000

// Errors that end a question without an answer; userMessage maps each to what the user
// is told.
var (
	errRateLimited = errors.New("user asked too often")
	errBusy        = errors.New("no answer slot free")
)

// failure is the one place where an error that ends a question becomes the sentence the
// user is told and the outcome logged; the details go to the log, never to Slack.
func failure(err error) (i18n.Key, string) {
	switch {
	case errors.Is(err, errRateLimited):
		return i18n.BotRateLimited, OutcomeRateLimited
	case errors.Is(err, errBusy):
		return i18n.BotBusy, OutcomeBusy
	case errors.Is(err, errSlackRefused):
		return i18n.BotCouldNotDeliver, OutcomeError
	default:
		return i18n.BotCouldNotAnswer, OutcomeError
	}
}

// answerQuestion is the one path from a question to a posted answer, for every surface:
// rate limit, concurrency cap, language hints, the answerer (streaming where the surface
// allows), rendering, posting, and the question log. Every failure ends with a one-line
// message to the user.
func (b *Bot) answerQuestion(ctx context.Context, r request, t target, text string, history []answer.Turn) {
	start := b.now()
	entry := QuestionLog{At: start, RequestID: r.ID, Surface: t.Surface, Question: truncate(text, maxLoggedQuestion)}
	force, locale, ui := b.userLangs(ctx, t.UserID)
	entry.Lang = ui
	defer func() {
		entry.LatencyMS = b.now().Sub(start).Milliseconds()
		if err := b.store.LogQuestion(context.WithoutCancel(ctx), entry); err != nil {
			b.log.Warn("could not log a question", "request_id", r.ID, "err", err)
		}
	}()
	fail := func(err error, st *streamer) {
		var key i18n.Key
		key, entry.Outcome = failure(err)
		b.log.Warn("no answer", "request_id", r.ID, "surface", t.Surface, "err", err)
		// The notice has a deadline of its own, and goes to the asker alone when the channel
		// would not take the answer: an ephemeral message is limited apart from posts.
		nctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), noticeTimeout)
		defer cancel()
		if st != nil && st.finishWithNotice(nctx, plainMessage(b.cat.Sprintf(ui, key))) {
			return
		}
		if errors.Is(err, errSlackRefused) && t.UserID != "" && t.ResponseURL == "" {
			t.Ephemeral = true
		}
		b.say(nctx, t, ui, key)
	}
	// A panic while answering (a bug in retrieval, rendering or a model client) must not
	// leave the user waiting in silence: they are told, like for any other failure, and the
	// stack goes to the log. The deferred halt and release have run by then.
	var st *streamer
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("panic while answering a question", "request_id", r.ID, "surface", t.Surface, "panic", p, "stack", string(debug.Stack()))
			fail(fmt.Errorf("panic: %v", p), st)
		}
	}()

	if !r.Recovered && !b.limiter.allow(t.UserID) {
		fail(errRateLimited, nil)
		return
	}
	release, ok := b.acquire(ctx)
	if !ok {
		fail(errBusy, nil)
		return
	}
	defer release()

	if t.Surface == surfaceAssistant {
		b.setAssistantStatus(ctx, t, b.cat.Sprintf(ui, i18n.BotThinking))
	}
	q := answer.Question{Text: text, LangHint: locale, ForceLang: force, History: history, RequestID: r.ID}
	if t.streamable() {
		st = b.newStreamer(ctx, t)
		defer st.halt() // also when the answerer panics
		q.OnToken = st.update
	}
	askCtx, cancel := context.WithTimeout(ctx, answerTimeout)
	a, err := b.answerer.Ask(askCtx, q)
	cancel()
	// Posting needs no answer slot: waiting on Slack must not hold up other askers.
	release()
	if err != nil {
		fail(err, st)
		return
	}
	entry.Lang, entry.Mode = a.Lang, string(a.Mode)
	entry.Outcome = OutcomeAnswered
	if a.NotFound {
		entry.Outcome = OutcomeNotFound
	} else if t.Surface == surfaceMention || t.Surface == surfaceFollowUp || t.Surface == surfaceHelp {
		// What a channel asks in the open (never a private question: slash, shortcut, DM),
		// for the assistant pane's prompts.
		b.recent.add(t.Channel, text)
	}

	id := newID()
	b.answers.put(id, cachedAnswer{Question: text, Answer: a})
	msgs := renderAnswer(b.cat, a, renderOptions{ID: id, Share: t.Surface == surfaceSlash || t.Surface == surfaceShortcut, Feedback: true})
	dctx, cancelDeliver := context.WithTimeout(ctx, deliverTimeout)
	defer cancelDeliver()
	if st != nil {
		err = st.finish(dctx, msgs)
	} else {
		err = b.deliver(dctx, t, msgs)
	}
	if err != nil {
		b.log.Error("could not post an answer", "request_id", r.ID, "surface", t.Surface, "err", err)
		fail(err, nil)
	}
}

// askHint replies to a message with no question in it.
func (b *Bot) askHint(ctx context.Context, t target) {
	_, _, ui := b.userLangs(ctx, t.UserID)
	b.say(ctx, t, ui, i18n.BotAskHint)
}
