package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// Pending is a request accepted and not yet finished: its ID and the payload it was accepted
// with, enough to handle it again.
type Pending struct {
	ID      string
	Payload []byte
}

// maxClaim bounds how many pending requests one ClaimPending call returns.
const maxClaim = 100

func checkAccept(op, id, owner string, lease, ttl time.Duration) error {
	if err := checkNonEmpty(op, "request ID", id, "owner", owner); err != nil {
		return err
	}
	if err := checkPositive(op, "lease", lease); err != nil {
		return err
	}
	return checkPositive(op, "ttl", ttl)
}

// boltRequest is one accepted request in the requests bucket.
type boltRequest struct {
	Owner      string `json:"owner"`
	Payload    []byte `json:"payload"`
	Finished   bool   `json:"finished,omitempty"`
	LeaseUntil int64  `json:"lease_until"` // unix nanos
	Expires    int64  `json:"expires"`     // unix nanos
}

// AcceptRequest records a request before it is acknowledged, leased to owner for lease, and
// reports whether owner should handle it: true for a new ID, and for an ID accepted before
// whose handler died (not finished, its lease over); false for a finished one or one still
// being handled. The ID is remembered for ttl.
func (b *Bolt) AcceptRequest(ctx context.Context, id, owner string, payload []byte, lease, ttl time.Duration) (bool, error) {
	const op = "accept request"
	if err := checkAccept(op, id, owner, lease, ttl); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("store: %s: %w", op, err)
	}
	accepted := false
	err := b.db.Update(func(tx *bbolt.Tx) error {
		bucket := tx.Bucket(bucketRequests)
		now := b.now().UnixNano()
		if v := bucket.Get([]byte(id)); v != nil {
			var r boltRequest
			if json.Unmarshal(v, &r) == nil && r.Expires > now && (r.Finished || r.LeaseUntil > now) {
				return nil
			}
		}
		accepted = true
		v, err := json.Marshal(boltRequest{Owner: owner, Payload: payload, LeaseUntil: now + int64(lease), Expires: now + int64(ttl)})
		if err != nil {
			return err
		}
		if err := bucket.Put([]byte(id), v); err != nil {
			return err
		}
		return b.pruneRequests(bucket, now)
	})
	if err != nil {
		return false, fmt.Errorf("store: %s %q: %w", op, id, err)
	}
	return accepted, nil
}

// FinishRequest marks an accepted request as handled: it is not handled again.
func (b *Bolt) FinishRequest(ctx context.Context, id string) error {
	const op = "finish request"
	if err := checkNonEmpty(op, "request ID", id); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	err := b.db.Update(func(tx *bbolt.Tx) error {
		bucket := tx.Bucket(bucketRequests)
		v := bucket.Get([]byte(id))
		if v == nil {
			return nil
		}
		var r boltRequest
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		r.Finished, r.Payload = true, nil
		out, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return bucket.Put([]byte(id), out)
	})
	if err != nil {
		return fmt.Errorf("store: %s %q: %w", op, id, err)
	}
	return nil
}

// ClaimPending leases to owner the accepted requests that are not finished and that nobody
// is handling, oldest lease first, and returns them. With bbolt, one process holds the file:
// a request leased to another owner was left by a process that has died, and is claimed at
// once.
func (b *Bolt) ClaimPending(ctx context.Context, owner string, lease time.Duration) ([]Pending, error) {
	const op = "claim pending requests"
	if err := checkNonEmpty(op, "owner", owner); err != nil {
		return nil, err
	}
	if err := checkPositive(op, "lease", lease); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, err)
	}
	var out []Pending
	err := b.db.Update(func(tx *bbolt.Tx) error {
		bucket := tx.Bucket(bucketRequests)
		now := b.now().UnixNano()
		type claim struct {
			id string
			r  boltRequest
		}
		var claims []claim
		c := bucket.Cursor()
		for k, v := c.First(); k != nil && len(claims) < maxClaim; k, v = c.Next() {
			var r boltRequest
			if json.Unmarshal(v, &r) != nil || r.Finished || r.Expires <= now {
				continue
			}
			if r.LeaseUntil <= now || r.Owner != owner {
				claims = append(claims, claim{id: string(bytes.Clone(k)), r: r})
			}
		}
		for _, cl := range claims {
			cl.r.Owner, cl.r.LeaseUntil = owner, now+int64(lease)
			v, err := json.Marshal(cl.r)
			if err != nil {
				return err
			}
			if err := bucket.Put([]byte(cl.id), v); err != nil {
				return err
			}
			out = append(out, Pending{ID: cl.id, Payload: cl.r.Payload})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, err)
	}
	return out, nil
}

