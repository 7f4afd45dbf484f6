package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/config"
	"github.com/takeaway-bot/takeaway/internal/digest"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/library"
	"github.com/takeaway-bot/takeaway/internal/llm"
	"github.com/takeaway-bot/takeaway/internal/metrics"
	"github.com/takeaway-bot/takeaway/internal/question"
	"github.com/takeaway-bot/takeaway/internal/store"
	"github.com/takeaway-bot/takeaway/internal/text"
	"github.com/takeaway-bot/takeaway/internal/text/stopwords"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// app is the wired core: the reports, their index and the answering service, as one
// generation that is replaced whole (atomically) when a report is added or removed.
type app struct {
	// onChange, when set, is called after the reports changed (the bot republishes Home tabs).
	onChange atomic.Pointer[func()]
	// base are the reports every generation starts from: the default corpus (unless switched
	// off) and the report files configured or kept in the data directory.
	base    []corpus.Document
	loader  *corpus.Loader
	library *library.Library // the reports a team added; nil without a state store
	opts    retrieval.Options
	catalog *i18n.Catalog
	log     *slog.Logger
	m       *metrics.Metrics
	cfg     config.Config
	// writer is the configured model (counted in the metrics when serving), nil offline.
	writer answer.Writer

	mu  sync.Mutex // one rebuild at a time
	gen atomic.Pointer[generation]
	// store is the state store a terminal command opened for the library (nil when none, or
	// when serving: serve owns its store).
	store store.Store
}

// generation is one consistent state of the reports and everything built from them. A
// question holds one generation from start to end, so it sees the old reports or the new
// ones, never a mix; a replaced generation is closed once its last question is done.
type generation struct {
	corpus  *corpus.Corpus
	reports *corpus.Catalog // events and reports known
	index   *retrieval.Index
	service *answer.Service
	// added maps a corpus report ID to the library entry it came from (documents dropped).
	added   map[string]library.Entry
	version int64 // the library version it was built from
	// selector picks the daily takeaway, made when first needed.
	selectorOnce sync.Once
	selector     *digest.Selector
	// refs counts the holders: 1 for being current, plus one per question in flight.
	refs   atomic.Int64
	closed func() error
}

func (g *generation) release() {
	if g.refs.Add(-1) == 0 && g.closed != nil {
		_ = g.closed()
	}
}

// current returns the generation in use, held until release is called.
func (a *app) acquire() *generation {
	for {
		g := a.gen.Load()
		if n := g.refs.Load(); n > 0 && g.refs.CompareAndSwap(n, n+1) {
			return g
		}
	}
}

// current is the generation in use, for a terminal command (no updates run meanwhile).
func (a *app) current() *generation { return a.gen.Load() }

// takeawayWriter is the model for the daily takeaway: the answers' own, or none.
func (a *app) takeawayWriter() digest.Writer {
	if a.writer == nil {
		return nil
	}
	return a.writer
}

// reportsDir is where earlier versions of `takeaway ingest` kept reports; they are still read.
func reportsDir(dataDir string) string { return filepath.Join(dataDir, "reports") }

