package bot

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/digest"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// newTestDailyPoster is a daily poster talking to a fake Slack.
func newTestDailyPoster(t *testing.T) (*DailyPoster, *fakeSlack) {
	t.Helper()
	fs := newFakeSlack(t)
	p, err := NewDailyPoster(Config{BotToken: "xoxb-test", APIURL: fs.apiURL()})
	if err != nil {
		t.Fatal(err)
	}
	return p, fs
}

// dailyMeta is the message metadata of a daily takeaway, as Slack receives and returns it.
func dailyMeta(date string, ids ...string) map[string]any {
	return map[string]any{"event_type": dailyEventType, "event_payload": map[string]any{"date": date, "passage_ids": ids}}
}

func TestRenderDaily(t *testing.T) {
	cat := i18n.MustNew()
	r := corpus.Report{ID: "r", Title: "Tips & <tricks>", Publisher: "Blog <!here>", URL: "https://example.com/a?x=1&y=<2>", Lang: "en",
		Event: corpus.Event{Name: "Conf", City: "Oslo"}}
	p := corpus.Passage{ID: "r#1", ReportID: "r", Lang: "en", Text: "Ping <!channel> & <@U123>: use <https://evil.example|this link> now, said the speaker."}
	pick := digest.Pick{Date: "2026-03-02", Passage: p, Report: r, Key: []string{p.Text}}
	tk := digest.NewComposer(cat, nil, nil, 0, nil).Compose(context.Background(), pick, "en")
	m := renderDaily(cat, tk)

	if len(m.Blocks) != 2 {
		t.Fatalf("%d blocks, want a section and a context", len(m.Blocks))
	}
	section, ok1 := m.Blocks[0].(*slack.SectionBlock)
	ctxBlock, ok2 := m.Blocks[1].(*slack.ContextBlock)
	if !ok1 || !ok2 || len(ctxBlock.ContextElements.Elements) != 1 {
		t.Fatalf("blocks %T %T: want a section and a context of one text", m.Blocks[0], m.Blocks[1])
	}
	source, _ := ctxBlock.ContextElements.Elements[0].(*slack.TextBlockObject)
	all := m.Text + "\n" + section.Text.Text + "\n" + source.Text
	for _, raw := range []string{"<!channel>", "<@U123>", "<!here>", "<https://evil", "<tricks>", "y=<2>"} {
		if strings.Contains(all, raw) {
			t.Errorf("unescaped %q reaches Slack:\n%s", raw, all)
		}
	}
	for _, want := range []string{"&lt;!channel&gt; &amp; &lt;@U123&gt;", "\n> Ping", "Tips &amp; &lt;tricks&gt;", "<https://example.com/a?x=1&amp;y=%3C2%3E", "Blog &lt;!here&gt;"} {
		if !strings.Contains(all, want) {
			t.Errorf("rendered message lacks %q:\n%s", want, all)
		}
	}
	if m.Metadata.EventType != dailyEventType || m.Metadata.EventPayload["date"] != "2026-03-02" {
		t.Errorf("metadata %+v", m.Metadata)
	}
	if ids, _ := m.Metadata.EventPayload["passage_ids"].([]any); len(ids) != 1 || ids[0] != "r#1" {
		t.Errorf("metadata passage_ids %v", m.Metadata.EventPayload["passage_ids"])
	}
}

