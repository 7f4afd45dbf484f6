package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/takeaway-bot/takeaway/internal/answer"
)

func runAsk(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	lang := fs.String("lang", "", "answer language when the question is too short to tell (en, fr, sv, zh, de, es, ja, pt, it, nl)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	question := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if question == "" {
		return errors.New(`no question: try takeaway ask "Where will the next KubeCon Europe take place?"`)
	}
	a, err := newApp(ctx, appConfig{DataDir: defaultDataDir(env.getenv)})
	if err != nil {
		return err
	}
	defer a.Close()
	q := answer.Question{Text: question, LangHint: *lang}
	l := a.service.Language(q)
	hits, err := a.service.Retrieve(ctx, q, l, 5)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "lang=%s\n", l)
	for i, h := range hits {
		fmt.Fprintf(env.stdout, "[%d] %.4f lex=%d dense=%d %s (%s)\n    %s\n", i+1, h.Score, h.LexicalRank, h.DenseRank, h.Passage.ID, h.Passage.Section, h.Passage.Text)
	}
	return nil
}
