package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

func TestMentionAnsweredInThreadWithCitations(t *testing.T) {
	env := newTestEnv(t)
	env.slack.setLocale("U1", "sv-SE")
	env.postEvent(t, "EvMention", mentionEvent("U1", "<@UBOT> What did people say about platform teams?", "1700000001.000100", ""))
	post := env.slack.waitCalls(t, "chat.postMessage", 1)[0]

	if got := post.Form.Get("thread_ts"); got != "1700000001.000100" {
		t.Errorf("thread_ts = %q, want the mention's ts", got)
	}
	if got := post.Form.Get("channel"); got != "C1" {
		t.Errorf("channel = %q", got)
	}
	if post.Form.Get("unfurl_links") != "false" || post.Form.Get("unfurl_media") != "false" {
		t.Errorf("unfurl_links=%q unfurl_media=%q, want false", post.Form.Get("unfurl_links"), post.Form.Get("unfurl_media"))
	}
	if post.Form.Get("text") == "" {
		t.Error("no fallback text")
	}
	joined := strings.Join(post.strs(), "\n")
	for _, want := range []string{
		"*[1]* <https://example.com/kubecon?a=1&amp;b=2|KubeCon EU 2024 takeaways> · Example Blog · KubeCon EU 2024",
		"*[2]* <https://example.org/platform|Platform engineering notes>",
		"feedback_buttons",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("answer lacks %q:\n%s", want, joined)
		}
	}
	q := env.answerer.asked()[0]
	if q.Text != "What did people say about platform teams?" {
		t.Errorf("question = %q (the mention must be stripped)", q.Text)
	}
	if q.LangHint != "sv-SE" || q.ForceLang != "" {
		t.Errorf("LangHint=%q ForceLang=%q, want the Slack locale and no forced language", q.LangHint, q.ForceLang)
	}
	if len(q.History) != 0 {
		t.Errorf("a new thread has no history, got %v", q.History)
	}
	env.drain(t)
	logged := env.store.loggedQuestions()
	if len(logged) != 1 || logged[0].Surface != surfaceMention || logged[0].Outcome != OutcomeAnswered || logged[0].RequestID != "event:EvMention" {
		t.Errorf("question log = %+v", logged)
	}
}

func TestMentionFollowUpPassesThreadHistory(t *testing.T) {
	env := newTestEnv(t)
	env.slack.setReplies(
		fakeMsg{User: "U1", Text: "<@UBOT> what about Istio?", TS: "1700000001.000100"},
		fakeMsg{User: "UBOT", BotID: "BBOT", Text: "Istio ambient mode &amp; sidecars [1]", TS: "1700000002.000100"},
		fakeMsg{User: "U2", Text: "interesting &lt;3", TS: "1700000003.000100"},
		fakeMsg{User: "U1", Text: "<@UBOT> and Linkerd?", TS: "1700000004.000100"},
	)
	env.postEvent(t, "EvFollow", mentionEvent("U1", "<@UBOT> and Linkerd?", "1700000004.000100", "1700000001.000100"))
	post := env.slack.waitCalls(t, "chat.postMessage", 1)[0]
	if got := post.Form.Get("thread_ts"); got != "1700000001.000100" {
		t.Errorf("thread_ts = %q, want the thread's", got)
	}
	replies := env.slack.callsTo("conversations.replies")
	if len(replies) != 1 || replies[0].Form.Get("ts") != "1700000001.000100" || replies[0].Form.Get("channel") != "C1" {
		t.Fatalf("conversations.replies calls: %+v", replies)
	}
	want := []answer.Turn{
		{Text: "what about Istio?"},
		{FromBot: true, Text: "Istio ambient mode & sidecars [1]"},
		{Text: "interesting <3"},
	}
	if diff := cmp.Diff(want, env.answerer.asked()[0].History); diff != "" {
		t.Errorf("History (-want +got):\n%s", diff)
	}
}

