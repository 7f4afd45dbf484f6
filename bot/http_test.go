package bot

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/takeaway-bot/takeaway/internal/answer"
)

func TestURLVerification(t *testing.T) {
	env := newTestEnv(t)
	body := []byte(`{"token":"legacy","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	code, resp := env.send(t, env.signedRequest(t, "application/json", body))
	if code != http.StatusOK || !strings.Contains(resp, `"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"`) {
		t.Fatalf("got %d %s", code, resp)
	}
}

func TestSignatureRefused(t *testing.T) {
	env := newTestEnv(t)
	body := eventBody("EvForged", mentionEvent("U1", "<@UBOT> what about <!channel>?", "1700000001.000100", ""))
	now := time.Now().Unix()
	tests := []struct {
		name    string
		headers map[string]string
	}{
		{"forged signature", map[string]string{
			"X-Slack-Request-Timestamp": strconv.FormatInt(now, 10),
			"X-Slack-Signature":         sign("not-the-secret", now, body),
		}},
		{"stale timestamp", map[string]string{
			"X-Slack-Request-Timestamp": strconv.FormatInt(now-600, 10),
			"X-Slack-Signature":         sign(testSecret, now-600, body),
		}},
		{"timestamp in the future", map[string]string{
			"X-Slack-Request-Timestamp": strconv.FormatInt(now+600, 10),
			"X-Slack-Signature":         sign(testSecret, now+600, body),
		}},
		{"signature of another body", map[string]string{
			"X-Slack-Request-Timestamp": strconv.FormatInt(now, 10),
			"X-Slack-Signature":         sign(testSecret, now, append(bytes.Clone(body), ' ')),
		}},
		{"no signature", map[string]string{"X-Slack-Request-Timestamp": strconv.FormatInt(now, 10)}},
		{"malformed signature", map[string]string{
			"X-Slack-Request-Timestamp": strconv.FormatInt(now, 10),
			"X-Slack-Signature":         "v0=zz",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, env.srv.URL+"/slack/events", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			if code, _ := env.send(t, req); code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", code)
			}
		})
	}
	env.drain(t)
	if calls := env.slack.snapshot(); len(calls) != 1 { // auth.test only
		t.Errorf("refused requests reached Slack: %s", describe(calls))
	}
	if n := len(env.answerer.asked()); n != 0 {
		t.Errorf("refused requests were answered %d times", n)
	}
	if len(env.store.seen) != 0 {
		t.Errorf("refused requests were recorded: %v", env.store.seen)
	}
}

func TestOnlyPostSlackEvents(t *testing.T) {
	env := newTestEnv(t)
	resp, err := env.srv.Client().Get(env.srv.URL + "/slack/events")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d", resp.StatusCode)
	}
}

func TestSlashAckedBeforeAnswer(t *testing.T) {
	env := newTestEnv(t)
	entered, release := make(chan struct{}), make(chan struct{})
	env.answerer.fn = func(ctx context.Context, q answer.Question) (answer.Answer, error) {
		close(entered)
		<-release
		return cannedAnswer(q), nil
	}
	env.postSlash(t, "U1", "What is platform engineering?", "trig-ack") // returns only after the 200
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the answerer was never asked")
	}
	if n := len(env.responses("trig-ack")); n != 0 {
		t.Fatalf("%d replies before the answer was released", n)
	}
	close(release)
	env.slack.waitFor(t, "the ephemeral answer", func([]apiCall) bool { return len(env.responses("trig-ack")) == 1 })
	reply := env.responses("trig-ack")[0]
	if got := reply.JSON["response_type"]; got != "ephemeral" {
		t.Errorf("response_type = %v, want ephemeral", got)
	}
	types := blockTypes(reply.blocks())
	for _, want := range []string{"markdown", "context", "actions", "context_actions"} {
		if !strings.Contains(strings.Join(types, " "), want) {
			t.Errorf("blocks %v lack %s", types, want)
		}
	}
	if reply.text() == "" {
		t.Error("no fallback text")
	}
}

func TestRetriedEventAnsweredOnce(t *testing.T) {
	env := newTestEnv(t)
	ev := mentionEvent("U1", "<@UBOT> key takeaways?", "1700000001.000100", "")
	env.postEvent(t, "EvRetry", ev)
	env.postEvent(t, "EvRetry", ev, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	env.postEvent(t, "EvRetry", ev, "X-Slack-Retry-Num", "2", "X-Slack-Retry-Reason", "http_timeout")
	env.drain(t)
	if n := len(env.slack.callsTo("chat.postMessage")); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
	if n := len(env.answerer.asked()); n != 1 {
		t.Errorf("answerer asked %d times, want 1", n)
	}
}

func TestRetryDroppedWhenStoreFails(t *testing.T) {
	env := newTestEnv(t)
	env.store.seenErr = fmt.Errorf("database down")
	env.postEvent(t, "EvStore", mentionEvent("U1", "<@UBOT> first try", "1700000001.000100", ""))
	env.slack.waitCalls(t, "chat.postMessage", 1)
	env.postEvent(t, "EvStore", mentionEvent("U1", "<@UBOT> first try", "1700000001.000100", ""), "X-Slack-Retry-Num", "1")
	env.drain(t)
	if n := len(env.slack.callsTo("chat.postMessage")); n != 1 {
		t.Errorf("%d answers, want 1 (the first delivery is answered, the retry is dropped)", n)
	}
}

func TestSlashRetriedTriggerAnsweredOnce(t *testing.T) {
	env := newTestEnv(t)
	env.postSlash(t, "U1", "a question", "trig-dup")
	env.postSlash(t, "U1", "a question", "trig-dup")
	env.drain(t)
	if n := len(env.responses("trig-dup")); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
}

// TestLoadSlashCommands sends 200 signed slash commands at once through the real HTTP
// handler; each must be acknowledged with 200 and answered exactly once.
func TestLoadSlashCommands(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.MaxConcurrent = 8; c.QueueWait = 30 * time.Second })
	const n = 200
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			trig := fmt.Sprintf("load-%d", i)
			req := env.signedRequest(t, "application/x-www-form-urlencoded", env.slashForm(fmt.Sprintf("U%d", i), "What about Kubernetes?", trig))
			resp, err := env.srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	env.drain(t)
	perTrigger := map[string]int{}
	for _, c := range env.slack.callsTo("response_url") {
		perTrigger[strings.TrimPrefix(c.Path, "/response/")]++
	}
	for i := range n {
		if codes[i] != http.StatusOK {
			t.Errorf("request %d: status %d", i, codes[i])
		}
		if got := perTrigger[fmt.Sprintf("load-%d", i)]; got != 1 {
			t.Errorf("request %d answered %d times", i, got)
		}
	}
}

// BenchmarkSlashAck measures how long the HTTP handler takes to verify, parse and
// acknowledge a slash command (the answer is computed afterwards).
func BenchmarkSlashAck(b *testing.B) {
	env := newTestEnv(b, func(c *Config) { c.MaxConcurrent = 64; c.QueueWait = time.Minute })
	h := env.bot.Handler()
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i] = env.slashForm("U1", "What about Kubernetes?", fmt.Sprintf("bench-%d", i))
	}
	env.bot.limiter = newLimiter(1<<30, time.Now)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		ts := time.Now().Unix()
		req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(bodies[i]))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("X-Slack-Signature", sign(testSecret, ts, bodies[i]))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.StopTimer()
	env.bot.inflight.Wait() // the answers, computed after the acks, are not measured
}

// mentionEvent is an app_mention event; threadTS is "" outside threads.
func mentionEvent(user, text, ts, threadTS string) map[string]any {
	ev := map[string]any{"type": "app_mention", "user": user, "text": text, "ts": ts, "channel": "C1", "event_ts": ts}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
	}
	return ev
}

// dmEvent is a message.im event; threadTS is "" outside threads.
func dmEvent(user, text, ts, threadTS string) map[string]any {
	ev := map[string]any{"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts, "channel": "D1", "event_ts": ts}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
	}
	return ev
}

// blockTypes lists the types of blocks.
func blockTypes(blocks []map[string]any) []string {
	var out []string
	for _, b := range blocks {
		out = append(out, fmt.Sprint(b["type"]))
	}
	return out
}

// TestReplayedSlashCommandAnsweredOnce: the same signed slash command sent again within its
// five-minute window (a replay, or a proxy retrying) is acknowledged and answered once.
func TestReplayedSlashCommandAnsweredOnce(t *testing.T) {
	env := newTestEnv(t)
	body := env.slashForm("U1", "what is SMI?", "trig-replay")
	for range 3 {
		req := env.signedRequest(t, "application/x-www-form-urlencoded", body)
		if code, resp := env.send(t, req); code != http.StatusOK {
			t.Fatalf("status %d: %s", code, resp)
		}
	}
	env.drain(t)
	if n := len(env.answerer.asked()); n != 1 {
		t.Errorf("a replayed slash command was answered %d times, want once", n)
	}
}

// TestEventsRefusedUntilConnected: while start-up still waits for Slack, events are refused
// with 503, which Slack delivers again later.
func TestEventsRefusedUntilConnected(t *testing.T) {
	env := newTestEnv(t)
	env.bot.ident.Store(nil)
	body := eventBody("EvEarly", mentionEvent("U1", "<@UBOT> hi?", "1700000001.000100", ""))
	if code, _ := env.send(t, env.signedRequest(t, "application/json", body)); code != http.StatusServiceUnavailable {
		t.Errorf("status %d before connecting, want 503", code)
	}
	env.drain(t)
	if n := len(env.answerer.asked()); n != 0 {
		t.Errorf("answered %d questions before connecting", n)
	}
}
