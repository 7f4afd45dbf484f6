package digest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/takeaway-bot/takeaway/internal/store"
)

func TestScheduleAcrossDaylightSaving(t *testing.T) {
	tests := []struct {
		name        string
		zone, at    string
		from, until string // local dates: the clock runs from the first midnight to the second
		want        []string
		// anyOffset: Go does not promise which of two identical local times time.Date picks.
		anyOffset bool
	}{
		{
			name: "Paris spring forward", zone: "Europe/Paris", at: "09:00", from: "2026-03-27", until: "2026-03-31",
			want: []string{"2026-03-27 09:00 +0100", "2026-03-28 09:00 +0100", "2026-03-29 09:00 +0200", "2026-03-30 09:00 +0200"},
		},
		{
			name: "Paris fall back", zone: "Europe/Paris", at: "09:00", from: "2026-10-23", until: "2026-10-27",
			want: []string{"2026-10-23 09:00 +0200", "2026-10-24 09:00 +0200", "2026-10-25 09:00 +0100", "2026-10-26 09:00 +0100"},
		},
		{
			name: "New York spring forward", zone: "America/New_York", at: "08:30", from: "2026-03-07", until: "2026-03-10",
			want: []string{"2026-03-07 08:30 -0500", "2026-03-08 08:30 -0400", "2026-03-09 08:30 -0400"},
		},
		{
			// 02:30 does not exist in Paris on 2026-03-29: the post comes when the clocks say 03:30.
			name: "time skipped by the change", zone: "Europe/Paris", at: "02:30", from: "2026-03-28", until: "2026-03-30",
			want: []string{"2026-03-28 02:30 +0100", "2026-03-29 03:30 +0200"},
		},
		{
			// 02:30 happens twice in Paris on 2026-10-25: one post, at either.
			name: "time repeated by the change", zone: "Europe/Paris", at: "02:30", from: "2026-10-24", until: "2026-10-26",
			want: []string{"2026-10-24 02:30", "2026-10-25 02:30"}, anyOffset: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustLoad(t, tt.zone)
			from, _ := time.ParseInLocation(time.DateOnly, tt.from, loc)
			until, _ := time.ParseInLocation(time.DateOnly, tt.until, loc)
			h := newHarness(t, from, nil)
			ch := mustChannel(t, "C1", tt.at, tt.zone, "fr")
			h.start(h.scheduler("a", 15*time.Minute, ch))
			h.clock.runUntil(t, until)

			posts := h.poster.postsTo("C1")
			got := localTimes(posts, loc)
			if tt.anyOffset {
				for i := range got {
					got[i] = got[i][:len("2006-01-02 15:04")]
				}
			}
			if joinLines(got) != joinLines(tt.want) {
				t.Errorf("posts at\n%s\nwant\n%s", joinLines(got), joinLines(tt.want))
			}
			for _, p := range posts {
				if want := p.At.In(loc).Format(time.DateOnly); p.Date != want {
					t.Errorf("post at %s is the takeaway of %q, want %q", p.At, p.Date, want)
				}
			}
		})
	}
}

func TestRestartMidDay(t *testing.T) {
	loc := mustLoad(t, "Europe/Paris")
	at := func(day, hhmm string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", day+" "+hhmm, loc)
		return t
	}
	type run struct{ from, until time.Time }
	tests := []struct {
		name string
		runs []run
		want []string
	}{
		{
			name: "posted before the restart is not repeated",
			runs: []run{{at("2026-05-04", "08:00"), at("2026-05-04", "10:00")}, {at("2026-05-04", "12:00"), at("2026-05-04", "23:59")}},
			want: []string{"2026-05-04 09:00 +0200"},
		},
		{
			name: "missed while down is sent at start-up the same day",
			runs: []run{{at("2026-05-04", "11:17"), at("2026-05-05", "08:59")}},
			want: []string{"2026-05-04 11:17 +0200"},
		},
		{
			name: "missed day is not sent the day after",
			runs: []run{{at("2026-05-04", "08:00"), at("2026-05-04", "08:30")}, {at("2026-05-05", "08:00"), at("2026-05-05", "10:00")}},
			want: []string{"2026-05-05 09:00 +0200"},
		},
		{
			name: "restart just after midnight",
			runs: []run{{at("2026-05-04", "09:30"), at("2026-05-04", "10:00")}, {at("2026-05-05", "00:01"), at("2026-05-05", "09:30")}},
			want: []string{"2026-05-04 09:30 +0200", "2026-05-05 09:00 +0200"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.runs[0].from, nil)
			ch := mustChannel(t, "C1", "09:00", "Europe/Paris", "en")
			for i, r := range tt.runs {
				h.clock.Set(r.from)
				stop := h.start(h.scheduler("process-"+string(rune('a'+i)), time.Minute, ch))
				h.clock.runUntil(t, r.until)
				stop()
			}
			if got := localTimes(h.poster.postsTo("C1"), loc); joinLines(got) != joinLines(tt.want) {
				t.Errorf("posts at\n%s\nwant\n%s", joinLines(got), joinLines(tt.want))
			}
		})
	}
}