func TestDirectMessageAnsweredWithHistory(t *testing.T) {
	env := newTestEnv(t)
	env.store.SetUserLang(context.Background(), "U1", "fr")
	env.slack.setHistory( // newest first
		fakeMsg{User: "UBOT", BotID: "BBOT", Text: "Les équipes plateforme…", TS: "1700000002.000100"},
		fakeMsg{User: "U1", Text: "C'était quoi le thème de KubeCon ?", TS: "1700000001.000100"},
	)
	env.postEvent(t, "EvDM", dmEvent("U1", "Et pour la sécurité ?", "1700000003.000100", ""))
	post := env.slack.waitCalls(t, "chat.postMessage", 1)[0]
	if post.Form.Get("channel") != "D1" || post.Form.Get("thread_ts") != "" {
		t.Errorf("DM answer went to channel=%q thread=%q", post.Form.Get("channel"), post.Form.Get("thread_ts"))
	}
	hist := env.slack.callsTo("conversations.history")
	if len(hist) != 1 || hist[0].Form.Get("latest") != "1700000003.000100" || hist[0].Form.Get("limit") == "" {
		t.Fatalf("conversations.history calls: %+v", hist)
	}
	q := env.answerer.asked()[0]
	want := []answer.Turn{
		{Text: "C'était quoi le thème de KubeCon ?"},
		{FromBot: true, Text: "Les équipes plateforme…"},
	}
	if diff := cmp.Diff(want, q.History); diff != "" {
		t.Errorf("History (-want +got):\n%s", diff)
	}
	if q.ForceLang != "fr" {
		t.Errorf("ForceLang = %q, want the /takeaway lang choice", q.ForceLang)
	}
}

func TestIgnoredMessages(t *testing.T) {
	tests := []struct {
		name string
		ev   map[string]any
	}{
		{"from a bot", merge(dmEvent("U9", "hello", "1.1", ""), map[string]any{"bot_id": "B9"})},
		{"from itself", dmEvent("UBOT", "an answer", "1.2", "")},
		{"edited", merge(dmEvent("U1", "hello", "1.3", ""), map[string]any{"subtype": "message_changed"})},
		{"joined", merge(dmEvent("U1", "joined", "1.4", ""), map[string]any{"subtype": "channel_join"})},
		{"in a channel", merge(dmEvent("U1", "hello", "1.5", ""), map[string]any{"channel_type": "channel"})},
		{"a mention by a bot", merge(mentionEvent("U9", "<@UBOT> hi", "1.6", ""), map[string]any{"bot_id": "B9"})},
		{"an event not handled", map[string]any{"type": "reaction_added", "user": "U1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t)
			env.postEvent(t, "Ev-"+tt.name, tt.ev)
			env.drain(t)
			if calls := env.slack.snapshot(); len(calls) != 1 { // auth.test
				t.Errorf("calls: %s", describe(calls))
			}
		})
	}
}

func TestAssistantThreadStartedOffersLocalizedPrompts(t *testing.T) {
	env := newTestEnv(t)
	env.slack.setLocale("U1", "fr-FR")
	env.postEvent(t, "EvStart", map[string]any{
		"type": "assistant_thread_started",
		"assistant_thread": map[string]any{
			"user_id": "U1", "channel_id": "D1", "thread_ts": "1700000001.000100",
			"context": map[string]any{"channel_id": "C1", "team_id": "T1"},
		},
		"event_ts": "1700000001.000200",
	})
	call := env.slack.waitCalls(t, "assistant.threads.setSuggestedPrompts", 1)[0]
	if call.Form.Get("channel_id") != "D1" || call.Form.Get("thread_ts") != "1700000001.000100" {
		t.Errorf("prompts set on %q/%q", call.Form.Get("channel_id"), call.Form.Get("thread_ts"))
	}
	var prompts []map[string]string
	if err := json.Unmarshal([]byte(call.Form.Get("prompts")), &prompts); err != nil {
		t.Fatal(err)
	}
	if len(prompts) != 3 || prompts[0]["message"] != "Quels étaient les principaux enseignements des conférences ?" {
		t.Errorf("prompts = %v", prompts)
	}
	if call.Form.Get("title") != "Essayez :" {
		t.Errorf("title = %q", call.Form.Get("title"))
	}
	greeting := env.slack.waitCalls(t, "chat.postMessage", 1)[0]
	if !strings.HasPrefix(greeting.Form.Get("text"), "Bonjour") || greeting.Form.Get("thread_ts") != "1700000001.000100" {
		t.Errorf("greeting = %q in thread %q", greeting.Form.Get("text"), greeting.Form.Get("thread_ts"))
	}
}

