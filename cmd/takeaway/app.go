package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// app is the wired core: the corpus, its index and the answering service.
type app struct {
	corpus  *corpus.Corpus
	index   *retrieval.Index
	service *answer.Service
	catalog *i18n.Catalog
}

// appConfig is what building the core needs.
type appConfig struct {
	// DataDir holds ingested reports and the dense index snapshot; "" keeps everything in memory.
	DataDir string
	Logger  *slog.Logger
}

// reportsDir is where `takeaway ingest` keeps reports.
func reportsDir(dataDir string) string { return filepath.Join(dataDir, "reports") }

// newApp loads the default corpus plus ingested reports (a broken one is logged by name and
// skipped) and builds the index.
func newApp(ctx context.Context, cfg appConfig) (*app, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	loader := corpus.NewLoader(i18n.Supported())
	c, err := loader.Default()
	if err != nil {
		return nil, err
	}
	if cfg.DataDir != "" {
		dir := reportsDir(cfg.DataDir)
		if _, err := os.Stat(dir); err == nil {
			docs, errs := loader.LoadPaths(dir)
			for _, e := range errs {
				cfg.Logger.Warn("report skipped", "err", e)
			}
			for _, d := range docs {
				c.Add(d)
			}
		}
	}
	idx, err := retrieval.Build(ctx, c, retrieval.Options{DataDir: cfg.DataDir, Languages: i18n.Supported(), Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	cat, err := i18n.New()
	if err != nil {
		return nil, err
	}
	var topics, events []string
	seen := map[string]bool{}
	for _, r := range c.Reports {
		topic := r.Title
		if r.Publisher != "" {
			topic += " (" + r.Publisher + ")"
		}
		topics = append(topics, topic)
		if name := r.Event.Name; name != "" && !seen[name] {
			seen[name] = true
			if r.Event.City != "" {
				name += " (" + r.Event.City + ")"
			}
			events = append(events, name)
		}
	}
	sort.Strings(events)
	svc := answer.NewService(idx, cat, answer.Options{Logger: cfg.Logger, Topics: topics, Events: events})
	return &app{corpus: c, index: idx, service: svc, catalog: cat}, nil
}

func (a *app) Close() error {
	if err := a.index.Close(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}

// defaultDataDir follows the XDG convention: $XDG_DATA_HOME/takeaway or ~/.local/share/takeaway.
func defaultDataDir(getenv func(string) string) string {
	if d := getenv("TAKEAWAY_DATA_DIR"); d != "" {
		return d
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "takeaway")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "takeaway")
	}
	return ""
}
