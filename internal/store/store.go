// Package store keeps the bot's state: the event de-duplication ledger, user
// language preferences, answer feedback, the question log with its usage
// statistics, the daily-post ledger, accepted requests, and the report files a team
// added (content-addressed, with a version that replicas poll).
//
// Two implementations share one method set. [Bolt] is an embedded, pure-Go
// bbolt file for a single process (the default). [Postgres] keeps the same
// state in PostgreSQL so several replicas can share it; every operation that
// replicas race on (MarkEventSeen, ClaimDaily) is a single atomic statement.
// Both run their versioned schema migrations when opened.
//
// Consumers should declare the narrow interface they need; [Store] exists only
// as the return type of [Open].
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// Vote values accepted in [Feedback.Vote].
const (
	// VoteUp is a thumbs-up on an answer.
	VoteUp = "up"
	// VoteDown is a thumbs-down on an answer.
	VoteDown = "down"
)

// Outcome values conventionally used in [QuestionLog.Outcome]. Other values
// are stored as given; only OutcomeNotFound is treated specially by Stats.
const (
	// OutcomeAnswered means the bot produced an answer.
	OutcomeAnswered = "answered"
	// OutcomeNotFound means the bot found nothing relevant to answer with.
	OutcomeNotFound = "not_found"
	// OutcomeError means answering failed with an error.
	OutcomeError = "error"
)

// MaxNotFound is the maximum number of questions reported in
// [Stats.NotFound].
const MaxNotFound = 50

// BoltFileName is the name of the bbolt file that [Open] uses inside the data
// directory.
const BoltFileName = "takeaway.db"

// ErrInvalid is wrapped by every error caused by an invalid argument (an empty
// ID, a non-positive duration, an unknown vote), so callers can tell such bugs
// apart from storage failures with errors.Is.
var ErrInvalid = errors.New("invalid argument")

// ErrDamaged is returned by OpenBolt for a state file that cannot be read as a store.
var ErrDamaged = errors.New("damaged state file")

// Feedback is one user's vote on one bot message.
type Feedback struct {
	// UserID is the Slack user who voted.
	UserID string
	// Channel is the channel holding the voted message.
	Channel string
	// MessageTS is the Slack timestamp identifying the voted message.
	MessageTS string
	// Vote is VoteUp or VoteDown.
	Vote string
	// Question is the question the voted message answered, for context.
	Question string
	// At is when the vote was cast; the zero time means now.
	At time.Time
}

// QuestionLog is one question the bot was asked and what came of it.
type QuestionLog struct {
	// At is when the question was asked; the zero time means now.
	At time.Time
	// RequestID correlates the entry with logs.
	RequestID string
	// Surface is where the question came from (for example "mention", "dm",
	// "slash").
	Surface string
	// Lang is the language the question was answered in.
	Lang string
	// Mode is the answering mode used.
	Mode string
	// Outcome is OutcomeAnswered, OutcomeNotFound or OutcomeError.
	Outcome string
	// Question is the question text.
	Question string
	// LatencyMS is how long answering took, in milliseconds.
	LatencyMS int64
}

// DayCount is the number of questions asked on one UTC day.
type DayCount struct {
	// Day is the UTC date in the form 2006-01-02.
	Day string
	// Questions is the number of questions logged that day.
	Questions int
}

// Stats summarises the question log and feedback since a point in time.
type Stats struct {
	// Days holds one entry per UTC day that has at least one question, oldest
	// first; days without questions are omitted.
	Days []DayCount
	// Languages counts questions by QuestionLog.Lang; it is never nil.
	Languages map[string]int
	// Up is the number of current thumbs-up votes cast since the cut-off.
	Up int
	// Down is the number of current thumbs-down votes cast since the cut-off.
	Down int
	// NotFound lists distinct non-empty questions whose outcome was
	// OutcomeNotFound, most recently asked first, at most MaxNotFound.
	NotFound []string
	// Total is the number of questions logged since the cut-off.
	Total int
}