func TestAssistantMessageSetsStatusThenAnswers(t *testing.T) {
	env := newTestEnv(t)
	env.slack.setLocale("U1", "zh-CN")
	env.slack.setReplies(
		fakeMsg{User: "UBOT", BotID: "BBOT", Text: "你好！", TS: "1700000001.000100"},
		fakeMsg{User: "U1", Text: "SMI是什么？", TS: "1700000002.000100"},
	)
	env.postEvent(t, "EvAsst", dmEvent("U1", "SMI是什么？", "1700000002.000100", "1700000001.000100"))
	calls := env.slack.waitFor(t, "the answer", func(c []apiCall) bool { return len(filter(c, "chat.postMessage")) >= 1 })
	var order []string
	for _, c := range calls {
		switch c.Method {
		case "assistant.threads.setTitle", "assistant.threads.setStatus", "chat.postMessage":
			order = append(order, c.Method)
		}
	}
	want := []string{"assistant.threads.setTitle", "assistant.threads.setStatus", "chat.postMessage"}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("call order (-want +got):\n%s", diff)
	}
	status := env.slack.callsTo("assistant.threads.setStatus")[0]
	if status.Form.Get("status") != "正在阅读报告……" || status.Form.Get("thread_ts") != "1700000001.000100" {
		t.Errorf("status %q on thread %q", status.Form.Get("status"), status.Form.Get("thread_ts"))
	}
	if got := env.slack.callsTo("assistant.threads.setTitle")[0].Form.Get("title"); got != "SMI是什么？" {
		t.Errorf("title = %q", got)
	}
	if got := env.slack.callsTo("chat.postMessage")[0].Form.Get("thread_ts"); got != "1700000001.000100" {
		t.Errorf("answer thread_ts = %q", got)
	}
	if diff := cmp.Diff([]answer.Turn{{FromBot: true, Text: "你好！"}}, env.answerer.asked()[0].History); diff != "" {
		t.Errorf("History (-want +got):\n%s", diff)
	}
}

func TestAssistantFollowUpKeepsTitle(t *testing.T) {
	env := newTestEnv(t)
	env.slack.setReplies(
		fakeMsg{User: "U1", Text: "first question", TS: "1700000002.000100"},
		fakeMsg{User: "UBOT", BotID: "BBOT", Text: "first answer", TS: "1700000003.000100"},
	)
	env.postEvent(t, "EvAsst2", dmEvent("U1", "second question", "1700000004.000100", "1700000001.000100"))
	env.slack.waitCalls(t, "chat.postMessage", 1)
	if n := len(env.slack.callsTo("assistant.threads.setTitle")); n != 0 {
		t.Errorf("the title was set again on a follow-up")
	}
}

// TestNoPings checks that "<!channel>", "<!here>" and "<@U123>" in a question or a
// report never reach Slack unescaped, on every surface.
func TestNoPings(t *testing.T) {
	dangerous := []string{"<!channel>", "<!here>", "<@U123>", "<!subteam^S1>"}
	env := newTestEnv(t)
	env.answerer.fn = func(_ context.Context, q answer.Question) (answer.Answer, error) {
		a := cannedAnswer(q)
		a.Text = "You asked: " + q.Text + " — see <!here> [1]"
		a.Note = "note <@U123>"
		a.Citations[0].Title = "<!channel> report"
		a.Citations[0].Publisher = "<!subteam^S1>"
		a.Citations[1].URL = "<!here>"
		a.Suggestions = []string{"<!channel> topic"}
		return a, nil
	}
	question := "<!channel> <!here> <@U123> hi"
	env.postSlash(t, "U1", question, "trig-ping")
	env.postEvent(t, "EvPing1", mentionEvent("U1", "<@UBOT> "+question, "1700000001.000100", ""))
	env.postEvent(t, "EvPing2", dmEvent("U1", question, "1700000002.000100", ""))
	env.postEvent(t, "EvPing3", dmEvent("U1", question, "1700000003.000100", "1700000000.000100"))
	env.postSlash(t, "U1", "lang <!channel>", "trig-ping-lang")
	env.postSlash(t, "U1", "sources", "trig-ping-sources")
	env.slack.waitFor(t, "all answers", func(c []apiCall) bool {
		return len(filter(c, "chat.postMessage")) >= 3 && len(filter(c, "response_url")) >= 3
	})
	// Share the slash answer in the channel too.
	share := findAction(env.responses("trig-ping")[0].blocks(), actionShare)
	env.postAction(t, blockActionPayload("U1", "C1", actionShare, share["value"].(string), share["block_id"].(string), true, env.slack.responseURL("trig-ping")))
	env.slack.waitCalls(t, "chat.postMessage", 4)
	env.drain(t)

	escapedSeen := false
	for _, c := range env.slack.snapshot() {
		for _, s := range c.strs() {
			for _, d := range dangerous {
				if strings.Contains(s, d) {
					t.Errorf("%s carried %q unescaped: %q", c.Method, d, s)
				}
			}
			escapedSeen = escapedSeen || strings.Contains(s, "&lt;!channel&gt;")
		}
	}
	if !escapedSeen {
		t.Error("the escaped question never appeared; the test did not exercise escaping")
	}
}

