package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/config"
	"github.com/takeaway-bot/takeaway/internal/digest"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/llm"
	"github.com/takeaway-bot/takeaway/internal/metrics"
	"github.com/takeaway-bot/takeaway/internal/question"
	"github.com/takeaway-bot/takeaway/internal/text"
	"github.com/takeaway-bot/takeaway/internal/text/stopwords"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// app is the wired core: the corpus, its index and the answering service.
type app struct {
	corpus  *corpus.Corpus
	reports *corpus.Catalog // events and reports known
	index   *retrieval.Index
	service *answer.Service
	catalog *i18n.Catalog
	log     *slog.Logger
	// writer is the configured model (counted in the metrics when serving), nil offline.
	writer answer.Writer
}

// takeawayWriter is the model for the daily takeaway: the answers' own, or none.
func (a *app) takeawayWriter() digest.Writer {
	if a.writer == nil {
		return nil
	}
	return a.writer
}

// reportsDir is where `takeaway ingest` keeps reports.
func reportsDir(dataDir string) string { return filepath.Join(dataDir, "reports") }

// newApp loads the default corpus plus ingested and configured reports (a broken one is logged
// by name and skipped), builds the index and, when a model is configured, connects it.
func newApp(ctx context.Context, cfg config.Config, log *slog.Logger, m *metrics.Metrics) (*app, error) {
	loader := corpus.NewLoader(i18n.Supported())
	c, err := loader.Default()
	if err != nil {
		return nil, err
	}
	var extra []string
	if cfg.DataDir != "" {
		if _, err := os.Stat(reportsDir(cfg.DataDir)); err == nil {
			extra = append(extra, reportsDir(cfg.DataDir))
		}
	}
	extra = append(extra, cfg.Reports...)
	if len(extra) > 0 {
		docs, errs := loader.LoadPaths(extra...)
		for _, e := range errs {
			log.Warn("report skipped", "err", e)
		}
		for _, d := range docs {
			c.Add(d)
		}
	}

	catalog := corpus.NewCatalog(c)
	catalog.ApplyTo(c)
	stops, err := stopwords.Load()
	if err != nil {
		return nil, err
	}
	analyzer, err := text.NewAnalyzer(nil, stops)
	if err != nil {
		return nil, err
	}
	opts := retrieval.Options{DataDir: cfg.DataDir, Languages: i18n.Supported(), Logger: log, Analyzer: analyzer}
	var writer answer.Writer
	if cfg.LLM.Provider != "" {
		lc := llmConfig(cfg)
		if err := lc.Validate(); err != nil {
			return nil, fmt.Errorf("model configuration: %w", err)
		}
		if cfg.LLM.Model != "" {
			client, err := llm.New(lc)
			if err != nil {
				return nil, err
			}
			writer = llm.NewWriter(client)
		}
		if cfg.LLM.EmbeddingModel != "" {
			emb, err := llm.NewEmbedder(lc)
			if err != nil {
				return nil, err
			}
			opts.Embedder, opts.EmbedderID = emb, llm.EmbedderID(lc)
		}
	}
	idx, err := retrieval.Build(ctx, c, opts)
	if err != nil && opts.Embedder != nil && errors.Is(err, llm.ErrUnavailable) {
		// The embeddings provider is down (or refuses the key) on a cold start: answer with the
		// built-in embedder and full text rather than not at all, and say why.
		why := "is unreachable: check TAKEAWAY_LLM_BASE_URL"
		if errors.Is(err, llm.ErrRefused) {
			why = "refused the credentials: check TAKEAWAY_LLM_API_KEY"
		}
		log.Warn("the embeddings provider "+why+"; answering with the built-in embedder until restart", "err", err)
		opts.Embedder, opts.EmbedderID = nil, ""
		idx, err = retrieval.Build(ctx, c, opts)
	}
	if err != nil {
		return nil, err
	}
	cat, err := i18n.New()
	if err != nil {
		return nil, err
	}
	var topics []string
	for _, r := range c.Reports {
		topic := r.Title
		if r.Publisher != "" {
			topic += " (" + r.Publisher + ")"
		}
		topics = append(topics, topic)
	}
	planner := question.NewPlanner(catalog, analyzer, loader.Places(), idx, i18n.Supported())
	var searcher answer.Searcher = idx
	if m != nil {
		searcher = timedSearcher{idx, m}
		if writer != nil {
			writer = countingWriter{writer, m}
		}
	}
	svc := answer.NewService(searcher, cat, answer.Options{
		Logger: log, Topics: topics, Events: catalog.Covered(), Writer: writer, CorpusLangs: idx.Languages(),
		Planner: planner, Catalog: catalog, ModelTimeout: modelTimeout(cfg),
	})
	return &app{corpus: c, reports: catalog, index: idx, service: svc, catalog: cat, log: log, writer: writer}, nil
}

// modelTimeout is the one deadline of a question's model calls: TAKEAWAY_LLM_TIMEOUT, or the
// default of one call.
func modelTimeout(cfg config.Config) time.Duration {
	if d := cfg.LLM.Timeout.Duration; d > 0 {
		return d
	}
	return llm.DefaultTimeout
}

func llmConfig(cfg config.Config) llm.Config {
	return llm.Config{
		Provider: cfg.LLM.Provider, BaseURL: cfg.LLM.BaseURL, APIKey: cfg.LLM.APIKey,
		Model: cfg.LLM.Model, EmbeddingModel: cfg.LLM.EmbeddingModel, Timeout: cfg.LLM.Timeout.Duration,
	}
}

func (a *app) Close() error {
	if err := a.index.Close(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}

// openApp loads the configuration (Slack settings not required) and builds the core for a
// terminal command, which logs warnings only.
func (e *environment) openApp(ctx context.Context) (*app, error) { return e.openAppWith(ctx, nil) }

// openAppWith is openApp with extra report files or folders (eval --reports).
func (e *environment) openAppWith(ctx context.Context, reports []string) (*app, error) {
	cfg, err := e.config(false)
	if err != nil {
		return nil, err
	}
	cfg.Reports = append(cfg.Reports, reports...)
	return newApp(ctx, cfg, newLogger(cfg, e.stderr, true), nil)
}

// newLogger builds the process logger from the configuration. Terminal commands (quiet) only
// show warnings unless debug logging is asked for.
func newLogger(cfg config.Config, w io.Writer, quiet bool) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	if quiet && level > slog.LevelDebug {
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
