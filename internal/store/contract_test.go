package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// opener opens a new handle onto one isolated storage location; every call
// returns another handle onto the same data. Handles are closed at test end.
type opener func(t *testing.T) Store

// backend describes one implementation for the contract suite.
type backend struct {
	// fresh creates a new isolated storage location and returns its opener.
	fresh func(t *testing.T) opener
	// wantVersion is the schema version after migrations.
	wantVersion int
	// concurrentHandles reports whether two handles may be open at once.
	concurrentHandles bool
}

// closeOnce makes Close idempotent so tests may close early and still rely
// on the cleanup.
type closeOnce struct {
	Store
	once sync.Once
	err  error
}

func (c *closeOnce) Close() error {
	c.once.Do(func() { c.err = c.Store.Close() })
	return c.err
}

func (c *closeOnce) schemaVersion(ctx context.Context) (int, error) {
	return c.Store.(interface {
		schemaVersion(context.Context) (int, error)
	}).schemaVersion(ctx)
}

// managed wraps s so that it is closed (and the close checked) at test end.
func managed(t *testing.T, s Store) *closeOnce {
	t.Helper()
	c := &closeOnce{Store: s}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

// runContract runs the behaviour every Store implementation must share.
func runContract(t *testing.T, be backend) {
	tests := []struct {
		name string
		run  func(t *testing.T, be backend, open opener)
	}{
		{"Dedupe", testDedupe},
		{"DedupeConcurrent", testDedupeConcurrent},
		{"UserLang", testUserLang},
		{"FeedbackReplace", testFeedbackReplace},
		{"QuestionLogStats", testQuestionLogStats},
		{"StatsNotFoundLimit", testStatsNotFoundLimit},
		{"DailyClaimSequence", testDailyClaimSequence},
		{"DailyClaimRace", testDailyClaimRace},
		{"PostedPassageIDs", testPostedPassageIDs},
		{"MigrationsIdempotent", testMigrationsIdempotent},
		{"InvalidArguments", testInvalidArguments},
		{"Requests", testRequests},
		{"RequestsRace", testRequestsRace},
		{"Reports", testReports},
		{"ReportsSharedAndRaced", testReportsShared},
		{"ChannelModes", testChannelModes},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, be, be.fresh(t))
		})
	}
}

func testDedupe(t *testing.T, _ backend, open opener) {
	s := open(t)
	ctx := t.Context()
	type step struct {
		id    string
		ttl   time.Duration
		sleep time.Duration // before the call
		want  bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"first true then false", []step{
			{id: "Ev1", ttl: time.Hour, want: true},
			{id: "Ev1", ttl: time.Hour, want: false},
			{id: "Ev1", ttl: time.Hour, want: false},
		}},
		{"distinct IDs are independent", []step{
			{id: "Ev2", ttl: time.Hour, want: true},
			{id: "Ev3", ttl: time.Hour, want: true},
			{id: "Ev2", ttl: time.Hour, want: false},
		}},
		{"expired entry counts as new", []step{
			{id: "Ev4", ttl: 50 * time.Millisecond, want: true},
			{id: "Ev4", ttl: 50 * time.Millisecond, want: false},
			{id: "Ev4", ttl: time.Hour, sleep: 150 * time.Millisecond, want: true},
			{id: "Ev4", ttl: time.Hour, want: false},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i, st := range tc.steps {
				time.Sleep(st.sleep)
				got, err := s.MarkEventSeen(ctx, st.id, st.ttl)
				if err != nil {
					t.Fatalf("step %d: MarkEventSeen(%q): %v", i, st.id, err)
				}
				if got != st.want {
					t.Fatalf("step %d: MarkEventSeen(%q) = %v, want %v", i, st.id, got, st.want)
				}
			}
		})
	}
}