func TestAnswererErrorTellsUser(t *testing.T) {
	env := newTestEnv(t)
	env.store.SetUserLang(context.Background(), "U1", "de")
	env.answerer.fn = func(context.Context, answer.Question) (answer.Answer, error) {
		return answer.Answer{}, errString("model unavailable: secret details")
	}
	env.postEvent(t, "EvErr", mentionEvent("U1", "<@UBOT> hi?", "1700000001.000100", ""))
	post := env.slack.waitCalls(t, "chat.postMessage", 1)[0]
	if got, want := post.Form.Get("text"), "Entschuldigung, ich konnte gerade nicht antworten. Bitte versuche es gleich noch einmal."; got != want {
		t.Errorf("told %q, want %q", got, want)
	}
	if strings.Contains(strings.Join(post.strs(), " "), "secret") {
		t.Error("error details leaked to Slack")
	}
	env.postSlash(t, "U1", "hi?", "trig-err")
	env.slack.waitFor(t, "the slash error", func([]apiCall) bool { return len(env.responses("trig-err")) == 1 })
	env.drain(t)
	for _, q := range env.store.loggedQuestions() {
		if q.Outcome != OutcomeError {
			t.Errorf("logged outcome %q, want error", q.Outcome)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestPerUserRateLimit(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.RatePerUser = 2 })
	for i, ts := range []string{"1.1", "1.2", "1.3"} {
		env.postEvent(t, "EvRate"+ts, mentionEvent("U1", "<@UBOT> question", ts, ""))
		env.slack.waitCalls(t, "chat.postMessage", i+1)
	}
	env.drain(t)
	posts := env.slack.callsTo("chat.postMessage")
	if got := posts[2].Form.Get("text"); !strings.Contains(got, "faster than I can answer") {
		t.Errorf("third answer = %q, want the rate-limit message", got)
	}
	if n := len(env.answerer.asked()); n != 2 {
		t.Errorf("answerer asked %d times, want 2", n)
	}
}

func TestBusyWhenAllSlotsTaken(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.MaxConcurrent = 1; c.QueueWait = 1 })
	entered, release := make(chan struct{}), make(chan struct{})
	env.answerer.fn = func(_ context.Context, q answer.Question) (answer.Answer, error) {
		close(entered)
		<-release
		return cannedAnswer(q), nil
	}
	env.postSlash(t, "U1", "first", "trig-busy1")
	<-entered
	env.postSlash(t, "U2", "second", "trig-busy2")
	env.slack.waitFor(t, "the busy message", func([]apiCall) bool { return len(env.responses("trig-busy2")) == 1 })
	if got := env.responses("trig-busy2")[0].text(); !strings.Contains(got, "many questions") {
		t.Errorf("second reply = %q, want the busy message", got)
	}
	close(release)
	env.slack.waitFor(t, "the first answer", func([]apiCall) bool { return len(env.responses("trig-busy1")) == 1 })
}

