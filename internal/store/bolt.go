package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
)

// Bucket and key names of the bbolt layout.
var (
	bucketMeta      = []byte("meta")
	bucketEvents    = []byte("events")    // eventID -> expiry (unix nanos, big endian)
	bucketUserLang  = []byte("user_lang") // userID -> lang
	bucketFeedback  = []byte("feedback")  // user\x00channel\x00messageTS -> boltFeedback JSON
	bucketQuestions = []byte("questions") // timeKey(at) + seq -> boltQuestion JSON
	bucketDaily     = []byte("daily")     // channel\x00date -> boltDaily JSON
	bucketRequests  = []byte("requests")  // request ID -> boltRequest JSON
	bucketReports   = []byte("reports")   // report ID -> boltReport JSON

	keySchemaVersion = []byte("schema_version")
	// keyReportsVersion (in the meta bucket) counts the changes to the reports bucket.
	keyReportsVersion = []byte("reports_version")
)

// boltMigrations are applied in order at open; entry i brings the file to
// schema version i+1. Append new migrations, never edit or reorder old ones.
var boltMigrations = []func(tx *bbolt.Tx) error{
	// 1: initial layout.
	func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketEvents, bucketUserLang, bucketFeedback, bucketQuestions, bucketDaily} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	},
	// 2: accepted requests, answered at least once across a crash.
	func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketRequests)
		return err
	},
	// 3: added reports, the one source of truth for every replica.
	func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketReports)
		return err
	},
	// 4: channel modes set by admins from App Home.
	func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketChannelModes)
		return err
	},
}

// boltOpenTimeout bounds how long OpenBolt waits for the file lock held by
// another process before giving up.
const boltOpenTimeout = 5 * time.Second

// Bolt is the embedded single-process store kept in one bbolt file. It is
// safe for concurrent use by multiple goroutines; only one process may have
// the file open at a time.
type Bolt struct {
	db  *bbolt.DB
	now func() time.Time
	// lastPrune is the unix-nano time of the last sweep of expired events.
	lastPrune atomic.Int64
	// lastRequestPrune is the same for expired requests.
	lastRequestPrune atomic.Int64
}

// OpenBolt opens (creating if needed) the bbolt file at path and applies
// pending migrations. It fails after a few seconds if another process holds
// the file.
//
// A damaged file (empty, or failing bbolt's consistency check) is named in an error wrapping
// ErrDamaged, with the way out, and left as it is.
func OpenBolt(path string) (*Bolt, error) {
	if err := checkBolt(path); err != nil {
		return nil, err
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: boltOpenTimeout})
	if err != nil {
		return nil, fmt.Errorf("store: open bolt %s: %w", path, err)
	}
	b := &Bolt{db: db, now: time.Now}
	if err := b.migrate(); err != nil {
		return nil, errors.Join(fmt.Errorf("store: migrate bolt %s: %w", path, err), db.Close())
	}
	return b, nil
}

// checkBolt opens an existing state file read-only and checks every page, so that a damaged
// one is reported, not written to (bbolt panics on some damage, such as a bad freelist).
func checkBolt(path string) (err error) {
	fi, statErr := os.Stat(path)
	switch {
	case errors.Is(statErr, fs.ErrNotExist):
		return nil // a new store
	case statErr != nil:
		return fmt.Errorf("store: open bolt %s: %w", path, statErr)
	case fi.Size() == 0:
		return damaged(path, errors.New("the file is empty"))
	}
	defer func() {
		if p := recover(); p != nil {
			err = damaged(path, fmt.Errorf("%v", p))
		}
	}()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: boltOpenTimeout, ReadOnly: true})
	if err != nil {
		if errors.Is(err, bbolt.ErrTimeout) {
			return fmt.Errorf("store: open bolt %s: another process holds it: %w", path, err)
		}
		return damaged(path, err)
	}
	defer db.Close()
	return db.View(func(tx *bbolt.Tx) error {
		for cerr := range tx.Check() {
			return damaged(path, cerr)
		}
		return nil
	})
}

