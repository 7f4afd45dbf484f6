package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"go.etcd.io/bbolt"
)

// Report is one report file a team added, kept whole: the store is the one source of truth
// for added reports, shared by every replica. Its ID is its content's address, so adding the
// same file twice changes nothing.
type Report struct {
	// ID is ReportID(Data).
	ID string
	// Name is the file name the report came with; its extension may tell its format.
	Name string
	// Data is the file as added.
	Data []byte
	// AddedBy says who added it (a Slack user ID, or "cli").
	AddedBy string
	// Origin is where it came from: an address, an uploaded file's name, a path.
	Origin string
	// AddedAt is when it was added; the zero time means now.
	AddedAt time.Time
}

// ReportID is the content address of a report file: the first 12 hex digits of its SHA-256.
func ReportID(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:6])
}

func checkReport(r Report) error {
	const op = "put report"
	if err := checkNonEmpty(op, "name", r.Name); err != nil {
		return err
	}
	if len(r.Data) == 0 {
		return invalid(op, "empty report")
	}
	if r.ID != "" && r.ID != ReportID(r.Data) {
		return invalid(op, "ID %q is not the content's address", r.ID)
	}
	return nil
}

// boltReport is one report in the reports bucket.
type boltReport struct {
	Name    string `json:"name"`
	Data    []byte `json:"data"`
	AddedBy string `json:"added_by,omitempty"`
	Origin  string `json:"origin,omitempty"`
	AddedAt int64  `json:"added_at"` // unix nanos
}

// bumpVersion increments the reports version inside the caller's write transaction.
func bumpVersion(tx *bbolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	var v uint64
	if b := meta.Get(keyReportsVersion); len(b) == 8 {
		v = binary.BigEndian.Uint64(b)
	}
	return meta.Put(keyReportsVersion, binary.BigEndian.AppendUint64(nil, v+1))
}

// PutReport stores a report unless one with the same content is there; it returns the stored
// report (the earlier one when the content was known) and whether this call added it.
func (b *Bolt) PutReport(ctx context.Context, r Report) (Report, bool, error) {
	if err := checkReport(r); err != nil {
		return Report{}, false, err
	}
	if err := ctx.Err(); err != nil {
		return Report{}, false, fmt.Errorf("store: put report: %w", err)
	}
	r.ID = ReportID(r.Data)
	r.AddedAt = orNow(r.AddedAt, b.now())
	var stored Report
	added := false
	err := b.db.Update(func(tx *bbolt.Tx) error {
		bucket := tx.Bucket(bucketReports)
		if v := bucket.Get([]byte(r.ID)); v != nil {
			var br boltReport
			if err := json.Unmarshal(v, &br); err != nil {
				return fmt.Errorf("decode report %s: %w", r.ID, err)
			}
			stored = fromBoltReport(r.ID, br)
			return nil
		}
		val, err := json.Marshal(boltReport{Name: r.Name, Data: r.Data, AddedBy: r.AddedBy, Origin: r.Origin, AddedAt: r.AddedAt.UnixNano()})
		if err != nil {
			return err
		}
		if err := bucket.Put([]byte(r.ID), val); err != nil {
			return err
		}
		stored, added = r, true
		return bumpVersion(tx)
	})
	if err != nil {
		return Report{}, false, fmt.Errorf("store: put report %s: %w", r.Name, err)
	}
	return stored, added, nil
}

func fromBoltReport(id string, br boltReport) Report {
	return Report{ID: id, Name: br.Name, Data: br.Data, AddedBy: br.AddedBy, Origin: br.Origin, AddedAt: time.Unix(0, br.AddedAt).UTC()}
}

// DeleteReport removes a report and reports whether it was there.
func (b *Bolt) DeleteReport(ctx context.Context, id string) (bool, error) {
	if err := checkNonEmpty("delete report", "ID", id); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("store: delete report: %w", err)
	}
	found := false
	err := b.db.Update(func(tx *bbolt.Tx) error {
		bucket := tx.Bucket(bucketReports)
		if bucket.Get([]byte(id)) == nil {
			return nil
		}
		found = true
		if err := bucket.Delete([]byte(id)); err != nil {
			return err
		}
		return bumpVersion(tx)
	})
	if err != nil {
		return false, fmt.Errorf("store: delete report %s: %w", id, err)
	}
	return found, nil
}

