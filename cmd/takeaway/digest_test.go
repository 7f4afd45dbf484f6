package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

type digestJSON struct {
	Date       string   `json:"date"`
	Lang       string   `json:"lang"`
	Headline   string   `json:"headline"`
	InsightID  string   `json:"insight_id"`
	PassageIDs []string `json:"passage_ids"`
	Text       string   `json:"text"`
	Citations  []struct {
		N         int    `json:"n"`
		PassageID string `json:"passage_id"`
		Quote     string `json:"quote"`
	} `json:"citations"`
}

func digestRun(t *testing.T, env map[string]string, args ...string) (digestJSON, string) {
	t.Helper()
	out, errs, code := runCLI(t, env, append([]string{"digest", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("digest %v exited %d: %s", args, code, errs)
	}
	var d digestJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("digest --json printed %q: %v", out, err)
	}
	var keys map[string]any
	_ = json.Unmarshal([]byte(out), &keys)
	if len(keys) != 7 {
		t.Errorf("digest --json has keys %v, want exactly date, lang, headline, insight_id, passage_ids, text, citations", keys)
	}
	if d.Headline == "" || d.InsightID == "" || utf8.RuneCountInString(d.Headline) > 101 {
		t.Errorf("digest --json headline %q, insight %q: want both, the headline one line", d.Headline, d.InsightID)
	}
	for _, c := range d.Citations {
		if utf8.RuneCountInString(c.Quote) > 500 {
			t.Errorf("quote of %d characters, want at most 500", utf8.RuneCountInString(c.Quote))
		}
	}
	return d, out
}

func TestDigestPrint(t *testing.T) {
	env := map[string]string{"TAKEAWAY_DATA_DIR": t.TempDir()}
	first, out1 := digestRun(t, env, "--date", "2026-03-29")
	_, out2 := digestRun(t, env, "--date", "2026-03-29")
	if out1 != out2 {
		t.Errorf("the same date printed two takeaways:\n%s\n%s", out1, out2)
	}
	if first.Date != "2026-03-29" || first.Lang != "en" || len(first.PassageIDs) != 1 || len(first.Citations) != 1 ||
		first.Citations[0].PassageID != first.PassageIDs[0] || !strings.Contains(first.Text, "[1]") {
		t.Errorf("digest --json = %+v", first)
	}
	prev := first
	for _, date := range []string{"2026-03-30", "2026-03-31", "2026-04-01"} {
		d, _ := digestRun(t, env, "--date", date)
		if slices.Equal(d.PassageIDs, prev.PassageIDs) {
			t.Errorf("%s and the day before printed the same passage %v", date, d.PassageIDs)
		}
		prev = d
	}
	fr, _ := digestRun(t, env, "--date", "2026-03-29", "--lang", "fr")
	if fr.Lang != "fr" || !strings.HasPrefix(fr.Text, "Voici l'enseignement du jour") {
		t.Errorf("--lang fr printed %+v", fr)
	}
	today, _ := digestRun(t, env)
	if want := time.Now().UTC().Format(time.DateOnly); today.Date != want && today.Date != time.Now().UTC().Add(-time.Minute).Format(time.DateOnly) {
		t.Errorf("default date %s, want today in UTC (%s)", today.Date, want)
	}
	text, _, code := runCLI(t, env, "digest", "--date", "2026-03-29")
	if code != 0 || !strings.HasPrefix(text, first.Headline+"\nHere is today's takeaway") || !strings.Contains(text, "Sources:") {
		t.Errorf("digest printed (exit %d):\n%s", code, text)
	}
}

func TestDigestErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad date", []string{"--date", "29/03/2026"}, nil, "YYYY-MM-DD"},
		{"bad language", []string{"--lang", "tlh"}, nil, "not supported"},
		{"post without token", []string{"--post", "C1"}, nil, "SLACK_BOT_TOKEN"},
		{"post with a user token", []string{"--post", "C1"}, map[string]string{"SLACK_BOT_TOKEN": "xoxp-1"}, "xoxb-"},
		{"stray argument", []string{"today"}, nil, "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, code := runCLI(t, tt.env, append([]string{"digest"}, tt.args...)...)
			if code == 0 || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q: want an error mentioning %q", code, errs, tt.want)
			}
		})
	}
}

