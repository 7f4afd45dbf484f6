package digest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/metrics"
	"github.com/takeaway-bot/takeaway/internal/store"
)

// fakeClock is a Clock whose time moves only when the test wakes the sleeping scheduler.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
	added   chan struct{}
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, added: make(chan struct{}, 1)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock, as between two runs of the program: nobody is sleeping any more.
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	c.waiters = nil
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), ch: ch})
	sort.SliceStable(c.waiters, func(i, j int) bool { return c.waiters[i].at.Before(c.waiters[j].at) })
	select {
	case c.added <- struct{}{}:
	default:
	}
	return ch
}

// nextWake waits until someone sleeps on the clock and returns when the first sleeper wakes.
func (c *fakeClock) nextWake(t *testing.T) time.Time {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		if len(c.waiters) > 0 {
			at := c.waiters[0].at
			c.mu.Unlock()
			return at
		}
		c.mu.Unlock()
		select {
		case <-c.added:
		case <-timeout:
			t.Fatal("the scheduler never went to sleep")
		}
	}
}

// wakeFirst moves the time to the first sleeper's deadline and wakes it.
func (c *fakeClock) wakeFirst() {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.waiters[0]
	c.waiters = c.waiters[1:]
	c.now = w.at
	w.ch <- w.at
}

// runUntil lets a running scheduler live until end: every time it sleeps, the clock jumps to
// its wake-up time, as long as that is not after end.
func (c *fakeClock) runUntil(t *testing.T, end time.Time) {
	t.Helper()
	for {
		if c.nextWake(t).After(end) {
			return
		}
		c.wakeFirst()
	}
}

// fakeSlack speaks the Slack Web API's wire format (form-encoded POSTs, JSON answers) for
// chat.postMessage and conversations.history, keeping the posted messages as history.
type fakeSlack struct {
	srv   *httptest.Server
	clock func() time.Time

	mu        sync.Mutex
	seq       int
	posts     []fakePost
	attempts  map[string]int    // chat.postMessage calls per channel, failed ones included
	postErr   map[string]string // channel → error code chat.postMessage answers with
	fail500   int               // the next n chat.postMessage calls answer HTTP 500
	histCalls int
}

type fakePost struct {
	Channel   string
	TS        string
	At        time.Time
	Text      string
	Blocks    string
	EventType string
	Date      string
	IDs       []string
}

func newFakeSlack(t *testing.T, clock func() time.Time) *fakeSlack {
	f := &fakeSlack{clock: clock, attempts: map[string]int{}, postErr: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) client() *slack.Client {
	return slack.New("xoxb-test", slack.OptionAPIURL(f.srv.URL+"/api/"))
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/api/chat.postMessage":
		ch := r.Form.Get("channel")
		f.attempts[ch]++
		if f.fail500 > 0 {
			f.fail500--
			http.Error(w, `{"ok":false,"error":"internal_error"}`, http.StatusInternalServerError)
			return
		}
		if code := f.postErr[ch]; code != "" {
			fmt.Fprintf(w, `{"ok":false,"error":%q}`, code)
			return
		}
		f.seq++
		at := f.clock()
		p := fakePost{Channel: ch, TS: fmt.Sprintf("%d.%06d", at.Unix(), f.seq), At: at, Text: r.Form.Get("text"), Blocks: r.Form.Get("blocks")}
		var meta struct {
			EventType    string `json:"event_type"`
			EventPayload struct {
				Date       string   `json:"date"`
				PassageIDs []string `json:"passage_ids"`
			} `json:"event_payload"`
		}
		if m := r.Form.Get("metadata"); m != "" {
			if err := json.Unmarshal([]byte(m), &meta); err != nil {
				fmt.Fprint(w, `{"ok":false,"error":"invalid_metadata_format"}`)
				return
			}
		}
		p.EventType, p.Date, p.IDs = meta.EventType, meta.EventPayload.Date, meta.EventPayload.PassageIDs
		f.posts = append(f.posts, p)
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, ch, p.TS)
	case "/api/conversations.history":
		f.histCalls++
		ch := r.Form.Get("channel")
		if code := f.postErr[ch]; code == "channel_not_found" {
			fmt.Fprintf(w, `{"ok":false,"error":%q}`, code)
			return
		}
		oldest, _ := strconv.ParseFloat(r.Form.Get("oldest"), 64)
		withMeta := r.Form.Get("include_all_metadata") == "1" || r.Form.Get("include_all_metadata") == "true"
		var msgs []map[string]any
		for i := len(f.posts) - 1; i >= 0; i-- { // newest first, as Slack answers
			p := f.posts[i]
			ts, _ := strconv.ParseFloat(p.TS, 64)
			if p.Channel != ch || ts < oldest {
				continue
			}
			m := map[string]any{"type": "message", "ts": p.TS, "text": p.Text}
			if withMeta && p.EventType != "" {
				m["metadata"] = map[string]any{"event_type": p.EventType, "event_payload": map[string]any{"date": p.Date, "passage_ids": p.IDs}}
			}
			msgs = append(msgs, m)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "messages": msgs, "has_more": false})
	default:
		fmt.Fprint(w, `{"ok":false,"error":"unknown_method"}`)
	}
}