func TestTruncateEscaped(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  string
	}{
		{"short &amp; sweet", 100, "short &amp; sweet"},
		{"abcdef &amp; more", 10, "abcdef …"},          // the cut would fall inside "&amp;"
		{"abcdefgh &amp; more", 15, "abcdefgh &amp;…"}, // a whole entity stays
		{"abcdefghijkl", 5, "abcd…"},
	}
	for _, tt := range tests {
		if got := truncateEscaped(tt.in, tt.limit); got != tt.want {
			t.Errorf("truncateEscaped(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}

func TestDailyPosterPost(t *testing.T) {
	p, fs := newTestDailyPoster(t)
	tk := digest.Takeaway{
		Date: "2026-05-04", Lang: "fr", PassageIDs: []string{"r#1"},
		Text:      "L'enseignement du jour, tiré de « Tips »\n> Ping <!channel> [1]",
		Citations: []answer.Citation{{N: 1, Title: "Tips", Publisher: "Blog", URL: "https://example.com/a", PassageID: "r#1"}},
	}
	ts, err := p.Post(context.Background(), "C1", tk)
	if err != nil {
		t.Fatal(err)
	}
	calls := fs.callsTo("chat.postMessage")
	if len(calls) != 1 {
		t.Fatalf("%d chat.postMessage calls, want 1", len(calls))
	}
	form := calls[0].Form
	if ts == "" || form.Get("channel") != "C1" {
		t.Errorf("posted to %q, ts %q", form.Get("channel"), ts)
	}
	if want := "L'enseignement du jour, tiré de « Tips »\n> Ping &lt;!channel&gt; [1]"; form.Get("text") != want {
		t.Errorf("text %q, want %q", form.Get("text"), want)
	}
	if form.Get("unfurl_links") != "false" || form.Get("unfurl_media") != "false" {
		t.Errorf("unfurl_links=%q unfurl_media=%q, want false", form.Get("unfurl_links"), form.Get("unfurl_media"))
	}
	if !strings.Contains(strings.Join(calls[0].strs(), "\n"), "*Source* *[1]* <https://example.com/a|Tips> · Blog") {
		t.Errorf("no source line in %v", calls[0].blocks())
	}
	var meta struct {
		EventType    string `json:"event_type"`
		EventPayload struct {
			Date       string   `json:"date"`
			PassageIDs []string `json:"passage_ids"`
		} `json:"event_payload"`
	}
	if err := json.Unmarshal([]byte(form.Get("metadata")), &meta); err != nil || meta.EventType != "takeaway_daily" ||
		meta.EventPayload.Date != "2026-05-04" || !slices.Equal(meta.EventPayload.PassageIDs, []string{"r#1"}) {
		t.Errorf("metadata %q (%v), want takeaway_daily for 2026-05-04 with [r#1]", form.Get("metadata"), err)
	}
}

// TestDailyPosterErrors: the Slack errors that no retry fixes on the same day are told apart
// from the others, which the scheduler retries on its next tick.
func TestDailyPosterErrors(t *testing.T) {
	tests := []struct {
		name     string
		fail     scripted
		want     error // nil: a transient error
		wantText string
	}{
		{"not in channel", scripted{slackError: "not_in_channel"}, digest.ErrNotInChannel, "not_in_channel"},
		{"channel not found", scripted{slackError: "channel_not_found"}, digest.ErrNotInChannel, "channel_not_found"},
		{"archived", scripted{slackError: "is_archived"}, digest.ErrRejected, "is_archived"},
		{"bad metadata", scripted{slackError: "invalid_metadata_format"}, digest.ErrRejected, "invalid_metadata_format"},
		{"server error", scripted{status: 500}, nil, "500"},
		{"internal error", scripted{slackError: "internal_error"}, nil, "internal_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fs := newTestDailyPoster(t)
			fs.fail("chat.postMessage", tt.fail)
			_, err := p.Post(context.Background(), "C1", digest.Takeaway{Date: "2026-05-04", Lang: "en", Text: "x"})
			if err == nil {
				t.Fatal("Post succeeded")
			}
			for _, sentinel := range []error{digest.ErrNotInChannel, digest.ErrRejected} {
				if got := errors.Is(err, sentinel); got != (sentinel == tt.want) {
					t.Errorf("errors.Is(%v, %v) = %v", err, sentinel, got)
				}
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.Contains(err.Error(), "C1") {
				t.Errorf("error %q does not name the channel and Slack's error", err)
			}
		})
	}
	t.Run("history of a channel not found", func(t *testing.T) {
		p, fs := newTestDailyPoster(t)
		fs.fail("conversations.history", scripted{slackError: "channel_not_found"})
		_, _, _, err := p.FindPosted(context.Background(), "C1", "2026-05-04", time.Now())
		if !errors.Is(err, digest.ErrNotInChannel) {
			t.Errorf("FindPosted error %v, want ErrNotInChannel", err)
		}
	})
}

func TestDailyPosterFindPosted(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	midnight := time.Date(2026, 5, 4, 0, 0, 0, 0, loc)
	tests := []struct {
		name    string
		history []fakeMsg // newest first
		wantTS  string
		wantIDs []string
	}{
		{
			name: "today's takeaway among other messages",
			history: []fakeMsg{
				{User: "U1", Text: "thanks!", TS: "1777900000.000300"},
				{BotID: "BBOT", Text: "Today's takeaway…", TS: "1777878000.000200", Metadata: dailyMeta("2026-05-04", "kubecon-eu-2019-day-3-xebia.fr#8f9cb9af")},
				{BotID: "BOTHER", Text: "another app's post", TS: "1777870000.000150", Metadata: map[string]any{"event_type": "other", "event_payload": map[string]any{"date": "2026-05-04"}}},
				{BotID: "BBOT", Text: "Yesterday's", TS: "1777860000.000100", Metadata: dailyMeta("2026-05-03", "x")},
			},
			wantTS: "1777878000.000200", wantIDs: []string{"kubecon-eu-2019-day-3-xebia.fr#8f9cb9af"},
		},
		{
			name: "only yesterday's takeaway",
			history: []fakeMsg{
				{BotID: "BBOT", Text: "Yesterday's", TS: "1777860000.000100", Metadata: dailyMeta("2026-05-03", "x")},
			},
		},
		{
			name: "no metadata",
			history: []fakeMsg{
				{BotID: "BBOT", Text: "Today's takeaway…", TS: "1777878000.000200"},
			},
		},
		{name: "empty channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fs := newTestDailyPoster(t)
			fs.setHistory(tt.history...)
			ts, ids, found, err := p.FindPosted(context.Background(), "C1", "2026-05-04", midnight)
			if err != nil {
				t.Fatal(err)
			}
			if found != (tt.wantTS != "") || ts != tt.wantTS || !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("FindPosted = %q, %q, %v; want %q, %q", ts, ids, found, tt.wantTS, tt.wantIDs)
			}
			calls := fs.callsTo("conversations.history")
			if len(calls) != 1 {
				t.Fatalf("%d conversations.history calls, want 1", len(calls))
			}
			form := calls[0].Form
			if form.Get("channel") != "C1" || form.Get("oldest") != strconv.FormatInt(midnight.Unix(), 10)+".000000" ||
				form.Get("inclusive") != "1" || form.Get("include_all_metadata") != "1" || form.Get("limit") != "50" {
				t.Errorf("conversations.history %v: want C1's messages since local midnight, with their metadata", form)
			}
		})
	}
}

// TestDailyPosterFindsWhatItPosted: the metadata Post writes is what FindPosted reads back.
func TestDailyPosterFindsWhatItPosted(t *testing.T) {
	p, fs := newTestDailyPoster(t)
	ctx := context.Background()
	tk := digest.Takeaway{Date: "2026-05-04", Lang: "en", PassageIDs: []string{"a#1", "b#2"}, Text: "Today's takeaway [1]"}
	ts, err := p.Post(ctx, "C1", tk)
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]any
	if err := json.Unmarshal([]byte(fs.callsTo("chat.postMessage")[0].Form.Get("metadata")), &meta); err != nil {
		t.Fatal(err)
	}
	fs.setHistory(fakeMsg{BotID: "BBOT", Text: tk.Text, TS: ts, Metadata: meta})
	gotTS, ids, found, err := p.FindPosted(ctx, "C1", "2026-05-04", time.Now().Add(-time.Hour))
	if err != nil || !found || gotTS != ts || !slices.Equal(ids, tk.PassageIDs) {
		t.Errorf("FindPosted = %q, %q, %v, %v; want %q, %q", gotTS, ids, found, err, ts, tk.PassageIDs)
	}
}

func TestNewDailyPosterChecksTheAPIURL(t *testing.T) {
	if _, err := NewDailyPoster(Config{BotToken: "xoxb-test", APIURL: "http://127.0.0.1:1/api"}); err == nil {
		t.Error("an API URL without a trailing slash was accepted")
	}
}
