package digest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // channel time zones load on machines and images without a zoneinfo database

	"github.com/takeaway-bot/takeaway/internal/metrics"
)

// Outcome says what one attempt at a channel's daily post came to.
type Outcome string

// Outcomes. Posted, AlreadyPosted, Error and NotInChannel are counted in the DailyPosts metric;
// the others are the normal quiet states of a tick.
const (
	// OutcomePosted: this process posted the day's takeaway.
	OutcomePosted Outcome = "posted"
	// OutcomeAlreadyPosted: the channel's history held the day's post that the ledger had not
	// recorded (a crash between posting and recording); it is now recorded.
	OutcomeAlreadyPosted Outcome = "already_posted"
	// OutcomeError: the attempt failed and will be retried on the next tick of the same day,
	// unless Slack rejected the post for good (the day is then marked done).
	OutcomeError Outcome = "error"
	// OutcomeNotInChannel: the bot is not in the channel; the day is marked done so that it is
	// not retried, and the next day tries again.
	OutcomeNotInChannel Outcome = "not_in_channel"
	// OutcomeNotDue: the channel's time has not come yet today.
	OutcomeNotDue Outcome = "not_due"
	// OutcomeDone: the ledger says the day is done.
	OutcomeDone Outcome = "done"
	// OutcomeClaimed: another process holds the day's claim; if it dies, its lease expires
	// and a later tick takes over.
	OutcomeClaimed Outcome = "claimed_elsewhere"
)

// counted reports whether an outcome goes into the DailyPosts metric.
func (o Outcome) counted() bool {
	return o == OutcomePosted || o == OutcomeAlreadyPosted || o == OutcomeError || o == OutcomeNotInChannel
}

// Ledger is the persisted record of daily posts (store.Bolt and store.Postgres are ones).
type Ledger interface {
	ClaimDaily(ctx context.Context, channel, date, owner string, lease time.Duration) (won bool, err error)
	FinishDaily(ctx context.Context, channel, date, messageTS string, passageIDs []string) error
	DailyPosted(ctx context.Context, channel, date string) (bool, error)
	PostedPassageIDs(ctx context.Context, channel string) ([]string, error)
}

// Poster sends takeaways to a chat and finds those already sent (bot.DailyPoster is one).
// It wraps ErrNotInChannel and ErrRejected for the errors that retrying will not fix.
type Poster interface {
	Post(ctx context.Context, channel string, t Takeaway) (ts string, err error)
	FindPosted(ctx context.Context, channel, date string, since time.Time) (ts string, passageIDs []string, found bool, err error)
}

var (
	// ErrNotInChannel means the bot cannot see or post in the channel (not_in_channel,
	// channel_not_found): someone has to invite it. Retrying the same day is pointless.
	ErrNotInChannel = errors.New("the bot is not in the channel")
	// ErrRejected means Slack refused the post for a reason that retrying will not change
	// (an archived channel, a read-only channel, a message it considers invalid).
	ErrRejected = errors.New("slack rejected the post")
)

// Clock tells the time and waits; tests inject a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Channel is one channel receiving the daily takeaway at a local time of day.
type Channel struct {
	ID     string
	Hour   int
	Minute int
	Loc    *time.Location
	Lang   string
}

// ParseChannel builds a Channel from its configuration: "09:00", an IANA zone ("" means UTC)
// and a language ("" means English).
func ParseChannel(id, hhmm, zone, lang string) (Channel, error) {
	if strings.TrimSpace(id) == "" {
		return Channel{}, errors.New("digest: a daily channel has no ID")
	}
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return Channel{}, fmt.Errorf("digest: channel %s: time %q is not HH:MM: %w", id, hhmm, err)
	}
	if zone == "" {
		zone = "UTC"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return Channel{}, fmt.Errorf("digest: channel %s: time zone %q: %w", id, zone, err)
	}
	return Channel{ID: id, Hour: t.Hour(), Minute: t.Minute(), Loc: loc, Lang: ChannelLang(lang)}, nil
}

// at returns the channel's posting instant on the local calendar day of t. On a day when the
// clocks skip the time (02:30 on a spring-forward night), Go moves it forward by the gap.
func (c Channel) at(t time.Time) time.Time {
	l := t.In(c.Loc)
	return time.Date(l.Year(), l.Month(), l.Day(), c.Hour, c.Minute, 0, 0, c.Loc)
}

// Date is the channel's local date of t (YYYY-MM-DD), the key of the day's post.
func (c Channel) Date(t time.Time) string { return t.In(c.Loc).Format(time.DateOnly) }

