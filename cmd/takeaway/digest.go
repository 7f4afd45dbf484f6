package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/takeaway-bot/takeaway/bot"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/config"
	"github.com/takeaway-bot/takeaway/internal/digest"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	langid "github.com/takeaway-bot/takeaway/internal/lang"
	"github.com/takeaway-bot/takeaway/internal/metrics"
	"github.com/takeaway-bot/takeaway/internal/store"
)

// runDigest prints the daily takeaway of a date, or posts it to a channel with the same
// exactly-once ledger as the scheduler of `takeaway serve`.
//
// Printing uses the empty state (no passage posted yet), so the output depends on the date
// alone: consecutive dates walk the take-away rotation. Posting uses the channel's ledger.
func runDigest(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("digest", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	date := fs.String("date", "", "the day, YYYY-MM-DD (default today in UTC, or in the channel's time zone with --post)")
	lang := fs.String("lang", "", "the takeaway's language ("+strings.Join(i18n.Supported(), ", ")+"; default the channel's, else en)")
	asJSON := fs.Bool("json", false, "print {date, lang, headline, insight_id, passage_ids, text, citations} as JSON")
	post := fs.String("post", "", "post to this channel ID (needs SLACK_BOT_TOKEN) instead of only printing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: takeaway digest [--date YYYY-MM-DD] [--lang xx] [--json] [--post CHANNEL]", fs.Args())
	}
	if *date != "" {
		if _, err := time.Parse(time.DateOnly, *date); err != nil {
			return fmt.Errorf("--date %q: use YYYY-MM-DD, e.g. --date 2026-03-29", *date)
		}
	}
	if *lang != "" && !i18n.IsSupported(i18n.Base(*lang)) {
		return fmt.Errorf("--lang %q is not supported: use one of %s", *lang, strings.Join(i18n.Supported(), ", "))
	}
	cfg, err := env.config(false)
	if err != nil {
		return err
	}
	if *post != "" {
		switch tok := cfg.Slack.BotToken; {
		case tok == "":
			return errors.New("--post needs SLACK_BOT_TOKEN: copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page")
		case !strings.HasPrefix(tok, "xoxb-"):
			return errors.New("SLACK_BOT_TOKEN does not start with xoxb-: use the Bot User OAuth Token")
		}
	}
	log := newLogger(cfg, env.stderr, true)
	a, err := env.openAppWith(ctx, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	sel := digest.NewSelector(a.current().corpus)
	composer := digest.NewComposer(a.catalog, a.takeawayWriter(), langid.NewDetector(i18n.Supported()), cfg.LLM.Timeout.Duration, log)

	if *post == "" {
		day := *date
		if day == "" {
			day = time.Now().UTC().Format(time.DateOnly)
		}
		l := digest.ChannelLang(*lang)
		pick, err := sel.Preview(day, l)
		if err != nil {
			return err
		}
		return printTakeaway(env.stdout, a.catalog, composer.Compose(ctx, pick, l), *asJSON)
	}

	ch, err := digestChannel(cfg, *post, *lang)
	if err != nil {
		return err
	}
	day := *date
	if day == "" {
		day = ch.Date(time.Now())
	}
	st := a.store // opened with the app when it exists
	if st == nil {
		if st, err = store.Open(ctx, cfg.DataDir, cfg.DatabaseURL); err != nil {
			return fmt.Errorf("open state store (if takeaway serve is running on this data dir, stop it or share the state through TAKEAWAY_DATABASE_URL): %w", err)
		}
		defer st.Close()
	}
	poster, err := bot.NewDailyPoster(bot.Config{BotToken: cfg.Slack.BotToken, APIURL: cfg.Slack.APIURL})
	if err != nil {
		return err
	}
	s, err := digest.NewScheduler(digest.Options{
		Channels: []digest.Channel{ch}, Selector: sel, Composer: composer, Ledger: st,
		Poster: poster, Logger: log,
	})
	if err != nil {
		return err
	}
	res := s.PostDay(ctx, ch, day)
	switch res.Outcome {
	case digest.OutcomePosted:
		fmt.Fprintf(env.stderr, "posted the takeaway of %s to %s (ts %s)\n", day, ch.ID, res.TS)
		if res.Err != nil {
			fmt.Fprintf(env.stderr, "warning: %v\n", res.Err)
		}
		return printTakeaway(env.stdout, a.catalog, *res.Takeaway, *asJSON)
	case digest.OutcomeDone, digest.OutcomeAlreadyPosted:
		fmt.Fprintf(env.stderr, "the takeaway of %s is already in %s: nothing posted\n", day, ch.ID)
		return nil
	case digest.OutcomeClaimed:
		return fmt.Errorf("another process is posting the takeaway of %s to %s right now; try again in a few minutes", day, ch.ID)
	case digest.OutcomeNotInChannel:
		return fmt.Errorf("the bot is not in channel %s: invite it (/invite @takeaway) and try again: %w", ch.ID, res.Err)
	}
	return fmt.Errorf("post the takeaway of %s to %s: %w", day, ch.ID, res.Err)
}

// digestChannel is the channel to post to: its configured time zone and language when it is
// one of TAKEAWAY_DAILY_CHANNELS (UTC and English otherwise), lang overriding the language.
func digestChannel(cfg config.Config, id, lang string) (digest.Channel, error) {
	zone, l := "UTC", "en"
	for _, d := range cfg.Daily.Channels {
		if d.Channel == id {
			zone, l = d.TimeZone, d.Lang
			break
		}
	}
	if lang != "" {
		l = lang
	}
	return digest.ParseChannel(id, "00:00", zone, l)
}

// printTakeaway writes the takeaway for a terminal, or as JSON.
func printTakeaway(w io.Writer, cat *i18n.Catalog, t digest.Takeaway, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(t)
	}
	if t.Headline != "" {
		fmt.Fprintln(w, t.Headline)
	}
	fmt.Fprintln(w, t.Text)
	if src := answer.Sources(cat, answer.Answer{Lang: t.Lang, Citations: t.Citations}); src != "" {
		fmt.Fprintln(w, "\n"+strings.TrimRight(src, "\n"))
	}
	return nil
}

