package digest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

func TestOfflineTakeaway(t *testing.T) {
	s := NewSelector(defaultCorpus(t))
	cat := i18n.MustNew()
	c := NewComposer(cat, nil, nil, 0, nil)
	tests := []struct {
		lang, framing, langName string
	}{
		{"en", "Here is today's takeaway, from ", "(French)"},
		{"fr", "Voici l'enseignement du jour, tiré ", ""},
		{"zh", "这是今天的要点，摘自", ""},
		{"sv", "Här är dagens lärdom, från ", "(franska)"},
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
			tk := NewComposer(cat, tt.w, nil, 0, nil).Compose(context.Background(), p, "de")
			if tk.Mode != tt.wantMode || !strings.Contains(tk.Text, tt.want) || !strings.HasPrefix(tk.Text, "Hier ist die Erkenntnis des Tages") {
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

func TestDigestMessagesAreTranslated(t *testing.T) {
	cat := i18n.MustNew()
	for _, key := range []i18n.Key{i18n.DigestFraming, i18n.DigestFramingAnon, i18n.DigestSource} {
		var args []any
		if key == i18n.DigestFraming {
			args = []any{"X"}
		}
		en := cat.Sprintf("en", key, args...)
		for _, lang := range i18n.Supported() {
			got := cat.Sprintf(lang, key, args...)
			if got == "" || strings.Contains(got, "%!") || (lang != "en" && got == en && key != i18n.DigestSource) {
				t.Errorf("%s in %s: %q", key, lang, got)
			}
		}
	}
}
