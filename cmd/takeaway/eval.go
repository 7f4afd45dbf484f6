package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/eval"
	"github.com/takeaway-bot/takeaway/retrieval"
)

func runEval(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	cases := fs.String("cases", "", "JSON Lines file of evaluation cases (required)")
	k := fs.Int("k", 10, "passages retrieved per question (MRR counts ranks up to 10)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	verbose := fs.Bool("v", false, "list every case")
	reports := reportsFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cases == "" {
		return errors.New("--cases FILE is required")
	}
	f, err := os.Open(*cases)
	if err != nil {
		return fmt.Errorf("open cases: %w", err)
	}
	cs, err := eval.ReadCases(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", *cases, err)
	}
	a, err := env.openAppWith(ctx, *reports)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := eval.Run(ctx, evalSystem{a.current().service, a.current().index}, a.current().service, cs, *k)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		return enc.Encode(rep)
	}
	fmt.Fprintf(env.stdout, "cases %d (%d off-topic)  recall@1 %.3f  recall@5 %.3f  MRR %.3f", rep.Cases, rep.OffTopic, rep.RecallAt1, rep.RecallAt5, rep.MRR)
	if rep.Facts != nil {
		fmt.Fprintf(env.stdout, "  facts %.3f", *rep.Facts)
	}
	if rep.Cited != nil {
		fmt.Fprintf(env.stdout, "  cited %.3f", *rep.Cited)
	}
	if rep.Language != nil {
		fmt.Fprintf(env.stdout, "  language %.3f", *rep.Language)
	}
	if rep.FalseNotCovered != nil {
		fmt.Fprintf(env.stdout, "  false not-covered %.3f", *rep.FalseNotCovered)
	}
	if rep.OffTopicAnswered != nil {
		fmt.Fprintf(env.stdout, "  off-topic answered %.3f", *rep.OffTopicAnswered)
	}
	fmt.Fprintf(env.stdout, "  p50 %.2f ms  p99 %.2f ms\n", rep.P50MS, rep.P99MS)
	langs := make([]string, 0, len(rep.ByLang))
	for l := range rep.ByLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		s := rep.ByLang[l]
		fmt.Fprintf(env.stdout, "  %-3s cases %2d  recall@5 %.3f", l, s.Cases, s.RecallAt5)
		if s.Facts != nil {
			fmt.Fprintf(env.stdout, "  facts %.3f", *s.Facts)
		}
		fmt.Fprintln(env.stdout)
	}
	for _, d := range rep.Details {
		good := d.Rank >= 1 && d.Rank <= 5 && (!d.Answered || (d.FactsOK && d.LangOK))
		if d.Case.Offtopic {
			good = !d.Answered || (d.NotCovered && d.LangOK)
		}
		if !*verbose && good {
			continue
		}
		fmt.Fprintf(env.stdout, "%s [%s %s] rank=%d facts=%v lang=%v not_covered=%v  %s\n", d.Case.ID, d.Case.Lang, d.Case.Kind, d.Rank, d.FactsOK, d.LangOK, d.NotCovered, d.Case.Q)
		if d.Answered && (*verbose || !good) {
			fmt.Fprintf(env.stdout, "    %s\n", strings.ReplaceAll(d.Answer, "\n", "\n    "))
		}
	}
	return nil
}

// evalSystem runs the full in-process pipeline for one question.
type evalSystem struct {
	svc   *answer.Service
	index *retrieval.Index
}

func (s evalSystem) Run(ctx context.Context, question string, depth int) (eval.Result, error) {
	q := answer.Question{Text: question}
	lang := s.svc.Language(q)
	res := eval.Result{}
	hits, err := s.svc.Retrieve(ctx, q, lang, depth)
	if err != nil && !errors.Is(err, answer.ErrEmptyQuestion) {
		return eval.Result{}, err
	}
	for _, h := range hits {
		res.Passages = append(res.Passages, h.Passage.Section+"\n"+h.Passage.Text)
	}
	start := time.Now()
	a, err := s.svc.Ask(ctx, q)
	res.Elapsed = time.Since(start)
	if errors.Is(err, answer.ErrEmptyQuestion) {
		// The bot answers a question with no words with its help, never with a quote.
		res.Answered, res.NotCovered = true, true
		return res, nil
	}
	if err != nil {
		return eval.Result{}, err
	}
	res.Answer, res.Answered, res.NotCovered = a.Text, true, a.NotFound
	for _, c := range a.Citations {
		if p, ok := s.index.Passage(c.PassageID); ok {
			res.Cited = append(res.Cited, p.Section+"\n"+p.Text)
		}
	}
	return res, nil
}

// reportsFlag adds --reports to a command: report files or folders loaded beside the
// configured ones (comma-separated, repeatable).
func reportsFlag(fs *flag.FlagSet) *[]string {
	var reports []string
	fs.Func("reports", "also load these report files or folders (comma-separated; repeatable)", func(v string) error {
		reports = append(reports, splitList(v)...)
		return nil
	})
	return &reports
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