// newApp loads the default corpus plus configured report files and the reports of the
// library (a broken one is logged by name and skipped), builds the index and, when a model is
// configured, connects it. lib may be nil.
func newApp(ctx context.Context, cfg config.Config, log *slog.Logger, m *metrics.Metrics, lib *library.Library) (*app, error) {
	loader := corpus.NewLoader(i18n.Supported())
	var base []corpus.Document
	if cfg.DefaultCorpus {
		c, err := loader.Default()
		if err != nil {
			return nil, err
		}
		for _, r := range c.Reports {
			d := corpus.Document{Report: r}
			for _, p := range c.Passages {
				if p.ReportID == r.ID {
					d.Passages = append(d.Passages, p)
				}
			}
			base = append(base, d)
		}
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
		base = append(base, docs...)
	}
	stops, err := stopwords.Load()
	if err != nil {
		return nil, err
	}
	analyzer, err := text.NewAnalyzer(nil, stops)
	if err != nil {
		return nil, err
	}
	cat, err := i18n.New()
	if err != nil {
		return nil, err
	}
	a := &app{base: base, loader: loader, library: lib, catalog: cat, log: log, m: m, cfg: cfg,
		opts: retrieval.Options{DataDir: cfg.DataDir, Languages: i18n.Supported(), Logger: log, Analyzer: analyzer}}
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
			a.writer = llm.NewWriter(client)
			if m != nil {
				a.writer = countingWriter{a.writer, m}
			}
		}
		if cfg.LLM.EmbeddingModel != "" {
			emb, err := llm.NewEmbedder(lc)
			if err != nil {
				return nil, err
			}
			a.opts.Embedder, a.opts.EmbedderID = emb, llm.EmbedderID(lc)
		}
	}
	g, err := a.build(ctx, nil)
	if err != nil {
		return nil, err
	}
	a.gen.Store(g)
	return a, nil
}

// build makes a generation from the base reports and the library's, reusing the vectors of
// prev (when given) for the passages it already had.
func (a *app) build(ctx context.Context, prev *generation) (*generation, error) {
	g := &generation{added: map[string]library.Entry{}}
	c := &corpus.Corpus{}
	taken := map[string]bool{}
	for _, d := range a.base {
		c.Add(d)
		taken[d.Report.ID] = true
	}
	if a.library != nil {
		v, err := a.library.Version(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the reports' version: %w", err)
		}
		entries, errs := a.library.Entries(ctx, taken)
		for _, e := range errs {
			a.log.Warn("stored report skipped", "err", e)
		}
		for _, e := range entries {
			c.Add(e.Doc)
			e.Doc = corpus.Document{}
			g.added[c.Reports[len(c.Reports)-1].ID] = e
		}
		g.version = v
	}
	catalog := corpus.NewCatalog(c)
	catalog.ApplyTo(c)
	g.corpus, g.reports = c, catalog

	var topics []string
	for _, r := range c.Reports {
		topic := r.Title
		if r.Publisher != "" {
			topic += " (" + r.Publisher + ")"
		}
		topics = append(topics, topic)
	}
	var searcher answer.Searcher = emptyIndex{}
	var vocab question.Vocabulary = emptyIndex{}
	var langs []string
	if len(c.Passages) > 0 {
		opts := a.opts
		if prev != nil {
			opts.Previous = prev.index
		}
		idx, err := retrieval.Build(ctx, c, opts)
		if err != nil && opts.Embedder != nil && errors.Is(err, llm.ErrUnavailable) {
			// The embeddings provider is down (or refuses the key) on a cold start: answer with
			// the built-in embedder and full text rather than not at all, and say why.
			why := "is unreachable: check TAKEAWAY_LLM_BASE_URL"
			if errors.Is(err, llm.ErrRefused) {
				why = "refused the credentials: check TAKEAWAY_LLM_API_KEY"
			}
			a.log.Warn("the embeddings provider "+why+"; answering with the built-in embedder until restart", "err", err)
			a.opts.Embedder, a.opts.EmbedderID = nil, ""
			opts.Embedder, opts.EmbedderID, opts.Previous = nil, "", nil
			idx, err = retrieval.Build(ctx, c, opts)
		}
		if err != nil {
			return nil, err
		}
		g.index, g.closed = idx, idx.Close
		searcher, vocab, langs = idx, idx, idx.Languages()
	}
	planner := question.NewPlanner(catalog, a.opts.Analyzer, a.loader.Places(), vocab, i18n.Supported())
	if a.m != nil && g.index != nil {
		searcher = timedSearcher{g.index, a.m}
	}
	g.service = answer.NewService(searcher, a.catalog, answer.Options{
		Logger: a.log, Topics: topics, Events: catalog.Covered(), Writer: a.writer, CorpusLangs: langs,
		Planner: planner, Catalog: catalog, ModelTimeout: modelTimeout(a.cfg), Places: a.loader.Places(),
	})
	g.service.Warm(ctx, c)
	g.refs.Store(1)
	return g, nil
}