// damaged names a damaged state file and the way out.
func damaged(path string, cause error) error {
	return fmt.Errorf("store: the state file %s is damaged (%v): restore it from a backup, or move it aside "+
		"(mv %s %s.damaged) to start with an empty state; it was left as it is: %w", path, cause, path, path, ErrDamaged)
}

func (b *Bolt) migrate() error {
	return b.db.Update(func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return fmt.Errorf("create meta bucket: %w", err)
		}
		version := uint64(0)
		if v := meta.Get(keySchemaVersion); v != nil {
			if len(v) != 8 {
				return fmt.Errorf("corrupt schema version %x", v)
			}
			version = binary.BigEndian.Uint64(v)
		}
		// A version beyond len(boltMigrations) was written by a newer binary;
		// its migrations are expected to be backward compatible.
		for i := version; i < uint64(len(boltMigrations)); i++ {
			if err := boltMigrations[i](tx); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
			if err := meta.Put(keySchemaVersion, binary.BigEndian.AppendUint64(nil, i+1)); err != nil {
				return fmt.Errorf("record version %d: %w", i+1, err)
			}
		}
		return nil
	})
}

// schemaVersion returns the applied migration version (used by tests).
func (b *Bolt) schemaVersion(context.Context) (int, error) {
	var version uint64
	err := b.db.View(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchemaVersion); len(v) == 8 {
			version = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	return int(version), err
}

// Close closes the bbolt file.
func (b *Bolt) Close() error {
	if err := b.db.Close(); err != nil {
		return fmt.Errorf("store: close bolt: %w", err)
	}
	return nil
}

// MarkEventSeen records eventID for ttl and reports whether this call was
// the first to do so; a repeated ID returns false until its entry expires.
// Expired entries are swept at most once a minute.
func (b *Bolt) MarkEventSeen(ctx context.Context, eventID string, ttl time.Duration) (bool, error) {
	const op = "mark event seen"
	if err := checkNonEmpty(op, "event ID", eventID); err != nil {
		return false, err
	}
	if err := checkPositive(op, "ttl", ttl); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("store: %s: %w", op, err)
	}
	first := false
	err := b.db.Update(func(tx *bbolt.Tx) error {
		events := tx.Bucket(bucketEvents)
		now := b.now()
		if v := events.Get([]byte(eventID)); len(v) == 8 && int64(binary.BigEndian.Uint64(v)) > now.UnixNano() {
			return nil // still within the previous sighting's TTL
		}
		first = true
		expires := binary.BigEndian.AppendUint64(nil, uint64(now.Add(ttl).UnixNano()))
		if err := events.Put([]byte(eventID), expires); err != nil {
			return err
		}
		return b.maybePrune(events, now)
	})
	if err != nil {
		return false, fmt.Errorf("store: %s %q: %w", op, eventID, err)
	}
	return first, nil
}

// maybePrune deletes expired event entries if the last sweep is more than
// pruneInterval ago. It runs inside the caller's write transaction.
func (b *Bolt) maybePrune(events *bbolt.Bucket, now time.Time) error {
	if !pruneDue(&b.lastPrune, now.UnixNano()) {
		return nil
	}
	return deleteWhere(events, "event", func(v []byte) bool {
		return len(v) != 8 || int64(binary.BigEndian.Uint64(v)) <= now.UnixNano()
	})
}

// deleteWhere deletes the entries of bucket whose value matches, inside the caller's write
// transaction; what names the entries in errors.
func deleteWhere(bucket *bbolt.Bucket, what string, match func(v []byte) bool) error {
	var doomed [][]byte
	c := bucket.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if match(v) {
			doomed = append(doomed, bytes.Clone(k))
		}
	}
	for _, k := range doomed {
		if err := bucket.Delete(k); err != nil {
			return fmt.Errorf("prune expired %s: %w", what, err)
		}
	}
	return nil
}

