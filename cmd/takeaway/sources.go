package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/takeaway-bot/takeaway/corpus"
)

// runSources prints the catalog: the events the reports are about (from metadata or inferred
// from the reports' own words) and the reports of each.
func runSources(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("sources", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	asJSON := fs.Bool("json", false, "print the catalog as JSON")
	reports := reportsFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := env.openAppWith(ctx, *reports)
	if err != nil {
		return err
	}
	defer a.Close()
	g := a.current()
	cat := g.reports
	line := func(r corpus.Report) string {
		l := reportLine(r.ID, r.Title, r.Publisher, r.Authors, r.Lang)
		if e, ok := g.added[r.ID]; ok {
			l += fmt.Sprintf(" — added as %s by %s on %s", e.ID, e.AddedBy, e.AddedAt.Format("2006-01-02"))
		}
		return l
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(cat)
	}
	for _, e := range cat.Events {
		how := ""
		if e.Inferred {
			how = " (read from the report)"
		}
		fmt.Fprintf(env.stdout, "%s%s\n", e.Label(), how)
		for _, id := range e.Reports {
			if r, ok := cat.Report(id); ok {
				fmt.Fprintf(env.stdout, "  %s\n", line(r))
			}
		}
	}
	if len(cat.Orphans) > 0 {
		fmt.Fprintln(env.stdout, "no event found")
		for _, id := range cat.Orphans {
			if r, ok := cat.Report(id); ok {
				fmt.Fprintf(env.stdout, "  %s\n", line(r))
			}
		}
	}
	return nil
}

func reportLine(id, title, publisher string, authors []string, lang string) string {
	var b strings.Builder
	b.WriteString(title)
	if publisher != "" {
		b.WriteString(" — " + publisher)
	}
	if len(authors) > 0 {
		b.WriteString(" (" + strings.Join(authors, ", ") + ")")
	}
	fmt.Fprintf(&b, " [%s, %s]", lang, id)
	return b.String()
}
