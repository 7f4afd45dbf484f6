// Package llm writes cited answers with a language model through langchaingo.
package llm

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// The providers New and NewEmbedder understand.
const (
	// ProviderOllama talks to an Ollama server through its native API (/api/chat, /api/embed).
	ProviderOllama = "ollama"
	// ProviderOpenAI talks to any OpenAI-compatible server: api.openai.com, vLLM, llama.cpp,
	// LM Studio, Azure OpenAI's /openai/v1 endpoint, Gemini's OpenAI endpoint, and so on.
	ProviderOpenAI = "openai"
	// ProviderAnthropic talks to the Anthropic Messages API. It has no embeddings.
	ProviderAnthropic = "anthropic"
)

// DefaultTimeout bounds one model call when Config.Timeout is zero.
const DefaultTimeout = 20 * time.Second

// Default base URLs, used when Config.BaseURL is empty.
const (
	// DefaultOllamaURL is a local Ollama server.
	DefaultOllamaURL = "http://localhost:11434"
	// DefaultOpenAIURL is OpenAI's own API.
	DefaultOpenAIURL = "https://api.openai.com/v1"
	// DefaultAnthropicURL is Anthropic's own API.
	DefaultAnthropicURL = "https://api.anthropic.com/v1"
)

// geminiOpenAIURL is Google's OpenAI-compatible endpoint, suggested instead of a googleai provider.
const geminiOpenAIURL = "https://generativelanguage.googleapis.com/v1beta/openai/"

var knownProviders = []string{ProviderOllama, ProviderOpenAI, ProviderAnthropic}

// Config says which model server to use and how.
type Config struct {
	// Provider is "ollama", "openai" (any OpenAI-compatible server) or "anthropic".
	// Case and surrounding spaces are ignored.
	Provider string
	// BaseURL is the server's address. Empty means the provider's public default
	// (http://localhost:11434 for ollama). For OpenAI-compatible servers it usually ends in /v1.
	BaseURL string
	// APIKey authenticates to the server. It is sent as "Authorization: Bearer" (ollama, openai),
	// as "api-key" for Azure hosts, and as "x-api-key" for anthropic.
	APIKey string
	// Model is the chat model name, such as "llama3.1:8b" or "gpt-4o-mini".
	Model string
	// EmbeddingModel is the embedding model name used by NewEmbedder, such as "nomic-embed-text".
	EmbeddingModel string
	// Timeout bounds one model call, streaming included. Zero means DefaultTimeout.
	Timeout time.Duration
}

// Validate reports every bad field of c, each with what to do about it.
// It returns nil when New would accept c.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("llm: "+format, args...))
	}

	provider := normProvider(c.Provider)
	switch provider {
	case ProviderOllama, ProviderOpenAI, ProviderAnthropic:
	case "":
		bad("Provider is empty: set it to one of %s", strings.Join(knownProviders, ", "))
	case "googleai", "google", "gemini", "vertex", "vertexai":
		bad("Provider %q is not built in: use Provider %q with BaseURL %q and your Gemini API key as APIKey",
			c.Provider, ProviderOpenAI, geminiOpenAIURL)
	default:
		bad("unknown Provider %q: use one of %s (any OpenAI-compatible server, such as vLLM, llama.cpp, "+
			"LM Studio or Azure OpenAI, is %q with its BaseURL)", c.Provider, strings.Join(knownProviders, ", "), ProviderOpenAI)
	}

	if c.BaseURL != "" {
		if err := checkBaseURL(c.BaseURL); err != nil {
			bad("BaseURL %q %v: use an absolute http(s) URL such as %s", c.BaseURL, err, exampleURL(provider))
		} else if provider == ProviderOllama {
			p := strings.TrimRight(mustParse(c.BaseURL).Path, "/")
			if strings.HasSuffix(p, "/v1") || strings.HasSuffix(p, "/api") {
				bad("BaseURL %q for ollama must be the server root, such as %s (or use Provider %q for the /v1 endpoint)",
					c.BaseURL, DefaultOllamaURL, ProviderOpenAI)
			}
		}
	}

	switch provider {
	case ProviderOpenAI:
		if c.BaseURL == "" && strings.TrimSpace(c.APIKey) == "" {
			bad("Provider openai needs BaseURL or APIKey: set BaseURL to your OpenAI-compatible server " +
				"(such as http://localhost:8000/v1 for vLLM), or set APIKey to use " + DefaultOpenAIURL)
		}
	case ProviderAnthropic:
		if strings.TrimSpace(c.APIKey) == "" {
			bad("APIKey is empty: Provider anthropic needs an Anthropic API key")
		}
	}

	if strings.TrimSpace(c.Model) == "" {
		bad("Model is empty: set it to a chat model your server serves, such as %s", exampleModel(provider))
	}
	if c.Timeout < 0 {
		bad("Timeout %v is negative: use a positive duration such as 20s, or 0 for the default %v", c.Timeout, DefaultTimeout)
	}
	return errors.Join(errs...)
}

// withDefaults returns c normalised, with the provider's defaults filled in.
// It assumes c is valid.
func (c Config) withDefaults() Config {
	c.Provider = normProvider(c.Provider)
	c.Model = strings.TrimSpace(c.Model)
	c.EmbeddingModel = strings.TrimSpace(c.EmbeddingModel)
	c.APIKey = strings.TrimSpace(c.APIKey)
	if c.BaseURL == "" {
		switch c.Provider {
		case ProviderOllama:
			c.BaseURL = DefaultOllamaURL
		case ProviderOpenAI:
			c.BaseURL = DefaultOpenAIURL
		case ProviderAnthropic:
			c.BaseURL = DefaultAnthropicURL
		}
	}
	c.BaseURL = normURL(c.BaseURL)
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// EmbedderID identifies the embedding space of cfg: provider, effective base URL and
// embedding model. It is stable across runs and insensitive to cosmetic differences
// (case of the provider and host, a trailing slash), so it can key an embedding cache.
func EmbedderID(cfg Config) string {
	d := cfg
	d.Provider = normProvider(cfg.Provider)
	if d.BaseURL != "" && checkBaseURL(d.BaseURL) != nil {
		// Keep an unparsable URL verbatim rather than guess.
		return d.Provider + "|" + strings.TrimSpace(d.BaseURL) + "|" + strings.TrimSpace(d.EmbeddingModel)
	}
	d = d.withDefaults()
	return d.Provider + "|" + d.BaseURL + "|" + d.EmbeddingModel
}

func normProvider(p string) string { return strings.ToLower(strings.TrimSpace(p)) }

func checkBaseURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return errors.New("does not parse")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("has no http or https scheme")
	}
	if u.Host == "" {
		return errors.New("has no host")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return errors.New("has a query or fragment")
	}
	return nil
}

func mustParse(raw string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return &url.URL{}
	}
	return u
}

// normURL lower-cases the scheme and host and drops a trailing slash.
func normURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return strings.TrimSpace(raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String()
}

func exampleURL(provider string) string {
	switch provider {
	case ProviderOpenAI:
		return "http://localhost:8000/v1"
	case ProviderAnthropic:
		return DefaultAnthropicURL
	default:
		return DefaultOllamaURL
	}
}

func exampleModel(provider string) string {
	switch provider {
	case ProviderOpenAI:
		return `"gpt-4o-mini"`
	case ProviderAnthropic:
		return `"claude-3-5-haiku-latest"`
	default:
		return `"llama3.1:8b"`
	}
}