// raceMarkEventSeen has n goroutines, spread over the given handles, mark
// the same event and returns how many were told they were first.
func raceMarkEventSeen(t *testing.T, n int, eventID string, handles ...Store) int {
	t.Helper()
	var (
		wins  atomic.Int32
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make(chan error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			first, err := handles[i%len(handles)].MarkEventSeen(t.Context(), eventID, time.Hour)
			if err != nil {
				errs <- err
				return
			}
			if first {
				wins.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("MarkEventSeen: %v", err)
	}
	return int(wins.Load())
}

func testDedupeConcurrent(t *testing.T, _ backend, open opener) {
	s := open(t)
	for round := range 3 {
		t.Run(fmt.Sprintf("round %d", round), func(t *testing.T) {
			if got := raceMarkEventSeen(t, 50, fmt.Sprintf("race-%d", round), s); got != 1 {
				t.Fatalf("%d goroutines were first, want exactly 1", got)
			}
		})
	}
}

func testUserLang(t *testing.T, _ backend, open opener) {
	s := open(t)
	ctx := t.Context()
	tests := []struct {
		name string
		set  [][2]string // (user, lang) pairs applied in order
		user string
		want string
	}{
		{name: "unset is empty", user: "U1", want: ""},
		{name: "set", set: [][2]string{{"U1", "fr"}}, user: "U1", want: "fr"},
		{name: "overwrite", set: [][2]string{{"U1", "en"}, {"U1", "de"}}, user: "U1", want: "de"},
		{name: "other user unaffected", set: [][2]string{{"U2", "sv"}}, user: "U1", want: "de"},
		{name: "other user set", user: "U2", want: "sv"},
		{name: "empty clears", set: [][2]string{{"U1", ""}}, user: "U1", want: ""},
		{name: "clear unset is fine", set: [][2]string{{"U3", ""}}, user: "U3", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, kv := range tc.set {
				user, lang := kv[0], kv[1]
				if err := s.SetUserLang(ctx, user, lang); err != nil {
					t.Fatalf("SetUserLang(%q, %q): %v", user, lang, err)
				}
			}
			got, err := s.UserLang(ctx, tc.user)
			if err != nil {
				t.Fatalf("UserLang(%q): %v", tc.user, err)
			}
			if got != tc.want {
				t.Fatalf("UserLang(%q) = %q, want %q", tc.user, got, tc.want)
			}
		})
	}
}

func testFeedbackReplace(t *testing.T, _ backend, open opener) {
	s := open(t)
	ctx := t.Context()
	base := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	fb := func(user, ts, vote string, at time.Time) Feedback {
		return Feedback{UserID: user, Channel: "C1", MessageTS: ts, Vote: vote, Question: "q " + ts, At: at}
	}
	tests := []struct {
		name     string
		record   []Feedback
		since    time.Time
		wantUp   int
		wantDown int
	}{
		{name: "first vote", record: []Feedback{fb("U1", "1.1", VoteUp, base)}, wantUp: 1},
		{name: "second click replaces first", record: []Feedback{fb("U1", "1.1", VoteDown, base.Add(time.Minute))}, wantDown: 1},
		{name: "same click again is still one vote", record: []Feedback{fb("U1", "1.1", VoteDown, base.Add(2*time.Minute))}, wantDown: 1},
		{name: "other user on same message", record: []Feedback{fb("U2", "1.1", VoteUp, base)}, wantUp: 1, wantDown: 1},
		{name: "same user other message", record: []Feedback{fb("U1", "2.2", VoteUp, base)}, wantUp: 2, wantDown: 1},
		{name: "same ts in another channel is another message", record: []Feedback{{UserID: "U1", Channel: "C2", MessageTS: "2.2", Vote: VoteDown, At: base}}, wantUp: 2, wantDown: 2},
		{name: "since filters by vote time", since: base.Add(time.Minute), wantDown: 1},
		{name: "zero At means now", record: []Feedback{{UserID: "U9", Channel: "C1", MessageTS: "9.9", Vote: VoteUp}}, since: time.Now().Add(-time.Hour), wantUp: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range tc.record {
				if err := s.RecordFeedback(ctx, f); err != nil {
					t.Fatalf("RecordFeedback(%+v): %v", f, err)
				}
			}
			st, err := s.Stats(ctx, tc.since)
			if err != nil {
				t.Fatalf("Stats: %v", err)
			}
			if st.Up != tc.wantUp || st.Down != tc.wantDown {
				t.Fatalf("Stats up/down = %d/%d, want %d/%d", st.Up, st.Down, tc.wantUp, tc.wantDown)
			}
		})
	}
}

