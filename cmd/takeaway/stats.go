package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/takeaway-bot/takeaway/internal/store"
)

// maxStatsDays bounds --days; the question log is not meant for decade-long reports.
const maxStatsDays = 3650

// runStats prints how the bot has been used, from the state store that `takeaway serve`
// writes: questions per day, answer languages, thumbs up and down, and the questions the
// reports did not cover (what to add to the corpus next).
func runStats(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	days := fs.Int("days", 30, "report on the last N days (UTC), today included")
	asJSON := fs.Bool("json", false, "print the statistics as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: takeaway stats [--days N] [--json]", fs.Args())
	}
	if *days < 1 || *days > maxStatsDays {
		return fmt.Errorf("--days %d: use a number of days from 1 to %d, e.g. --days 7", *days, maxStatsDays)
	}
	cfg, err := env.config(false)
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		// Opening would create an empty store; say instead where the bot keeps its state.
		path := filepath.Join(cfg.DataDir, store.BoltFileName)
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("no state store at %s: takeaway serve has not run with TAKEAWAY_DATA_DIR=%s (or set TAKEAWAY_DATABASE_URL to read the shared PostgreSQL state)", path, cfg.DataDir)
		}
	}
	st, err := store.Open(ctx, cfg.DataDir, cfg.DatabaseURL)
	if err != nil {
		if cfg.DatabaseURL == "" {
			// bbolt allows one process at a time: a running bot holds the file.
			return fmt.Errorf("open state store (if takeaway serve is running on this data dir, stop it or share the state through TAKEAWAY_DATABASE_URL): %w", err)
		}
		return fmt.Errorf("open state store: %w", err)
	}
	defer st.Close()

	since := statsSince(time.Now(), *days)
	s, err := st.Stats(ctx, since)
	if err != nil {
		return fmt.Errorf("read usage statistics: %w", err)
	}
	r := newStatsReport(s, since, *days)
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return r.write(env.stdout)
}

// statsSince is the start of the UTC day days-1 days before now, so that --days 1 means today.
func statsSince(now time.Time, days int) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -(days - 1))
}

// statsReport is what takeaway stats prints, in text or as JSON.
type statsReport struct {
	Since     time.Time `json:"since"`
	Days      int       `json:"days"`
	Questions int       `json:"questions"`
	// PerDay lists the UTC days with at least one question, oldest first.
	PerDay    []store.DayCount `json:"per_day"`
	Languages []langCount      `json:"languages"`
	Up        int              `json:"thumbs_up"`
	Down      int              `json:"thumbs_down"`
	// Positive is the share of thumbs up among the votes, or null without votes.
	Positive *float64 `json:"positive_share"`
	// NotCovered are the questions answered "not covered", most recent first.
	NotCovered []string `json:"not_covered"`
}

// langCount is the number of questions answered in one language.
type langCount struct {
	Lang      string `json:"lang"`
	Questions int    `json:"questions"`
}

func newStatsReport(s store.Stats, since time.Time, days int) statsReport {
	r := statsReport{
		Since: since, Days: days, Questions: s.Total, PerDay: s.Days,
		Languages: []langCount{}, Up: s.Up, Down: s.Down, NotCovered: s.NotFound,
	}
	if r.PerDay == nil {
		r.PerDay = []store.DayCount{}
	}
	if r.NotCovered == nil {
		r.NotCovered = []string{}
	}
	for lang, n := range s.Languages {
		r.Languages = append(r.Languages, langCount{Lang: lang, Questions: n})
	}
	slices.SortFunc(r.Languages, func(a, b langCount) int {
		return cmp.Or(cmp.Compare(b.Questions, a.Questions), strings.Compare(a.Lang, b.Lang))
	})
	if votes := s.Up + s.Down; votes > 0 {
		p := float64(s.Up) / float64(votes)
		r.Positive = &p
	}
	return r
}

// write prints the report for a person: one section per question an operator asks.
func (r statsReport) write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Usage over the last %d days (since %s UTC): %d questions\n", r.Days, r.Since.Format(time.DateOnly), r.Questions)

	fmt.Fprintln(tw, "\nQuestions per day (days without questions omitted)")
	if len(r.PerDay) == 0 {
		fmt.Fprintln(tw, "  none")
	}
	most := 0
	for _, d := range r.PerDay {
		most = max(most, d.Questions)
	}
	for _, d := range r.PerDay {
		fmt.Fprintf(tw, "  %s\t%d\t%s\n", d.Day, d.Questions, bar(d.Questions, most, 30))
	}

	fmt.Fprintln(tw, "\nLanguages")
	if len(r.Languages) == 0 {
		fmt.Fprintln(tw, "  none")
	}
	for _, l := range r.Languages {
		name := l.Lang
		if name == "" {
			name = "(unknown)"
		}
		fmt.Fprintf(tw, "  %s\t%d\t%.0f%%\n", name, l.Questions, 100*float64(l.Questions)/float64(max(r.Questions, 1)))
	}

	fmt.Fprintln(tw, "\nFeedback")
	if r.Positive == nil {
		fmt.Fprintln(tw, "  no votes")
	} else {
		fmt.Fprintf(tw, "  👍 %d\t👎 %d\t%.0f%% positive\n", r.Up, r.Down, 100**r.Positive)
	}

	fmt.Fprintln(tw, "\nNot covered by the reports (most recent first; add reports on these)")
	if len(r.NotCovered) == 0 {
		fmt.Fprintln(tw, "  none")
	}
	for _, q := range r.NotCovered {
		fmt.Fprintf(tw, "  - %s\n", oneLine(q))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write statistics: %w", err)
	}
	return nil
}

// bar draws n out of most as a bar at most width characters long.
func bar(n, most, width int) string {
	if most <= 0 || n <= 0 {
		return ""
	}
	return strings.Repeat("▇", max(1, n*width/most))
}

// oneLine keeps a multi-line question on one line of the report.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
