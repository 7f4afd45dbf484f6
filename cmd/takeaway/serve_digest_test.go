package main

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestServePostsTheDailyTakeaway: with the daily post enabled and its time already past today,
// serve catches up at start-up, posts once with its metadata and counts it.
func TestServePostsTheDailyTakeaway(t *testing.T) {
	const token, secret = "xoxb-1-test", "s3cret"
	slack := newSlackServer(t, token)
	addr := freeAddr(t)
	env := map[string]string{
		"SLACK_BOT_TOKEN": token, "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": slack.URL + "/api/",
		"TAKEAWAY_ADDR": addr, "TAKEAWAY_DATA_DIR": t.TempDir(), "TAKEAWAY_LOG_LEVEL": "warn",
		"TAKEAWAY_DAILY_ENABLED": "true", "TAKEAWAY_DAILY_CHANNELS": "CDAILY@00:00 UTC sv",
	}
	before := time.Now().UTC().Format(time.DateOnly)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, &stderr, func(k string) string { return env[k] })
	}()
	waitHTTP(t, "http://"+addr+"/healthz", done, &stderr)

	var bodies []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && len(bodies) == 0; time.Sleep(20 * time.Millisecond) {
		bodies = slack.bodiesTo("/api/chat.postMessage")
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of cancellation")
	}
	if len(bodies) != 1 {
		t.Fatalf("%d chat.postMessage calls, want the day's takeaway once; stderr:\n%s", len(bodies), stderr.String())
	}
	form, _ := url.ParseQuery(bodies[0])
	after := time.Now().UTC().Format(time.DateOnly)
	meta := form.Get("metadata")
	if form.Get("channel") != "CDAILY" || !strings.Contains(form.Get("text"), "\nHär är dagens lärdom") || !strings.HasPrefix(form.Get("text"), "*") ||
		!strings.Contains(meta, `"event_type":"takeaway_daily"`) || !(strings.Contains(meta, before) || strings.Contains(meta, after)) {
		t.Errorf("posted %v", form)
	}
}
