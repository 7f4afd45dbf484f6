// Package bot answers questions about tech conferences in Slack, through slash commands,
// mentions, direct messages and the assistant pane.
package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// Answerer answers one question; the bot never looks inside how.
type Answerer interface {
	Ask(ctx context.Context, q answer.Question) (answer.Answer, error)
}

// Sources lists the reports the answerer draws on, for /takeaway sources.
type Sources interface {
	Sources() []Source
}

// Source is one attendee report as the bot lists it.
type Source struct {
	Title, Publisher, Event, Lang, URL string
	// ID, AddedBy (a Slack user ID, or "cli") and AddedAt are set for a report a team added.
	ID, AddedBy string
	AddedAt     time.Time
	// Passages counts the report's passages.
	Passages int
}

// Store is the little state the bot keeps: seen events, language choices, feedback and
// the question log.
type Store interface {
	// AcceptRequest records a request before it is acknowledged, with what it takes to
	// handle it again, leased to owner; it reports whether owner should handle it: a new ID,
	// or one whose handler died before finishing. The ID is remembered for ttl.
	AcceptRequest(ctx context.Context, id, owner string, payload []byte, lease, ttl time.Duration) (accepted bool, err error)
	// FinishRequest marks an accepted request as handled.
	FinishRequest(ctx context.Context, id string) error
	// ClaimPending leases to owner the accepted requests nobody is handling any more (their
	// process died), so that they are answered after all.
	ClaimPending(ctx context.Context, owner string, lease time.Duration) ([]PendingRequest, error)
	// SetUserLang stores a user's answer language; "" clears it.
	SetUserLang(ctx context.Context, userID, lang string) error
	// UserLang returns a user's answer language, or "" when unset.
	UserLang(ctx context.Context, userID string) (string, error)
	// RecordFeedback stores a vote on an answer.
	RecordFeedback(ctx context.Context, f Feedback) error
	// LogQuestion appends an entry to the question log.
	LogQuestion(ctx context.Context, q QuestionLog) error
}

// PendingRequest is a request accepted and never finished: its ID and its payload.
type PendingRequest struct {
	ID      string
	Payload []byte
}

// Vote values of Feedback.Vote.
const (
	VoteUp   = "up"
	VoteDown = "down"
)

// Feedback is one user's vote on one answer.
type Feedback struct {
	UserID, Channel, MessageTS string
	// Vote is VoteUp or VoteDown.
	Vote string
	// Question is the question the answer replied to, when the bot still remembers it.
	Question string
	At       time.Time
}

// Outcome values of QuestionLog.Outcome.
const (
	OutcomeAnswered    = "answered"
	OutcomeNotFound    = "not_found"
	OutcomeError       = "error"
	OutcomeRateLimited = "rate_limited"
	OutcomeBusy        = "busy"
)

// QuestionLog is one question the bot was asked and what came of it.
type QuestionLog struct {
	At time.Time
	// RequestID is the Slack event ID or trigger ID, to correlate with logs.
	RequestID string
	// Surface is where the question came from: slash, mention, dm or assistant.
	Surface string
	// Lang is the language of the answer, or of the user when there was none.
	Lang string
	// Mode is the answering mode (extractive, llm), empty without an answer.
	Mode string
	// Outcome is one of the Outcome constants.
	Outcome   string
	Question  string
	LatencyMS int64
}