func TestPostRetriedAfterServerError(t *testing.T) {
	env := newTestEnv(t)
	env.slack.fail("chat.postMessage", scripted{status: 500}, scripted{status: 503})
	env.postEvent(t, "Ev500", mentionEvent("U1", "<@UBOT> hi?", "1700000001.000100", ""))
	env.slack.waitCalls(t, "chat.postMessage", 1)
	env.drain(t)
	var statuses []int
	for _, c := range env.slack.snapshot() {
		if c.Method == "chat.postMessage" {
			statuses = append(statuses, c.Status)
		}
	}
	if diff := cmp.Diff([]int{500, 503, 200}, statuses); diff != "" {
		t.Errorf("chat.postMessage statuses (-want +got):\n%s", diff)
	}
	if waits := env.sleeps.waits(); len(waits) != 2 || waits[1] != 2*waits[0] {
		t.Errorf("backoff waits = %v, want two, doubling", waits)
	}
}

func TestPostGivesUpAfterThreeServerErrors(t *testing.T) {
	env := newTestEnv(t)
	env.slack.fail("chat.postMessage", scripted{status: 500}, scripted{status: 500}, scripted{status: 500})
	env.postEvent(t, "Ev500x3", mentionEvent("U1", "<@UBOT> hi?", "1700000001.000100", ""))
	// After three failures the bot tells the asker alone that the answer could not be posted.
	post := env.slack.waitCalls(t, "chat.postEphemeral", 1)[0]
	if want := i18n.MustNew().Sprintf("en", i18n.BotCouldNotDeliver); post.Form.Get("text") != want || post.Form.Get("user") != "U1" {
		t.Errorf("told %q to %q, want %q", post.Form.Get("text"), post.Form.Get("user"), want)
	}
}

func TestRateLimitedPostWaitsRetryAfter(t *testing.T) {
	env := newTestEnv(t)
	env.slack.fail("chat.postMessage", scripted{status: 429, retryAfter: "7"})
	env.postEvent(t, "Ev429", mentionEvent("U1", "<@UBOT> hi?", "1700000001.000100", ""))
	env.slack.waitCalls(t, "chat.postMessage", 1)
	env.drain(t)
	if diff := cmp.Diff([]string{"7s"}, durations(env.sleeps.waits())); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

// TestAnsweredRequestIsFinished: a question is accepted before the ack and marked handled once
// answered, so that no restart answers it again.
func TestAnsweredRequestIsFinished(t *testing.T) {
	env := newTestEnv(t)
	env.postEvent(t, "EvFin", mentionEvent("U1", "<@UBOT> hi?", "1700000001.000100", ""))
	env.slack.waitCalls(t, "chat.postMessage", 1)
	env.drain(t)
	if !env.store.isFinished("event:EvFin") {
		t.Error("the answered request is not marked handled")
	}
}

// TestOddMessages: a mention without a channel is dropped, not posted to "channel="; a DM
// sharing a file with a question in its text is answered; the question log keeps a bounded
// part of a very long question.
func TestOddMessages(t *testing.T) {
	env := newTestEnv(t)
	noChannel := mentionEvent("U1", "<@UBOT> hi?", "1700000001.000100", "")
	delete(noChannel, "channel")
	env.postEvent(t, "EvNoChannel", noChannel)
	share := dmEvent("U2", "what does this say about SMI?", "1700000002.000100", "")
	share["subtype"] = "file_share"
	env.postEvent(t, "EvShare", share)
	long := dmEvent("U3", strings.Repeat("why ", 3000)+"SMI?", "1700000003.000100", "")
	env.postEvent(t, "EvLong", long)
	env.drain(t)
	asked := env.answerer.asked()
	if len(asked) != 2 || asked[0].Text != "what does this say about SMI?" && asked[1].Text != "what does this say about SMI?" {
		t.Errorf("asked %d questions, want the shared file's and the long one", len(asked))
	}
	for _, c := range env.slack.callsTo("chat.postMessage") {
		if c.Form.Get("channel") == "" {
			t.Errorf("posted to no channel: %v", c.Form)
		}
	}
	for _, q := range env.store.loggedQuestions() {
		if len([]rune(q.Question)) > maxLoggedQuestion+1 {
			t.Errorf("the question log keeps %d characters of a question", len([]rune(q.Question)))
		}
	}
}

// TestRetryAfterPastTheDeadline: "Retry-After: 3600" is not waited, the answer slot is free
// for others meanwhile, and the asker is told, ephemerally, that the answer could not be posted.
func TestRetryAfterPastTheDeadline(t *testing.T) {
	env := newTestEnv(t)
	env.bot.cfg.MaxConcurrent = 1
	env.bot.sem = make(chan struct{}, 1)
	env.slack.fail("chat.postMessage", scripted{status: 429, retryAfter: "3600"})
	env.postEvent(t, "EvHour", mentionEvent("U1", "<@UBOT> hi?", "1700000001.000100", ""))
	notice := env.slack.waitCalls(t, "chat.postEphemeral", 1)[0]
	if want := i18n.MustNew().Sprintf("en", i18n.BotCouldNotDeliver); notice.Form.Get("text") != want || notice.Form.Get("user") != "U1" {
		t.Errorf("told %q to %q, want %q to U1", notice.Form.Get("text"), notice.Form.Get("user"), want)
	}
	// The one slot is free again: the next question is answered.
	env.postEvent(t, "EvNext", mentionEvent("U2", "<@UBOT> and now?", "1700000002.000100", ""))
	env.slack.waitCalls(t, "chat.postMessage", 1)
	env.drain(t)
	for _, w := range env.sleeps.waits() {
		if w >= time.Minute {
			t.Errorf("waited %v for Slack", w)
		}
	}
}

func TestShutdownDrainsAnswers(t *testing.T) {
	env := newTestEnv(t)
	entered, release := make(chan struct{}), make(chan struct{})
	env.answerer.fn = func(_ context.Context, q answer.Question) (answer.Answer, error) {
		close(entered)
		<-release
		return cannedAnswer(q), nil
	}
	env.postEvent(t, "EvDrain", mentionEvent("U1", "<@UBOT> hi?", "1700000001.000100", ""))
	<-entered
	done := make(chan error)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5e9)
		defer cancel()
		done <- env.bot.Shutdown(ctx)
	}()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(env.slack.callsTo("chat.postMessage")); n != 1 {
		t.Errorf("%d answers posted before Shutdown returned, want 1", n)
	}
	// After shutdown, requests are acknowledged but dropped.
	env.postEvent(t, "EvLate", mentionEvent("U1", "<@UBOT> late?", "1700000002.000100", ""))
	if n := len(env.answerer.asked()); n != 1 {
		t.Errorf("asked %d times, want 1", n)
	}
}