func testQuestionLogStats(t *testing.T, _ backend, open opener) {
	s := open(t)
	ctx := t.Context()
	day1 := time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)
	day2 := time.Date(2025, 3, 11, 23, 30, 0, 0, time.UTC)
	// In another zone, still 2025-03-11 in UTC.
	day2Paris := time.Date(2025, 3, 12, 0, 45, 0, 0, time.FixedZone("CET", 3600))
	old := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)

	t.Run("empty store", func(t *testing.T) {
		st, err := s.Stats(ctx, time.Time{})
		if err != nil {
			t.Fatalf("Stats: %v", err)
		}
		want := Stats{Days: []DayCount{}, Languages: map[string]int{}, NotFound: []string{}}
		if !reflect.DeepEqual(st, want) {
			t.Fatalf("Stats = %#v, want %#v", st, want)
		}
	})

	logs := []QuestionLog{
		{At: old, RequestID: "r0", Surface: "dm", Lang: "en", Mode: "rag", Outcome: OutcomeNotFound, Question: "too old", LatencyMS: 5},
		{At: day1, RequestID: "r1", Surface: "mention", Lang: "en", Mode: "rag", Outcome: OutcomeAnswered, Question: "what is k8s", LatencyMS: 120},
		{At: day1.Add(time.Minute), RequestID: "r2", Surface: "dm", Lang: "fr", Mode: "rag", Outcome: OutcomeNotFound, Question: "ebpf?", LatencyMS: 80},
		{At: day1.Add(2 * time.Minute), RequestID: "r3", Surface: "dm", Lang: "fr", Mode: "rag", Outcome: OutcomeNotFound, Question: "wasm?", LatencyMS: 90},
		{At: day2, RequestID: "r4", Surface: "slash", Lang: "sv", Mode: "search", Outcome: OutcomeError, Question: "boom", LatencyMS: 3000},
		{At: day2.Add(time.Minute), RequestID: "r5", Surface: "dm", Lang: "fr", Mode: "rag", Outcome: OutcomeNotFound, Question: "ebpf?", LatencyMS: 70},
		{At: day2Paris, RequestID: "r6", Surface: "dm", Lang: "", Mode: "rag", Outcome: OutcomeNotFound, Question: "", LatencyMS: 1},
	}
	for _, q := range logs {
		if err := s.LogQuestion(ctx, q); err != nil {
			t.Fatalf("LogQuestion(%+v): %v", q, err)
		}
	}

	tests := []struct {
		name  string
		since time.Time
		want  Stats
	}{
		{
			name:  "since day1",
			since: day1,
			want: Stats{
				Days:      []DayCount{{Day: "2025-03-10", Questions: 3}, {Day: "2025-03-11", Questions: 3}},
				Languages: map[string]int{"en": 1, "fr": 3, "sv": 1, "": 1},
				NotFound:  []string{"ebpf?", "wasm?"}, // distinct, most recent first, empty skipped
				Total:     6,
			},
		},
		{
			name:  "since day2",
			since: day2,
			want: Stats{
				Days:      []DayCount{{Day: "2025-03-11", Questions: 3}},
				Languages: map[string]int{"fr": 1, "sv": 1, "": 1},
				NotFound:  []string{"ebpf?"},
				Total:     3,
			},
		},
		{
			name:  "zero since means everything",
			since: time.Time{},
			want: Stats{
				Days:      []DayCount{{Day: "2025-02-01", Questions: 1}, {Day: "2025-03-10", Questions: 3}, {Day: "2025-03-11", Questions: 3}},
				Languages: map[string]int{"en": 2, "fr": 3, "sv": 1, "": 1},
				NotFound:  []string{"ebpf?", "wasm?", "too old"},
				Total:     7,
			},
		},
		{
			name:  "future since is empty",
			since: day2.Add(24 * time.Hour),
			want:  Stats{Days: []DayCount{}, Languages: map[string]int{}, NotFound: []string{}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Stats(ctx, tc.since)
			if err != nil {
				t.Fatalf("Stats: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Stats(%v)\n got %#v\nwant %#v", tc.since, got, tc.want)
			}
		})
	}
}