// pruneRequests deletes expired requests, at most once per pruneInterval, inside the caller's
// write transaction.
func (b *Bolt) pruneRequests(bucket *bbolt.Bucket, now int64) error {
	if !pruneDue(&b.lastRequestPrune, now) {
		return nil
	}
	return deleteWhere(bucket, "request", func(v []byte) bool {
		var r boltRequest
		return json.Unmarshal(v, &r) != nil || r.Expires <= now
	})
}

// AcceptRequest is Bolt.AcceptRequest across every replica sharing the database: exactly one
// of several replicas accepting the same ID at once wins.
func (p *Postgres) AcceptRequest(ctx context.Context, id, owner string, payload []byte, lease, ttl time.Duration) (bool, error) {
	const op = "accept request"
	if err := checkAccept(op, id, owner, lease, ttl); err != nil {
		return false, err
	}
	// Inserts, or takes over an expired entry or a dead handler's; a live or finished entry
	// is left alone and affects no row.
	tag, err := p.pool.Exec(ctx, `
INSERT INTO requests (id, owner, payload, lease_until, expires_at)
VALUES ($1, $2, $3, now() + $4::bigint * interval '1 microsecond', now() + $5::bigint * interval '1 microsecond')
ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, payload = EXCLUDED.payload, finished = false,
	lease_until = EXCLUDED.lease_until, expires_at = EXCLUDED.expires_at
WHERE requests.expires_at <= now() OR (NOT requests.finished AND requests.lease_until <= now())`,
		id, owner, payload, lease.Microseconds(), ttl.Microseconds())
	if err != nil {
		return false, fmt.Errorf("store: %s %q: %w", op, id, err)
	}
	p.maybePruneRequests(ctx)
	return tag.RowsAffected() == 1, nil
}

// FinishRequest marks an accepted request as handled.
func (p *Postgres) FinishRequest(ctx context.Context, id string) error {
	const op = "finish request"
	if err := checkNonEmpty(op, "request ID", id); err != nil {
		return err
	}
	if _, err := p.pool.Exec(ctx, `UPDATE requests SET finished = true, payload = '' WHERE id = $1`, id); err != nil {
		return fmt.Errorf("store: %s %q: %w", op, id, err)
	}
	return nil
}

// ClaimPending leases to owner the accepted requests that are not finished and whose lease is
// over (their handler died); replicas claiming at once get disjoint sets.
func (p *Postgres) ClaimPending(ctx context.Context, owner string, lease time.Duration) ([]Pending, error) {
	const op = "claim pending requests"
	if err := checkNonEmpty(op, "owner", owner); err != nil {
		return nil, err
	}
	if err := checkPositive(op, "lease", lease); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, `
UPDATE requests SET owner = $1, lease_until = now() + $2::bigint * interval '1 microsecond'
WHERE id IN (
	SELECT id FROM requests
	WHERE NOT finished AND lease_until <= now() AND expires_at > now()
	ORDER BY lease_until LIMIT $3
	FOR UPDATE SKIP LOCKED)
RETURNING id, payload`, owner, lease.Microseconds(), maxClaim)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, err)
	}
	defer rows.Close()
	var out []Pending
	for rows.Next() {
		var pr Pending
		if err := rows.Scan(&pr.ID, &pr.Payload); err != nil {
			return nil, fmt.Errorf("store: %s: %w", op, err)
		}
		out = append(out, pr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, err)
	}
	return out, nil
}

// maybePruneRequests deletes expired requests at most once per pruneInterval per handle.
func (p *Postgres) maybePruneRequests(ctx context.Context) {
	if !pruneDue(&p.lastRequestPrune, time.Now().UnixNano()) {
		return
	}
	_, _ = p.pool.Exec(ctx, `DELETE FROM requests WHERE expires_at <= now()`)
}
