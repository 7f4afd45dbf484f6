package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/takeaway-bot/takeaway/internal/answer"
)

// channelEvent is a message.channels event; threadTS is "" outside threads.
func channelEvent(user, text, ts, threadTS string) map[string]any {
	ev := map[string]any{"type": "message", "channel_type": "channel", "user": user, "text": text, "ts": ts, "channel": "C1", "event_ts": ts}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
	}
	return ev
}

// A mention, answered; then, in its thread, a reply without a mention: answered once, in the
// thread, with the thread as context. The same mention's message.channels copy, the bot's own
// echo, another bot's message and an unrelated channel message are not answered.
func TestThreadFollowUpWithoutMention(t *testing.T) {
	env := newTestEnv(t)
	thread := "1700000001.000100"
	env.postEvent(t, "EvMention", mentionEvent("U1", "<@UBOT> what about Istio?", thread, ""))
	env.postEvent(t, "EvMentionCopy", channelEvent("U1", "<@UBOT> what about Istio?", thread, ""))
	env.slack.waitCalls(t, "chat.postMessage", 1)

	env.slack.setReplies(
		fakeMsg{User: "U1", Text: "<@UBOT> what about Istio?", TS: thread},
		fakeMsg{User: "UBOT", BotID: "BBOT", Text: "Istio ambient mode [1]", TS: "1700000002.000100"},
		fakeMsg{User: "U2", Text: "and Linkerd?", TS: "1700000060.000100"},
	)
	env.postEvent(t, "EvEcho", merge(channelEvent("UBOT", "Istio ambient mode [1]", "1700000002.000100", thread), map[string]any{"bot_id": "BBOT"}))
	env.postEvent(t, "EvOtherBot", merge(channelEvent("U9", "deploy finished", "1700000003.000100", thread), map[string]any{"bot_id": "B9"}))
	env.postEvent(t, "EvEdit", merge(channelEvent("U2", "and Linkerd??", "1700000004.000100", thread), map[string]any{"subtype": "message_changed"}))
	env.postEvent(t, "EvUnrelated", channelEvent("U3", "what is Istio?", "1700000005.000100", ""))
	env.postEvent(t, "EvFollow", channelEvent("U2", "and Linkerd?", "1700000060.000100", thread))
	posts := env.slack.waitCalls(t, "chat.postMessage", 2)
	env.drain(t)
	if n := len(env.slack.callsTo("chat.postMessage")); n != 2 {
		t.Fatalf("%d answers, want 2 (the mention and the follow-up)", n)
	}
	if got := posts[1].Form.Get("thread_ts"); got != thread {
		t.Errorf("follow-up answered in thread %q, want %q", got, thread)
	}
	asked := env.answerer.asked()
	if len(asked) != 2 || asked[1].Text != "and Linkerd?" {
		t.Fatalf("questions asked: %+v", asked)
	}
	want := []answer.Turn{{Text: "what about Istio?"}, {FromBot: true, Text: "Istio ambient mode [1]"}}
	if diff := cmp.Diff(want, asked[1].History); diff != "" {
		t.Errorf("History (-want +got):\n%s", diff)
	}
	if logged := env.store.loggedQuestions(); len(logged) != 2 || logged[1].Surface != surfaceFollowUp {
		t.Errorf("question log = %+v", logged)
	}
}

func TestThreadFollowUpStops(t *testing.T) {
	thread := "1700000001.000100"
	tests := []struct {
		name    string
		config  func(*Config)
		replies []fakeMsg
		msg     map[string]any
	}{
		{
			name:    "the bot never answered in the thread",
			replies: []fakeMsg{{User: "U1", Text: "lunch?", TS: thread}, {User: "U2", Text: "what about Istio?", TS: "1700000010.000100"}},
			msg:     channelEvent("U2", "what about Istio?", "1700000010.000100", thread),
		},
		{
			name:    "someone else is addressed",
			replies: []fakeMsg{{User: "U1", Text: "<@UBOT> Istio?", TS: thread}, {User: "UBOT", Text: "Istio [1]", TS: "1700000002.000100"}, {User: "U2", Text: "<@U3> what do you think?", TS: "1700000010.000100"}},
			msg:     channelEvent("U2", "<@U3> what do you think?", "1700000010.000100", thread),
		},
		{
			name:    "someone else was addressed since the answer",
			replies: []fakeMsg{{User: "U1", Text: "<@UBOT> Istio?", TS: thread}, {User: "UBOT", Text: "Istio [1]", TS: "1700000002.000100"}, {User: "U2", Text: "<@U3> did you try it?", TS: "1700000005.000100"}, {User: "U3", Text: "yes, in prod", TS: "1700000010.000100"}},
			msg:     channelEvent("U3", "yes, in prod", "1700000010.000100", thread),
		},
		{
			name:    "the thread went quiet",
			replies: []fakeMsg{{User: "U1", Text: "<@UBOT> Istio?", TS: thread}, {User: "UBOT", Text: "Istio [1]", TS: "1700000002.000100"}, {User: "U2", Text: "and Linkerd?", TS: "1700007202.000100"}},
			msg:     channelEvent("U2", "and Linkerd?", "1700007202.000100", thread),
		},
		{
			name:    "the channel has follow-ups off",
			config:  func(c *Config) { c.Channels = map[string]ChannelMode{"C1": ModeMentions} },
			replies: []fakeMsg{{User: "U1", Text: "<@UBOT> Istio?", TS: thread}, {User: "UBOT", Text: "Istio [1]", TS: "1700000002.000100"}, {User: "U2", Text: "and Linkerd?", TS: "1700000010.000100"}},
			msg:     channelEvent("U2", "and Linkerd?", "1700000010.000100", thread),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mutate []func(*Config)
			if tt.config != nil {
				mutate = append(mutate, tt.config)
			}
			env := newTestEnv(t, append(mutate, func(c *Config) { c.FollowUpQuiet = time.Hour })...)
			env.slack.setReplies(tt.replies...)
			env.postEvent(t, "Ev", tt.msg)
			env.drain(t)
			if n := len(env.slack.callsTo("chat.postMessage")); n != 0 {
				t.Errorf("answered %d times, want none", n)
			}
		})
	}
}

