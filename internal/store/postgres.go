package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgMigrations are applied in order at open, each in the same transaction as
// its schema_migrations row; entry i is schema version i+1. Append new
// migrations, never edit or reorder old ones, and keep them compatible with
// the previous release because replicas are upgraded one at a time.
var pgMigrations = []string{
	// 1: initial schema.
	`
CREATE TABLE seen_events (
	event_id   text PRIMARY KEY,
	expires_at timestamptz NOT NULL
);
CREATE INDEX seen_events_expires_at_idx ON seen_events (expires_at);

CREATE TABLE user_langs (
	user_id    text PRIMARY KEY,
	lang       text NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feedback (
	user_id    text NOT NULL,
	channel    text NOT NULL,
	message_ts text NOT NULL,
	vote       text NOT NULL CHECK (vote IN ('up', 'down')),
	question   text NOT NULL DEFAULT '',
	at         timestamptz NOT NULL,
	PRIMARY KEY (user_id, channel, message_ts)
);
CREATE INDEX feedback_at_idx ON feedback (at);

CREATE TABLE question_log (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at         timestamptz NOT NULL,
	request_id text NOT NULL DEFAULT '',
	surface    text NOT NULL DEFAULT '',
	lang       text NOT NULL DEFAULT '',
	mode       text NOT NULL DEFAULT '',
	outcome    text NOT NULL DEFAULT '',
	question   text NOT NULL DEFAULT '',
	latency_ms bigint NOT NULL DEFAULT 0
);
CREATE INDEX question_log_at_idx ON question_log (at);

CREATE TABLE daily_posts (
	channel     text NOT NULL,
	day         text NOT NULL,
	owner       text NOT NULL DEFAULT '',
	claimed_at  timestamptz NOT NULL,
	lease_until timestamptz NOT NULL,
	finished_at timestamptz,
	message_ts  text NOT NULL DEFAULT '',
	passage_ids text[] NOT NULL DEFAULT '{}',
	PRIMARY KEY (channel, day)
);
`,
	// 2: accepted requests, answered at least once across a crash.
	`
CREATE TABLE requests (
	id          text PRIMARY KEY,
	owner       text NOT NULL,
	payload     bytea NOT NULL,
	finished    boolean NOT NULL DEFAULT false,
	lease_until timestamptz NOT NULL,
	expires_at  timestamptz NOT NULL
);
CREATE INDEX requests_pending_idx ON requests (lease_until) WHERE NOT finished;
`,
	// 3: added reports, the one source of truth for every replica, and the version replicas poll.
	`
CREATE TABLE reports (
	id       text PRIMARY KEY,
	name     text NOT NULL,
	data     bytea NOT NULL,
	added_by text NOT NULL DEFAULT '',
	origin   text NOT NULL DEFAULT '',
	added_at timestamptz NOT NULL
);
CREATE TABLE reports_version (version bigint NOT NULL);
INSERT INTO reports_version VALUES (0);
`,
	// 4: channel modes set by admins from App Home.
	`
CREATE TABLE channel_modes (
	channel_id text PRIMARY KEY,
	mode       text NOT NULL,
	updated_at timestamptz NOT NULL
);
`,
}

// Postgres is the shared store kept in PostgreSQL, for running several
// replicas against one database. It is safe for concurrent use. Tables live
// in the connection's current schema, so a search_path parameter in the URL
// selects where they go.
type Postgres struct {
	pool *pgxpool.Pool
	// lastPrune is the unix-nano time of the last sweep of expired events.
	lastPrune atomic.Int64
	// lastRequestPrune is the same for expired requests.
	lastRequestPrune atomic.Int64
}

// OpenPostgres connects to the database at url (a postgres:// URL or DSN that
// pgx understands, including pool_* settings), verifies the connection, and
// applies pending migrations. Concurrent openers are serialised by a
// transaction-scoped advisory lock, so replicas may start together.
func OpenPostgres(ctx context.Context, url string) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: parse postgres URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect to postgres: %w", err)
	}
	p := &Postgres{pool: pool}
	if err := p.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: migrate postgres: %w", err)
	}
	return p, nil
}

