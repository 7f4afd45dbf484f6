package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

func boltBackend() backend {
	return backend{
		fresh: func(t *testing.T) opener {
			path := filepath.Join(t.TempDir(), "takeaway.db")
			return func(t *testing.T) Store {
				t.Helper()
				b, err := OpenBolt(path)
				if err != nil {
					t.Fatalf("OpenBolt: %v", err)
				}
				return managed(t, b)
			}
		},
		wantVersion:       len(boltMigrations),
		concurrentHandles: false, // bbolt holds an exclusive file lock
	}
}

func TestBoltContract(t *testing.T) {
	runContract(t, boltBackend())
}

func TestOpenBolt(t *testing.T) {
	tests := []struct {
		name    string
		dataDir func(t *testing.T) string
		wantErr error
	}{
		{name: "creates missing data dir", dataDir: func(t *testing.T) string { return filepath.Join(t.TempDir(), "a", "b") }},
		{name: "existing data dir", dataDir: func(t *testing.T) string { return t.TempDir() }},
		{name: "no data dir", dataDir: func(*testing.T) string { return "" }, wantErr: ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dataDir(t)
			s, err := Open(t.Context(), dir, "")
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Open error = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			managed(t, s)
			if _, ok := s.(*Bolt); !ok {
				t.Fatalf("Open returned %T, want *Bolt", s)
			}
			if _, err := os.Stat(filepath.Join(dir, BoltFileName)); err != nil {
				t.Fatalf("bolt file: %v", err)
			}
		})
	}
}

func TestBoltPrunesExpiredEvents(t *testing.T) {
	b, err := OpenBolt(filepath.Join(t.TempDir(), "takeaway.db"))
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	managed(t, b)
	ctx := t.Context()
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b.now = func() time.Time { return clock }

	steps := []struct {
		name      string
		advance   time.Duration
		id        string
		ttl       time.Duration
		wantFirst bool
		wantKeys  []string
	}{
		{name: "first sweep happens immediately", id: "short", ttl: time.Second, wantFirst: true, wantKeys: []string{"short"}},
		{name: "no sweep within interval", advance: 2 * time.Second, id: "long", ttl: time.Hour, wantFirst: true, wantKeys: []string{"long", "short"}},
		{name: "sweep after interval drops expired", advance: pruneInterval, id: "other", ttl: time.Hour, wantFirst: true, wantKeys: []string{"long", "other"}},
		{name: "live entry still deduplicates", id: "long", ttl: time.Hour, wantFirst: false, wantKeys: []string{"long", "other"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock = clock.Add(st.advance)
			first, err := b.MarkEventSeen(ctx, st.id, st.ttl)
			if err != nil {
				t.Fatalf("MarkEventSeen: %v", err)
			}
			if first != st.wantFirst {
				t.Fatalf("MarkEventSeen(%s) = %v, want %v", st.id, first, st.wantFirst)
			}
			var keys []string
			if err := b.db.View(func(tx *bbolt.Tx) error {
				return tx.Bucket(bucketEvents).ForEach(func(k, _ []byte) error {
					keys = append(keys, string(k))
					return nil
				})
			}); err != nil {
				t.Fatalf("View: %v", err)
			}
			if !slices.Equal(keys, st.wantKeys) {
				t.Fatalf("event keys = %v, want %v", keys, st.wantKeys)
			}
		})
	}
}

func TestBoltRejectsNULInKeys(t *testing.T) {
	b, err := OpenBolt(filepath.Join(t.TempDir(), "takeaway.db"))
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	managed(t, b)
	if _, err := b.ClaimDaily(t.Context(), "C\x00x", "2025-01-01", "a", time.Hour); !errors.Is(err, ErrInvalid) {
		t.Fatalf("ClaimDaily with NUL = %v, want ErrInvalid", err)
	}
}

// TestDamagedBoltFile: an empty or corrupted state file is named with the way out and left
// as it is; it never panics and never starts empty in its place.
func TestDamagedBoltFile(t *testing.T) {
	good := filepath.Join(t.TempDir(), "good.db")
	s, err := OpenBolt(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserLang(t.Context(), "U1", "fr"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// Damage every page after the two meta pages: the freelist and the buckets.
	scrambled := bytes.Clone(data)
	for i := 2 * 4096; i < len(scrambled); i++ {
		scrambled[i] ^= 0x5a
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"scrambled pages", scrambled},
		{"not a database", []byte("this is a text file, not a bbolt database at all, but long enough to be read as one")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "takeaway.db")
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := OpenBolt(path)
			if err == nil {
				s.Close()
				t.Fatal("a damaged file opened as a store")
			}
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "move it aside") {
				t.Errorf("error %q does not name the file, ErrDamaged and the way out", err)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, tt.data) {
				t.Error("the damaged file was changed")
			}
		})
	}
}
