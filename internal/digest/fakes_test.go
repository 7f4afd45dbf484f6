package digest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

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

// fakePoster is a stateful, in-memory Poster: it keeps the posted takeaways as the channel's
// history, dated by the fake clock, and fails on request as Slack would.
type fakePoster struct {
	clock func() time.Time

	mu       sync.Mutex
	seq      int
	posts    []fakePost
	attempts map[string]int   // Post calls per channel, failed ones included
	postErr  map[string]error // channel → error Post answers with
	findErr  map[string]error // channel → error FindPosted answers with
	failNext int              // the next n Post calls fail with a transient error
}

// fakePost is one message in a channel's history, with the date and passages that a
// takeaway's metadata carries.
type fakePost struct {
	Channel string
	TS      string
	At      time.Time
	Text    string
	Date    string
	IDs     []string
}

func newFakePoster(clock func() time.Time) *fakePoster {
	return &fakePoster{clock: clock, attempts: map[string]int{}, postErr: map[string]error{}, findErr: map[string]error{}}
}

// notInChannel is the error of a poster whose bot is not a member of channel.
func notInChannel(channel string) error {
	return fmt.Errorf("post to %s: %w (not_in_channel)", channel, ErrNotInChannel)
}

func (f *fakePoster) Post(_ context.Context, channel string, t Takeaway) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts[channel]++
	if f.failNext > 0 {
		f.failNext--
		return "", fmt.Errorf("post to %s: server error 500", channel)
	}
	if err := f.postErr[channel]; err != nil {
		return "", err
	}
	f.seq++
	at := f.clock()
	p := fakePost{Channel: channel, TS: fmt.Sprintf("%d.%06d", at.Unix(), f.seq), At: at, Text: t.Text, Date: t.Date, IDs: t.LedgerIDs()}
	f.posts = append(f.posts, p)
	return p.TS, nil
}

func (f *fakePoster) FindPosted(_ context.Context, channel, date string, since time.Time) (string, []string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.findErr[channel]; err != nil {
		return "", nil, false, err
	}
	for i := len(f.posts) - 1; i >= 0; i-- { // newest first, as a channel's history reads
		p := f.posts[i]
		if p.Channel != channel || p.At.Before(since) || p.Date != date {
			continue
		}
		return p.TS, slices.Clone(p.IDs), true, nil
	}
	return "", nil, false, nil
}

// addPost puts a takeaway in the history as if another process had posted it.
func (f *fakePoster) addPost(p fakePost) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	p.TS = fmt.Sprintf("%d.%06d", p.At.Unix(), f.seq)
	f.posts = append(f.posts, p)
}

func (f *fakePoster) postsTo(channel string) []fakePost {
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

func (f *fakePoster) attemptsTo(channel string) int {
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

// harness wires schedulers to a fake clock, a fake poster and one ledger.
type harness struct {
	t       *testing.T
	clock   *fakeClock
	poster  *fakePoster
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
		t: t, clock: clock, poster: newFakePoster(clock.Now), ledger: ledger,
		sel: NewSelector(defaultCorpus(t)), cat: i18n.MustNew(), metrics: metrics.New(), logs: &syncBuffer{},
	}
}

func (h *harness) scheduler(owner string, tick time.Duration, chans ...Channel) *Scheduler {
	h.t.Helper()
	s, err := NewScheduler(Options{
		Channels: chans, Selector: h.sel, Composer: NewComposer(h.cat, nil, nil, 0, nil),
		Ledger: h.ledger, Poster: h.poster, Clock: h.clock,
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