// SetUserLang stores userID's language preference; an empty lang clears it.
func (b *Bolt) SetUserLang(ctx context.Context, userID, lang string) error {
	const op = "set user lang"
	if err := checkNonEmpty(op, "user ID", userID); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	err := b.db.Update(func(tx *bbolt.Tx) error {
		bucket := tx.Bucket(bucketUserLang)
		if lang == "" {
			return bucket.Delete([]byte(userID))
		}
		return bucket.Put([]byte(userID), []byte(lang))
	})
	if err != nil {
		return fmt.Errorf("store: %s for %s: %w", op, userID, err)
	}
	return nil
}

// UserLang returns userID's language preference, or "" when none is set.
func (b *Bolt) UserLang(ctx context.Context, userID string) (string, error) {
	const op = "user lang"
	if err := checkNonEmpty(op, "user ID", userID); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("store: %s: %w", op, err)
	}
	var lang string
	err := b.db.View(func(tx *bbolt.Tx) error {
		lang = string(tx.Bucket(bucketUserLang).Get([]byte(userID)))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("store: %s for %s: %w", op, userID, err)
	}
	return lang, nil
}

type boltFeedback struct {
	Vote     string    `json:"vote"`
	Question string    `json:"question,omitempty"`
	At       time.Time `json:"at"`
}

// RecordFeedback stores f, replacing any earlier vote by the same user on
// the same message (f.Channel, f.MessageTS).
func (b *Bolt) RecordFeedback(ctx context.Context, f Feedback) error {
	const op = "record feedback"
	if err := checkNonEmpty(op, "user ID", f.UserID, "channel", f.Channel, "message ts", f.MessageTS); err != nil {
		return err
	}
	if err := checkVote(op, f.Vote); err != nil {
		return err
	}
	key, err := compositeKey(op, f.UserID, f.Channel, f.MessageTS)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	val, err := json.Marshal(boltFeedback{Vote: f.Vote, Question: f.Question, At: orNow(f.At, b.now()).UTC()})
	if err != nil {
		return fmt.Errorf("store: %s: encode: %w", op, err)
	}
	if err := b.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketFeedback).Put(key, val)
	}); err != nil {
		return fmt.Errorf("store: %s on %s/%s: %w", op, f.Channel, f.MessageTS, err)
	}
	return nil
}

type boltQuestion struct {
	At        time.Time `json:"at"`
	RequestID string    `json:"request_id,omitempty"`
	Surface   string    `json:"surface,omitempty"`
	Lang      string    `json:"lang,omitempty"`
	Mode      string    `json:"mode,omitempty"`
	Outcome   string    `json:"outcome,omitempty"`
	Question  string    `json:"question,omitempty"`
	LatencyMS int64     `json:"latency_ms,omitempty"`
}

// timeKey encodes t so that byte order matches time order (including times
// before 1970).
func timeKey(t time.Time) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())^(1<<63))
}

// LogQuestion appends q to the question log.
func (b *Bolt) LogQuestion(ctx context.Context, q QuestionLog) error {
	const op = "log question"
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	rec := boltQuestion{
		At:        orNow(q.At, b.now()).UTC(),
		RequestID: q.RequestID,
		Surface:   q.Surface,
		Lang:      q.Lang,
		Mode:      q.Mode,
		Outcome:   q.Outcome,
		Question:  q.Question,
		LatencyMS: q.LatencyMS,
	}
	val, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("store: %s: encode: %w", op, err)
	}
	if err := b.db.Update(func(tx *bbolt.Tx) error {
		bucket := tx.Bucket(bucketQuestions)
		seq, err := bucket.NextSequence()
		if err != nil {
			return err
		}
		return bucket.Put(binary.BigEndian.AppendUint64(timeKey(rec.At), seq), val)
	}); err != nil {
		return fmt.Errorf("store: %s %s: %w", op, q.RequestID, err)
	}
	return nil
}