// midnight is the start of the local day of date.
func (c Channel) midnight(date string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, date, c.Loc)
	if err != nil {
		return time.Time{}
	}
	return d
}

// next returns the first posting instant strictly after t.
func (c Channel) next(t time.Time) time.Time {
	at := c.at(t)
	if at.After(t) {
		return at
	}
	l := t.In(c.Loc)
	return time.Date(l.Year(), l.Month(), l.Day()+1, c.Hour, c.Minute, 0, 0, c.Loc)
}

// Picker picks the day's insight; *Selector is one.
type Picker interface {
	Pick(date, lang string, posted []string) (Pick, error)
}

// Options configure a Scheduler.
type Options struct {
	Channels []Channel
	Selector Picker
	Composer *Composer
	Ledger   Ledger
	Poster   Poster
	// Clock defaults to the system clock.
	Clock Clock
	// Owner names this process in the ledger's claims; default host-pid-random.
	Owner string
	// Lease is how long a claim keeps other replicas away (default 5 min): longer than
	// writing and posting one takeaway, short enough for a replica to take over after a crash.
	Lease time.Duration
	// Tick is the longest the scheduler sleeps between checks (default 1 min); it also wakes
	// at every channel's posting time.
	Tick    time.Duration
	Metrics *metrics.Metrics
	Logger  *slog.Logger
}

// Scheduler posts each channel's takeaway once a day, at the channel's local time or as soon
// as possible after it on the same day (start-up catch-up), exactly once across restarts,
// crashes and replicas:
//
//  1. the ledger says the day is done → nothing to do;
//  2. claim the day in the ledger with a lease → a replica that loses waits;
//  3. look for the day's post in the channel's history (message metadata) → a post whose
//     recording was lost in a crash is recorded, not repeated;
//  4. choose, write and post, then record the post in the ledger.
//
// A day that was missed entirely is never posted later.
type Scheduler struct {
	opts Options
	log  *slog.Logger
	// mu serialises attempts: claims are per owner, so two attempts of one owner at once
	// would both win.
	mu sync.Mutex
}