// Config is everything the bot needs to run; cmd fills it from the environment.
type Config struct {
	// BotToken is the bot user's token (SLACK_BOT_TOKEN, xoxb-…).
	BotToken string
	// Admins are the Slack user IDs who see the daily takeaway settings in /takeaway help and
	// may add and remove reports, besides the workspace's admins and owners.
	Admins []string
	// AddReports says who may add reports from Slack: AddReportsAdmins (the default) or
	// AddReportsAnyone.
	AddReports string
	// Library adds and removes reports from Slack (uploads, /takeaway add|remove); nil
	// means they cannot be.
	Library Library
	// Channels set the mode of some channels (ModeHelp, ModeMentions); the others get
	// ModeFollowUps.
	Channels map[string]ChannelMode
	// AllowChannels, when set, are the only channels the bot answers in; a mention elsewhere
	// gets a one-line pointer to them. DMs and the assistant pane are not channels.
	AllowChannels []string
	// FollowUpQuiet is how long a thread may be quiet before the bot stops answering its
	// replies without a mention; the default is 30 minutes.
	FollowUpQuiet time.Duration
	// Questions tells a question from chatter in help channels; nil: a question mark.
	Questions QuestionTester
	// Daily lists the daily takeaway posts, for the admins' help; empty means off.
	Daily []DailySchedule
	// AppToken is the app-level token (SLACK_APP_TOKEN, xapp-…); when set, Run uses
	// Socket Mode.
	AppToken string
	// SigningSecret verifies requests from Slack; when set, Run serves HTTP on Addr.
	SigningSecret string
	// APIURL overrides Slack's Web API base URL (it must end with "/"), for tests.
	APIURL string
	// Addr is the HTTP listen address in HTTP mode; the default is ":3000".
	Addr string
	// RatePerUser is how many questions one user may ask per minute; the default is 10.
	RatePerUser int
	// MaxConcurrent caps the answers computed at once; the default is 8.
	MaxConcurrent int
	// QueueWait is how long a question may wait for a free slot before the user is told
	// the bot is busy; the default is 10 seconds.
	QueueWait time.Duration
	// LocaleTTL is how long a user's Slack locale is cached; the default is one hour.
	LocaleTTL time.Duration
	// RetryBackoff is the first wait before retrying a Slack 5xx; it doubles on each
	// retry. The default is 500 milliseconds.
	RetryBackoff time.Duration
	// RequestLease is how long an accepted question is its replica's to answer; past it,
	// another replica (or this one, restarted) answers it. The default, four minutes,
	// outlasts an answer and its delivery.
	RequestLease time.Duration
	// RecoverInterval is how often the bot looks for questions a dead replica left; the
	// default is 15 seconds, or a quarter of RequestLease when that is shorter. They are also
	// looked for at start-up.
	RecoverInterval time.Duration
	// HTTPClient calls Slack's Web API; the default has a 30-second timeout.
	HTTPClient *http.Client
	// Routes are served beside /slack/events on Addr (health checks, metrics); with routes,
	// Run serves HTTP on Addr in Socket Mode too.
	Routes map[string]http.Handler
	// Logger receives operational logs; the default discards them.
	Logger *slog.Logger
	// Clock tells the time (rate limits, caches, logs); the default is time.Now.
	Clock func() time.Time
}

// Defaults and fixed limits.
const (
	defaultAddr          = ":3000"
	defaultRatePerUser   = 10
	defaultMaxConcurrent = 8
	defaultQueueWait     = 10 * time.Second
	defaultLocaleTTL     = time.Hour
	defaultRetryBackoff  = 500 * time.Millisecond
	defaultRequestLease  = 4 * time.Minute
	defaultRecover       = 15 * time.Second
	// drainTimeout bounds how long Shutdown waits for answers in flight.
	drainTimeout = 10 * time.Second
	// dedupeTTL outlives Slack's retry schedule (immediately, 1 and 5 minutes later).
	dedupeTTL = time.Hour
	// answerTimeout bounds one answer, model included.
	answerTimeout = 2 * time.Minute
	// deliverTimeout bounds posting an answer, Slack's Retry-After waits included.
	deliverTimeout = time.Minute
	// startupWait bounds how long start-up waits for Slack to answer auth.test.
	startupWait = 2 * time.Minute
	// noticeTimeout bounds telling the user why there is no answer.
	noticeTimeout = 30 * time.Second
)

// identity is who the bot is, as auth.test reports it.
type identity struct {
	UserID, BotID, TeamID string
}

// Bot serves one Slack workspace.
type Bot struct {
	cfg      Config
	api      *slack.Client
	answerer Answerer
	sources  Sources
	store    Store
	cat      *i18n.Catalog
	log      *slog.Logger
	now      func() time.Time
	commands []command
	limiter  *limiter
	sem      chan struct{}
	users    *userCache
	library  Library
	answers  *answerCache
	recent   *recentQuestions
	modes    channelModes
	homes    recentUsers
	ident    atomic.Pointer[identity]

	// sleep waits between retries; tests replace it to record waits without waiting.
	sleep func(ctx context.Context, d time.Duration) error
	// streamInterval is the least time between two updates of a streamed answer.
	streamInterval time.Duration
	// pingInterval is how long Socket Mode waits for Slack's ping before reconnecting.
	pingInterval time.Duration

	mu      sync.Mutex
	closing bool
	server  *http.Server
	// inflight counts requests being handled, so that Shutdown can drain them.
	inflight   sync.WaitGroup
	workCtx    context.Context
	cancelWork context.CancelFunc
	// owner names this process in the leases of the requests it accepts.
	owner string
}