// questionMark is a QuestionTester for the tests: a question ends with a question mark.
type questionMark struct{}

func (questionMark) IsQuestion(text string) bool {
	return strings.HasSuffix(strings.TrimSpace(text), "?")
}

// A help channel answers a question in a thread without a mention, and not "thanks!"; outside
// the allow-list, a mention gets a one-line pointer and no answer.
func TestHelpChannelAndAllowList(t *testing.T) {
	env := newTestEnv(t, func(c *Config) {
		c.Channels = map[string]ChannelMode{"C1": ModeHelp}
		c.AllowChannels = []string{"C1"}
		c.Questions = questionMark{}
	})
	env.postEvent(t, "EvThanks", channelEvent("U1", "thanks!", "1700000001.000100", ""))
	env.postEvent(t, "EvQuestion", channelEvent("U1", "Which companies run Kubernetes in production?", "1700000002.000100", ""))
	post := env.slack.waitCalls(t, "chat.postMessage", 1)[0]
	if got := post.Form.Get("thread_ts"); got != "1700000002.000100" {
		t.Errorf("help-channel answer in thread %q, want the question's", got)
	}
	if asked := env.answerer.asked(); len(asked) != 1 || asked[0].Text != "Which companies run Kubernetes in production?" {
		t.Errorf("questions asked: %+v", asked)
	}
	if post.Form.Get("channel") != "C1" {
		t.Errorf("answer in %q", post.Form.Get("channel"))
	}

	elsewhere := merge(mentionEvent("U1", "<@UBOT> what is Istio?", "1700000003.000100", ""), map[string]any{"channel": "C2"})
	env.postEvent(t, "EvElsewhere", elsewhere)
	posts := env.slack.waitCalls(t, "chat.postMessage", 2)
	env.drain(t)
	if got := posts[1].Form.Get("channel"); got != "C2" || !strings.Contains(posts[1].Form.Get("text"), "<#C1>") {
		t.Errorf("pointer went to %q: %q", got, posts[1].Form.Get("text"))
	}
	if n := len(env.answerer.asked()); n != 1 {
		t.Errorf("%d questions answered, want 1 (none outside the allow-list)", n)
	}
}

// The assistant pane follows the channel the user views: once C1 has asked a question in the
// open, a context change to C1 suggests it; a channel that asked nothing gets the usual three.
func TestAssistantPromptsFollowTheChannel(t *testing.T) {
	env := newTestEnv(t)
	env.postEvent(t, "EvMention", mentionEvent("U2", "<@UBOT> which talks covered eBPF?", "1700000001.000100", ""))
	env.slack.waitCalls(t, "chat.postMessage", 1)
	env.postSlash(t, "U3", "a private question in C1", "trig-private")
	env.slack.waitFor(t, "the slash answer", func([]apiCall) bool { return len(env.responses("trig-private")) == 1 })
	changed := func(id, channel string) map[string]any {
		return map[string]any{
			"type": "assistant_thread_context_changed",
			"assistant_thread": map[string]any{
				"user_id": "U1", "channel_id": "D1", "thread_ts": "1700000005.000100",
				"context": map[string]any{"channel_id": channel, "team_id": "T1"},
			},
			"event_ts": id,
		}
	}
	env.postEvent(t, "EvCtx1", changed("1700000006.000100", "C1"))
	call := env.slack.waitCalls(t, "assistant.threads.setSuggestedPrompts", 1)[0]
	var prompts []map[string]string
	if err := json.Unmarshal([]byte(call.Form.Get("prompts")), &prompts); err != nil {
		t.Fatal(err)
	}
	if len(prompts) != 1 || prompts[0]["message"] != "which talks covered eBPF?" {
		t.Errorf("prompts for C1 = %v, want the question C1 asked in the open (not the private one)", prompts)
	}
	env.postEvent(t, "EvCtx2", changed("1700000007.000100", "C9"))
	call = env.slack.waitCalls(t, "assistant.threads.setSuggestedPrompts", 2)[1]
	prompts = nil
	if err := json.Unmarshal([]byte(call.Form.Get("prompts")), &prompts); err != nil {
		t.Fatal(err)
	}
	if len(prompts) != 3 {
		t.Errorf("prompts for a quiet channel = %v, want the usual three", prompts)
	}
}