func testStatsNotFoundLimit(t *testing.T, _ backend, open opener) {
	s := open(t)
	ctx := t.Context()
	base := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	const n = MaxNotFound + 5
	for i := range n {
		q := QuestionLog{At: base.Add(time.Duration(i) * time.Second), Outcome: OutcomeNotFound, Question: fmt.Sprintf("q%02d", i), Lang: "en"}
		if err := s.LogQuestion(ctx, q); err != nil {
			t.Fatalf("LogQuestion: %v", err)
		}
	}
	st, err := s.Stats(ctx, base)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if st.Total != n {
		t.Errorf("Total = %d, want %d", st.Total, n)
	}
	if len(st.NotFound) != MaxNotFound {
		t.Fatalf("len(NotFound) = %d, want %d", len(st.NotFound), MaxNotFound)
	}
	if first, last := st.NotFound[0], st.NotFound[MaxNotFound-1]; first != fmt.Sprintf("q%02d", n-1) || last != "q05" {
		t.Errorf("NotFound runs %q..%q, want q%02d..q05", first, last, n-1)
	}
}

func testDailyClaimSequence(t *testing.T, _ backend, open opener) {
	s := open(t)
	ctx := t.Context()
	const short = 50 * time.Millisecond
	type step struct {
		op      string // "claim", "finish", "posted"
		channel string
		date    string
		owner   string
		lease   time.Duration
		sleep   time.Duration
		want    bool
	}
	claim := func(ch, date, owner string, lease time.Duration, want bool) step {
		return step{op: "claim", channel: ch, date: date, owner: owner, lease: lease, want: want}
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"first claim wins, rival loses", []step{
			claim("C1", "2025-05-01", "a", time.Hour, true),
			claim("C1", "2025-05-01", "b", time.Hour, false),
		}},
		{"same owner re-claims", []step{
			claim("C1", "2025-05-02", "a", time.Hour, true),
			claim("C1", "2025-05-02", "a", time.Hour, true),
			claim("C1", "2025-05-02", "b", time.Hour, false),
		}},
		{"other channel and date are independent", []step{
			claim("C1", "2025-05-03", "a", time.Hour, true),
			claim("C2", "2025-05-03", "b", time.Hour, true),
			claim("C1", "2025-05-04", "b", time.Hour, true),
		}},
		{"expired lease is taken over", []step{
			claim("C1", "2025-05-05", "a", short, true),
			claim("C1", "2025-05-05", "b", time.Hour, false),
			{op: "claim", channel: "C1", date: "2025-05-05", owner: "b", lease: time.Hour, sleep: 3 * short, want: true},
			claim("C1", "2025-05-05", "a", time.Hour, false), // the crashed owner lost it
		}},
		{"finished cannot be re-claimed", []step{
			claim("C1", "2025-05-06", "a", short, true),
			{op: "posted", channel: "C1", date: "2025-05-06", want: false},
			{op: "finish", channel: "C1", date: "2025-05-06"},
			{op: "posted", channel: "C1", date: "2025-05-06", want: true},
			claim("C1", "2025-05-06", "a", time.Hour, false),
			{op: "claim", channel: "C1", date: "2025-05-06", owner: "b", lease: time.Hour, sleep: 3 * short, want: false},
			{op: "posted", channel: "C2", date: "2025-05-06", want: false},
		}},
		{"finish without claim", []step{
			{op: "finish", channel: "C3", date: "2025-05-07"},
			{op: "posted", channel: "C3", date: "2025-05-07", want: true},
			claim("C3", "2025-05-07", "a", time.Hour, false),
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i, st := range tc.steps {
				time.Sleep(st.sleep)
				var (
					got bool
					err error
				)
				switch st.op {
				case "claim":
					got, err = s.ClaimDaily(ctx, st.channel, st.date, st.owner, st.lease)
				case "posted":
					got, err = s.DailyPosted(ctx, st.channel, st.date)
				case "finish":
					err = s.FinishDaily(ctx, st.channel, st.date, "123.456", []string{"p1"})
				}
				if err != nil {
					t.Fatalf("step %d (%s %s/%s %s): %v", i, st.op, st.channel, st.date, st.owner, err)
				}
				if got != st.want {
					t.Fatalf("step %d (%s %s/%s %s) = %v, want %v", i, st.op, st.channel, st.date, st.owner, got, st.want)
				}
			}
		})
	}
}

