package digest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

func TestOfflineTakeaway(t *testing.T) {
	s := NewSelector(defaultCorpus(t))
	cat := i18n.MustNew()
	c := NewComposer(cat, nil, 0, nil)
	tests := []struct {
		lang, framing, langName string
	}{
		{"en", "Today's takeaway, from “", "(French)"},
		{"fr", "L'enseignement du jour, tiré de « ", ""},
		{"zh", "今日要点，摘自《", ""},
		{"sv", "Dagens lärdom, från ”", "(franska)"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			p, err := s.Pick("2026-03-02", tt.lang, nil)
			if err != nil {
				t.Fatal(err)
			}
			tk := c.Compose(context.Background(), p, tt.lang)
			if !strings.HasPrefix(tk.Text, tt.framing) {
				t.Errorf("text does not open with the %s framing %q:\n%s", tt.lang, tt.framing, tk.Text)
			}
			if !strings.Contains(tk.Text, p.Key[len(p.Key)-1]) || !strings.HasSuffix(tk.Text, "[1]") {
				t.Errorf("text lacks the key sentences or the citation marker:\n%s", tk.Text)
			}
			if tt.langName != "" && !strings.Contains(tk.Text, tt.langName) {
				t.Errorf("quote in another language not named %s:\n%s", tt.langName, tk.Text)
			}
			if tk.Lang != tt.lang || tk.Date != "2026-03-02" || tk.Mode != answer.ModeExtractive {
				t.Errorf("lang %q date %q mode %q", tk.Lang, tk.Date, tk.Mode)
			}
			if len(tk.Citations) != 1 || tk.Citations[0].PassageID != p.Passage.ID || tk.PassageIDs[0] != p.Passage.ID || tk.Citations[0].Title == "" {
				t.Errorf("citations %+v, passages %q: want one citing %s", tk.Citations, tk.PassageIDs, p.Passage.ID)
			}
		})
	}
}

func TestModelTakeaway(t *testing.T) {
	s := NewSelector(defaultCorpus(t))
	cat := i18n.MustNew()
	p, _ := s.Pick("2026-03-02", "de", nil)
	tests := []struct {
		name     string
		w        *fakeWriter
		wantMode answer.Mode
		want     string
	}{
		{"model writes", &fakeWriter{text: "Kubernetes ist eine Plattform für Plattformen [1]. Das Netzwerk wird einfacher."}, answer.ModeLLM, "Kubernetes ist eine Plattform für Plattformen [1]."},
		{"model fails", &fakeWriter{err: errors.New("timeout")}, answer.ModeExtractive, "> "},
		{"model says not covered", &fakeWriter{text: cat.Sprintf("de", i18n.AnswerNotFound)}, answer.ModeExtractive, "> "},
		{"model says nothing", &fakeWriter{text: "  "}, answer.ModeExtractive, "> "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := NewComposer(cat, tt.w, 0, nil).Compose(context.Background(), p, "de")
			if tk.Mode != tt.wantMode || !strings.Contains(tk.Text, tt.want) || !strings.HasPrefix(tk.Text, "Die Erkenntnis des Tages") {
				t.Errorf("mode %s, text:\n%s\nwant mode %s containing %q", tk.Mode, tk.Text, tt.wantMode, tt.want)
			}
			if len(tt.w.reqs) != 1 {
				t.Fatalf("%d model calls, want 1", len(tt.w.reqs))
			}
			req := tt.w.reqs[0]
			if req.Lang != "de" || len(req.Hits) != 1 || req.Hits[0].Passage.ID != p.Passage.ID || !strings.Contains(req.Question, "two or three sentences") {
				t.Errorf("model asked %+v", req)
			}
		})
	}
}

func TestRenderMessage(t *testing.T) {
	cat := i18n.MustNew()
	r := corpus.Report{ID: "r", Title: "Tips & <tricks>", Publisher: "Blog <!here>", URL: "https://example.com/a?x=1&y=<2>", Lang: "en",
		Event: corpus.Event{Name: "Conf", City: "Oslo"}}
	p := corpus.Passage{ID: "r#1", ReportID: "r", Lang: "en", Text: "Ping <!channel> & <@U123>: use <https://evil.example|this link> now, said the speaker."}
	pick := Pick{Date: "2026-03-02", Passage: p, Report: r, Key: []string{p.Text}}
	tk := NewComposer(cat, nil, 0, nil).Compose(context.Background(), pick, "en")
	m := renderMessage(cat, tk)

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
	if m.Metadata.EventType != EventType || m.Metadata.EventPayload["date"] != "2026-03-02" {
		t.Errorf("metadata %+v", m.Metadata)
	}
	if ids, _ := m.Metadata.EventPayload["passage_ids"].([]any); len(ids) != 1 || ids[0] != "r#1" {
		t.Errorf("metadata passage_ids %v", m.Metadata.EventPayload["passage_ids"])
	}
}

func TestDigestMessagesAreTranslated(t *testing.T) {
	cat := i18n.MustNew()
	for _, key := range []i18n.Key{i18n.DigestFraming, i18n.DigestSource} {
		en := cat.Sprintf("en", key, "X")
		for _, lang := range i18n.Supported() {
			got := cat.Sprintf(lang, key, "X")
			if got == "" || strings.Contains(got, "%!") || (lang != "en" && got == en && key != i18n.DigestSource) {
				t.Errorf("%s in %s: %q", key, lang, got)
			}
		}
	}
}
