package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// runIngest validates report files and copies the good ones into the data directory, where
// every later command (ask, serve, eval) finds them. Broken files are named and skipped.
func runIngest(_ context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		return errors.New("no path: takeaway ingest FILE_OR_FOLDER…")
	}
	cfg, err := env.config(false)
	if err != nil {
		return err
	}
	dataDir := cfg.DataDir
	dir := reportsDir(dataDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	loader := corpus.NewLoader(i18n.Supported())
	docs, errs := loader.LoadPaths(args...)
	for _, e := range errs {
		fmt.Fprintf(env.stderr, "skipped: %v\n", e)
	}
	added := 0
	for _, d := range docs {
		src := d.Report.Source
		data, err := os.ReadFile(src)
		if err != nil {
			fmt.Fprintf(env.stderr, "skipped: %s: %v\n", src, err)
			continue
		}
		dst := filepath.Join(dir, filepath.Base(src))
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return fmt.Errorf("copy %s: %w", src, err)
		}
		added++
		fmt.Fprintf(env.stdout, "added %s: %q (%s, %d passages)\n", filepath.Base(src), d.Report.Title, d.Report.Lang, len(d.Passages))
	}
	fmt.Fprintf(env.stdout, "%d report(s) added to %s, %d skipped\n", added, dir, len(errs))
	if added == 0 && len(errs) > 0 {
		return errors.New("no report could be loaded")
	}
	return nil
}