// raceClaimDaily has one goroutine per owner, spread over the given handles,
// claim the same post and returns the winners.
func raceClaimDaily(t *testing.T, channel, date string, owners []string, handles ...Store) []string {
	t.Helper()
	var (
		mu      sync.Mutex
		winners []string
		wg      sync.WaitGroup
		start   = make(chan struct{})
	)
	for i, owner := range owners {
		wg.Go(func() {
			<-start
			won, err := handles[i%len(handles)].ClaimDaily(t.Context(), channel, date, owner, time.Hour)
			if err != nil {
				t.Errorf("ClaimDaily(%s): %v", owner, err)
				return
			}
			if won {
				mu.Lock()
				winners = append(winners, owner)
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	return winners
}

func testDailyClaimRace(t *testing.T, _ backend, open opener) {
	s := open(t)
	many := make([]string, 20)
	for i := range many {
		many[i] = fmt.Sprintf("replica-%d", i)
	}
	tests := []struct {
		name   string
		owners []string
	}{
		{"two owners", []string{"a", "b"}},
		{"twenty owners", many},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for round := range 5 {
				date := fmt.Sprintf("2025-06-%02d", round+1)
				if w := raceClaimDaily(t, "C-"+tc.name, date, tc.owners, s); len(w) != 1 {
					t.Fatalf("round %d: winners %v, want exactly one", round, w)
				}
			}
		})
	}
}

func testPostedPassageIDs(t *testing.T, _ backend, open opener) {
	s := open(t)
	ctx := t.Context()
	finish := func(channel, date string, ids ...string) {
		t.Helper()
		if err := s.FinishDaily(ctx, channel, date, "ts-"+date, ids); err != nil {
			t.Fatalf("FinishDaily(%s, %s): %v", channel, date, err)
		}
	}
	tests := []struct {
		name    string
		setup   func()
		channel string
		want    []string
	}{
		{name: "nothing posted", channel: "C1", want: []string{}},
		{name: "unfinished claim is not listed", setup: func() {
			if _, err := s.ClaimDaily(ctx, "C1", "2025-07-09", "a", time.Hour); err != nil {
				t.Fatalf("ClaimDaily: %v", err)
			}
		}, channel: "C1", want: []string{}},
		{name: "oldest post first", setup: func() {
			finish("C1", "2025-07-01", "a", "b")
			time.Sleep(5 * time.Millisecond)
			finish("C1", "2025-07-02", "c")
			time.Sleep(5 * time.Millisecond)
			finish("C1", "2025-07-03", "d", "e")
			finish("C2", "2025-07-01", "x")
		}, channel: "C1", want: []string{"a", "b", "c", "d", "e"}},
		{name: "post with no passages", setup: func() {
			time.Sleep(5 * time.Millisecond)
			finish("C1", "2025-07-04")
		}, channel: "C1", want: []string{"a", "b", "c", "d", "e"}},
		{name: "repeats are kept per post", setup: func() {
			time.Sleep(5 * time.Millisecond)
			finish("C1", "2025-07-05", "a")
		}, channel: "C1", want: []string{"a", "b", "c", "d", "e", "a"}},
		{name: "re-finishing keeps the post's place", setup: func() {
			finish("C1", "2025-07-02", "c2")
		}, channel: "C1", want: []string{"a", "b", "c2", "d", "e", "a"}},
		{name: "other channel", channel: "C2", want: []string{"x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			got, err := s.PostedPassageIDs(ctx, tc.channel)
			if err != nil {
				t.Fatalf("PostedPassageIDs: %v", err)
			}
			if got == nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("PostedPassageIDs(%s) = %#v, want %#v", tc.channel, got, tc.want)
			}
		})
	}
}

func testMigrationsIdempotent(t *testing.T, be backend, open opener) {
	ctx := t.Context()
	first := open(t).(*closeOnce)
	if err := first.SetUserLang(ctx, "U1", "fr"); err != nil {
		t.Fatalf("SetUserLang: %v", err)
	}
	if !be.concurrentHandles {
		if err := first.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	for i := range 2 {
		t.Run(fmt.Sprintf("reopen %d", i+1), func(t *testing.T) {
			s := open(t).(*closeOnce)
			v, err := s.schemaVersion(ctx)
			if err != nil {
				t.Fatalf("schemaVersion: %v", err)
			}
			if v != be.wantVersion {
				t.Errorf("schema version = %d, want %d", v, be.wantVersion)
			}
			if got, err := s.UserLang(ctx, "U1"); err != nil || got != "fr" {
				t.Errorf("UserLang after reopen = %q, %v; want fr", got, err)
			}
			if !be.concurrentHandles {
				if err := s.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
			}
		})
	}
}

func testInvalidArguments(t *testing.T, _ backend, open opener) {
	s := open(t)
	ctx := t.Context()
	tests := []struct {
		name string
		call func() error
	}{
		{"empty event ID", func() error { _, err := s.MarkEventSeen(ctx, "", time.Hour); return err }},
		{"zero ttl", func() error { _, err := s.MarkEventSeen(ctx, "e", 0); return err }},
		{"empty user", func() error { return s.SetUserLang(ctx, "", "fr") }},
		{"empty user lookup", func() error { _, err := s.UserLang(ctx, ""); return err }},
		{"bad vote", func() error {
			return s.RecordFeedback(ctx, Feedback{UserID: "U", Channel: "C", MessageTS: "1", Vote: "meh"})
		}},
		{"feedback without message", func() error { return s.RecordFeedback(ctx, Feedback{UserID: "U", Channel: "C", Vote: VoteUp}) }},
		{"claim without owner", func() error { _, err := s.ClaimDaily(ctx, "C", "2025-01-01", "", time.Hour); return err }},
		{"claim with negative lease", func() error { _, err := s.ClaimDaily(ctx, "C", "2025-01-01", "a", -time.Second); return err }},
		{"finish without date", func() error { return s.FinishDaily(ctx, "C", "", "1", nil) }},
		{"posted without channel", func() error { _, err := s.DailyPosted(ctx, "", "2025-01-01"); return err }},
		{"passages without channel", func() error { _, err := s.PostedPassageIDs(ctx, ""); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, ErrInvalid) {
				t.Fatalf("error = %v, want one wrapping ErrInvalid", err)
			}
		})
	}
}

func testRequests(t *testing.T, be backend, open opener) {
	s := open(t)
	ctx := t.Context()
	accept := func(id, owner string, lease time.Duration, want bool) {
		t.Helper()
		got, err := s.AcceptRequest(ctx, id, owner, []byte("payload of "+id), lease, time.Hour)
		if err != nil {
			t.Fatalf("AcceptRequest(%q, %q): %v", id, owner, err)
		}
		if got != want {
			t.Fatalf("AcceptRequest(%q, %q) = %v, want %v", id, owner, got, want)
		}
	}
	claim := func(owner string) map[string]string {
		t.Helper()
		ps, err := s.ClaimPending(ctx, owner, time.Hour)
		if err != nil {
			t.Fatalf("ClaimPending(%q): %v", owner, err)
		}
		out := map[string]string{}
		for _, p := range ps {
			out[p.ID] = string(p.Payload)
		}
		return out
	}

	accept("R1", "A", time.Hour, true)
	accept("R1", "B", time.Hour, false) // being handled by A
	if got := claim("A"); len(got) != 0 {
		t.Errorf("the owner claims its own live request: %v", got)
	}
	// A request whose handler died (its lease over) is handled again, by redelivery or claim.
	accept("R2", "A", 50*time.Millisecond, true)
	time.Sleep(150 * time.Millisecond)
	accept("R2", "B", time.Hour, true)
	if err := s.FinishRequest(ctx, "R2"); err != nil {
		t.Fatal(err)
	}
	accept("R2", "C", time.Hour, false) // finished: never again
	accept("R3", "A", 50*time.Millisecond, true)
	time.Sleep(150 * time.Millisecond)
	got := claim("B")
	if got["R3"] != "payload of R3" || got["R2"] != "" {
		t.Errorf("ClaimPending(B) = %v, want R3 with its payload and not the finished R2", got)
	}
	if again := claim("B"); again["R3"] != "" {
		t.Errorf("R3 claimed twice while B's lease runs: %v", again)
	}
	// One process holds a bbolt file: another owner's live lease is a dead process's.
	if got := claim("Z")["R1"] != ""; got != !be.concurrentHandles {
		t.Errorf("R1 (leased to A) claimed by another owner: %v, want %v", got, !be.concurrentHandles)
	}
	if err := s.FinishRequest(ctx, "unknown"); err != nil {
		t.Errorf("finishing an unknown request: %v", err)
	}
}

// testRequestsRace: of many handlers accepting one delivery at once, one wins.
func testRequestsRace(t *testing.T, be backend, open opener) {
	handles := []Store{open(t)}
	if be.concurrentHandles {
		handles = append(handles, open(t), open(t))
	}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := handles[i%len(handles)].AcceptRequest(t.Context(), "Race1", fmt.Sprintf("owner%d", i), []byte("x"), time.Hour, time.Hour)
			if err != nil {
				t.Errorf("AcceptRequest: %v", err)
			}
			if ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := wins.Load(); n != 1 {
		t.Errorf("%d handlers accepted one request, want 1", n)
	}
}

func testReports(t *testing.T, _ backend, open opener) {
	s := open(t)
	ctx := t.Context()
	version := func() int64 {
		t.Helper()
		v, err := s.ReportsVersion(ctx)
		if err != nil {
			t.Fatalf("ReportsVersion: %v", err)
		}
		return v
	}
	v0 := version()
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	a := Report{Name: "notes.md", Data: []byte("# Notes\n\nSome text."), AddedBy: "U1", Origin: "notes.md", AddedAt: at}
	got, added, err := s.PutReport(ctx, a)
	if err != nil || !added {
		t.Fatalf("PutReport = %v, %v; want added", added, err)
	}
	if got.ID != ReportID(a.Data) || got.AddedBy != "U1" || !got.AddedAt.Equal(at) {
		t.Errorf("stored report = %+v", got)
	}
	v1 := version()
	if v1 == v0 {
		t.Errorf("the version did not change on an add")
	}
	// The same content under another name, by someone else: already there, nothing changes.
	again, added, err := s.PutReport(ctx, Report{Name: "copy.md", Data: a.Data, AddedBy: "U2"})
	if err != nil || added {
		t.Fatalf("re-adding the same content: added=%v err=%v", added, err)
	}
	if again.Name != "notes.md" || again.AddedBy != "U1" || !again.AddedAt.Equal(at) {
		t.Errorf("re-adding returned %+v, want the first one", again)
	}
	if version() != v1 {
		t.Errorf("the version changed on a re-add")
	}
	b := Report{Name: "b.txt", Data: []byte("other"), AddedAt: at.Add(time.Hour)}
	if _, _, err := s.PutReport(ctx, b); err != nil {
		t.Fatal(err)
	}
	list, err := s.Reports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "notes.md" || list[1].Name != "b.txt" || string(list[1].Data) != "other" {
		t.Fatalf("Reports = %+v, want notes.md then b.txt", list)
	}
	v2 := version()
	if found, err := s.DeleteReport(ctx, got.ID); err != nil || !found {
		t.Fatalf("DeleteReport = %v, %v", found, err)
	}
	if found, err := s.DeleteReport(ctx, got.ID); err != nil || found {
		t.Fatalf("deleting twice = %v, %v; want not found", found, err)
	}
	if version() == v2 {
		t.Errorf("the version did not change on a delete")
	}
	if list, _ := s.Reports(ctx); len(list) != 1 || list[0].Name != "b.txt" {
		t.Errorf("after delete: %+v", list)
	}
	for name, r := range map[string]Report{
		"no name":  {Data: []byte("x")},
		"no data":  {Name: "x.md"},
		"wrong ID": {ID: "0123", Name: "x.md", Data: []byte("x")},
	} {
		if _, _, err := s.PutReport(ctx, r); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", name, err)
		}
	}
}