// addPost puts a message in the history as if another process had posted it.
func (f *fakeSlack) addPost(p fakePost) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	p.TS = fmt.Sprintf("%d.%06d", p.At.Unix(), f.seq)
	f.posts = append(f.posts, p)
}

func (f *fakeSlack) postsTo(channel string) []fakePost {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakePost
	for _, p := range f.posts {
		if p.Channel == channel && p.Text != "" {
			out = append(out, p)
		}
	}
	return out
}

func (f *fakeSlack) attemptsTo(channel string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts[channel]
}

// syncBuffer is a log destination safe for the scheduler's goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fakeWriter is a language model that answers from a script.
type fakeWriter struct {
	text string
	err  error

	mu   sync.Mutex
	reqs []answer.WriteRequest
}

func (w *fakeWriter) Write(_ context.Context, req answer.WriteRequest) (string, []int, error) {
	w.mu.Lock()
	w.reqs = append(w.reqs, req)
	w.mu.Unlock()
	if w.err != nil {
		return "", nil, w.err
	}
	return w.text, []int{1}, nil
}

func defaultCorpus(tb testing.TB) *corpus.Corpus {
	tb.Helper()
	c, err := corpus.NewLoader(i18n.Supported()).Default()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func openBolt(t *testing.T) *store.Bolt {
	t.Helper()
	b, err := store.OpenBolt(filepath.Join(t.TempDir(), store.BoltFileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// harness wires schedulers to a fake clock, a fake Slack and one ledger.
type harness struct {
	t       *testing.T
	clock   *fakeClock
	slack   *fakeSlack
	ledger  Ledger
	sel     *Selector
	cat     *i18n.Catalog
	metrics *metrics.Metrics
	logs    *syncBuffer
}

func newHarness(t *testing.T, start time.Time, ledger Ledger) *harness {
	t.Helper()
	clock := newFakeClock(start)
	if ledger == nil {
		ledger = openBolt(t)
	}
	return &harness{
		t: t, clock: clock, slack: newFakeSlack(t, clock.Now), ledger: ledger,
		sel: NewSelector(defaultCorpus(t)), cat: i18n.MustNew(), metrics: metrics.New(), logs: &syncBuffer{},
	}
}

func (h *harness) scheduler(owner string, tick time.Duration, chans ...Channel) *Scheduler {
	h.t.Helper()
	s, err := NewScheduler(Options{
		Channels: chans, Selector: h.sel, Composer: NewComposer(h.cat, nil, 0, nil),
		Ledger: h.ledger, Poster: NewSlackPoster(h.slack.client(), h.cat), Clock: h.clock,
		Owner: owner, Tick: tick, Metrics: h.metrics,
		Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// start runs a scheduler until the returned stop is called (or the test ends).
func (h *harness) start(s *Scheduler) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				h.t.Errorf("Run: %v", err)
			}
		})
	}
	h.t.Cleanup(stop)
	return stop
}

func (h *harness) count(outcome Outcome) float64 {
	var m dto.Metric
	if err := h.metrics.DailyPosts.WithLabelValues(string(outcome)).Write(&m); err != nil {
		h.t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func mustChannel(t *testing.T, id, hhmm, zone, lang string) Channel {
	t.Helper()
	c, err := ParseChannel(id, hhmm, zone, lang)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustLoad(t *testing.T, zone string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func localTimes(ps []fakePost, loc *time.Location) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.At.In(loc).Format("2006-01-02 15:04 -0700")
	}
	return out
}

func joinLines(ss []string) string { return strings.Join(ss, "\n") }