func (p *Postgres) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		// One lock per schema, so unrelated schemas (e.g. tests) don't wait
		// on each other. Released automatically at commit or rollback.
		if _, err := tx.Exec(ctx,
			`SELECT pg_advisory_xact_lock(hashtext('takeaway.schema_migrations'), hashtext(coalesce(current_schema(), '')))`,
		); err != nil {
			return fmt.Errorf("take migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    int PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now()
)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		var version int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		// A version beyond len(pgMigrations) was written by a newer replica;
		// migrations are backward compatible, so carry on.
		for i := version; i < len(pgMigrations); i++ {
			if _, err := tx.Exec(ctx, pgMigrations[i]); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())`, i+1); err != nil {
				return fmt.Errorf("record migration %d: %w", i+1, err)
			}
		}
		return nil
	})
}

// schemaVersion returns the applied migration version (used by tests).
func (p *Postgres) schemaVersion(ctx context.Context) (int, error) {
	var version int
	err := p.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version)
	return version, err
}

// Close closes the connection pool, waiting for acquired connections to be
// released. It always returns nil.
func (p *Postgres) Close() error {
	p.pool.Close()
	return nil
}

// MarkEventSeen records eventID for ttl and reports whether this call was
// the first to do so, across every process sharing the database; a repeated
// ID returns false until its entry expires. Expired entries are swept at
// most once a minute per handle.
func (p *Postgres) MarkEventSeen(ctx context.Context, eventID string, ttl time.Duration) (bool, error) {
	const op = "mark event seen"
	if err := checkNonEmpty(op, "event ID", eventID); err != nil {
		return false, err
	}
	if err := checkPositive(op, "ttl", ttl); err != nil {
		return false, err
	}
	// Inserts, or takes over an expired entry; a live entry is left alone
	// and affects no row.
	tag, err := p.pool.Exec(ctx, `
INSERT INTO seen_events (event_id, expires_at)
VALUES ($1, now() + $2::bigint * interval '1 microsecond')
ON CONFLICT (event_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
WHERE seen_events.expires_at <= now()`, eventID, ttl.Microseconds())
	if err != nil {
		return false, fmt.Errorf("store: %s %q: %w", op, eventID, err)
	}
	p.maybePrune(ctx)
	return tag.RowsAffected() == 1, nil
}

// maybePrune deletes expired event entries if this handle has not done so
// for pruneInterval. Failures are ignored: pruning is an optimisation and is
// retried after the next interval.
func (p *Postgres) maybePrune(ctx context.Context) {
	if !pruneDue(&p.lastPrune, time.Now().UnixNano()) {
		return
	}
	_, _ = p.pool.Exec(ctx, `DELETE FROM seen_events WHERE expires_at <= now()`)
}

// SetUserLang stores userID's language preference; an empty lang clears it.
func (p *Postgres) SetUserLang(ctx context.Context, userID, lang string) error {
	const op = "set user lang"
	if err := checkNonEmpty(op, "user ID", userID); err != nil {
		return err
	}
	var err error
	if lang == "" {
		_, err = p.pool.Exec(ctx, `DELETE FROM user_langs WHERE user_id = $1`, userID)
	} else {
		_, err = p.pool.Exec(ctx, `
INSERT INTO user_langs (user_id, lang, updated_at) VALUES ($1, $2, now())
ON CONFLICT (user_id) DO UPDATE SET lang = EXCLUDED.lang, updated_at = EXCLUDED.updated_at`, userID, lang)
	}
	if err != nil {
		return fmt.Errorf("store: %s for %s: %w", op, userID, err)
	}
	return nil
}

// UserLang returns userID's language preference, or "" when none is set.
func (p *Postgres) UserLang(ctx context.Context, userID string) (string, error) {
	const op = "user lang"
	if err := checkNonEmpty(op, "user ID", userID); err != nil {
		return "", err
	}
	var lang string
	err := p.pool.QueryRow(ctx, `SELECT lang FROM user_langs WHERE user_id = $1`, userID).Scan(&lang)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: %s for %s: %w", op, userID, err)
	}
	return lang, nil
}

// RecordFeedback stores f, replacing any earlier vote by the same user on
// the same message (f.Channel, f.MessageTS).
func (p *Postgres) RecordFeedback(ctx context.Context, f Feedback) error {
	const op = "record feedback"
	if err := checkNonEmpty(op, "user ID", f.UserID, "channel", f.Channel, "message ts", f.MessageTS); err != nil {
		return err
	}
	if err := checkVote(op, f.Vote); err != nil {
		return err
	}
	_, err := p.pool.Exec(ctx, `
INSERT INTO feedback (user_id, channel, message_ts, vote, question, at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (user_id, channel, message_ts) DO UPDATE
SET vote = EXCLUDED.vote, question = EXCLUDED.question, at = EXCLUDED.at`,
		f.UserID, f.Channel, f.MessageTS, f.Vote, f.Question, orNow(f.At, time.Now()))
	if err != nil {
		return fmt.Errorf("store: %s on %s/%s: %w", op, f.Channel, f.MessageTS, err)
	}
	return nil
}

// LogQuestion appends q to the question log.
func (p *Postgres) LogQuestion(ctx context.Context, q QuestionLog) error {
	const op = "log question"
	_, err := p.pool.Exec(ctx, `
INSERT INTO question_log (at, request_id, surface, lang, mode, outcome, question, latency_ms)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		orNow(q.At, time.Now()), q.RequestID, q.Surface, q.Lang, q.Mode, q.Outcome, q.Question, q.LatencyMS)
	if err != nil {
		return fmt.Errorf("store: %s %s: %w", op, q.RequestID, err)
	}
	return nil
}

// ClaimDaily tries to make owner the poster of the daily post for channel
// and date, holding the claim for lease. It wins when no claim exists, when
// the existing claim is unfinished and its lease has expired (the previous
// poster crashed), or when the unfinished claim already belongs to owner (the
// lease is then renewed). A finished post can never be claimed again. The
// decision is one atomic statement, so exactly one of several racing
// replicas wins; lease times use the database clock.
func (p *Postgres) ClaimDaily(ctx context.Context, channel, date, owner string, lease time.Duration) (bool, error) {
	const op = "claim daily"
	if err := checkNonEmpty(op, "channel", channel, "date", date, "owner", owner); err != nil {
		return false, err
	}
	if err := checkPositive(op, "lease", lease); err != nil {
		return false, err
	}
	tag, err := p.pool.Exec(ctx, `
INSERT INTO daily_posts (channel, day, owner, claimed_at, lease_until)
VALUES ($1, $2, $3, now(), now() + $4::bigint * interval '1 microsecond')
ON CONFLICT (channel, day) DO UPDATE
SET owner = EXCLUDED.owner, claimed_at = EXCLUDED.claimed_at, lease_until = EXCLUDED.lease_until
WHERE daily_posts.finished_at IS NULL
  AND (daily_posts.owner = EXCLUDED.owner OR daily_posts.lease_until < EXCLUDED.claimed_at)`,
		channel, date, owner, lease.Microseconds())
	if err != nil {
		return false, fmt.Errorf("store: %s %s/%s: %w", op, channel, date, err)
	}
	return tag.RowsAffected() == 1, nil
}

// FinishDaily marks the daily post for channel and date as posted, recording
// its message timestamp and the passage IDs it used. It does not check the
// claim's owner and works without a prior claim. Calling it again for a
// finished post replaces messageTS and passageIDs but keeps the original
// finish time (so retries are harmless).
func (p *Postgres) FinishDaily(ctx context.Context, channel, date, messageTS string, passageIDs []string) error {
	const op = "finish daily"
	if err := checkNonEmpty(op, "channel", channel, "date", date); err != nil {
		return err
	}
	if passageIDs == nil {
		passageIDs = []string{} // column is NOT NULL; nil would encode as NULL
	}
	_, err := p.pool.Exec(ctx, `
INSERT INTO daily_posts (channel, day, claimed_at, lease_until, finished_at, message_ts, passage_ids)
VALUES ($1, $2, now(), now(), now(), $3, $4)
ON CONFLICT (channel, day) DO UPDATE
SET finished_at = coalesce(daily_posts.finished_at, EXCLUDED.finished_at),
    message_ts = EXCLUDED.message_ts,
    passage_ids = EXCLUDED.passage_ids`,
		channel, date, messageTS, passageIDs)
	if err != nil {
		return fmt.Errorf("store: %s %s/%s: %w", op, channel, date, err)
	}
	return nil
}

// DailyPosted reports whether the daily post for channel and date has been
// finished.
func (p *Postgres) DailyPosted(ctx context.Context, channel, date string) (bool, error) {
	const op = "daily posted"
	if err := checkNonEmpty(op, "channel", channel, "date", date); err != nil {
		return false, err
	}
	var posted bool
	err := p.pool.QueryRow(ctx,
		`SELECT EXISTS (SELECT 1 FROM daily_posts WHERE channel = $1 AND day = $2 AND finished_at IS NOT NULL)`,
		channel, date).Scan(&posted)
	if err != nil {
		return false, fmt.Errorf("store: %s %s/%s: %w", op, channel, date, err)
	}
	return posted, nil
}

// PostedPassageIDs returns the passage IDs of every finished daily post in
// channel, ordered by post (oldest finish first, ties broken by date) and
// within a post in the order given to FinishDaily. IDs used by several posts
// appear once per post. It returns an empty slice when nothing was posted.
func (p *Postgres) PostedPassageIDs(ctx context.Context, channel string) ([]string, error) {
	const op = "posted passage IDs"
	if err := checkNonEmpty(op, "channel", channel); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, `
SELECT passage_ids FROM daily_posts
WHERE channel = $1 AND finished_at IS NOT NULL
ORDER BY finished_at, day`, channel)
	if err != nil {
		return nil, fmt.Errorf("store: %s %s: %w", op, channel, err)
	}
	ids := []string{}
	var post []string
	_, err = pgx.ForEachRow(rows, []any{&post}, func() error {
		ids = append(ids, post...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: %s %s: %w", op, channel, err)
	}
	return ids, nil
}

// Stats summarises the question log and feedback from since onwards; the
// zero time means everything. All figures come from one consistent snapshot.
func (p *Postgres) Stats(ctx context.Context, since time.Time) (Stats, error) {
	const op = "stats"
	st := Stats{Languages: map[string]int{}, NotFound: []string{}, Days: []DayCount{}}
	err := pgx.BeginTxFunc(ctx, p.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)
FROM question_log WHERE at >= $1
GROUP BY day ORDER BY day`, since)
		if err != nil {
			return fmt.Errorf("days: %w", err)
		}
		var dc DayCount
		if _, err := pgx.ForEachRow(rows, []any{&dc.Day, &dc.Questions}, func() error {
			st.Days = append(st.Days, dc)
			st.Total += dc.Questions
			return nil
		}); err != nil {
			return fmt.Errorf("days: %w", err)
		}

		rows, err = tx.Query(ctx, `SELECT lang, count(*) FROM question_log WHERE at >= $1 GROUP BY lang`, since)
		if err != nil {
			return fmt.Errorf("languages: %w", err)
		}
		var (
			lang string
			n    int
		)
		if _, err := pgx.ForEachRow(rows, []any{&lang, &n}, func() error {
			st.Languages[lang] = n
			return nil
		}); err != nil {
			return fmt.Errorf("languages: %w", err)
		}

		if err := tx.QueryRow(ctx, `
SELECT count(*) FILTER (WHERE vote = 'up'), count(*) FILTER (WHERE vote = 'down')
FROM feedback WHERE at >= $1`, since).Scan(&st.Up, &st.Down); err != nil {
			return fmt.Errorf("votes: %w", err)
		}

		rows, err = tx.Query(ctx, `
SELECT question FROM question_log
WHERE at >= $1 AND outcome = $2 AND question <> ''
GROUP BY question
ORDER BY max(at) DESC, max(id) DESC
LIMIT $3`, since, OutcomeNotFound, MaxNotFound)
		if err != nil {
			return fmt.Errorf("not found: %w", err)
		}
		var q string
		if _, err := pgx.ForEachRow(rows, []any{&q}, func() error {
			st.NotFound = append(st.NotFound, q)
			return nil
		}); err != nil {
			return fmt.Errorf("not found: %w", err)
		}
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("store: %s: %w", op, err)
	}
	return st, nil
}