func TestFeedbackRecorded(t *testing.T) {
	env := newTestEnv(t)
	env.postEvent(t, "EvFb", mentionEvent("U1", "<@UBOT> what about eBPF?", "1700000001.000100", ""))
	post := env.slack.waitCalls(t, "chat.postMessage", 1)[0]
	fb := findBlock(post.blocks(), "context_actions")
	if fb == nil {
		t.Fatal("no feedback block")
	}
	env.postAction(t, blockActionPayload("U2", "C1", actionFeedback, VoteDown, fb["block_id"].(string), false, env.slack.responseURL("fb")))
	// The thanks goes through the click's response_url, ephemerally, never replacing the answer.
	env.slack.waitFor(t, "the thanks", func([]apiCall) bool { return len(env.responses("fb")) == 1 })
	thanks := env.responses("fb")[0]
	if text, _ := thanks.JSON["text"].(string); !strings.Contains(text, "Thanks") || thanks.JSON["response_type"] != "ephemeral" || thanks.JSON["replace_original"] == true {
		t.Errorf("thanks = %v", thanks.JSON)
	}
	env.drain(t)
	if len(env.store.feedback) == 1 && env.store.feedback[0].At.IsZero() {
		t.Error("feedback without a time")
	}
	want := []Feedback{{UserID: "U2", Channel: "C1", MessageTS: "1700000009.000100", Vote: VoteDown, Question: "what about eBPF?"}}
	if diff := cmp.Diff(want, env.store.feedback, cmpIgnoreAt); diff != "" {
		t.Errorf("feedback (-want +got):\n%s", diff)
	}
}

