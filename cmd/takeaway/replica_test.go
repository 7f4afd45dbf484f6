package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// replicaDatabaseURLEnv names the PostgreSQL server the replica test shares between its
// processes (.ci/pg-start prints one).
const replicaDatabaseURLEnv = "TAKEAWAY_TEST_DATABASE_URL"

// TestReplicasAnswerAnEventOnce runs two real `takeaway serve` processes in HTTP mode against
// one fake Slack and one PostgreSQL schema, as two replicas behind a load balancer would run,
// and delivers each Events API event to both: first concurrently (a retry racing the first
// delivery), then one after the other. Each mention must be answered exactly once, and logged
// once in the shared question log.
func TestReplicasAnswerAnEventOnce(t *testing.T) {
	dbURL := replicaSchema(t)
	bin := buildTakeaway(t)
	slack := newReplicaSlack(t)
	const secret = "replica-signing-secret"

	replicas := []*replica{
		startReplica(t, "A", bin, secret, slack.URL, dbURL),
		startReplica(t, "B", bin, secret, slack.URL, dbURL),
	}
	for _, r := range replicas {
		r.waitReady(t)
	}
	a, b := replicas[0], replicas[1]

	// Event 1: the first delivery to A and Slack's retry to B arrive together.
	ev1 := replicaEvent("EvReplica1", "1700000001.000100")
	var wg sync.WaitGroup
	for _, send := range []struct {
		to    *replica
		retry string
	}{{a, ""}, {b, "1"}} {
		wg.Go(func() { send.to.post(t, secret, ev1, send.retry) })
	}
	wg.Wait()
	// Event 2: delivered to B, then retried on A.
	ev2 := replicaEvent("EvReplica2", "1700000002.000100")
	b.post(t, secret, ev2, "")
	a.post(t, secret, ev2, "1")

	// Stopping the replicas drains their answers in flight, so the count below is final.
	for _, r := range replicas {
		r.stop(t)
	}
	slack.checkAnsweredOnce(t, "1700000001.000100", "1700000002.000100")
	// Both replicas took part: the one that lost each race dropped its copy as a duplicate.
	if n := strings.Count(a.logs.String()+b.logs.String(), "already handled"); n != 2 {
		t.Errorf("%d duplicate deliveries dropped, want 2 (one per event); logs:\nA:\n%s\nB:\n%s", n, a.logs, b.logs)
	}

	// The shared question log holds each question once, as takeaway stats reads it.
	cmd := exec.Command(bin, "stats", "--days", "2", "--json")
	cmd.Env = []string{"TAKEAWAY_DATABASE_URL=" + dbURL, "TAKEAWAY_DATA_DIR=" + t.TempDir()}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("takeaway stats: %v\n%s", err, stderr.String())
	}
	var got statsReport
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("stats output is not JSON: %v\n%s", err, out)
	}
	if got.Questions != 2 {
		t.Errorf("the shared question log holds %d questions, want 2 (one per event):\n%s", got.Questions, out)
	}
}

// replicaSchema returns a URL of the test database whose connections work in a schema of
// their own, dropped when the test ends. It skips without a database, except under CI.
func replicaSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv(replicaDatabaseURLEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set but CI is: the replica test must not be skipped in CI; start a server with `export %s=$(.ci/pg-start)`",
				replicaDatabaseURLEnv, replicaDatabaseURLEnv)
		}
		t.Skipf("replica test skipped: %s is not set; run `export %s=$(.ci/pg-start)` to run two replicas against a real PostgreSQL",
			replicaDatabaseURLEnv, replicaDatabaseURLEnv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", replicaDatabaseURLEnv, err)
	}
	defer conn.Close(context.Background())
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatal(err)
	}
	schema := "takeaway_replica_" + hex.EncodeToString(suffix)
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+ident); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	// Registered before the replicas start, so it runs after they have stopped.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("connect to drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+ident+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL to add a search_path to it", replicaDatabaseURLEnv)
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("pool_max_conns", "4")
	u.RawQuery = q.Encode()
	return u.String()
}

// buildTakeaway builds the binary once for this test, the way the Dockerfile does.
func buildTakeaway(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "takeaway")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// replicaSlack is a fake of Slack's Web API shared by the replicas. It records the answers
// posted into threads: chat.postMessage, or chat.startStream when an answer is streamed.
type replicaSlack struct {
	*httptest.Server

	mu      sync.Mutex
	seq     int
	answers map[string][]string // thread ts → the texts posted into it
	// stall, while set, holds every post until it is closed or the caller goes away.
	stall   chan struct{}
	stalled int
	// files are served at /files/NAME to the bot token, as url_private_download is.
	files map[string][]byte
}