// TestCrashBetweenPostAndRecord: a process posted today's takeaway, then died before the
// ledger recorded it. The next process finds the post in the channel's history.
func TestCrashBetweenPostAndRecord(t *testing.T) {
	loc := mustLoad(t, "Europe/Paris")
	posted, _ := time.ParseInLocation("2006-01-02 15:04", "2026-05-04 09:00", loc)
	h := newHarness(t, posted.Add(40*time.Minute), nil)
	ctx := context.Background()
	// The dead process's claim, whose lease has run out.
	if won, err := h.ledger.ClaimDaily(ctx, "C1", "2026-05-04", "dead", time.Microsecond); err != nil || !won {
		t.Fatalf("ClaimDaily = %v, %v", won, err)
	}
	time.Sleep(time.Millisecond) // the store's lease runs on the real clock
	h.poster.addPost(fakePost{Channel: "C1", At: posted, Text: "Today's takeaway…", Date: "2026-05-04", IDs: []string{"kubecon-eu-2019-day-3-xebia.fr#8f9cb9af"}})
	// An older takeaway of yesterday's must not count as today's.
	h.poster.addPost(fakePost{Channel: "C1", At: posted.Add(-24 * time.Hour), Text: "Yesterday's", Date: "2026-05-03", IDs: []string{"x"}})

	s := h.scheduler("b", time.Minute, mustChannel(t, "C1", "09:00", "Europe/Paris", "en"))
	res := s.RunDue(ctx)
	if len(res) != 1 || res[0].Outcome != OutcomeAlreadyPosted {
		t.Fatalf("RunDue = %+v, want already_posted", res)
	}
	if n := h.poster.attemptsTo("C1"); n != 0 {
		t.Errorf("%d Post calls, want 0", n)
	}
	if done, _ := h.ledger.DailyPosted(ctx, "C1", "2026-05-04"); !done {
		t.Error("the post found in the history was not recorded in the ledger")
	}
	ids, _ := h.ledger.PostedPassageIDs(ctx, "C1")
	if strings.Join(ids, ",") != "kubecon-eu-2019-day-3-xebia.fr#8f9cb9af" {
		t.Errorf("recorded passages %q, want the ones of the post's metadata", ids)
	}
	if got := h.count(OutcomeAlreadyPosted); got != 1 {
		t.Errorf("already_posted counted %v times, want 1", got)
	}
	if res := s.RunDue(ctx); res[0].Outcome != OutcomeDone {
		t.Errorf("second RunDue = %+v, want done", res)
	}
}

