package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/takeaway-bot/takeaway/bot"
	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/config"
	"github.com/takeaway-bot/takeaway/internal/fetch"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/library"
	"github.com/takeaway-bot/takeaway/internal/metrics"
	"github.com/takeaway-bot/takeaway/internal/store"
)

// runServe runs the Slack bot: Socket Mode and/or HTTP, with health, readiness and metrics on
// TAKEAWAY_ADDR, until interrupted; in-flight answers are drained on the way out.
func runServe(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q: configure serve with environment variables (see takeaway config)", args)
	}
	cfg, err := env.config(true)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.stderr, false)
	m := metrics.New()
	st, err := store.Open(ctx, cfg.DataDir, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("open state store: %w", err)
	}
	defer st.Close()
	lib := library.New(st, corpus.NewLoader(i18n.Supported()), cfg.MaxReportBytes)
	a, err := newApp(ctx, cfg, log, m, lib)
	if err != nil {
		return err
	}
	defer a.Close()
	// Reports added or removed through another replica (or `takeaway ingest` on PostgreSQL)
	// are picked up within one poll.
	watchCtx, stopWatch := context.WithCancel(ctx)
	var watching sync.WaitGroup
	watching.Go(func() { a.watch(watchCtx, cfg.ReportsPoll.Duration) })
	defer func() { stopWatch(); watching.Wait() }()

	ready := &readiness{}
	var daily []bot.DailySchedule
	if cfg.Daily.Enabled {
		for _, d := range cfg.Daily.Channels {
			daily = append(daily, bot.DailySchedule{Channel: d.Channel, Time: d.Time, TimeZone: d.TimeZone, Lang: d.Lang})
		}
	}
	botCfg := bot.Config{
		Admins:        cfg.Slack.Admins,
		AddReports:    cfg.Slack.AddReports,
		Library:       botLibrary{a: a, fetch: fetch.Options{AllowPrivate: cfg.FetchAllowPrivate, MaxBytes: lib.MaxBytes()}},
		Daily:         daily,
		Channels:      channelModes(cfg.Slack),
		AllowChannels: cfg.Slack.AllowChannels,
		FollowUpQuiet: cfg.Slack.FollowUpQuiet.Duration,
		Questions:     questionTester{a},
		BotToken:      cfg.Slack.BotToken,
		AppToken:      cfg.Slack.AppToken,
		SigningSecret: cfg.Slack.SigningSecret,
		APIURL:        cfg.Slack.APIURL,
		Addr:          cfg.Addr,
		RatePerUser:   cfg.Slack.RatePerUser,
		MaxConcurrent: cfg.Slack.MaxConcurrent,
		RequestLease:  cfg.Slack.RequestLease.Duration,
		HTTPClient:    &http.Client{Timeout: 30 * time.Second, Transport: metrics.Transport{Metrics: m}},
		Logger:        log,
		Routes: map[string]http.Handler{
			"GET /healthz": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") }),
			"GET /readyz":  ready,
			"GET /metrics": m.Handler(),
		},
	}
	b, err := bot.New(botCfg, liveService{a}, corpusSources{a}, botStore{st: st, m: m})
	if err != nil {
		return err
	}
	// The Home tabs list the reports: they are published again when the reports change.
	refreshHomes := func() { b.RefreshHomes(ctx) }
	a.onChange.Store(&refreshHomes)
	// Run fails fast, naming the token, when Slack rejects it, and waits out a Slack outage
	// for up to two minutes, /readyz saying "not ready" meanwhile.
	ready.check = b.Check
	if cfg.Daily.Enabled {
		// The daily poster calls Slack as the bot does: same token, API URL and HTTP client.
		poster, err := bot.NewDailyPoster(botCfg)
		if err != nil {
			return err
		}
		stopDaily, err := startDaily(ctx, cfg, a, st, poster, m, log)
		if err != nil {
			return err
		}
		defer stopDaily()
	}
	log.Info("takeaway serving", "reports", len(a.current().corpus.Reports), "passages", len(a.current().corpus.Passages),
		"socket_mode", cfg.Slack.AppToken != "", "http_mode", cfg.Slack.SigningSecret != "", "addr", cfg.Addr)
	if err := b.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	log.Info("takeaway stopped")
	return nil
}

// readiness answers /readyz: the index is loaded (it is, once serving) and Slack answers
// auth.test. The Slack check is cached for a few seconds so probes do not hammer the API.
type readiness struct {
	check func(context.Context) error

	mu      sync.Mutex
	checked time.Time
	last    error
}

func (r *readiness) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if r.check == nil {
		http.Error(w, "starting", http.StatusServiceUnavailable)
		return
	}
	r.mu.Lock()
	if time.Since(r.checked) > 10*time.Second {
		ctx, cancel := context.WithTimeout(req.Context(), 5*time.Second)
		r.last = r.check(ctx)
		cancel()
		r.checked = time.Now()
	}
	err := r.last
	r.mu.Unlock()
	if err != nil {
		http.Error(w, "slack unreachable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// channelModes are the channel modes the configuration names.
func channelModes(s config.Slack) map[string]bot.ChannelMode {
	modes := map[string]bot.ChannelMode{}
	for _, c := range s.HelpChannels {
		modes[c] = bot.ModeHelp
	}
	for _, c := range s.MentionsOnlyChannels {
		modes[c] = bot.ModeMentions
	}
	return modes
}

// questionTester tells questions from chatter with the current generation's planner.
type questionTester struct{ a *app }

func (q questionTester) IsQuestion(text string) bool {
	g := q.a.acquire()
	defer g.release()
	return g.service.IsQuestion(text)
}