func TestDigestPost(t *testing.T) {
	const token = "xoxb-1-test"
	slack := newSlackServer(t, token)
	env := map[string]string{
		"SLACK_BOT_TOKEN": token, "SLACK_API_URL": slack.URL + "/api/", "TAKEAWAY_DATA_DIR": t.TempDir(),
		"TAKEAWAY_DAILY_CHANNELS": "C0123@09:00 Europe/Paris fr",
	}
	posted, _ := digestRun(t, env, "--post", "C0123", "--date", "2026-03-29")
	if posted.Lang != "fr" {
		t.Errorf("posted in %q, want the channel's configured language fr", posted.Lang)
	}
	bodies := slack.bodiesTo("/api/chat.postMessage")
	if len(bodies) != 1 {
		t.Fatalf("%d chat.postMessage calls, want 1", len(bodies))
	}
	form, _ := url.ParseQuery(bodies[0])
	var meta struct {
		EventType    string `json:"event_type"`
		EventPayload struct {
			Date       string   `json:"date"`
			PassageIDs []string `json:"passage_ids"`
		} `json:"event_payload"`
	}
	ledger := posted.PassageIDs
	if !slices.Contains(ledger, posted.InsightID) {
		ledger = append(slices.Clone(ledger), posted.InsightID)
	}
	if err := json.Unmarshal([]byte(form.Get("metadata")), &meta); err != nil || meta.EventType != "takeaway_daily" ||
		meta.EventPayload.Date != "2026-03-29" || !slices.Equal(meta.EventPayload.PassageIDs, ledger) {
		t.Errorf("metadata %q (%v), want takeaway_daily for 2026-03-29 with %v", form.Get("metadata"), err, ledger)
	}
	if form.Get("channel") != "C0123" || !strings.Contains(form.Get("text"), "Voici l'enseignement du jour") {
		t.Errorf("posted to %q: %q", form.Get("channel"), form.Get("text"))
	}

	// The same day again: the ledger says it is done; nothing is posted.
	out, errs, code := runCLI(t, env, "digest", "--post", "C0123", "--date", "2026-03-29")
	if code != 0 || !strings.Contains(errs, "already") || out != "" {
		t.Errorf("second post: exit %d, stdout %q, stderr %q; want a note that it is already posted", code, out, errs)
	}
	if n := len(slack.bodiesTo("/api/chat.postMessage")); n != 1 {
		t.Errorf("%d chat.postMessage calls after posting the same day twice, want 1", n)
	}
}

// chatServer speaks OpenAI's chat completions wire format, answering each request with the
// next of its replies (the last one again when they run out), and keeps the requests.
type chatServer struct {
	*httptest.Server
	mu      sync.Mutex
	replies []string
	bodies  []string
}

func newChatServer(t *testing.T, replies ...string) *chatServer {
	cs := &chatServer{replies: replies}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		}
		cs.mu.Lock()
		cs.bodies = append(cs.bodies, string(body))
		reply := cs.replies[min(len(cs.bodies), len(cs.replies))-1]
		cs.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": reply}, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
		})
	}))
	t.Cleanup(cs.Close)
	return cs
}

func (cs *chatServer) requests() []string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return slices.Clone(cs.bodies)
}

// TestDigestModelLanguage: with a model, the daily takeaway is the model's text, asked with
// the point's headline; a text in another language is asked for again, firmly, once; a model
// that keeps writing in the wrong language gets the offline quote instead.
func TestDigestModelLanguage(t *testing.T) {
	const english = "Teams keep running workloads on several clouds, and Kubernetes makes that easier than it was [1]."
	const french = "Les équipes font tourner leurs applications sur plusieurs clouds, et Kubernetes rend cela plus simple qu'avant [1]."
	for _, tt := range []struct {
		name     string
		replies  []string
		calls    int
		wantText string
	}{
		{"right language", []string{french}, 1, french},
		{"wrong, then right", []string{english, french}, 2, french},
		{"wrong twice", []string{english}, 2, "> "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cs := newChatServer(t, tt.replies...)
			env := map[string]string{"TAKEAWAY_LLM_PROVIDER": "openai", "TAKEAWAY_LLM_BASE_URL": cs.URL + "/v1", "TAKEAWAY_LLM_API_KEY": "sk-test",
				"TAKEAWAY_LLM_MODEL": "gpt-4o-mini", "TAKEAWAY_LLM_TIMEOUT": "5s", "TAKEAWAY_DATA_DIR": t.TempDir()}
			d, _ := digestRun(t, env, "--date", "2026-12-09", "--lang", "fr")
			reqs := cs.requests()
			if len(reqs) != tt.calls {
				t.Fatalf("%d model calls, want %d", len(reqs), tt.calls)
			}
			if !strings.Contains(d.Text, tt.wantText) || !strings.HasPrefix(d.Text, "Voici l'enseignement du jour") {
				t.Errorf("text %q, want the framing and %q", d.Text, tt.wantText)
			}
			headline, _ := json.Marshal(d.Headline)
			if !strings.Contains(reqs[0], strings.Trim(string(headline), `"`)) {
				t.Errorf("the model was not given the point's headline %s", headline)
			}
			if tt.calls == 2 && !strings.Contains(reqs[1], "IMPORTANT") {
				t.Errorf("the second request does not insist on the language: %s", reqs[1])
			}
		})
	}
}
