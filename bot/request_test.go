package bot

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestParseHTTP(t *testing.T) {
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	tests := []struct {
		name    string
		header  http.Header
		body    string
		want    kind
		wantID  string
		wantErr bool
	}{
		{"mention", http.Header{"Content-Type": {"application/json; charset=utf-8"}}, string(eventBody("Ev1", mentionEvent("U1", "hi", "1.1", ""))), kindEvent, "event:Ev1", false},
		{"slash", form, url.Values{"command": {"/takeaway"}, "text": {"q"}, "trigger_id": {"T9"}}.Encode(), kindSlash, "slash:T9", false},
		{"action", form, url.Values{"payload": {`{"type":"block_actions","trigger_id":"T8","actions":[]}`}}.Encode(), kindAction, "action:T8", false},
		{"bad json", http.Header{"Content-Type": {"application/json"}}, "{", 0, "", true},
		{"rate limited notice", http.Header{"Content-Type": {"application/json"}}, `{"type":"app_rate_limited","minute_rate_limited":1518467820}`, 0, "", false},
		{"unknown envelope", http.Header{"Content-Type": {"application/json"}}, `{"type":"surprise"}`, 0, "", true},
		{"form without command", form, "a=b", 0, "", true},
		{"bad payload", form, url.Values{"payload": {"{"}}.Encode(), 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _, err := parseHTTP(tt.header, []byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if req.Kind != tt.want || req.ID != tt.wantID {
				t.Errorf("kind %v id %q, want %v %q", req.Kind, req.ID, tt.want, tt.wantID)
			}
		})
	}
}

// FuzzParseHTTP feeds arbitrary bodies to the request parser: it must never panic, and a
// request it accepts must be routable.
func FuzzParseHTTP(f *testing.F) {
	f.Add("application/json", string(eventBody("Ev1", mentionEvent("U1", "<@UBOT> hi", "1.1", ""))))
	f.Add("application/json", `{"type":"url_verification","challenge":"x"}`)
	f.Add("application/json", `{"type":"event_callback","event":{"type":"assistant_thread_started","assistant_thread":{"channel_id":"D1","thread_ts":"1.1"}}}`)
	f.Add("application/x-www-form-urlencoded", "command=%2Ftakeaway&text=lang+fr&trigger_id=1")
	f.Add("application/x-www-form-urlencoded", "payload=%7B%22type%22%3A%22block_actions%22%7D")
	b := &Bot{}
	f.Fuzz(func(t *testing.T, contentType, body string) {
		req, _, err := parseHTTP(http.Header{"Content-Type": {contentType}}, []byte(body))
		if err != nil {
			return
		}
		_ = b.route(req)
	})
}

func TestStripMentions(t *testing.T) {
	tests := []struct{ in, bot, want string }{
		{"<@UBOT> what about Rust?", "UBOT", "what about Rust?"},
		{"<@UBOT|takeaway>   hi  <@U2>", "UBOT", "hi <@U2>"},
		{"and <@UBOT> too", "UBOT", "and too"},
		{"<@UXYZ> hi", "", "hi"},
		{"hi <@UXYZ>", "", "hi <@UXYZ>"},
		{"<@UBOT>", "UBOT", ""},
	}
	for _, tt := range tests {
		if got := stripMentions(tt.in, tt.bot); got != tt.want {
			t.Errorf("stripMentions(%q, %q) = %q, want %q", tt.in, tt.bot, got, tt.want)
		}
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	l := newLimiter(2, func() time.Time { return now })
	for i, want := range []bool{true, true, false} {
		if got := l.allow("U1"); got != want {
			t.Fatalf("call %d: %v", i, got)
		}
	}
	if !l.allow("U2") {
		t.Error("users share a bucket")
	}
	now = now.Add(30 * time.Second) // one token back at 2 per minute
	if !l.allow("U1") || l.allow("U1") {
		t.Error("refill is not one token per 30 s")
	}
	now = now.Add(time.Hour)
	if !l.allow("U1") || !l.allow("U1") || l.allow("U1") {
		t.Error("the bucket exceeds its burst after a long pause")
	}
}

func TestUILang(t *testing.T) {
	tests := []struct{ force, locale, want string }{
		{"fr", "ja-JP", "fr"},
		{"", "ja-JP", "ja"},
		{"", "pt_BR", "pt"},
		{"", "ko-KR", "ko"},
		{"", "zh-TW", "zh-Hant"},
		{"", "zh-HK", "zh-Hant"},
		{"", "zh-CN", "zh"},
		{"", "uk-UA", "uk"},
		{"", "hi-IN", "en"},
		{"", "", "en"},
	}
	for _, tt := range tests {
		if got := uiLang(tt.force, tt.locale); got != tt.want {
			t.Errorf("uiLang(%q, %q) = %q, want %q", tt.force, tt.locale, got, tt.want)
		}
	}
}

// TestRequestSurvivesTheStore: an accepted request is stored as JSON and read back to be
// answered after a crash; every kind must come back as it was parsed.
func TestRequestSurvivesTheStore(t *testing.T) {
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	action, _ := json.Marshal(blockActionPayload("U1", "C1", actionShare, "a1", blockShare+"a1", true, "https://hooks.slack.com/x"))
	for _, tt := range []struct {
		name   string
		header http.Header
		body   string
	}{
		{"mention", http.Header{"Content-Type": {"application/json"}}, string(eventBody("Ev1", mentionEvent("U1", "<@UBOT> what is SMI?", "1.1", "0.9")))},
		{"slash", form, url.Values{"command": {"/takeaway"}, "text": {"what is SMI?"}, "trigger_id": {"T9"}, "user_id": {"U1"}, "channel_id": {"C1"}, "response_url": {"https://hooks.slack.com/c"}}.Encode()},
		{"action", form, url.Values{"payload": {string(action)}}.Encode()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _, err := parseHTTP(tt.header, []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			data, err := json.Marshal(req)
			if err != nil {
				t.Fatal(err)
			}
			var back request
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatal(err)
			}
			again, _ := json.Marshal(back)
			var third request
			_ = json.Unmarshal(again, &third)
			settled, _ := json.Marshal(third)
			// One round trip may turn an empty list into null; after it, nothing changes.
			if !bytes.Equal(again, settled) || back.ID != req.ID || back.Kind != req.Kind || back.Event.Text != req.Event.Text ||
				back.Slash.Text != req.Slash.Text || back.Slash.ResponseURL != req.Slash.ResponseURL ||
				back.Action.ResponseURL != req.Action.ResponseURL || len(back.Action.ActionCallback.BlockActions) != len(req.Action.ActionCallback.BlockActions) ||
				len(req.Action.ActionCallback.BlockActions) > 0 && back.Action.ActionCallback.BlockActions[0].Value != req.Action.ActionCallback.BlockActions[0].Value {
				t.Errorf("request changed through JSON:\n%s\n%s", data, again)
			}
		})
	}
}
