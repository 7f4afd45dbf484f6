package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// slackServer is an independent fake of Slack's Web API (form-encoded requests, JSON answers)
// and of slash-command response URLs, recording what the bot sends.
type slackServer struct {
	*httptest.Server
	token string

	mu    sync.Mutex
	calls []slackCall
}

type slackCall struct {
	Path string
	Body string
}

func newSlackServer(t *testing.T, token string) *slackServer {
	s := &slackServer{token: token}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.calls = append(s.calls, slackCall{Path: r.URL.Path, Body: string(body)})
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/response/") {
			fmt.Fprint(w, `{"ok":true}`)
			return
		}
		form, _ := url.ParseQuery(string(body))
		auth := r.Header.Get("Authorization")
		if auth != "Bearer "+s.token && form.Get("token") != s.token {
			fmt.Fprint(w, `{"ok":false,"error":"invalid_auth"}`)
			return
		}
		switch strings.TrimPrefix(r.URL.Path, "/api/") {
		case "auth.test":
			fmt.Fprint(w, `{"ok":true,"url":"https://t.example/","team":"T","user":"takeaway","team_id":"T1","user_id":"UBOT","bot_id":"BBOT"}`)
		case "users.info":
			fmt.Fprint(w, `{"ok":true,"user":{"id":"U1","name":"ada","locale":"en-US"}}`)
		default:
			fmt.Fprintf(w, `{"ok":true,"channel":"C1","ts":"%d.000100"}`, time.Now().UnixNano())
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *slackServer) bodiesTo(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.calls {
		if strings.HasPrefix(c.Path, prefix) {
			out = append(out, c.Body)
		}
	}
	return out
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func sign(secret string, ts int64, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:%s", ts, body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

func TestServeHTTPMode(t *testing.T) {
	const token, secret = "xoxb-1-test", "s3cret"
	slack := newSlackServer(t, token)
	addr := freeAddr(t)
	env := map[string]string{
		"SLACK_BOT_TOKEN": token, "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": slack.URL + "/api/",
		"TAKEAWAY_ADDR": addr, "TAKEAWAY_DATA_DIR": t.TempDir(), "TAKEAWAY_LOG_LEVEL": "warn",
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, &stderr, func(k string) string { return env[k] })
	}()
	base := "http://" + addr
	// Ready, not only live: until Slack has answered auth.test, events get 503.
	waitHTTP(t, base+"/readyz", done, &stderr)

	post := func(body string, ts int64, sig string) int {
		req, _ := http.NewRequest("POST", base+"/slack/events", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("X-Slack-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	form := url.Values{
		"command": {"/takeaway"}, "text": {"Where will the next KubeCon Europe take place? <!channel>"},
		"user_id": {"U1"}, "channel_id": {"C1"}, "team_id": {"T1"}, "trigger_id": {"trig-1"},
		"response_url": {slack.URL + "/response/1"},
	}.Encode()
	now := time.Now().Unix()
	if code := post(form, now, sign(secret, now, form)); code != http.StatusOK {
		t.Fatalf("signed slash command: HTTP %d", code)
	}
	if code := post(form, now, sign("wrong", now, form)); code != http.StatusUnauthorized {
		t.Errorf("forged signature: HTTP %d, want 401", code)
	}
	stale := now - 600
	if code := post(form, stale, sign(secret, stale, form)); code != http.StatusUnauthorized {
		t.Errorf("stale timestamp: HTTP %d, want 401", code)
	}

	var answer string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && answer == "" {
		if bodies := slack.bodiesTo("/response/1"); len(bodies) > 0 {
			answer = bodies[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	if answer == "" {
		t.Fatalf("no answer posted to the response URL; stderr:\n%s", stderr.String())
	}
	var msg struct {
		Text   string            `json:"text"`
		Blocks []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(answer), &msg); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, answer)
	}
	if !strings.Contains(answer, "Amsterdam") || !strings.Contains(answer, "[1]") {
		t.Errorf("answer lacks the fact or its citation:\n%s", answer)
	}
	if strings.Contains(answer, "<!channel>") {
		t.Errorf("the question's <!channel> was echoed as a ping:\n%s", answer)
	}
	if n := len(slack.bodiesTo("/response/")); n != 1 {
		t.Errorf("%d answers posted, want exactly 1", n)
	}

	for path, want := range map[string]string{"/readyz": "ready", "/metrics": `takeaway_questions_total{lang="en",mode="extractive",outcome="answered",surface="slash"} 1`} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: HTTP %d, want 200 with %q; got:\n%.2000s", path, resp.StatusCode, want, body)
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after shutdown; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of cancellation")
	}
}

func TestServeRejectsBadToken(t *testing.T) {
	slack := newSlackServer(t, "xoxb-the-right-one")
	for name, token := range map[string]string{"rejected": "xoxb-wrong", "malformed": "xoxp-user-token", "missing": ""} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"SLACK_BOT_TOKEN": token, "SLACK_APP_TOKEN": "xapp-1", "SLACK_API_URL": slack.URL + "/api/", "TAKEAWAY_DATA_DIR": t.TempDir(), "TAKEAWAY_ADDR": freeAddr(t)}
			var stderr bytes.Buffer
			code := run(context.Background(), []string{"serve"}, strings.NewReader(""), io.Discard, &stderr, func(k string) string { return env[k] })
			if code == 0 || !strings.Contains(stderr.String(), "SLACK_BOT_TOKEN") {
				t.Errorf("exit %d, stderr %q: want non-zero naming SLACK_BOT_TOKEN", code, stderr.String())
			}
		})
	}
}

// waitHTTP waits until url answers, or fails with the server's output if it exited.
func waitHTTP(t *testing.T, url string, done chan int, stderr fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d before listening:\n%s", code, stderr.String())
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("%s never answered 200", url)
}