// stalledPosts counts the posts held so far.
func (s *replicaSlack) stalledPosts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stalled
}

func newReplicaSlack(t *testing.T) *replicaSlack {
	s := &replicaSlack{answers: map[string][]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *replicaSlack) serve(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutPrefix(r.URL.Path, "/files/"); ok {
		s.mu.Lock()
		data, found := s.files[name]
		s.mu.Unlock()
		if !found || r.Header.Get("Authorization") != "Bearer xoxb-replica" {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
		return
	}
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	w.Header().Set("Content-Type", "application/json")
	s.mu.Lock()
	stall := s.stall
	s.mu.Unlock()
	if stall != nil && (method == "chat.postMessage" || method == "chat.startStream") {
		// A post held until the process dies: it never reaches the thread, even if the
		// stall ends before the server notices the closed connection.
		s.mu.Lock()
		s.stalled++
		s.mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-stall:
			http.Error(w, `{"ok":false,"error":"fatal_error"}`, http.StatusInternalServerError)
		}
		return
	}
	s.mu.Lock()
	s.seq++
	ts := fmt.Sprintf("1800000000.%06d", s.seq)
	if method == "chat.postMessage" || method == "chat.startStream" {
		if thread := form.Get("thread_ts"); thread != "" {
			s.answers[thread] = append(s.answers[thread], method+": "+form.Get("text")+form.Get("markdown_text"))
		}
	}
	s.mu.Unlock()
	switch method {
	case "auth.test":
		fmt.Fprint(w, `{"ok":true,"url":"https://t.example/","team":"T","user":"takeaway","team_id":"T1","user_id":"UBOT","bot_id":"BBOT"}`)
	case "users.info":
		fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"locale":"en-US","is_admin":%v}}`, form.Get("user"), form.Get("user") == "UADMIN")
	case "chat.update", "chat.appendStream", "chat.stopStream":
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, form.Get("channel"), form.Get("ts"))
	default:
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, form.Get("channel"), ts)
	}
}

// checkAnsweredOnce fails unless each thread holds exactly one answer, and it names the next
// KubeCon's city (what replicaEvent asks).
func (s *replicaSlack) checkAnsweredOnce(t *testing.T, threads ...string) {
	t.Helper()
	for _, ts := range threads {
		answers := s.answersIn(ts)
		if len(answers) != 1 {
			t.Errorf("thread %s got %d answers, want exactly 1:\n%s", ts, len(answers), strings.Join(answers, "\n"))
			continue
		}
		if !strings.Contains(answers[0], "Amsterdam") {
			t.Errorf("thread %s: the answer lacks the fact:\n%s", ts, answers[0])
		}
	}
}

// answersIn returns what was posted into the thread of ts.
func (s *replicaSlack) answersIn(ts string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.answers[ts]...)
}

// replica is one running `takeaway serve` process.
type replica struct {
	name string
	base string
	cmd  *exec.Cmd
	logs *lockedBuffer
	done chan error
}

func startReplica(t *testing.T, name, bin, secret, slackURL, dbURL string) *replica {
	t.Helper()
	return startReplicaIn(t, name, bin, secret, slackURL, dbURL, t.TempDir())
}

// startReplicaIn starts a replica whose data directory is dataDir; extraEnv adds settings.
func startReplicaIn(t *testing.T, name, bin, secret, slackURL, dbURL, dataDir string, extraEnv ...string) *replica {
	t.Helper()
	addr := freeAddr(t)
	r := &replica{name: name, base: "http://" + addr, logs: &lockedBuffer{}, done: make(chan error, 1)}
	r.cmd = exec.Command(bin, "serve")
	r.cmd.Env = []string{
		"SLACK_BOT_TOKEN=xoxb-replica", "SLACK_SIGNING_SECRET=" + secret, "SLACK_API_URL=" + slackURL + "/api/",
		"TAKEAWAY_ADDR=" + addr, "TAKEAWAY_DATABASE_URL=" + dbURL, "TAKEAWAY_DATA_DIR=" + dataDir,
		"TAKEAWAY_LOG_LEVEL=info", "HOME=" + t.TempDir(),
	}
	r.cmd.Env = append(r.cmd.Env, extraEnv...)
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start replica %s: %v", name, err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill() // a no-op once stopped
		<-r.done
	})
	return r
}

// waitReady waits until the replica answers /readyz, or fails with its logs if it exited.
func (r *replica) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-r.done:
			r.done <- err
			t.Fatalf("replica %s exited before serving (%v):\n%s", r.name, err, r.logs)
		default:
		}
		if resp, err := http.Get(r.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("replica %s not ready after 60 s:\n%s", r.name, r.logs)
}

// post delivers a signed Events API request as Slack does; retry is X-Slack-Retry-Num.
// It may run on any goroutine.
func (r *replica) post(t *testing.T, secret string, body []byte, retry string) {
	ts := time.Now().Unix()
	req, err := http.NewRequest(http.MethodPost, r.base+"/slack/events", bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", sign(secret, ts, string(body)))
	if retry != "" {
		req.Header.Set("X-Slack-Retry-Num", retry)
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Errorf("deliver to replica %s: %v", r.name, err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		t.Errorf("replica %s answered HTTP %d: %s", r.name, resp.StatusCode, msg)
	}
}

// stop sends SIGTERM and waits for a clean exit, answers in flight drained.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("signal replica %s: %v", r.name, err)
	}
	select {
	case err := <-r.done:
		r.done <- err
		if err != nil {
			t.Errorf("replica %s exited with %v:\n%s", r.name, err, r.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("replica %s did not stop within 30 s of SIGTERM:\n%s", r.name, r.logs)
	}
}

// replicaEvent is an app_mention callback asking the question the default reports answer.
func replicaEvent(eventID, ts string) []byte {
	return mentionEvent(eventID, ts, "U1", "Where will the next KubeCon Europe take place?", nil)
}

// mentionEvent is an app_mention callback from user, with files attached when given.
func mentionEvent(eventID, ts, user, text string, files []map[string]any) []byte {
	ev := map[string]any{
		"type": "app_mention", "user": user, "channel": "C1", "ts": ts, "event_ts": ts,
		"text": "<@UBOT> " + text,
	}
	if files != nil {
		ev["files"] = files
	}
	body, _ := json.Marshal(map[string]any{
		"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": 1700000000, "event": ev,
	})
	return body
}

// TestReplicasShareAddedReports: a report uploaded to one replica is answered from by the
// other within 10 s (both on one PostgreSQL), without a restart.
func TestReplicasShareAddedReports(t *testing.T) {
	dbURL := replicaSchema(t)
	bin := buildTakeaway(t)
	slack := newReplicaSlack(t)
	slack.files = map[string][]byte{"devoxx-ma.md": []byte(uploadedReport)}
	const secret = "replica-signing-secret"
	a := startReplica(t, "A", bin, secret, slack.URL, dbURL)
	b := startReplica(t, "B", bin, secret, slack.URL, dbURL)
	a.waitReady(t)
	b.waitReady(t)

	file := []map[string]any{{"id": "F1", "name": "devoxx-ma.md", "filetype": "markdown", "mimetype": "text/markdown",
		"size": len(uploadedReport), "url_private_download": slack.URL + "/files/devoxx-ma.md"}}
	a.post(t, secret, mentionEvent("EvAdd", "1700000100.000100", "UADMIN", "", file), "")
	deadline := time.Now().Add(15 * time.Second)
	for len(slack.answersIn("1700000100.000100")) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := slack.answersIn("1700000100.000100"); len(got) != 1 || !strings.Contains(got[0], "Added") {
		t.Fatalf("replica A's reply to the upload: %q\nlogs:\n%s", got, a.logs)
	}
	added := time.Now()
	// Replica B answers from it within 10 s of the add: ask once a second until it does.
	for i := 0; ; i++ {
		ts := fmt.Sprintf("1700000200.%06d", i)
		b.post(t, secret, mentionEvent(fmt.Sprintf("EvAsk%d", i), ts, "U1", "How fast did Quarkus native images start at Devoxx Morocco?", nil), "")
		var got []string
		for wait := time.Now().Add(2 * time.Second); len(got) == 0 && time.Now().Before(wait); {
			time.Sleep(20 * time.Millisecond)
			got = slack.answersIn(ts)
		}
		if len(got) > 0 && strings.Contains(strings.Join(got, ""), "forty-two") {
			t.Logf("replica B answered from the report %v after replica A added it", time.Since(added).Round(100*time.Millisecond))
			break
		}
		if time.Since(added) > 10*time.Second {
			t.Fatalf("replica B still does not answer from the report 10 s after A added it: %q\nlogs:\n%s", got, b.logs)
		}
		time.Sleep(time.Second)
	}
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
