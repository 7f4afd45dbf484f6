package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/takeaway-bot/takeaway/internal/store"
)

// fillStore writes a week of activity into a bolt store in dir, relative to now: today and
// two days ago inside a 7-day window, forty days ago outside it.
func fillStore(t *testing.T, dir string, now time.Time) {
	t.Helper()
	st, err := store.OpenBolt(filepath.Join(dir, store.BoltFileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	today, twoDaysAgo, old := now, now.AddDate(0, 0, -2), now.AddDate(0, 0, -40)
	for _, q := range []store.QuestionLog{
		{At: old, Lang: "en", Outcome: store.OutcomeNotFound, Question: "Too old to count?"},
		{At: twoDaysAgo, Lang: "fr", Outcome: store.OutcomeAnswered, Question: "Où aura lieu la prochaine KubeCon ?"},
		{At: twoDaysAgo, Lang: "en", Outcome: store.OutcomeNotFound, Question: "What about\nRustConf?"},
		{At: today, Lang: "en", Outcome: store.OutcomeAnswered, Question: "Where is KubeCon?"},
		{At: today, Lang: "en", Outcome: store.OutcomeNotFound, Question: "Was there a talk on COBOL?"},
		{At: today, Lang: "en", Outcome: store.OutcomeNotFound, Question: "Was there a talk on COBOL?"},
		{At: today, Lang: "", Outcome: store.OutcomeError, Question: "hi"},
	} {
		if err := st.LogQuestion(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []store.Feedback{
		{UserID: "U1", Channel: "C1", MessageTS: "1.1", Vote: store.VoteUp, At: today},
		{UserID: "U2", Channel: "C1", MessageTS: "1.1", Vote: store.VoteUp, At: today},
		{UserID: "U3", Channel: "C1", MessageTS: "1.1", Vote: store.VoteUp, At: twoDaysAgo},
		{UserID: "U3", Channel: "C1", MessageTS: "1.2", Vote: store.VoteDown, At: twoDaysAgo},
		{UserID: "U4", Channel: "C1", MessageTS: "1.2", Vote: store.VoteDown, At: old},
	} {
		if err := st.RecordFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
}

// runTakeaway runs the binary's entry point in-process with the given environment.
func runTakeaway(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

func TestStatsJSON(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	fillStore(t, dir, now)
	code, stdout, stderr := runTakeaway(t, map[string]string{"TAKEAWAY_DATA_DIR": dir}, "stats", "--days", "7", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got statsReport
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	positive := 0.75
	want := statsReport{
		Since:     statsSince(now, 7),
		Days:      7,
		Questions: 6,
		PerDay: []store.DayCount{
			{Day: now.AddDate(0, 0, -2).UTC().Format(time.DateOnly), Questions: 2},
			{Day: now.UTC().Format(time.DateOnly), Questions: 4},
		},
		Languages:  []langCount{{"en", 4}, {"", 1}, {"fr", 1}},
		Up:         3,
		Down:       1,
		Positive:   &positive,
		NotCovered: []string{"Was there a talk on COBOL?", "What about\nRustConf?"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

func TestStatsText(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	fillStore(t, dir, now)
	code, stdout, stderr := runTakeaway(t, map[string]string{"TAKEAWAY_DATA_DIR": dir}, "stats", "--days=60")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Usage over the last 60 days (since " + statsSince(now, 60).Format(time.DateOnly) + " UTC): 7 questions",
		now.AddDate(0, 0, -40).UTC().Format(time.DateOnly) + "  1",
		"en         5  71%",
		"(unknown)  1  14%",
		"👍 3", "👎 2", "60% positive",
		"  - Was there a talk on COBOL?\n  - What about RustConf?\n  - Too old to count?\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestStatsEmptyStore(t *testing.T) {
	dir := t.TempDir()
	st, err := store.OpenBolt(filepath.Join(dir, store.BoltFileName))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, stdout, stderr := runTakeaway(t, map[string]string{"TAKEAWAY_DATA_DIR": dir}, "stats", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Empty lists, not nulls, so that scripts can iterate without checks.
	for _, want := range []string{`"questions": 0`, `"per_day": []`, `"languages": []`, `"positive_share": null`, `"not_covered": []`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("JSON lacks %s:\n%s", want, stdout)
		}
	}
	code, stdout, _ = runTakeaway(t, map[string]string{"TAKEAWAY_DATA_DIR": dir}, "stats")
	if code != 0 || !strings.Contains(stdout, "no votes") || !strings.Contains(stdout, ": 0 questions") {
		t.Errorf("exit %d, text output:\n%s", code, stdout)
	}
}

func TestStatsErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "never-served")
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"zero days", nil, []string{"--days", "0"}, "--days 0: use a number of days from 1"},
		{"too many days", nil, []string{"--days", "100000"}, "--days 100000"},
		{"not a number", nil, []string{"--days", "week"}, "invalid value"},
		{"stray argument", nil, []string{"today"}, `unexpected arguments ["today"]`},
		{"no store yet", map[string]string{"TAKEAWAY_DATA_DIR": missing}, nil, "takeaway serve has not run with TAKEAWAY_DATA_DIR=" + missing},
		{"unreachable database", map[string]string{"TAKEAWAY_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"}, nil, "open state store"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runTakeaway(t, tc.env, append([]string{"stats"}, tc.args...)...)
			if code == 0 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q: want a failure saying %q", code, stderr, tc.want)
			}
		})
	}
}

func TestStatsSince(t *testing.T) {
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, time.FixedZone("CET", 3600))
	for days, want := range map[int]string{1: "2026-03-10", 7: "2026-03-04", 30: "2026-02-09"} {
		if got := statsSince(now, days).Format(time.RFC3339); got != want+"T00:00:00Z" {
			t.Errorf("statsSince(%d) = %s, want %sT00:00:00Z", days, got, want)
		}
	}
}