// NewScheduler checks the options and fills in the defaults.
func NewScheduler(opts Options) (*Scheduler, error) {
	switch {
	case opts.Selector == nil, opts.Composer == nil, opts.Ledger == nil, opts.Poster == nil:
		return nil, errors.New("digest: a scheduler needs a selector, a composer, a ledger and a poster")
	case len(opts.Channels) == 0:
		return nil, errors.New("digest: no daily channel configured")
	}
	for _, c := range opts.Channels {
		if c.Loc == nil || c.ID == "" {
			return nil, fmt.Errorf("digest: channel %q has no ID or time zone: build it with ParseChannel", c.ID)
		}
	}
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	if opts.Owner == "" {
		opts.Owner = defaultOwner()
	}
	if opts.Lease <= 0 {
		opts.Lease = 5 * time.Minute
	}
	if opts.Tick <= 0 {
		opts.Tick = time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{opts: opts, log: opts.Logger.With("component", "daily")}, nil
}

func defaultOwner() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Run checks the channels at start-up (catching up a post missed today), then at every
// channel's posting time and every tick, until ctx is done. It returns nil on cancellation.
func (s *Scheduler) Run(ctx context.Context) error {
	for _, c := range s.opts.Channels {
		s.log.Info("daily takeaway scheduled", "channel", c.ID, "time", fmt.Sprintf("%02d:%02d", c.Hour, c.Minute),
			"timezone", c.Loc.String(), "lang", c.Lang, "next", c.next(s.opts.Clock.Now()).Format(time.RFC3339))
	}
	for {
		s.RunDue(ctx)
		now := s.opts.Clock.Now()
		wake := now.Add(s.opts.Tick)
		for _, c := range s.opts.Channels {
			if n := c.next(now); n.Before(wake) {
				wake = n
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.opts.Clock.After(wake.Sub(now)):
		}
	}
}

// Result is what one attempt at one channel's post came to.
type Result struct {
	Channel string
	Date    string
	Outcome Outcome
	// TS is the message timestamp when posted or found.
	TS string
	// Takeaway is what was posted (OutcomePosted only).
	Takeaway *Takeaway
	Err      error
}

// RunDue attempts every channel whose posting time has come today and whose day is not done.
func (s *Scheduler) RunDue(ctx context.Context) []Result {
	now := s.opts.Clock.Now()
	out := make([]Result, 0, len(s.opts.Channels))
	for _, c := range s.opts.Channels {
		date := c.Date(now)
		if now.Before(c.at(now)) {
			out = append(out, Result{Channel: c.ID, Date: date, Outcome: OutcomeNotDue})
			continue
		}
		out = append(out, s.PostDay(ctx, c, date))
	}
	return out
}

// PostDay posts the takeaway of date in channel c unless it is already done, following the
// exactly-once protocol of Scheduler. It does not look at the time of day (`takeaway digest
// --post` uses it directly).
func (s *Scheduler) PostDay(ctx context.Context, c Channel, date string) Result {
	s.mu.Lock()
	res := s.postDay(ctx, c, date)
	s.mu.Unlock()
	if res.Outcome.counted() && s.opts.Metrics != nil {
		s.opts.Metrics.DailyPosts.WithLabelValues(string(res.Outcome)).Inc()
	}
	log := s.log.With("channel", c.ID, "date", date, "outcome", string(res.Outcome))
	switch res.Outcome {
	case OutcomePosted:
		log.Info("daily takeaway posted", "ts", res.TS, "passages", res.Takeaway.PassageIDs, "mode", string(res.Takeaway.Mode))
		if res.Err != nil {
			log.Error("daily takeaway posted but not recorded; the next check finds it in the channel's history", "err", res.Err)
		}
	case OutcomeAlreadyPosted:
		log.Info("daily takeaway found in the channel's history and recorded; not posted again", "ts", res.TS)
	case OutcomeNotInChannel:
		log.Error("daily takeaway not posted: the bot is not a member of the channel; invite it (/invite @takeaway) — today is skipped, tomorrow is tried again", "err", res.Err)
	case OutcomeError:
		log.Error("daily takeaway failed", "err", res.Err)
	case OutcomeClaimed:
		log.Debug("daily takeaway claimed by another process")
	}
	return res
}

func (s *Scheduler) postDay(ctx context.Context, c Channel, date string) Result {
	res := Result{Channel: c.ID, Date: date}
	fail := func(err error) Result {
		res.Outcome, res.Err = OutcomeError, err
		return res
	}
	done, err := s.opts.Ledger.DailyPosted(ctx, c.ID, date)
	if err != nil {
		return fail(fmt.Errorf("read the ledger: %w", err))
	}
	if done {
		res.Outcome = OutcomeDone
		return res
	}
	won, err := s.opts.Ledger.ClaimDaily(ctx, c.ID, date, s.opts.Owner, s.opts.Lease)
	if err != nil {
		return fail(fmt.Errorf("claim the day: %w", err))
	}
	if !won {
		res.Outcome = OutcomeClaimed
		return res
	}

	// Recording a post must survive the caller giving up: a post Slack has accepted but the
	// ledger lost is found again in the history, at the cost of one more API call.
	finish := func(ts string, ids []string) error {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return s.opts.Ledger.FinishDaily(fctx, c.ID, date, ts, ids)
	}
	skipDay := func(outcome Outcome, err error) Result {
		res.Outcome, res.Err = outcome, err
		if ferr := finish("", nil); ferr != nil {
			res.Err = errors.Join(err, fmt.Errorf("mark the day skipped: %w", ferr))
		}
		return res
	}

	ts, ids, found, err := s.opts.Poster.FindPosted(ctx, c.ID, date, c.midnight(date))
	switch {
	case errors.Is(err, ErrNotInChannel):
		return skipDay(OutcomeNotInChannel, err)
	case err != nil:
		return fail(fmt.Errorf("read the channel's history: %w", err))
	case found:
		res.Outcome, res.TS = OutcomeAlreadyPosted, ts
		if err := finish(ts, ids); err != nil {
			return fail(fmt.Errorf("record the post found in the history: %w", err))
		}
		return res
	}

	posted, err := s.opts.Ledger.PostedPassageIDs(ctx, c.ID)
	if err != nil {
		return fail(fmt.Errorf("read the posted passages: %w", err))
	}
	pick, err := s.opts.Selector.Pick(date, c.Lang, posted)
	if err != nil {
		return fail(err)
	}
	t := s.opts.Composer.Compose(ctx, pick, c.Lang)
	ts, err = s.opts.Poster.Post(ctx, c.ID, t)
	switch {
	case errors.Is(err, ErrNotInChannel):
		return skipDay(OutcomeNotInChannel, err)
	case errors.Is(err, ErrRejected):
		return skipDay(OutcomeError, err)
	case err != nil:
		return fail(err)
	}
	res.Outcome, res.TS, res.Takeaway = OutcomePosted, ts, &t
	if err := finish(ts, t.LedgerIDs()); err != nil {
		// Posted but not recorded: the next tick finds the post in the history.
		res.Err = fmt.Errorf("record the post: %w", err)
	}
	return res
}