func TestShareInChannel(t *testing.T) {
	env := newTestEnv(t)
	env.postSlash(t, "U1", "What is a golden path?", "trig-share")
	env.slack.waitFor(t, "the answer", func([]apiCall) bool { return len(env.responses("trig-share")) == 1 })
	btn := findAction(env.responses("trig-share")[0].blocks(), actionShare)
	if btn == nil {
		t.Fatal("no share button")
	}
	env.postAction(t, blockActionPayload("U1", "C1", actionShare, btn["value"].(string), btn["block_id"].(string), true, env.slack.responseURL("trig-share")))
	post := env.slack.waitCalls(t, "chat.postMessage", 1)[0]
	if post.Form.Get("channel") != "C1" {
		t.Errorf("shared to %q", post.Form.Get("channel"))
	}
	joined := strings.Join(post.strs(), "\n")
	if !strings.Contains(joined, "Question: What is a golden path?") || !strings.Contains(joined, "Golden paths beat mandates") {
		t.Errorf("shared message lacks the question or the answer:\n%s", joined)
	}
	if strings.Contains(joined, `"action_id":"share"`) || findAction(post.blocks(), actionShare) != nil {
		t.Error("the shared message still has a share button")
	}
	env.slack.waitFor(t, "the ephemeral copy removed", func([]apiCall) bool {
		for _, c := range env.responses("trig-share") {
			if c.JSON["delete_original"] == true {
				return true
			}
		}
		return false
	})
}

func TestShareFallsBackToResponseURL(t *testing.T) {
	env := newTestEnv(t)
	env.postSlash(t, "U1", "q", "trig-share2")
	env.slack.waitFor(t, "the answer", func([]apiCall) bool { return len(env.responses("trig-share2")) == 1 })
	btn := findAction(env.responses("trig-share2")[0].blocks(), actionShare)
	env.slack.fail("chat.postMessage", scripted{slackError: "not_in_channel"})
	env.postAction(t, blockActionPayload("U1", "C1", actionShare, btn["value"].(string), btn["block_id"].(string), true, env.slack.responseURL("trig-share2")))
	env.slack.waitFor(t, "an in_channel post", func([]apiCall) bool {
		for _, c := range env.responses("trig-share2") {
			if c.JSON["response_type"] == "in_channel" {
				return true
			}
		}
		return false
	})
}

func TestShareExpired(t *testing.T) {
	env := newTestEnv(t)
	env.postAction(t, blockActionPayload("U1", "C1", actionShare, "gone", blockShare+"gone", true, env.slack.responseURL("old")))
	env.slack.waitFor(t, "the expiry notice", func([]apiCall) bool { return len(env.responses("old")) == 1 })
	if got := env.responses("old")[0].text(); !strings.Contains(got, "no longer be shared") {
		t.Errorf("told %q", got)
	}
}

func TestStreamingUsesChatStreamThenFinalBlocks(t *testing.T) {
	env := newTestEnv(t)
	env.answerer.fn = streamingAnswerer(env)
	env.postEvent(t, "EvStream", mentionEvent("U1", "<@UBOT> stream please", "1700000001.000100", ""))
	env.slack.waitCalls(t, "chat.update", 1)
	env.drain(t)
	start := env.slack.callsTo("chat.startStream")
	if len(start) != 1 || start[0].Form.Get("thread_ts") != "1700000001.000100" || start[0].Form.Get("markdown_text") != "Platform" ||
		start[0].Form.Get("recipient_user_id") != "U1" || start[0].Form.Get("recipient_team_id") != "T1" {
		t.Fatalf("chat.startStream calls: %+v", start)
	}
	appended := ""
	for _, c := range env.slack.callsTo("chat.appendStream") {
		appended += c.Form.Get("markdown_text")
	}
	if !strings.HasPrefix("Platform teams &amp; products", "Platform"+appended) {
		t.Errorf("appended %q", appended)
	}
	if n := len(env.slack.callsTo("chat.stopStream")); n != 1 {
		t.Errorf("%d chat.stopStream calls", n)
	}
	final := env.slack.callsTo("chat.update")
	last := final[len(final)-1]
	for _, c := range append(env.slack.callsTo("chat.appendStream"), env.slack.callsTo("chat.stopStream")...) {
		if c.Form.Get("ts") != last.Form.Get("ts") || c.Form.Get("ts") == "" {
			t.Errorf("%s on ts %q, final update on %q", c.Method, c.Form.Get("ts"), last.Form.Get("ts"))
		}
	}
	if findBlock(last.blocks(), "markdown") == nil || findBlock(last.blocks(), "context_actions") == nil {
		t.Errorf("final update lacks the rendered answer: %v", blockTypes(last.blocks()))
	}
	if n := len(env.slack.callsTo("chat.postMessage")); n != 0 {
		t.Errorf("%d extra posts", n)
	}
}

