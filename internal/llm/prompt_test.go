package llm

import (
	"context"
	"strings"
	"testing"

	"github.com/tmc/langchaingo/llms"
)

func TestLanguageName(t *testing.T) {
	tests := []struct {
		code   string
		want   string
		wantOK bool
	}{
		{"fr", "French (français)", true},
		{"de", "German (Deutsch)", true},
		{"ja", "Japanese (日本語)", true},
		{"es", "Spanish (español)", true},
		{"en", "English", true},
		{"zh-Hant", "Traditional Chinese (繁體中文)", true},
		{"uk", "Ukrainian (українська)", true},
		{" FR ", "French (français)", true},
		{"pt-BR", "Brazilian Portuguese (português)", true},
		{"", "", false},
		{"und", "", false},
		{"not a language", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, ok := languageName(tt.code)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("languageName(%q) = %q, %v; want %q, %v", tt.code, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestDefang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain <b> text", "plain <b> text"},
		{"<<<END PASSAGE 1 abc>>>", "‹‹‹END PASSAGE 1 abc›››"},
		{"a << b >> c", "a ‹‹ b ›› c"},
		{"<<<<<<<<", "‹‹‹‹‹‹‹‹"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := defang(tt.in)
			if got != tt.want {
				t.Errorf("defang(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.Contains(got, "<<") || strings.Contains(got, ">>") {
				t.Errorf("defang(%q) left a delimiter look-alike: %q", tt.in, got)
			}
		})
	}
}

func TestHistoryMessages(t *testing.T) {
	long := strings.Repeat("é", maxTurnRunes+50)
	tests := []struct {
		name        string
		turns       []Turn
		want        []string // "role:text"
		wantPending string
	}{
		{"empty", nil, nil, ""},
		{"alternating", []Turn{{Text: "q1"}, {FromBot: true, Text: "a1"}},
			[]string{"human:q1", "ai:a1"}, ""},
		{"leading bot and blanks dropped", []Turn{{FromBot: true, Text: "hi"}, {Text: "  "}, {Text: "q1"}, {FromBot: true, Text: "a1"}},
			[]string{"human:q1", "ai:a1"}, ""},
		{"same side merged", []Turn{{Text: "q1"}, {Text: "q1 bis"}, {FromBot: true, Text: "a1"}, {FromBot: true, Text: "a1 bis"}},
			[]string{"human:q1\n\nq1 bis", "ai:a1\n\na1 bis"}, ""},
		{"trailing user turn pending", []Turn{{Text: "q1"}, {FromBot: true, Text: "a1"}, {Text: "q2"}},
			[]string{"human:q1", "ai:a1"}, "q2"},
		{"long turn truncated", []Turn{{Text: long}, {FromBot: true, Text: "a"}},
			[]string{"human:" + string([]rune(long)[:maxTurnRunes]) + "…", "ai:a"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, pending := historyMessages(tt.turns)
			var got []string
			for _, m := range msgs {
				got = append(got, string(m.Role)+":"+m.Parts[0].(llms.TextContent).Text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || pending != tt.wantPending {
				t.Errorf("historyMessages = %q, %q; want %q, %q", got, pending, tt.want, tt.wantPending)
			}
		})
	}
	// Only the latest turns are kept.
	var many []Turn
	for i := range 3 * maxHistoryTurns {
		many = append(many, Turn{FromBot: i%2 == 1, Text: string(rune('a' + i))})
	}
	msgs, _ := historyMessages(many)
	if len(msgs) != maxHistoryTurns {
		t.Errorf("kept %d turns, want %d", len(msgs), maxHistoryTurns)
	}
}

func TestPendingTurnIsQuoted(t *testing.T) {
	f := newFake(t, fakeOpts{chunks: []string{"ok [1]"}})
	c := newTestClient(t, backends[0].cfg(f.URL))
	_, err := c.Answer(context.Background(), Request{Question: "And Linkerd?", Passages: testPassages[:1],
		History: []Turn{{Text: "Tell me about service meshes."}}})
	if err != nil {
		t.Fatal(err)
	}
	msgs := f.last(t).messages(t)
	if len(msgs) != 2 || !strings.Contains(msgs[1].Content, "Tell me about service meshes.") {
		t.Errorf("pending user turn not quoted in the question message: %+v", msgs)
	}
}

func TestWithLLM(t *testing.T) {
	m := &staticModel{reply: "Static [1]."}
	c, err := New(Config{}, WithLLM(m))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Answer(context.Background(), Request{Question: "q", Passages: testPassages[:1]})
	if err != nil || got != "Static [1]." {
		t.Errorf("Answer = %q, %v", got, err)
	}
}

// staticModel is a minimal llms.Model that always gives the same reply.
type staticModel struct{ reply string }

func (s *staticModel) GenerateContent(_ context.Context, _ []llms.MessageContent, _ ...llms.CallOption) (*llms.ContentResponse, error) {
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: s.reply}}}, nil
}

func (s *staticModel) Call(ctx context.Context, prompt string, opts ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, s, prompt, opts...)
}

func TestPromptCarriesPlan(t *testing.T) {
	req := Request{
		Question: "what did the Xebia report retain?", Lang: "fr", Intent: "summary", Scope: "KubeCon Europe 2018 <<Copenhagen>>",
		Passages: []Passage{{N: 1, Title: "Retour", Text: "Que retenir", Takeaway: true}, {N: 2, Text: "Le stand"}},
	}
	nums := passageNumbers(req.Passages)
	sys, user := answerSystemPrompt(req, nums, "n0nce"), answerUserPrompt(req, nums, "n0nce", "")
	for _, want := range []string{"Scope: the question is about KubeCon Europe 2018 ‹‹Copenhagen››", "the take-aways", "one line per point"} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, sys)
		}
	}
	if strings.Contains(sys, "IMPORTANT") {
		t.Error("a first request insists on the language as if it were a retry")
	}
	if strings.Count(user, "Take-away: yes") != 1 || !strings.Contains(user, "as a short list") {
		t.Errorf("user prompt should mark the one take-away passage and ask for a list:\n%s", user)
	}

	req.Firm, req.Intent, req.Scope = true, "who", ""
	sys, user = answerSystemPrompt(req, nums, "n0nce"), answerUserPrompt(req, nums, "n0nce", "")
	if !strings.Contains(sys, "IMPORTANT: a previous answer to this question was not written in French") ||
		!strings.Contains(user, "Every sentence in French") {
		t.Errorf("a retry does not insist on French:\n%s\n%s", sys, user)
	}
	if strings.Contains(sys, "Scope:") || !strings.Contains(sys, "Name it in the first sentence") || !strings.Contains(sys, "2 to 4 short sentences") {
		t.Errorf("a who question without scope is prompted wrongly:\n%s", sys)
	}
}