func TestTwoInstancesRace(t *testing.T) {
	type backend struct {
		name string
		open func(t *testing.T) (Ledger, Ledger)
	}
	backends := []backend{{
		name: "bolt, one process",
		open: func(t *testing.T) (Ledger, Ledger) { b := openBolt(t); return b, b },
	}, {
		name: "postgres, two handles",
		open: func(t *testing.T) (Ledger, Ledger) {
			url := os.Getenv("TAKEAWAY_TEST_DATABASE_URL")
			if url == "" {
				t.Skip("TAKEAWAY_TEST_DATABASE_URL is not set; run `export TAKEAWAY_TEST_DATABASE_URL=$(.ci/pg-start)`")
			}
			var out [2]Ledger
			for i := range out {
				pg, err := store.OpenPostgres(context.Background(), url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { pg.Close() })
				out[i] = pg
			}
			return out[0], out[1]
		},
	}}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			la, lb := be.open(t)
			loc := mustLoad(t, "Europe/Paris")
			start, _ := time.ParseInLocation("2006-01-02 15:04", "2026-06-01 09:00", loc)
			h := newHarness(t, start, la)
			// A channel of its own, since a shared database outlives the test.
			var suffix [4]byte
			_, _ = rand.Read(suffix[:])
			id := "CRACE" + hex.EncodeToString(suffix[:])
			ch := mustChannel(t, id, "09:00", "Europe/Paris", "en")
			a := h.scheduler("replica-a", time.Minute, ch)
			hb := *h
			hb.ledger = lb
			b := hb.scheduler("replica-b", time.Minute, ch)

			const days = 10
			for d := range days {
				h.clock.Set(start.AddDate(0, 0, d))
				var wg sync.WaitGroup
				ready := make(chan struct{})
				for _, s := range []*Scheduler{a, b, a, b} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-ready
						s.RunDue(context.Background())
					}()
				}
				close(ready)
				wg.Wait()
			}
			posts := h.poster.postsTo(id)
			if len(posts) != days {
				t.Fatalf("%d posts for %d days, want exactly one a day:\n%s", len(posts), days, joinLines(localTimes(posts, loc)))
			}
			seen := map[string]bool{}
			for _, p := range posts {
				if seen[p.Date] {
					t.Errorf("day %s posted twice", p.Date)
				}
				seen[p.Date] = true
			}
			if got := h.count(OutcomePosted); got != days {
				t.Errorf("posted counted %v times, want %d", got, days)
			}
		})
	}
}

// TestCycleNoRepeat: a channel sees every insight of a cycle once (translated copies counted
// once), never the same report two days in a row, and a Chinese channel gets the Chinese copy.
func TestCycleNoRepeat(t *testing.T) {
	for _, lang := range []string{"en", "fr", "zh"} {
		t.Run(lang, func(t *testing.T) {
			loc := mustLoad(t, "Asia/Shanghai")
			start, _ := time.ParseInLocation("2006-01-02 15:04", "2026-02-15 09:00", loc)
			h := newHarness(t, start, nil)
			s := h.scheduler("a", time.Minute, mustChannel(t, "C1", "09:00", "Asia/Shanghai", lang))
			days := h.sel.Candidates()
			if days < 21 {
				t.Fatalf("a cycle of %d days on the default corpus; want three weeks at least", days)
			}
			for d := range days {
				h.clock.Set(start.AddDate(0, 0, d))
				if res := s.RunDue(context.Background()); res[0].Outcome != OutcomePosted {
					t.Fatalf("day %d: %+v", d, res[0])
				}
			}
			posts := h.poster.postsTo("C1")
			if len(posts) != days {
				t.Fatalf("%d posts in %d days", len(posts), days)
			}
			var ids, all []string
			for _, p := range posts {
				all = append(all, p.IDs...)
				if len(p.IDs) == 0 || len(p.IDs) > 2 {
					t.Fatalf("post of %s carries %q, want its passage and insight", p.Date, p.IDs)
				}
				ids = append(ids, p.IDs[len(p.IDs)-1]) // the insight
			}
			for i := range ids {
				for j := range i {
					if h.sel.SameUnit(ids[i], ids[j]) {
						t.Errorf("days %d and %d posted one insight: %s, %s", j, i, ids[j], ids[i])
					}
				}
				if i > 0 && reportGroup(h.sel, ids[i]) == reportGroup(h.sel, ids[i-1]) {
					t.Errorf("days %d and %d both quote %s", i-1, i, reportGroup(h.sel, ids[i]))
				}
			}
			if lang == "zh" && !strings.Contains(strings.Join(all, " "), ".zh#") {
				t.Errorf("a Chinese channel never got the Chinese copy of an insight: %q", all)
			}
		})
	}
}