func TestStreamingFallsBackToChatUpdate(t *testing.T) {
	env := newTestEnv(t)
	env.slack.streamError = "unknown_method"
	env.answerer.fn = streamingAnswerer(env)
	env.postEvent(t, "EvStream2", mentionEvent("U1", "<@UBOT> stream please", "1700000001.000100", ""))
	env.slack.waitCalls(t, "chat.postMessage", 1)
	env.drain(t)
	first := env.slack.callsTo("chat.postMessage")
	if len(first) != 1 || first[0].Form.Get("text") != "Platform" || first[0].Form.Get("thread_ts") != "1700000001.000100" {
		t.Fatalf("first post: %+v", first)
	}
	updates := env.slack.callsTo("chat.update")
	last := updates[len(updates)-1]
	if findBlock(last.blocks(), "markdown") == nil {
		t.Errorf("final update lacks the rendered answer: %v", blockTypes(last.blocks()))
	}
	if n := len(env.slack.callsTo("chat.appendStream")); n != 0 {
		t.Errorf("appended to a stream that never started")
	}
}

// streamingAnswerer streams three pieces, waiting until each is shown, then answers.
func streamingAnswerer(env *testEnv) func(context.Context, answer.Question) (answer.Answer, error) {
	return func(_ context.Context, q answer.Question) (answer.Answer, error) {
		if q.OnToken == nil {
			return answer.Answer{}, errString("no OnToken on a streamable surface")
		}
		shown := func(n int) func([]apiCall) bool {
			return func(c []apiCall) bool {
				return len(filter(c, "chat.startStream"))+len(filter(c, "chat.appendStream"))+
					len(filter(c, "chat.postMessage"))+len(filter(c, "chat.update")) >= n
			}
		}
		for i, text := range []string{"Platform", "Platform teams", "Platform teams & products"} {
			q.OnToken(text)
			if !env.slack.await(shown(i + 1)) {
				return answer.Answer{}, errString("a streamed update never reached Slack")
			}
		}
		a := cannedAnswer(q)
		a.Mode = answer.ModeLLM
		return a, nil
	}
}

// blockActionPayload is a block_actions interaction as Slack posts it.
func blockActionPayload(user, channel, actionID, value, blockID string, ephemeral bool, responseURL string) map[string]any {
	act := map[string]any{"action_id": actionID, "block_id": blockID, "value": value, "type": "button", "action_ts": "1700000010.000100"}
	if actionID == actionFeedback {
		act["type"] = "feedback_buttons"
	}
	p := map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user}, "api_app_id": "A1", "token": "legacy",
		"container":    map[string]any{"type": "message", "message_ts": "1700000009.000100", "channel_id": channel, "is_ephemeral": ephemeral},
		"trigger_id":   "trig-action-" + value + "-" + user,
		"team":         map[string]any{"id": "T1"},
		"channel":      map[string]any{"id": channel},
		"response_url": responseURL,
		"actions":      []any{act},
	}
	if !ephemeral {
		p["message"] = map[string]any{"ts": "1700000009.000100", "text": "answer"}
	}
	return p
}

// findBlock returns the first block of a type.
func findBlock(blocks []map[string]any, typ string) map[string]any {
	for _, b := range blocks {
		if b["type"] == typ {
			return b
		}
	}
	return nil
}

// findAction returns the element with action_id among the actions blocks.
func findAction(blocks []map[string]any, actionID string) map[string]any {
	for _, b := range blocks {
		els, _ := b["elements"].([]any)
		for _, e := range els {
			if m, ok := e.(map[string]any); ok && m["action_id"] == actionID {
				m = cloneMap(m)
				m["block_id"] = b["block_id"]
				return m
			}
		}
	}
	return nil
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func merge(a, b map[string]any) map[string]any {
	out := cloneMap(a)
	for k, v := range b {
		out[k] = v
	}
	return out
}

func durations(ds []time.Duration) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

var cmpIgnoreAt = cmpopts.IgnoreFields(Feedback{}, "At")