// startDaily runs the daily takeaway scheduler of `takeaway serve` in the background; stop
// cancels it and waits for the attempt in progress to end.
func startDaily(ctx context.Context, cfg config.Config, a *app, ledger digest.Ledger, poster digest.Poster, m *metrics.Metrics, log *slog.Logger) (stop func(), err error) {
	chans := make([]digest.Channel, 0, len(cfg.Daily.Channels))
	for _, d := range cfg.Daily.Channels {
		ch, err := digest.ParseChannel(d.Channel, d.Time, d.TimeZone, d.Lang)
		if err != nil {
			return nil, fmt.Errorf("TAKEAWAY_DAILY_CHANNELS: %w", err)
		}
		chans = append(chans, ch)
	}
	w := a.takeawayWriter()
	s, err := digest.NewScheduler(digest.Options{
		Channels: chans,
		Selector: liveSelector{a},
		Composer: digest.NewComposer(a.catalog, w, langid.NewDetector(i18n.Supported()), cfg.LLM.Timeout.Duration, log),
		Ledger:   ledger,
		Poster:   poster,
		Metrics:  m,
		Logger:   log,
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.Run(ctx); err != nil {
			log.Error("daily takeaway scheduler stopped", "err", err)
		}
	})
	return func() { cancel(); wg.Wait() }, nil
}

// liveSelector picks the daily takeaway from the reports current at posting time: the
// selector of a generation is made once, when first needed.
type liveSelector struct{ a *app }

func (s liveSelector) Pick(date, lang string, posted []string) (digest.Pick, error) {
	g := s.a.acquire()
	defer g.release()
	g.selectorOnce.Do(func() { g.selector = digest.NewSelector(g.corpus) })
	return g.selector.Pick(date, lang, posted)
}
