package llm

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestTranslate(t *testing.T) {
	fenced := "Sure! Here are the translations:\n```json\n" +
		`{"fr": "Quoi de neuf dans Kubernetes ?", "de-DE": "Was ist neu in Kubernetes?", "it": "Novità?"}` +
		"\n```\nLet me know if you need more."
	tests := []struct {
		name  string
		be    backend
		reply string
		langs []string
		want  map[string]string
	}{
		{"openai fenced json with prose", backends[0], fenced, []string{"fr", "de", "ja"},
			map[string]string{"fr": "Quoi de neuf dans Kubernetes ?", "de": "Was ist neu in Kubernetes?"}},
		{"ollama bare json", backends[1], `{"fr":"Quoi de neuf dans Kubernetes ?","ja":"Kubernetesの新機能は？"}`,
			[]string{"fr-CA", "ja", "FR"},
			map[string]string{"fr": "Quoi de neuf dans Kubernetes ?", "ja": "Kubernetesの新機能は？"}},
		{"reasoning before json", backends[1], "<think>{\"fr\": \"wrong\"}</think>\n{\"fr\": \"Quoi de neuf ?\"}",
			[]string{"fr"}, map[string]string{"fr": "Quoi de neuf ?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakeOpts{chunks: []string{tt.reply}})
			c := newTestClient(t, tt.be.cfg(f.URL))
			got, err := c.Translate(context.Background(), "What's new in Kubernetes?", tt.langs)
			if err != nil {
				t.Fatalf("Translate: %v", err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("Translate = %v, want %v", got, tt.want)
			}
			r := f.last(t)
			msgs := r.messages(t)
			if len(msgs) != 2 || msgs[0].Role != "system" || msgs[1].Role != "user" {
				t.Fatalf("messages = %+v", msgs)
			}
			for _, code := range primaryCodes(tt.langs) {
				name, _ := languageName(code)
				if !strings.Contains(msgs[0].Content, `"`+code+`": `+name) {
					t.Errorf("system prompt does not list %s (%s):\n%s", code, name, msgs[0].Content)
				}
			}
			if !strings.Contains(msgs[0].Content, "JSON object") {
				t.Errorf("system prompt does not ask for JSON:\n%s", msgs[0].Content)
			}
			if !strings.Contains(msgs[1].Content, "What's new in Kubernetes?") {
				t.Errorf("user message lacks the question: %q", msgs[1].Content)
			}
			if tt.be.name == "ollama" && r.Body["format"] != "json" {
				t.Errorf("ollama request format = %v, want json", r.Body["format"])
			}
		})
	}
}

func TestTranslateFailures(t *testing.T) {
	tests := []struct {
		name    string
		opts    fakeOpts
		langs   []string
		wantErr []error
		calls   int
	}{
		{"prose only", fakeOpts{chunks: []string{"Je ne peux pas traduire cela."}}, []string{"fr"},
			[]error{ErrUnavailable, ErrBadOutput}, 1},
		{"server error", fakeOpts{status: 503, errBody: `{"error":{"message":"loading model"}}`}, []string{"fr"},
			[]error{ErrUnavailable}, 1},
		{"no valid language", fakeOpts{chunks: []string{"{}"}}, []string{"", "!!"}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.opts)
			c := newTestClient(t, backends[0].cfg(f.URL))
			got, err := c.Translate(context.Background(), "What's new?", tt.langs)
			for _, want := range tt.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("err = %v, want %v", err, want)
				}
			}
			if tt.wantErr == nil && err != nil {
				t.Errorf("err = %v, want nil", err)
			}
			if got == nil || len(got) != 0 {
				t.Errorf("Translate = %#v, want an empty map", got)
			}
			if n := len(f.requests()); n != tt.calls {
				t.Errorf("server got %d requests, want %d", n, tt.calls)
			}
		})
	}
}

func TestParseTranslations(t *testing.T) {
	codes := []string{"de", "fr", "ja"}
	tests := []struct {
		name   string
		output string
		want   map[string]string
		wantOK bool
	}{
		{"bare", `{"fr": "Bonjour"}`, map[string]string{"fr": "Bonjour"}, true},
		{"fence without language", "```\n{\"de\": \"Hallo\"}\n```", map[string]string{"de": "Hallo"}, true},
		{"unclosed fence", "```json\n{\"de\": \"Hallo\"}", map[string]string{"de": "Hallo"}, true},
		{"fence holds prose, json after", "```\nnothing\n```\n{\"fr\": \"Salut\"}", map[string]string{"fr": "Salut"}, true},
		{"brace in prose before", `Use {braces} like this: {"fr": "Salut"}`, map[string]string{"fr": "Salut"}, true},
		{"english names as keys", `{"French": "Salut", "Japanese": "こんにちは"}`, map[string]string{"fr": "Salut", "ja": "こんにちは"}, true},
		{"region keys and exact key wins", `{"fr-FR": "Salut (FR)", "fr": "Salut", "de_AT": "Servus"}`,
			map[string]string{"fr": "Salut", "de": "Servus"}, true},
		{"unwanted, empty and non-string values dropped", `{"es": "Hola", "fr": "  ", "de": 3, "ja": {"x": "y"}}`,
			map[string]string{}, true},
		{"trimmed", `{"fr": "  Salut \n"}`, map[string]string{"fr": "Salut"}, true},
		{"runaway value dropped", `{"fr": "` + strings.Repeat("a", maxTranslationRunes+1) + `"}`, map[string]string{}, true},
		{"no object", `["fr", "Salut"]`, nil, false},
		{"broken json", `{"fr": "Salut"`, nil, false},
		{"empty", ``, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, ok := findJSONObject(tt.output)
			if ok != tt.wantOK {
				t.Fatalf("findJSONObject ok = %v, want %v", ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if got := pickTranslations(obj, codes); !maps.Equal(got, tt.want) {
				t.Errorf("pickTranslations = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPrimaryCodes(t *testing.T) {
	got := primaryCodes([]string{"pt-BR", "pt", "PT_pt", "zh-Hant-TW", " en ", "", "not a code", "und"})
	want := []string{"en", "pt", "zh"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("primaryCodes = %v, want %v", got, want)
	}
}
