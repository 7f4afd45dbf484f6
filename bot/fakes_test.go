package bot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/takeaway-bot/takeaway/internal/answer"
)

// apiCall is one request the fake Slack received.
type apiCall struct {
	// Method is the Web API method ("chat.postMessage"), or "response_url" for a post to
	// a response URL.
	Method string
	// Path is the request path (for response URLs, to tell them apart).
	Path string
	// Form holds the form fields of a Web API call.
	Form url.Values
	// JSON holds the decoded body of a JSON post (response URLs).
	JSON map[string]any
	// Status is the HTTP status the fake answered with.
	Status int
}

// scripted is a canned failure for the next call of a method.
type scripted struct {
	status     int
	retryAfter string
	slackError string
}

// fakeMsg is a message the fake returns from conversations.replies and .history.
type fakeMsg struct {
	User     string         `json:"user,omitempty"`
	BotID    string         `json:"bot_id,omitempty"`
	Text     string         `json:"text"`
	TS       string         `json:"ts"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

// fakeSlack speaks Slack's Web API wire format: form-encoded POSTs to /api/<method>,
// JSON {"ok":…} answers. It records every call and can fail on request.
type fakeSlack struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	calls    []apiCall
	changed  chan struct{}
	seq      int
	failures map[string][]scripted
	replies  []fakeMsg
	history  []fakeMsg // newest first, as Slack returns them
	locales  map[string]string
	// streamError, when set, makes chat.startStream fail with this Slack error.
	streamError string
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{t: t, changed: make(chan struct{}), failures: map[string][]scripted{}, locales: map[string]string{}}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// apiURL is the Web API base URL to give the bot.
func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

// responseURL is a response URL served by the fake.
func (f *fakeSlack) responseURL(id string) string { return f.srv.URL + "/response/" + id }

// fail makes the next calls of method fail, in order.
func (f *fakeSlack) fail(method string, s ...scripted) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[method] = append(f.failures[method], s...)
}

func (f *fakeSlack) setReplies(m ...fakeMsg) { f.mu.Lock(); f.replies = m; f.mu.Unlock() }
func (f *fakeSlack) setHistory(m ...fakeMsg) { f.mu.Lock(); f.history = m; f.mu.Unlock() }
func (f *fakeSlack) setLocale(user, locale string) {
	f.mu.Lock()
	f.locales[user] = locale
	f.mu.Unlock()
}

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c := apiCall{Path: r.URL.Path, Status: http.StatusOK}
	if strings.HasPrefix(r.URL.Path, "/response/") {
		c.Method = "response_url"
		_ = json.Unmarshal(body, &c.JSON)
	} else {
		c.Method = path.Base(r.URL.Path)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			_ = json.Unmarshal(body, &c.JSON) // views.publish and other JSON methods
		} else {
			c.Form, _ = url.ParseQuery(string(body))
		}
	}

	f.mu.Lock()
	var fail *scripted
	if q := f.failures[c.Method]; len(q) > 0 {
		fail, f.failures[c.Method] = &q[0], q[1:]
		if fail.status != 0 {
			c.Status = fail.status
		}
	}
	f.seq++
	ts := fmt.Sprintf("1700000000.%06d", f.seq)
	resp := f.respond(c, ts)
	f.calls = append(f.calls, c)
	close(f.changed)
	f.changed = make(chan struct{})
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	if fail != nil {
		if fail.retryAfter != "" {
			w.Header().Set("Retry-After", fail.retryAfter)
		}
		if fail.status != 0 {
			w.WriteHeader(fail.status)
			return
		}
		resp = map[string]any{"ok": false, "error": fail.slackError}
	}
	_ = json.NewEncoder(w).Encode(resp)
}

// respond builds the answer of a successful call; f.mu is held.
func (f *fakeSlack) respond(c apiCall, ts string) map[string]any {
	ok := map[string]any{"ok": true}
	switch c.Method {
	case "auth.test":
		if c.Form.Get("token") == "xoxb-revoked" {
			return map[string]any{"ok": false, "error": "invalid_auth"}
		}
		return map[string]any{"ok": true, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "takeaway", "team": "Test"}
	case "users.info":
		u := c.Form.Get("user")
		return map[string]any{"ok": true, "user": map[string]any{"id": u, "locale": f.locales[u]}}
	case "chat.postMessage", "chat.startStream":
		if c.Method == "chat.startStream" && f.streamError != "" {
			return map[string]any{"ok": false, "error": f.streamError}
		}
		return map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": ts}
	case "chat.update", "chat.appendStream", "chat.stopStream":
		return map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": c.Form.Get("ts")}
	case "chat.postEphemeral":
		return map[string]any{"ok": true, "message_ts": ts}
	case "conversations.replies":
		return map[string]any{"ok": true, "messages": f.replies, "has_more": false}
	case "conversations.history":
		return map[string]any{"ok": true, "messages": f.history, "has_more": false}
	}
	return ok
}

// snapshot returns the calls so far.
func (f *fakeSlack) snapshot() []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.calls...)
}

// callsTo returns the successful calls of a method.
func (f *fakeSlack) callsTo(method string) []apiCall { return filter(f.snapshot(), method) }

// waitFor waits until cond holds for the calls so far, or fails the test after 5 s.
func (f *fakeSlack) waitFor(t testing.TB, what string, cond func([]apiCall) bool) []apiCall {
	t.Helper()
	if !f.await(cond) {
		t.Fatalf("timed out waiting for %s; calls: %s", what, describe(f.snapshot()))
	}
	return f.snapshot()
}

// await waits until cond holds for the calls so far, and reports false after 5 s. It
// may be called from any goroutine.
func (f *fakeSlack) await(cond func([]apiCall) bool) bool {
	deadline := time.After(5 * time.Second)
	for {
		f.mu.Lock()
		calls := append([]apiCall(nil), f.calls...)
		changed := f.changed
		f.mu.Unlock()
		if cond(calls) {
			return true
		}
		select {
		case <-changed:
		case <-deadline:
			return false
		}
	}
}

// waitCalls waits for n successful calls of method and returns them.
func (f *fakeSlack) waitCalls(t testing.TB, method string, n int) []apiCall {
	t.Helper()
	f.waitFor(t, fmt.Sprintf("%d %s", n, method), func(calls []apiCall) bool {
		return len(filter(calls, method)) >= n
	})
	return f.callsTo(method)
}

func filter(calls []apiCall, method string) []apiCall {
	var out []apiCall
	for _, c := range calls {
		if c.Method == method && c.Status == http.StatusOK {
			out = append(out, c)
		}
	}
	return out
}

func describe(calls []apiCall) string {
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "\n  %s %d", c.Method, c.Status)
	}
	return b.String()
}

// strs returns every string a call carried: form values, and the strings inside the
// JSON of form values (blocks, prompts) and of JSON bodies, decoded.
func (c apiCall) strs() []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
			var inner any
			if (strings.HasPrefix(v, "[") || strings.HasPrefix(v, "{")) && json.Unmarshal([]byte(v), &inner) == nil {
				walk(inner)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, vs := range c.Form {
		for _, v := range vs {
			walk(v)
		}
	}
	walk(c.JSON)
	return out
}

// blocks decodes the blocks a call carried.
func (c apiCall) blocks() []map[string]any {
	var out []map[string]any
	if c.JSON != nil {
		if bs, ok := c.JSON["blocks"].([]any); ok {
			for _, b := range bs {
				out = append(out, b.(map[string]any))
			}
		}
		return out
	}
	_ = json.Unmarshal([]byte(c.Form.Get("blocks")), &out)
	return out
}

// text returns the text of a call (form or JSON).
func (c apiCall) text() string {
	if c.JSON != nil {
		s, _ := c.JSON["text"].(string)
		return s
	}
	return c.Form.Get("text")
}

// memStore is a stateful in-memory Store.
type memStore struct {
	mu        sync.Mutex
	seen      map[string]bool
	langs     map[string]string
	feedback  []Feedback
	questions []QuestionLog
	// seenErr, when set, makes AcceptRequest fail.
	seenErr error
	// pending holds the payloads of accepted, unfinished requests.
	pending  map[string][]byte
	finished map[string]bool
	// modes are the channel modes set from App Home.
	modes map[string]string
}

func newMemStore() *memStore {
	return &memStore{seen: map[string]bool{}, langs: map[string]string{}, pending: map[string][]byte{}, finished: map[string]bool{}}
}

// AcceptRequest accepts each ID once (leases are not modelled: one process).
func (s *memStore) AcceptRequest(_ context.Context, id, owner string, payload []byte, lease, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seenErr != nil {
		return false, s.seenErr
	}
	if id == "" || owner == "" || lease <= 0 || ttl <= 0 {
		return false, fmt.Errorf("memStore: invalid argument")
	}
	if s.seen[id] {
		return false, nil
	}
	s.seen[id] = true
	s.pending[id] = payload
	return true, nil
}

func (s *memStore) FinishRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.pending, id)
	s.finished[id] = true
	return nil
}

func (s *memStore) ClaimPending(context.Context, string, time.Duration) ([]PendingRequest, error) {
	return nil, nil
}

// isFinished reports whether the request was marked handled.
func (s *memStore) isFinished(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.finished[id]
}

func (s *memStore) SetUserLang(_ context.Context, user, lang string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lang == "" {
		delete(s.langs, user)
	} else {
		s.langs[user] = lang
	}
	return nil
}

func (s *memStore) UserLang(_ context.Context, user string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.langs[user], nil
}

func (s *memStore) RecordFeedback(_ context.Context, f Feedback) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feedback = append(s.feedback, f)
	return nil
}

func (s *memStore) LogQuestion(_ context.Context, q QuestionLog) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.questions = append(s.questions, q)
	return nil
}

// QuestionStats sums the logged questions and votes since a time, as the real stores do.
func (s *memStore) QuestionStats(_ context.Context, since time.Time) (QuestionStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st QuestionStats
	for i := len(s.questions) - 1; i >= 0; i-- {
		q := s.questions[i]
		if q.At.Before(since) {
			continue
		}
		st.Total++
		if q.Outcome == OutcomeNotFound {
			st.NotFound = append(st.NotFound, q.Question)
		}
	}
	for _, f := range s.feedback {
		switch f.Vote {
		case VoteUp:
			st.Up++
		case VoteDown:
			st.Down++
		}
	}
	return st, nil
}

func (s *memStore) SetChannelMode(_ context.Context, channel, mode string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.modes == nil {
		s.modes = map[string]string{}
	}
	if mode == "" {
		delete(s.modes, channel)
	} else {
		s.modes[channel] = mode
	}
	return nil
}

func (s *memStore) ChannelModes(context.Context) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.modes), nil
}

func (s *memStore) loggedQuestions() []QuestionLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]QuestionLog(nil), s.questions...)
}

// fakeAnswerer answers with fn and records the questions.
type fakeAnswerer struct {
	mu        sync.Mutex
	questions []answer.Question
	fn        func(ctx context.Context, q answer.Question) (answer.Answer, error)
}

func (a *fakeAnswerer) Ask(ctx context.Context, q answer.Question) (answer.Answer, error) {
	a.mu.Lock()
	a.questions = append(a.questions, q)
	fn := a.fn
	a.mu.Unlock()
	if fn == nil {
		return cannedAnswer(q), nil
	}
	return fn(ctx, q)
}

func (a *fakeAnswerer) asked() []answer.Question {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]answer.Question(nil), a.questions...)
}

// cannedAnswer answers any question with two citations.
func cannedAnswer(q answer.Question) answer.Answer {
	return answer.Answer{
		Text: "Platform teams should treat the platform as a product [1]. Golden paths beat mandates [2].",
		Lang: "en",
		Mode: answer.ModeExtractive,
		Citations: []answer.Citation{
			{N: 1, Title: "KubeCon EU 2024 takeaways", Publisher: "Example Blog", Event: "KubeCon EU 2024", URL: "https://example.com/kubecon?a=1&b=2", PassageID: "p1"},
			{N: 2, Title: "Platform engineering notes", Publisher: "Notes", Event: "PlatformCon", URL: "https://example.org/platform", PassageID: "p2"},
		},
	}
}

// fakeSources lists two reports.
type fakeSources []Source

func (s fakeSources) Sources() []Source { return s }

// testSecret signs the test requests.
const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// testEnv is a bot wired to a fake Slack, an in-memory store and a fake answerer.
type testEnv struct {
	bot      *Bot
	slack    *fakeSlack
	store    *memStore
	answerer *fakeAnswerer
	srv      *httptest.Server
	sleeps   *sleepLog
}

// sleepLog records the waits between retries instead of waiting.
type sleepLog struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepLog) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// testLogger discards logs unless TAKEAWAY_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("TAKEAWAY_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// newTestEnv starts a bot whose HTTP handler runs on a loopback server. The bot is
// drained when the test ends.
func newTestEnv(t testing.TB, mutate ...func(*Config)) *testEnv {
	t.Helper()
	fs := newFakeSlack(t)
	env := &testEnv{slack: fs, store: newMemStore(), answerer: &fakeAnswerer{}, sleeps: &sleepLog{}}
	cfg := Config{
		BotToken:      "xoxb-test",
		SigningSecret: testSecret,
		APIURL:        fs.apiURL(),
		RatePerUser:   1000,
		MaxConcurrent: 16,
		RetryBackoff:  time.Millisecond,
		Logger:        testLogger(),
	}
	for _, m := range mutate {
		m(&cfg)
	}
	b, err := New(cfg, env.answerer, fakeSources{
		{Title: "KubeCon EU 2024 takeaways", Publisher: "Example Blog", Event: "KubeCon EU 2024", Lang: "en", URL: "https://example.com/kubecon"},
		{Title: "Retour de Devoxx <!here>", Publisher: "Blog & co", Event: "Devoxx France", Lang: "fr", URL: "https://example.fr/devoxx"},
	}, env.store)
	if err != nil {
		t.Fatal(err)
	}
	b.sleep = env.sleeps.sleep
	b.streamInterval = 5 * time.Millisecond
	if err := b.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	env.bot = b
	env.srv = httptest.NewServer(b.Handler())
	t.Cleanup(func() {
		env.drain(t)
		env.srv.Close()
	})
	return env
}

// drain waits for every request in flight, so that "answered once" can be asserted.
func (e *testEnv) drain(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.bot.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// sign signs a request body exactly as Slack does: v0=HMAC-SHA256(secret, "v0:ts:body").
func sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", ts)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// signedRequest builds a request to /slack/events signed now.
func (e *testEnv) signedRequest(t testing.TB, contentType string, body []byte, headers ...string) *http.Request {
	t.Helper()
	ts := time.Now().Unix()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/slack/events", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", sign(testSecret, ts, body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// send posts a signed request and returns the status and body.
func (e *testEnv) send(t testing.TB, req *http.Request) (int, string) {
	t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// postEvent sends a signed Events API callback and expects 200.
func (e *testEnv) postEvent(t testing.TB, eventID string, ev map[string]any, headers ...string) {
	t.Helper()
	body := eventBody(eventID, ev)
	if code, resp := e.send(t, e.signedRequest(t, "application/json", body, headers...)); code != http.StatusOK {
		t.Fatalf("event %s: status %d: %s", eventID, code, resp)
	}
}

// eventBody wraps an inner event in an Events API envelope.
func eventBody(eventID string, ev map[string]any) []byte {
	body, _ := json.Marshal(map[string]any{
		"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": 1700000000, "event": ev,
	})
	return body
}

// slashForm is a slash command as Slack posts it.
func (e *testEnv) slashForm(user, text, trigger string) []byte {
	return []byte(url.Values{
		"token": {"legacy"}, "team_id": {"T1"}, "team_domain": {"test"}, "channel_id": {"C1"},
		"channel_name": {"general"}, "user_id": {user}, "user_name": {"someone"}, "command": {"/takeaway"},
		"text": {text}, "response_url": {e.slack.responseURL(trigger)}, "trigger_id": {trigger}, "api_app_id": {"A1"},
	}.Encode())
}

// postSlash sends a signed slash command and expects 200.
func (e *testEnv) postSlash(t testing.TB, user, text, trigger string) {
	t.Helper()
	req := e.signedRequest(t, "application/x-www-form-urlencoded", e.slashForm(user, text, trigger))
	if code, resp := e.send(t, req); code != http.StatusOK {
		t.Fatalf("slash %q: status %d: %s", text, code, resp)
	}
}

// postAction sends a signed interactivity payload and expects 200.
func (e *testEnv) postAction(t testing.TB, payload map[string]any) {
	t.Helper()
	js, _ := json.Marshal(payload)
	body := []byte(url.Values{"payload": {string(js)}}.Encode())
	if code, resp := e.send(t, e.signedRequest(t, "application/x-www-form-urlencoded", body)); code != http.StatusOK {
		t.Fatalf("action: status %d: %s", code, resp)
	}
}

// responses returns the posts to the response URL of trigger.
func (e *testEnv) responses(trigger string) []apiCall {
	var out []apiCall
	for _, c := range e.slack.callsTo("response_url") {
		if c.Path == "/response/"+trigger {
			out = append(out, c)
		}
	}
	return out
}