type boltDaily struct {
	Owner      string    `json:"owner,omitempty"`
	ClaimedAt  time.Time `json:"claimed_at"`
	LeaseUntil time.Time `json:"lease_until"`
	FinishedAt time.Time `json:"finished_at"` // zero while unfinished
	MessageTS  string    `json:"message_ts,omitempty"`
	PassageIDs []string  `json:"passage_ids,omitempty"`
	Day        string    `json:"day"`
}

func (d *boltDaily) finished() bool { return !d.FinishedAt.IsZero() }

func getDaily(bucket *bbolt.Bucket, key []byte) (*boltDaily, error) {
	v := bucket.Get(key)
	if v == nil {
		return nil, nil
	}
	var d boltDaily
	if err := json.Unmarshal(v, &d); err != nil {
		return nil, fmt.Errorf("decode daily record: %w", err)
	}
	return &d, nil
}

func putDaily(bucket *bbolt.Bucket, key []byte, d *boltDaily) error {
	v, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode daily record: %w", err)
	}
	return bucket.Put(key, v)
}

// ClaimDaily tries to make owner the poster of the daily post for channel
// and date, holding the claim for lease. It wins when no claim exists, when
// the existing claim is unfinished and its lease has expired (the previous
// poster crashed), or when the unfinished claim already belongs to owner (the
// lease is then renewed). A finished post can never be claimed again.
func (b *Bolt) ClaimDaily(ctx context.Context, channel, date, owner string, lease time.Duration) (bool, error) {
	const op = "claim daily"
	if err := checkNonEmpty(op, "channel", channel, "date", date, "owner", owner); err != nil {
		return false, err
	}
	if err := checkPositive(op, "lease", lease); err != nil {
		return false, err
	}
	key, err := compositeKey(op, channel, date)
	if err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("store: %s: %w", op, err)
	}
	won := false
	err = b.db.Update(func(tx *bbolt.Tx) error {
		bucket := tx.Bucket(bucketDaily)
		d, err := getDaily(bucket, key)
		if err != nil {
			return err
		}
		now := b.now().UTC()
		switch {
		case d == nil:
			d = &boltDaily{Day: date}
		case d.finished():
			return nil
		case d.Owner != owner && !d.LeaseUntil.Before(now):
			return nil // someone else holds a live lease
		}
		d.Owner, d.ClaimedAt, d.LeaseUntil = owner, now, now.Add(lease)
		won = true
		return putDaily(bucket, key, d)
	})
	if err != nil {
		return false, fmt.Errorf("store: %s %s/%s: %w", op, channel, date, err)
	}
	return won, nil
}

// FinishDaily marks the daily post for channel and date as posted, recording
// its message timestamp and the passage IDs it used. It does not check the
// claim's owner and works without a prior claim. Calling it again for a
// finished post replaces messageTS and passageIDs but keeps the original
// finish time (so retries are harmless).
func (b *Bolt) FinishDaily(ctx context.Context, channel, date, messageTS string, passageIDs []string) error {
	const op = "finish daily"
	if err := checkNonEmpty(op, "channel", channel, "date", date); err != nil {
		return err
	}
	key, err := compositeKey(op, channel, date)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	err = b.db.Update(func(tx *bbolt.Tx) error {
		bucket := tx.Bucket(bucketDaily)
		d, err := getDaily(bucket, key)
		if err != nil {
			return err
		}
		now := b.now().UTC()
		if d == nil {
			d = &boltDaily{Day: date, ClaimedAt: now, LeaseUntil: now}
		}
		if !d.finished() {
			d.FinishedAt = now
		}
		d.MessageTS, d.PassageIDs = messageTS, slices.Clone(passageIDs)
		return putDaily(bucket, key, d)
	})
	if err != nil {
		return fmt.Errorf("store: %s %s/%s: %w", op, channel, date, err)
	}
	return nil
}

// DailyPosted reports whether the daily post for channel and date has been
// finished.
func (b *Bolt) DailyPosted(ctx context.Context, channel, date string) (bool, error) {
	const op = "daily posted"
	if err := checkNonEmpty(op, "channel", channel, "date", date); err != nil {
		return false, err
	}
	key, err := compositeKey(op, channel, date)
	if err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("store: %s: %w", op, err)
	}
	posted := false
	err = b.db.View(func(tx *bbolt.Tx) error {
		d, err := getDaily(tx.Bucket(bucketDaily), key)
		posted = d != nil && d.finished()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: %s %s/%s: %w", op, channel, date, err)
	}
	return posted, nil
}

