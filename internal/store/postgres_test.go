package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// testDatabaseURLEnv names the variable holding the URL of a real PostgreSQL
// server for the tests (see .ci/pg-start).
const testDatabaseURLEnv = "TAKEAWAY_TEST_DATABASE_URL"

// testDatabaseURL returns the test server URL, skipping the test when none
// is configured, except under CI where skipping would hide missing coverage.
func testDatabaseURL(t *testing.T) string {
	t.Helper()
	if u := os.Getenv(testDatabaseURLEnv); u != "" {
		return u
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not set but CI is: the PostgreSQL tests must not be skipped in CI; start a server with `export %s=$(.ci/pg-start)`",
			testDatabaseURLEnv, testDatabaseURLEnv)
	}
	t.Skipf("PostgreSQL tests skipped: %s is not set; run `export %s=$(.ci/pg-start)` to test against a real server",
		testDatabaseURLEnv, testDatabaseURLEnv)
	return ""
}

// withParams adds connection parameters to a URL- or DSN-style conn string.
func withParams(t *testing.T, conn string, params map[string]string) string {
	t.Helper()
	if strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://") {
		u, err := url.Parse(conn)
		if err != nil {
			t.Fatalf("parse %s: %v", testDatabaseURLEnv, err)
		}
		q := u.Query()
		for k, v := range params {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	for k, v := range params {
		conn += fmt.Sprintf(" %s=%s", k, v)
	}
	return conn
}

// freshSchema creates a uniquely named schema that is dropped when the test
// ends, and returns a conn string whose connections work inside it.
func freshSchema(t *testing.T) string {
	t.Helper()
	base := testDatabaseURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to test database: %v", err)
	}
	defer conn.Close(context.Background())
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatalf("rand: %v", err)
	}
	schema := "takeaway_test_" + hex.EncodeToString(suffix)
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+ident); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	// Registered before any store handle, so it runs after they are closed.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("connect to drop schema: %v", err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+ident+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withParams(t, base, map[string]string{"search_path": schema, "pool_max_conns": "8"})
}

func openPostgres(t *testing.T, conn string) *Postgres {
	t.Helper()
	p, err := OpenPostgres(t.Context(), conn)
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	managed(t, p)
	return p
}

func TestPostgresContract(t *testing.T) {
	testDatabaseURL(t)
	runContract(t, backend{
		fresh: func(t *testing.T) opener {
			conn := freshSchema(t)
			return func(t *testing.T) Store {
				t.Helper()
				return managed(t, openPostgres(t, conn))
			}
		},
		wantVersion:       len(pgMigrations),
		concurrentHandles: true,
	})
}