// Reports lists the stored reports, oldest first (ties by ID).
func (b *Bolt) Reports(ctx context.Context) ([]Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: list reports: %w", err)
	}
	var out []Report
	err := b.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketReports).ForEach(func(k, v []byte) error {
			var br boltReport
			if err := json.Unmarshal(v, &br); err != nil {
				return fmt.Errorf("decode report %s: %w", k, err)
			}
			out = append(out, fromBoltReport(string(k), br))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: list reports: %w", err)
	}
	sortReports(out)
	return out, nil
}

// ReportsVersion changes whenever a report is added or removed; replicas poll it.
func (b *Bolt) ReportsVersion(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("store: reports version: %w", err)
	}
	var v int64
	err := b.db.View(func(tx *bbolt.Tx) error {
		if raw := tx.Bucket(bucketMeta).Get(keyReportsVersion); len(raw) == 8 {
			v = int64(binary.BigEndian.Uint64(raw))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: reports version: %w", err)
	}
	return v, nil
}

func sortReports(rs []Report) {
	sort.Slice(rs, func(i, j int) bool {
		if !rs[i].AddedAt.Equal(rs[j].AddedAt) {
			return rs[i].AddedAt.Before(rs[j].AddedAt)
		}
		return rs[i].ID < rs[j].ID
	})
}

// PutReport stores a report unless one with the same content is there; it returns the stored
// report (the earlier one when the content was known) and whether this call added it. The
// insert and the version bump are one transaction, so replicas never see one without the other.
func (p *Postgres) PutReport(ctx context.Context, r Report) (Report, bool, error) {
	if err := checkReport(r); err != nil {
		return Report{}, false, err
	}
	r.ID = ReportID(r.Data)
	r.AddedAt = orNow(r.AddedAt, time.Now()).UTC()
	var stored Report
	added := false
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO reports (id, name, data, added_by, origin, added_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
			r.ID, r.Name, r.Data, r.AddedBy, r.Origin, r.AddedAt)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			stored, added = r, true
			_, err := tx.Exec(ctx, `UPDATE reports_version SET version = version + 1`)
			return err
		}
		return tx.QueryRow(ctx, `SELECT id, name, data, added_by, origin, added_at FROM reports WHERE id = $1`, r.ID).
			Scan(&stored.ID, &stored.Name, &stored.Data, &stored.AddedBy, &stored.Origin, &stored.AddedAt)
	})
	if err != nil {
		return Report{}, false, fmt.Errorf("store: put report %s: %w", r.Name, err)
	}
	stored.AddedAt = stored.AddedAt.UTC()
	return stored, added, nil
}

// DeleteReport removes a report and reports whether it was there.
func (p *Postgres) DeleteReport(ctx context.Context, id string) (bool, error) {
	if err := checkNonEmpty("delete report", "ID", id); err != nil {
		return false, err
	}
	found := false
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM reports WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if found = tag.RowsAffected() == 1; found {
			_, err = tx.Exec(ctx, `UPDATE reports_version SET version = version + 1`)
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: delete report %s: %w", id, err)
	}
	return found, nil
}

// Reports lists the stored reports, oldest first (ties by ID).
func (p *Postgres) Reports(ctx context.Context) ([]Report, error) {
	rows, err := p.pool.Query(ctx, `SELECT id, name, data, added_by, origin, added_at FROM reports ORDER BY added_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: list reports: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Report, error) {
		var r Report
		err := row.Scan(&r.ID, &r.Name, &r.Data, &r.AddedBy, &r.Origin, &r.AddedAt)
		r.AddedAt = r.AddedAt.UTC()
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: list reports: %w", err)
	}
	sortReports(out)
	return out, nil
}

// ReportsVersion changes whenever a report is added or removed; replicas poll it.
func (p *Postgres) ReportsVersion(ctx context.Context) (int64, error) {
	var v int64
	err := p.pool.QueryRow(ctx, `SELECT version FROM reports_version`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: reports version: %w", err)
	}
	return v, nil
}
