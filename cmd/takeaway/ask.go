package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/question"
)

func runAsk(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	lang := fs.String("lang", "", "answer language when the question is too short to tell ("+strings.Join(i18n.Supported(), ", ")+")")
	asJSON := fs.Bool("json", false, "print the answer as JSON")
	debug := fs.Bool("passages", false, "also print the retrieved passages and their ranks")
	explain := fs.Bool("explain", false, "also print how the question was read: intent, scope, subject")
	reports := reportsFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if text == "" {
		return errors.New(`no question: try takeaway ask "Where will the next KubeCon Europe take place?"`)
	}
	if *lang != "" && !i18n.IsSupported(i18n.Base(*lang)) {
		return fmt.Errorf("--lang %q is not supported: use one of %s", *lang, strings.Join(i18n.Supported(), ", "))
	}
	a, err := env.openAppWith(ctx, *reports)
	if err != nil {
		return err
	}
	defer a.Close()
	q := answer.Question{Text: text, LangHint: *lang}
	ans, err := a.current().service.Ask(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(ans)
	}
	if *explain && ans.Plan != nil {
		printPlan(env.stdout, a.current().reports, *ans.Plan)
	}
	fmt.Fprintln(env.stdout, ans.Text)
	if ans.Note != "" {
		fmt.Fprintln(env.stdout, "\n"+ans.Note)
	}
	for _, s := range ans.Suggestions {
		fmt.Fprintln(env.stdout, "  • "+s)
	}
	if src := answer.Sources(a.catalog, ans); src != "" {
		fmt.Fprintln(env.stdout, "\n"+strings.TrimRight(src, "\n"))
	}
	if *debug {
		hits, err := a.current().service.Retrieve(ctx, q, ans.Lang, 5)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.stdout)
		for i, h := range hits {
			fmt.Fprintf(env.stdout, "#%d %.4f lexical=%d dense=%d %s [%s]\n   %s\n", i+1, h.Score, h.LexicalRank, h.DenseRank, h.Passage.ID, h.Passage.Section, h.Passage.Text)
		}
	}
	return nil
}

// printPlan shows the question plan: what the question asks, within what, about what.
func printPlan(w io.Writer, cat *corpus.Catalog, p question.Plan) {
	fmt.Fprintf(w, "intent:  %s\n", p.Intent)
	scope := "all reports"
	if p.Scope.Outside() {
		scope = "outside the catalog: " + strings.Join(p.Scope.Unknown, ", ")
	} else if p.Scope.Limited() {
		var titles []string
		for _, id := range p.Scope.Reports {
			if r, ok := cat.Report(id); ok {
				titles = append(titles, fmt.Sprintf("%s [%s]", r.Title, id))
			}
		}
		scope = strings.Join(titles, "; ")
	}
	fmt.Fprintf(w, "scope:   %s\n", scope)
	if len(p.Scope.Named) > 0 {
		fmt.Fprintf(w, "         named by: %s\n", strings.Join(p.Scope.Named, ", "))
	}
	if p.Scope.Year > 0 || p.Scope.Day != "" || len(p.Scope.Langs) > 0 {
		fmt.Fprintf(w, "         year %d, day %q, report languages %v\n", p.Scope.Year, p.Scope.Day, p.Scope.Langs)
	}
	fmt.Fprintf(w, "subject: %s\n", strings.Join(p.Subject, ", "))
	fmt.Fprintf(w, "search:  %q\n\n", p.Search)
}
