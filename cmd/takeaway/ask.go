package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

func runAsk(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	lang := fs.String("lang", "", "answer language when the question is too short to tell ("+strings.Join(i18n.Supported(), ", ")+")")
	asJSON := fs.Bool("json", false, "print the answer as JSON")
	debug := fs.Bool("passages", false, "also print the retrieved passages and their ranks")
	if err := fs.Parse(args); err != nil {
		return err
	}
	question := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if question == "" {
		return errors.New(`no question: try takeaway ask "Where will the next KubeCon Europe take place?"`)
	}
	if *lang != "" && !i18n.IsSupported(i18n.Base(*lang)) {
		return fmt.Errorf("--lang %q is not supported: use one of %s", *lang, strings.Join(i18n.Supported(), ", "))
	}
	a, err := env.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	q := answer.Question{Text: question, LangHint: *lang}
	ans, err := a.service.Ask(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(ans)
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
		hits, err := a.service.Retrieve(ctx, q, ans.Lang, 5)
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