// TestPostgresReplicas simulates two replicas: separate *Postgres handles
// (separate pools) on the same database.
func TestPostgresReplicas(t *testing.T) {
	conn := freshSchema(t)
	ctx := t.Context()

	// Both replicas start at once and race to migrate.
	handles := make([]*Postgres, 4)
	errs := make([]error, len(handles))
	var wg sync.WaitGroup
	for i := range handles {
		wg.Go(func() { handles[i], errs[i] = OpenPostgres(ctx, conn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: OpenPostgres: %v", i, err)
		}
		managed(t, handles[i])
	}
	var applied int
	if err := handles[0].pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
		t.Fatalf("count migrations: %v", err)
	}
	if applied != len(pgMigrations) {
		t.Fatalf("schema_migrations has %d rows, want %d", applied, len(pgMigrations))
	}
	r1, r2 := handles[0], handles[1]

	t.Run("MarkEventSeen race", func(t *testing.T) {
		for round := range 5 {
			if got := raceMarkEventSeen(t, 50, fmt.Sprintf("replica-ev-%d", round), r1, r2); got != 1 {
				t.Fatalf("round %d: %d callers were first, want exactly 1", round, got)
			}
		}
	})

	t.Run("ClaimDaily race", func(t *testing.T) {
		tests := []struct {
			name   string
			owners []string
		}{
			{"two owners", []string{"replica-1", "replica-2"}},
			{"eight owners", []string{"o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				for round := range 10 {
					date := fmt.Sprintf("2025-08-%02d", round+1)
					if w := raceClaimDaily(t, "C-"+tc.name, date, tc.owners, r1, r2); len(w) != 1 {
						t.Fatalf("round %d: winners %v, want exactly one", round, w)
					}
				}
			})
		}
	})

	t.Run("crashed replica's lease is taken over", func(t *testing.T) {
		const ch, date = "C-crash", "2025-09-01"
		steps := []struct {
			name  string
			do    func() (bool, error)
			sleep time.Duration
			want  bool
		}{
			{"replica 1 claims with a short lease", func() (bool, error) { return r1.ClaimDaily(ctx, ch, date, "replica-1", 50*time.Millisecond) }, 0, true},
			{"replica 2 loses while the lease is live", func() (bool, error) { return r2.ClaimDaily(ctx, ch, date, "replica-2", time.Hour) }, 0, false},
			{"replica 2 takes over after expiry", func() (bool, error) { return r2.ClaimDaily(ctx, ch, date, "replica-2", time.Hour) }, 200 * time.Millisecond, true},
			{"replica 1 comes back and loses", func() (bool, error) { return r1.ClaimDaily(ctx, ch, date, "replica-1", time.Hour) }, 0, false},
			{"replica 2 finishes", func() (bool, error) {
				return true, r2.FinishDaily(ctx, ch, date, "111.222", []string{"p9"})
			}, 0, true},
			{"replica 1 sees it posted", func() (bool, error) { return r1.DailyPosted(ctx, ch, date) }, 0, true},
		}
		for _, st := range steps {
			time.Sleep(st.sleep)
			got, err := st.do()
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if got != st.want {
				t.Fatalf("%s: got %v, want %v", st.name, got, st.want)
			}
		}
		ids, err := r1.PostedPassageIDs(ctx, ch)
		if err != nil || len(ids) != 1 || ids[0] != "p9" {
			t.Fatalf("PostedPassageIDs = %v, %v; want [p9]", ids, err)
		}
	})
}

func TestPostgresPrunesExpiredEvents(t *testing.T) {
	p := openPostgres(t, freshSchema(t))
	ctx := t.Context()
	if _, err := p.MarkEventSeen(ctx, "short", time.Millisecond); err != nil {
		t.Fatalf("MarkEventSeen: %v", err)
	}
	time.Sleep(20 * time.Millisecond)
	p.lastPrune.Store(0) // pretend the last sweep was long ago
	if _, err := p.MarkEventSeen(ctx, "long", time.Hour); err != nil {
		t.Fatalf("MarkEventSeen: %v", err)
	}
	var ids []string
	rows, err := p.pool.Query(ctx, `SELECT event_id FROM seen_events ORDER BY event_id`)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	if len(ids) != 1 || ids[0] != "long" {
		t.Fatalf("seen_events = %v, want [long]", ids)
	}
}

func TestOpenPicksPostgres(t *testing.T) {
	conn := freshSchema(t)
	dir := t.TempDir()
	s, err := Open(t.Context(), dir, conn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	managed(t, s)
	if _, ok := s.(*Postgres); !ok {
		t.Fatalf("Open returned %T, want *Postgres", s)
	}
	if _, err := os.Stat(filepath.Join(dir, BoltFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("bolt file should not exist when a database URL is given, stat: %v", err)
	}
}

// TestOpenPostgresErrors needs no server.
func TestOpenPostgresErrors(t *testing.T) {
	tests := []struct {
		name string
		url  string
	}{
		{"malformed URL", "postgres://user:secret@%zz/db"},
		{"unreachable server", "postgres://user:secret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			p, err := OpenPostgres(ctx, tc.url)
			if err == nil {
				p.Close()
				t.Fatal("OpenPostgres succeeded, want an error")
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}