// PostedPassageIDs returns the passage IDs of every finished daily post in
// channel, ordered by post (oldest finish first, ties broken by date) and
// within a post in the order given to FinishDaily. IDs used by several posts
// appear once per post. It returns an empty slice when nothing was posted.
func (b *Bolt) PostedPassageIDs(ctx context.Context, channel string) ([]string, error) {
	const op = "posted passage IDs"
	if err := checkNonEmpty(op, "channel", channel); err != nil {
		return nil, err
	}
	prefix, err := compositeKey(op, channel, "")
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, err)
	}
	var posts []*boltDaily
	err = b.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketDaily).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var d boltDaily
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decode daily record %q: %w", k, err)
			}
			if d.finished() {
				posts = append(posts, &d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: %s %s: %w", op, channel, err)
	}
	slices.SortStableFunc(posts, func(x, y *boltDaily) int {
		if c := x.FinishedAt.Compare(y.FinishedAt); c != 0 {
			return c
		}
		return strings.Compare(x.Day, y.Day)
	})
	ids := []string{}
	for _, d := range posts {
		ids = append(ids, d.PassageIDs...)
	}
	return ids, nil
}

// Stats summarises the question log and feedback from since onwards; the
// zero time means everything.
func (b *Bolt) Stats(ctx context.Context, since time.Time) (Stats, error) {
	const op = "stats"
	if err := ctx.Err(); err != nil {
		return Stats{}, fmt.Errorf("store: %s: %w", op, err)
	}
	st := Stats{Languages: map[string]int{}, NotFound: []string{}, Days: []DayCount{}}
	err := b.db.View(func(tx *bbolt.Tx) error {
		var start []byte
		if !since.IsZero() {
			start = timeKey(since)
		}
		days := map[string]int{}
		c := tx.Bucket(bucketQuestions).Cursor()
		// Walk newest to oldest so NotFound comes out most recent first.
		seen := map[string]bool{}
		for k, v := c.Last(); k != nil && bytes.Compare(k, start) >= 0; k, v = c.Prev() {
			var q boltQuestion
			if err := json.Unmarshal(v, &q); err != nil {
				return fmt.Errorf("decode question %x: %w", k, err)
			}
			st.Total++
			days[dayOf(q.At)]++
			st.Languages[q.Lang]++
			if q.Outcome == OutcomeNotFound && q.Question != "" && !seen[q.Question] && len(st.NotFound) < MaxNotFound {
				seen[q.Question] = true
				st.NotFound = append(st.NotFound, q.Question)
			}
		}
		for day, n := range days {
			st.Days = append(st.Days, DayCount{Day: day, Questions: n})
		}
		slices.SortFunc(st.Days, func(x, y DayCount) int { return strings.Compare(x.Day, y.Day) })

		return tx.Bucket(bucketFeedback).ForEach(func(k, v []byte) error {
			var f boltFeedback
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("decode feedback %q: %w", k, err)
			}
			if f.At.Before(since) {
				return nil
			}
			switch f.Vote {
			case VoteUp:
				st.Up++
			case VoteDown:
				st.Down++
			}
			return nil
		})
	})
	if err != nil {
		return Stats{}, fmt.Errorf("store: %s: %w", op, err)
	}
	return st, nil
}

// compositeKey joins parts with NUL bytes, refusing parts that contain NUL
// (which would make keys ambiguous).
func compositeKey(op string, parts ...string) ([]byte, error) {
	for _, p := range parts {
		if strings.IndexByte(p, 0) >= 0 {
			return nil, invalid(op, "key part %q contains a NUL byte", p)
		}
	}
	return []byte(strings.Join(parts, "\x00")), nil
}