// refresh rebuilds the generation when the library changed since it was built, and swaps it
// in; questions in flight finish on the old one. It reports whether it swapped.
func (a *app) refresh(ctx context.Context) (bool, error) {
	if a.library == nil {
		return false, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.gen.Load()
	v, err := a.library.Version(ctx)
	if err != nil {
		return false, fmt.Errorf("read the reports' version: %w", err)
	}
	if v == old.version {
		return false, nil
	}
	start := time.Now()
	g, err := a.build(ctx, old)
	if err != nil {
		return false, err
	}
	a.gen.Store(g)
	old.release()
	embedded := 0
	if g.index != nil {
		embedded = g.index.Embedded
	}
	a.log.Info("reports updated", "reports", len(g.corpus.Reports), "passages", len(g.corpus.Passages),
		"embedded", embedded, "version", g.version, "took", time.Since(start).Round(time.Millisecond))
	if f := a.onChange.Load(); f != nil {
		(*f)()
	}
	return true, nil
}

// watch refreshes the generation every interval until ctx ends, so that a report added or
// removed through any replica is used within seconds.
func (a *app) watch(ctx context.Context, interval time.Duration) {
	if a.library == nil {
		return
	}
	if interval <= 0 {
		interval = 2 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := a.refresh(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("could not update the reports; answering from the ones loaded", "err", err)
			}
		}
	}
}

// emptyIndex stands in for the index of a library with no reports yet: every question is
// not covered.
type emptyIndex struct{}

func (emptyIndex) Search(context.Context, retrieval.Query) ([]retrieval.Hit, error) { return nil, nil }
func (emptyIndex) Concepts(string, string) []retrieval.Concept                      { return nil }
func (emptyIndex) Section(string) []retrieval.Hit                                   { return nil }
func (emptyIndex) Known(string) bool                                                { return false }

// liveService answers each question from the generation current when it arrives.
type liveService struct{ a *app }

func (s liveService) Ask(ctx context.Context, q answer.Question) (answer.Answer, error) {
	g := s.a.acquire()
	defer g.release()
	return g.service.Ask(ctx, q)
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

// Close releases the current generation (its full-text index) once no question holds it.
func (a *app) Close() error {
	if g := a.gen.Load(); g != nil {
		g.release()
	}
	if a.store != nil {
		if err := a.store.Close(); err != nil {
			return fmt.Errorf("close state store: %w", err)
		}
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
	log := newLogger(cfg, e.stderr, true)
	st := openStoreIfAny(ctx, cfg, log)
	var lib *library.Library
	if st != nil {
		lib = library.New(st, corpus.NewLoader(i18n.Supported()), cfg.MaxReportBytes)
	}
	a, err := newApp(ctx, cfg, log, nil, lib)
	if err != nil {
		if st != nil {
			st.Close()
		}
		return nil, err
	}
	a.store = st
	return a, nil
}

// openStoreIfAny opens the state store for a terminal command, for the reports added to it:
// PostgreSQL when configured, else the data directory's state file when there is one. A store
// that cannot be opened (a running bot holds the state file) is warned about, and the command
// goes on without the reports added to it; nil then.
func openStoreIfAny(ctx context.Context, cfg config.Config, log *slog.Logger) store.Store {
	if cfg.DatabaseURL == "" {
		if cfg.DataDir == "" {
			return nil
		}
		if _, err := os.Stat(filepath.Join(cfg.DataDir, store.BoltFileName)); err != nil {
			return nil
		}
	}
	st, err := store.Open(ctx, cfg.DataDir, cfg.DatabaseURL)
	if err != nil {
		log.Warn("the reports added to the state store are not used: it could not be opened (a running bot on this data directory holds it; share the state through TAKEAWAY_DATABASE_URL)", "err", err)
		return nil
	}
	return st
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