func reportGroup(s *Selector, id string) string {
	if k, ok := s.insightOf[id]; ok {
		return s.insights[k].group
	}
	i := s.byID[id]
	return s.units[s.unitOf[i]].group
}

func TestNotInChannel(t *testing.T) {
	loc := mustLoad(t, "Europe/Paris")
	day1, _ := time.ParseInLocation("2006-01-02 15:04", "2026-05-04 08:00", loc)
	h := newHarness(t, day1, nil)
	h.poster.postErr["CNOPE"] = notInChannel("CNOPE")
	nope := mustChannel(t, "CNOPE", "09:00", "Europe/Paris", "fr")
	ok := mustChannel(t, "COK", "09:00", "Europe/Paris", "fr")
	h.start(h.scheduler("a", time.Minute, nope, ok))

	h.clock.runUntil(t, day1.Add(6*time.Hour)) // 14:00, after 300 ticks
	if n := h.poster.attemptsTo("CNOPE"); n != 1 {
		t.Errorf("day 1: %d post attempts to a channel the bot is not in, want 1 (no retry loop)", n)
	}
	if n := len(h.poster.postsTo("COK")); n != 1 {
		t.Errorf("day 1: the other channel got %d posts, want 1", n)
	}
	if got := h.count(OutcomeNotInChannel); got != 1 {
		t.Errorf("not_in_channel counted %v times, want 1", got)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "not a member of the channel") || !strings.Contains(logs, "channel=CNOPE") || !strings.Contains(logs, "not_in_channel") {
		t.Errorf("no clear log line for the missing membership:\n%s", logs)
	}

	h.clock.runUntil(t, day1.Add(26*time.Hour)) // day 2, 10:00
	if n := h.poster.attemptsTo("CNOPE"); n != 2 {
		t.Errorf("after day 2: %d attempts, want 2 (a new day tries again)", n)
	}
	if got := h.count(OutcomeNotInChannel); got != 2 {
		t.Errorf("not_in_channel counted %v times, want 2", got)
	}
}

func TestTransientErrorIsRetriedOnTheNextTick(t *testing.T) {
	loc := mustLoad(t, "Europe/Paris")
	start, _ := time.ParseInLocation("2006-01-02 15:04", "2026-05-04 08:59", loc)
	h := newHarness(t, start, nil)
	h.poster.failNext = 1
	h.start(h.scheduler("a", time.Minute, mustChannel(t, "C1", "09:00", "Europe/Paris", "en")))
	h.clock.runUntil(t, start.Add(time.Hour))
	if got := localTimes(h.poster.postsTo("C1"), loc); joinLines(got) != "2026-05-04 09:01 +0200" {
		t.Errorf("posts at %q, want one at 09:01 after the failure at 09:00", got)
	}
	if e, p := h.count(OutcomeError), h.count(OutcomePosted); e != 1 || p != 1 {
		t.Errorf("error counted %v, posted %v; want 1 and 1", e, p)
	}
}

func TestParseChannel(t *testing.T) {
	tests := []struct {
		id, hhmm, zone, lang string
		wantLang             string
		wantErr              bool
	}{
		{"C1", "09:00", "Europe/Paris", "fr", "fr", false},
		{"C1", "09:00", "", "", "en", false},
		{"C1", "09:00", "Mars/Olympus", "fr", "", true},
		{"", "09:00", "UTC", "fr", "", true},
		{"C1", "23:59", "UTC", "pt-BR", "pt", false},
		{"C1", "07:00", "UTC", "tlh", "en", false},
	}
	for _, tt := range tests {
		c, err := ParseChannel(tt.id, tt.hhmm, tt.zone, tt.lang)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseChannel(%q, %q, %q, %q) error = %v, want error %v", tt.id, tt.hhmm, tt.zone, tt.lang, err, tt.wantErr)
			continue
		}
		if err == nil && c.Lang != tt.wantLang {
			t.Errorf("ParseChannel(%q, …, %q).Lang = %q, want %q", tt.id, tt.lang, c.Lang, tt.wantLang)
		}
	}
}
