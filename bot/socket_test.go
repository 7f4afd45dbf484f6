package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/takeaway-bot/takeaway/internal/answer"
)

// socketEnv runs a bot in Socket Mode against slacktest, whose apps.connections.open
// and /ws serve the Socket Mode protocol; its Web API calls go to a fakeSlack.
type socketEnv struct {
	*testEnv
	sts  *slacktest.Server
	acks chan string
	done chan error
}

func newSocketEnv(t *testing.T) *socketEnv {
	t.Helper()
	fs := newFakeSlack(t)
	methods := []string{"auth.test", "users.info", "chat.postMessage", "chat.postEphemeral", "chat.update",
		"chat.startStream", "chat.appendStream", "chat.stopStream", "conversations.replies", "conversations.history",
		"assistant.threads.setStatus", "assistant.threads.setTitle", "assistant.threads.setSuggestedPrompts"}
	sts := slacktest.NewTestServer(func(c slacktest.Customize) {
		for _, m := range methods {
			c.Handle("/"+m, fs.ServeHTTP)
		}
	})
	sts.Start()
	t.Cleanup(sts.Stop)

	env := &socketEnv{testEnv: &testEnv{slack: fs, store: newMemStore(), answerer: &fakeAnswerer{}, sleeps: &sleepLog{}}, sts: sts,
		acks: make(chan string, 100), done: make(chan error, 1)}
	b, err := New(Config{
		BotToken: "xoxb-test", AppToken: "xapp-1-test", APIURL: sts.GetAPIURL(),
		RatePerUser: 1000, RetryBackoff: time.Millisecond, Logger: testLogger(),
	}, env.answerer, nil, env.store)
	if err != nil {
		t.Fatal(err)
	}
	b.sleep = env.sleeps.sleep
	b.pingInterval = time.Minute // slacktest sends no pings; do not reconnect during the test
	env.bot = b

	// slacktest hands every message the client sends (the acks) to SeenFeed, which must
	// be drained.
	go func() {
		for m := range sts.SeenFeed {
			var r struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal([]byte(m), &r) == nil && r.EnvelopeID != "" {
				env.acks <- r.EnvelopeID
			}
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { env.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-env.done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	return env
}

// send writes a Socket Mode envelope to the bot.
func (e *socketEnv) send(t *testing.T, envelopeID, typ string, payload any, retry int) {
	t.Helper()
	js, err := json.Marshal(map[string]any{
		"envelope_id": envelopeID, "type": typ, "payload": payload,
		"accepts_response_payload": typ != "events_api", "retry_attempt": retry, "retry_reason": "",
	})
	if err != nil {
		t.Fatal(err)
	}
	e.sts.SendToWebsocket(string(js))
}

// waitAck waits for the acknowledgement of an envelope.
func (e *socketEnv) waitAck(t *testing.T, envelopeID string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case id := <-e.acks:
			if id == envelopeID {
				return
			}
		case <-deadline:
			t.Fatalf("no ack for %s", envelopeID)
		}
	}
}

func TestSocketModeAcksThenAnswers(t *testing.T) {
	env := newSocketEnv(t)
	release := make(chan struct{})
	env.answerer.fn = func(_ context.Context, q answer.Question) (answer.Answer, error) {
		<-release
		return cannedAnswer(q), nil
	}
	var payload map[string]any
	_ = json.Unmarshal(eventBody("EvSock", mentionEvent("U1", "<@UBOT> socket?", "1700000001.000100", "")), &payload)

	env.send(t, "env-1", "events_api", payload, 0)
	env.waitAck(t, "env-1") // acknowledged while the answer is still being computed
	if n := len(env.slack.callsTo("chat.postMessage")); n != 0 {
		t.Fatalf("answered before the ack")
	}
	// Slack redelivers the envelope: acknowledged again, answered once.
	env.send(t, "env-1b", "events_api", payload, 1)
	env.waitAck(t, "env-1b")
	close(release)
	post := env.slack.waitCalls(t, "chat.postMessage", 1)[0]
	if post.Form.Get("thread_ts") != "1700000001.000100" || !strings.Contains(post.Form.Get("blocks"), "markdown") {
		t.Errorf("answer: %v", post.Form)
	}

	// A slash command over Socket Mode goes through the same path.
	env.send(t, "env-2", "slash_commands", map[string]any{
		"token": "legacy", "team_id": "T1", "channel_id": "C1", "user_id": "U1", "command": "/takeaway",
		"text": "sources", "response_url": env.slack.responseURL("sock"), "trigger_id": "trig-sock",
	}, 0)
	env.waitAck(t, "env-2")
	env.slack.waitFor(t, "the sources reply", func([]apiCall) bool { return len(env.responses("sock")) == 1 })
	if got := env.responses("sock")[0].text(); got != "I don't have any reports yet." {
		t.Errorf("sources reply = %q", got)
	}

	if err := env.bot.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(env.slack.callsTo("chat.postMessage")); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
}