// New checks cfg, fills in defaults and returns a bot ready to Run. It does not call Slack.
func New(cfg Config, a Answerer, src Sources, st Store) (*Bot, error) {
	if a == nil {
		return nil, errors.New("bot: no answerer")
	}
	if st == nil {
		return nil, errors.New("bot: no store")
	}
	if cfg.APIURL != "" && !strings.HasSuffix(cfg.APIURL, "/") {
		return nil, fmt.Errorf("bot: API URL %q must end with \"/\"", cfg.APIURL)
	}
	if cfg.Addr == "" {
		cfg.Addr = defaultAddr
	}
	if cfg.RatePerUser <= 0 {
		cfg.RatePerUser = defaultRatePerUser
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = defaultMaxConcurrent
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = defaultQueueWait
	}
	if cfg.LocaleTTL <= 0 {
		cfg.LocaleTTL = defaultLocaleTTL
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = defaultRetryBackoff
	}
	if cfg.RequestLease <= 0 {
		cfg.RequestLease = defaultRequestLease
	}
	if cfg.RecoverInterval <= 0 {
		// Looked for often enough that a dead replica's questions wait little past its lease.
		cfg.RecoverInterval = min(defaultRecover, cfg.RequestLease/4)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	cat, err := i18n.New()
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	b := &Bot{
		cfg:            cfg,
		answerer:       a,
		sources:        src,
		store:          st,
		cat:            cat,
		log:            cfg.Logger,
		now:            cfg.Clock,
		limiter:        newLimiter(cfg.RatePerUser, cfg.Clock),
		sem:            make(chan struct{}, cfg.MaxConcurrent),
		users:          newUserCache(cfg.LocaleTTL, cfg.Clock),
		library:        cfg.Library,
		answers:        newAnswerCache(answerCacheTTL, cfg.Clock),
		recent:         newRecentQuestions(),
		sleep:          sleepContext,
		streamInterval: time.Second,
		pingInterval:   30 * time.Second,
	}
	b.api = slack.New(cfg.BotToken, apiOptions(cfg)...)
	b.commands = newCommands()
	b.workCtx, b.cancelWork = context.WithCancel(context.Background())
	b.owner = newID()
	return b, nil
}

// apiOptions configures a Web API client for Slack or for the test server (the bot's and the
// daily poster's).
func apiOptions(cfg Config) []slack.Option {
	opts := []slack.Option{slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.APIURL))
	}
	return opts
}

// Run serves HTTP (when SigningSecret or Routes are set), checks the token (waiting out a
// Slack outage for up to two minutes), then serves Socket Mode (when AppToken is set) until
// ctx is cancelled; it returns after draining answers in flight.
func (b *Bot) Run(ctx context.Context) error {
	if b.cfg.AppToken == "" && b.cfg.SigningSecret == "" {
		return errors.New("bot: set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop() // stops Socket Mode when HTTP fails, and the other way round
	errc := make(chan error, 2)
	if b.cfg.SigningSecret != "" || len(b.cfg.Routes) > 0 {
		ln, err := net.Listen("tcp", b.cfg.Addr)
		if err != nil {
			return fmt.Errorf("bot: listen on %s: %w", b.cfg.Addr, err)
		}
		srv := &http.Server{Handler: b.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
		b.mu.Lock()
		b.server = srv
		b.mu.Unlock()
		b.log.Info("serving Slack requests over HTTP", "addr", ln.Addr().String())
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("bot: HTTP server: %w", err)
			}
		}()
	}
	// Listening already, so that /readyz says "not ready" (and Slack's events are asked to
	// come back) while an outage of Slack is waited out; a bad token ends the run at once.
	if err := b.WaitForSlack(ctx, startupWait); err != nil {
		stop()
		drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
		defer cancel()
		return errors.Join(err, b.Shutdown(drainCtx))
	}
	if b.cfg.AppToken != "" {
		go func() {
			if err := b.runSocketMode(ctx); err != nil {
				errc <- err
			}
		}()
	}
	go b.recoverLoop(ctx)
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	stop()
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	return errors.Join(runErr, b.Shutdown(drainCtx))
}

// Shutdown stops taking requests and waits for the answers in flight, at most ten
// seconds or until ctx ends; then it abandons what is left.
func (b *Bot) Shutdown(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, drainTimeout)
	defer cancel()
	b.mu.Lock()
	b.closing = true
	srv := b.server
	b.mu.Unlock()
	var errs []error
	if srv != nil {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("bot: stopping HTTP server: %w", err))
		}
	}
	drained := make(chan struct{})
	go func() {
		b.inflight.Wait()
		close(drained)
	}()
	select {
	case <-drained:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("bot: answers still in flight at shutdown: %w", ctx.Err()))
	}
	b.cancelWork() // abandons what is left, if anything
	return errors.Join(errs...)
}

// sleepContext waits for d or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