// testReportsShared: a report added through one handle is seen by another, and of many
// handles adding the same content at once, one adds it.
func testReportsShared(t *testing.T, be backend, open opener) {
	handles := []Store{open(t)}
	if be.concurrentHandles {
		handles = append(handles, open(t), open(t))
	}
	ctx := t.Context()
	before, err := handles[len(handles)-1].ReportsVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var adds atomic.Int32
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, added, err := handles[i%len(handles)].PutReport(ctx, Report{Name: fmt.Sprintf("r%d.md", i), Data: []byte("same content")})
			if err != nil {
				t.Errorf("PutReport: %v", err)
			}
			if added {
				adds.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := adds.Load(); n != 1 {
		t.Errorf("%d handles added one content, want 1", n)
	}
	last := handles[len(handles)-1]
	after, err := last.ReportsVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after != before+1 {
		t.Errorf("version went from %d to %d, want one step", before, after)
	}
	if list, err := last.Reports(ctx); err != nil || len(list) != 1 {
		t.Errorf("Reports from another handle = %d reports, %v; want 1", len(list), err)
	}
}

func testChannelModes(t *testing.T, _ backend, open opener) {
	s := open(t)
	ctx := t.Context()
	if m, err := s.ChannelModes(ctx); err != nil || len(m) != 0 {
		t.Fatalf("fresh store: %v, %v", m, err)
	}
	for _, kv := range [][2]string{{"C1", "help"}, {"C2", "mentions"}, {"C1", "mentions"}, {"C3", "help"}, {"C3", ""}} {
		if err := s.SetChannelMode(ctx, kv[0], kv[1]); err != nil {
			t.Fatalf("SetChannelMode(%q, %q): %v", kv[0], kv[1], err)
		}
	}
	m, err := s.ChannelModes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"C1": "mentions", "C2": "mentions"}; !reflect.DeepEqual(m, want) {
		t.Errorf("modes = %v, want %v", m, want)
	}
	if err := s.SetChannelMode(ctx, "", "help"); err == nil {
		t.Error("an empty channel ID is accepted")
	}
}
