package bot

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	fs := newFakeSlack(t)
	tests := []struct {
		name     string
		cfg      Config
		wantErr  []string // substrings; none means success
		wantCall bool
	}{
		{"ok", Config{BotToken: "xoxb-test"}, nil, true},
		{"missing", Config{}, []string{"SLACK_BOT_TOKEN", "not set"}, false},
		{"user token", Config{BotToken: "xoxp-123-456"}, []string{"SLACK_BOT_TOKEN", "xoxb-", `"xoxp-"`}, false},
		{"app token in the wrong place", Config{BotToken: "xapp-1-A1-2-abc"}, []string{"SLACK_BOT_TOKEN", `"xapp-"`}, false},
		{"rejected", Config{BotToken: "xoxb-revoked"}, []string{"SLACK_BOT_TOKEN", "invalid_auth"}, true},
		{"bad app token", Config{BotToken: "xoxb-test", AppToken: "xoxb-oops"}, []string{"SLACK_APP_TOKEN", "xapp-"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fs.callsTo("auth.test"))
			cfg := tt.cfg
			cfg.APIURL = fs.apiURL()
			b, err := New(cfg, &fakeAnswerer{}, nil, newMemStore())
			if err != nil {
				t.Fatal(err)
			}
			err = b.Check(context.Background())
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if b.botUserID() != "UBOT" {
					t.Errorf("bot user %q", b.botUserID())
				}
			} else {
				if err == nil {
					t.Fatal("no error")
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q lacks %q", err, want)
					}
				}
				if strings.Contains(err.Error(), "123-456") || strings.Contains(err.Error(), "revoked") {
					t.Errorf("error %q shows the token", err)
				}
			}
			if called := len(fs.callsTo("auth.test")) > before; called != tt.wantCall {
				t.Errorf("auth.test called: %v, want %v", called, tt.wantCall)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := New(Config{APIURL: "http://localhost/api"}, &fakeAnswerer{}, nil, newMemStore()); err == nil || !strings.Contains(err.Error(), `end with "/"`) {
		t.Errorf("API URL without slash: %v", err)
	}
	if _, err := New(Config{}, nil, nil, newMemStore()); err == nil {
		t.Error("no answerer accepted")
	}
	if _, err := New(Config{}, &fakeAnswerer{}, nil, nil); err == nil {
		t.Error("no store accepted")
	}
}

func TestRunNeedsATransport(t *testing.T) {
	b, err := New(Config{BotToken: "xoxb-test"}, &fakeAnswerer{}, nil, newMemStore())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN") {
		t.Errorf("Run without tokens: %v", err)
	}
}

// TestWaitForSlackRidesOutAnOutage: auth.test failing with 500s at start-up is tried again with
// growing pauses until it answers; a rejected token ends the wait at once.
func TestWaitForSlackRidesOutAnOutage(t *testing.T) {
	env := newTestEnv(t)
	fails := make([]scripted, 7) // three calls of three tries fail, the next answers
	for i := range fails {
		fails[i] = scripted{status: 500}
	}
	env.slack.fail("auth.test", fails...)
	if err := env.bot.WaitForSlack(t.Context(), 2*time.Minute); err != nil {
		t.Fatalf("WaitForSlack: %v", err)
	}
	var long []time.Duration
	for _, w := range env.sleeps.waits() {
		if w >= time.Second {
			long = append(long, w)
		}
	}
	if len(long) < 2 || long[1] <= long[0] {
		t.Errorf("pauses between checks %v, want growing ones", long)
	}

	env.slack.fail("auth.test", scripted{slackError: "invalid_auth"})
	start := len(env.sleeps.waits())
	err := env.bot.WaitForSlack(t.Context(), 2*time.Minute)
	if err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") || len(env.sleeps.waits()) != start {
		t.Errorf("a rejected token: err %v after %d pauses, want the token named at once", err, len(env.sleeps.waits())-start)
	}
}
