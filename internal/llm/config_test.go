package llm

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr []string // substrings; nil means valid
	}{
		{"ollama default URL", Config{Provider: "ollama", Model: "llama3.1:8b"}, nil},
		{"provider case and spaces", Config{Provider: " Ollama ", Model: "m"}, nil},
		{"openai with key only", Config{Provider: "openai", APIKey: "sk", Model: "gpt-4o-mini"}, nil},
		{"openai-compatible without key", Config{Provider: "openai", BaseURL: "http://vllm:8000/v1", Model: "m"}, nil},
		{"anthropic", Config{Provider: "anthropic", APIKey: "k", Model: "claude"}, nil},
		{"empty provider", Config{Model: "m"}, []string{"Provider is empty", "ollama, openai, anthropic"}},
		{"unknown provider", Config{Provider: "mistral", Model: "m"},
			[]string{`unknown Provider "mistral"`, "ollama, openai, anthropic", "OpenAI-compatible"}},
		{"googleai points to the OpenAI endpoint", Config{Provider: "googleai", Model: "gemini"},
			[]string{`"googleai" is not built in`, "generativelanguage.googleapis.com"}},
		{"openai without URL or key", Config{Provider: "openai", Model: "m"}, []string{"needs BaseURL or APIKey"}},
		{"anthropic without key", Config{Provider: "anthropic", Model: "m"}, []string{"APIKey is empty"}},
		{"no model", Config{Provider: "ollama"}, []string{"Model is empty", "llama3.1:8b"}},
		{"bad URL scheme", Config{Provider: "ollama", BaseURL: "localhost:11434", Model: "m"},
			[]string{`BaseURL "localhost:11434"`, "http(s)"}},
		{"URL without host", Config{Provider: "openai", BaseURL: "http://", Model: "m"}, []string{"has no host"}},
		{"unparsable URL", Config{Provider: "ollama", BaseURL: "http://a b:%zz", Model: "m"}, []string{"does not parse"}},
		{"ollama URL with /v1", Config{Provider: "ollama", BaseURL: "http://localhost:11434/v1", Model: "m"},
			[]string{"server root", `Provider "openai"`}},
		{"negative timeout", Config{Provider: "ollama", Model: "m", Timeout: -time.Second}, []string{"Timeout -1s is negative"}},
		{"every bad field named", Config{Provider: "openai", Timeout: -1},
			[]string{"needs BaseURL or APIKey", "Model is empty", "Timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if _, err := New(tt.cfg); err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate accepted the config")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if _, err := New(tt.cfg); err == nil {
				t.Error("New accepted an invalid config")
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name        string
		cfg         Config
		wantURL     string
		wantTimeout time.Duration
	}{
		{"ollama", Config{Provider: "ollama", Model: "m"}, DefaultOllamaURL, DefaultTimeout},
		{"openai", Config{Provider: "OpenAI", APIKey: "k", Model: "m", Timeout: time.Second}, DefaultOpenAIURL, time.Second},
		{"anthropic", Config{Provider: "anthropic", APIKey: "k", Model: "m"}, DefaultAnthropicURL, DefaultTimeout},
		{"custom URL normalised", Config{Provider: "openai", BaseURL: "HTTP://VLLM.local:8000/v1/", Model: "m"},
			"http://vllm.local:8000/v1", DefaultTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if c.cfg.BaseURL != tt.wantURL || c.cfg.Timeout != tt.wantTimeout {
				t.Errorf("BaseURL, Timeout = %q, %v; want %q, %v", c.cfg.BaseURL, c.cfg.Timeout, tt.wantURL, tt.wantTimeout)
			}
		})
	}
}

func TestEnvironmentIsIgnored(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-from-env")
	t.Setenv("OPENAI_BASE_URL", "http://env.invalid/v1")
	t.Setenv("OPENAI_ORGANIZATION", "org-env")
	f := newFake(t, fakeOpts{chunks: []string{"ok [1]"}})
	c := newTestClient(t, Config{Provider: "openai", BaseURL: f.URL + "/v1", Model: "m"})
	if _, err := c.Answer(t.Context(), Request{Question: "q", Passages: testPassages[:1]}); err != nil {
		t.Fatalf("Answer: %v", err)
	}
	h := f.last(t).Header
	if h.Get("Authorization") != "" || h.Get("OpenAI-Organization") != "" {
		t.Errorf("environment leaked into headers: Authorization=%q OpenAI-Organization=%q",
			h.Get("Authorization"), h.Get("OpenAI-Organization"))
	}
}

func TestAzureKeyHeader(t *testing.T) {
	var got http.Header
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Clone()
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})
	cfg := Config{Provider: "openai", BaseURL: "https://team.openai.azure.com/openai/v1", APIKey: "az-key", Model: "m"}.withDefaults()
	hc := newHTTPClient(&http.Client{Transport: rt}, cfg, time.Second)
	req, _ := http.NewRequest(http.MethodPost, cfg.BaseURL+"/chat/completions", http.NoBody)
	req.Header.Set("Authorization", "Bearer az-key")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Get("api-key") != "az-key" || got.Get("Authorization") != "" {
		t.Errorf("headers = %v, want api-key only", got)
	}
	if req.Header.Get("Authorization") == "" {
		t.Error("the caller's request was modified")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestEmbedderID(t *testing.T) {
	base := Config{Provider: "ollama", BaseURL: "http://gpu:11434", EmbeddingModel: "nomic-embed-text", Model: "llama"}
	with := func(f func(*Config)) Config { c := base; f(&c); return c }
	tests := []struct {
		name string
		a, b Config
		same bool
	}{
		{"chat model and key do not matter", base, with(func(c *Config) { c.Model = "other"; c.APIKey = "k"; c.Timeout = time.Hour }), true},
		{"cosmetic differences do not matter", base, with(func(c *Config) { c.Provider = " OLLAMA"; c.BaseURL = "HTTP://GPU:11434/" }), true},
		{"default URL made explicit", with(func(c *Config) { c.BaseURL = "" }), with(func(c *Config) { c.BaseURL = DefaultOllamaURL }), true},
		{"embedding model matters", base, with(func(c *Config) { c.EmbeddingModel = "bge-m3" }), false},
		{"base URL matters", base, with(func(c *Config) { c.BaseURL = "http://gpu2:11434" }), false},
		{"provider matters", base, with(func(c *Config) { c.Provider = "openai" }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := EmbedderID(tt.a), EmbedderID(tt.b)
			if (a == b) != tt.same {
				t.Errorf("EmbedderID %q vs %q: same = %v, want %v", a, b, a == b, tt.same)
			}
			if a != EmbedderID(tt.a) {
				t.Error("EmbedderID is not stable")
			}
		})
	}
	if got, want := EmbedderID(base), "ollama|http://gpu:11434|nomic-embed-text"; got != want {
		t.Errorf("EmbedderID = %q, want %q", got, want)
	}
}