// Store is the full method set shared by [Bolt] and [Postgres]. It is the
// return type of [Open]; consumers should declare narrower interfaces.
type Store interface {
	// MarkEventSeen records eventID and reports whether this call was the
	// first to do so within ttl.
	MarkEventSeen(ctx context.Context, eventID string, ttl time.Duration) (first bool, err error)
	// SetUserLang stores a user's language preference; "" clears it.
	SetUserLang(ctx context.Context, userID, lang string) error
	// UserLang returns a user's language preference, or "" when unset.
	UserLang(ctx context.Context, userID string) (string, error)
	// RecordFeedback stores a vote, replacing the user's earlier vote on the
	// same message.
	RecordFeedback(ctx context.Context, f Feedback) error
	// LogQuestion appends an entry to the question log.
	LogQuestion(ctx context.Context, q QuestionLog) error
	// ClaimDaily tries to become the poster of the daily post for channel and
	// date.
	ClaimDaily(ctx context.Context, channel, date, owner string, lease time.Duration) (won bool, err error)
	// FinishDaily marks the daily post for channel and date as posted.
	FinishDaily(ctx context.Context, channel, date, messageTS string, passageIDs []string) error
	// DailyPosted reports whether the daily post for channel and date is done.
	DailyPosted(ctx context.Context, channel, date string) (bool, error)
	// PostedPassageIDs lists the passage IDs of the channel's finished daily
	// posts, oldest post first.
	PostedPassageIDs(ctx context.Context, channel string) ([]string, error)
	// Stats summarises activity since the given time.
	Stats(ctx context.Context, since time.Time) (Stats, error)
	// AcceptRequest records a request before it is acknowledged, leased to owner, and
	// reports whether owner should handle it (a new ID, or one whose handler died).
	AcceptRequest(ctx context.Context, id, owner string, payload []byte, lease, ttl time.Duration) (bool, error)
	// FinishRequest marks an accepted request as handled.
	FinishRequest(ctx context.Context, id string) error
	// ClaimPending leases to owner the accepted, unfinished requests nobody is handling.
	ClaimPending(ctx context.Context, owner string, lease time.Duration) ([]Pending, error)
	// PutReport stores a report file unless the same content is there, returning the
	// stored one and whether this call added it.
	PutReport(ctx context.Context, r Report) (Report, bool, error)
	// DeleteReport removes a report and reports whether it was there.
	DeleteReport(ctx context.Context, id string) (bool, error)
	// Reports lists the stored reports, oldest first.
	Reports(ctx context.Context) ([]Report, error)
	// ReportsVersion changes whenever a report is added or removed.
	ReportsVersion(ctx context.Context) (int64, error)
	// SetChannelMode stores the mode an admin set for a channel; "" clears it.
	SetChannelMode(ctx context.Context, channel, mode string) error
	// ChannelModes returns every channel's stored mode.
	ChannelModes(ctx context.Context) (map[string]string, error)
	// Close releases the store's resources.
	Close() error
}

var (
	_ Store = (*Bolt)(nil)
	_ Store = (*Postgres)(nil)
)

// Open opens the PostgreSQL store at databaseURL when it is non-empty, and
// otherwise the bbolt store at dataDir/takeaway.db, creating dataDir if
// needed. Migrations are applied before it returns.
func Open(ctx context.Context, dataDir, databaseURL string) (Store, error) {
	if databaseURL != "" {
		pg, err := OpenPostgres(ctx, databaseURL)
		if err != nil {
			return nil, err
		}
		return pg, nil
	}
	if dataDir == "" {
		return nil, fmt.Errorf("store: open: neither a data dir nor a database URL given: %w", ErrInvalid)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("store: open: create data dir: %w", err)
	}
	b, err := OpenBolt(filepath.Join(dataDir, BoltFileName))
	if err != nil {
		return nil, err
	}
	return b, nil
}

// pruneInterval is the minimum time between opportunistic sweeps of expired
// event IDs by one handle.
const pruneInterval = time.Minute

// pruneDue reports whether a sweep last run at *last (unix nanos) is due at now, and if so
// records now, so that only one caller sweeps.
func pruneDue(last *atomic.Int64, now int64) bool {
	prev := last.Load()
	return now-prev >= int64(pruneInterval) && last.CompareAndSwap(prev, now)
}

func invalid(op, format string, args ...any) error {
	return fmt.Errorf("store: %s: %s: %w", op, fmt.Sprintf(format, args...), ErrInvalid)
}

func checkNonEmpty(op string, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return invalid(op, "empty %s", pairs[i])
		}
	}
	return nil
}

func checkPositive(op, name string, d time.Duration) error {
	if d <= 0 {
		return invalid(op, "%s must be positive, got %v", name, d)
	}
	return nil
}

func checkVote(op, vote string) error {
	if vote != VoteUp && vote != VoteDown {
		return invalid(op, "vote must be %q or %q, got %q", VoteUp, VoteDown, vote)
	}
	return nil
}

// dayOf returns the UTC calendar day of t as used in DayCount.Day.
func dayOf(t time.Time) string {
	return t.UTC().Format(time.DateOnly)
}

// orNow returns t, or now when t is the zero time.
func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}
