package llm

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
	"github.com/tmc/langchaingo/llms/ollama"
	"github.com/tmc/langchaingo/llms/openai"
)

// unusedToken satisfies langchaingo's openai client, which refuses an empty key;
// the transport strips it before the request leaves.
const unusedToken = "unused"

// Client writes answers and translations with one chat model. It is safe for
// concurrent use.
type Client struct {
	cfg   Config
	model llms.Model
}

// Option adjusts New and NewEmbedder.
type Option func(*options)

type options struct {
	httpClient *http.Client
	model      llms.Model
}

// WithHTTPClient makes the provider use a copy of hc, for custom TLS or proxies. Its
// transport is wrapped to fix authentication headers and record HTTP statuses; its
// Timeout, when zero, is derived from Config.Timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) { o.httpClient = hc }
}

// WithLLM makes New use m instead of building a provider from the Config, for tests of
// callers. Only Config.Timeout (and the names used in error messages) then matter.
// NewEmbedder ignores it.
func WithLLM(m llms.Model) Option {
	return func(o *options) { o.model = m }
}

// New returns a client for the chat model cfg describes. It does not contact the server.
func New(cfg Config, opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.model != nil {
		if cfg.Timeout < 0 {
			return nil, fmt.Errorf("llm: Timeout %v is negative: use a positive duration or 0 for the default", cfg.Timeout)
		}
		cfg.Provider = normProvider(cfg.Provider)
		if cfg.Timeout == 0 {
			cfg.Timeout = DefaultTimeout
		}
		return &Client{cfg: cfg, model: o.model}, nil
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	// The context deadline set by call bounds each call; the HTTP client's own timeout,
	// a little longer, is only a safety net, so that timeouts are reported uniformly.
	hc := newHTTPClient(o.httpClient, cfg, cfg.Timeout+time.Second)

	var (
		model llms.Model
		err   error
	)
	switch cfg.Provider {
	case ProviderOllama:
		model, err = newOllama(cfg, cfg.Model, hc)
	case ProviderOpenAI:
		model, err = newOpenAI(cfg, hc)
	case ProviderAnthropic:
		opts := []anthropic.Option{
			anthropic.WithToken(cfg.APIKey),
			anthropic.WithModel(cfg.Model),
			anthropic.WithBaseURL(cfg.BaseURL),
			anthropic.WithHTTPClient(hc),
		}
		model, err = anthropic.New(opts...)
	}
	if err != nil {
		return nil, fmt.Errorf("llm: building the %s client: %w", cfg.Provider, err)
	}
	return &Client{cfg: cfg, model: model}, nil
}

// newOllama builds an Ollama client for model. cfg.BaseURL must be valid: langchaingo's
// WithServerURL calls log.Fatal on a bad URL.
func newOllama(cfg Config, model string, hc *http.Client) (*ollama.LLM, error) {
	return ollama.New(
		ollama.WithModel(model),
		ollama.WithServerURL(cfg.BaseURL),
		ollama.WithHTTPClient(hc),
	)
}

// newOpenAI builds an OpenAI-compatible client. Every option is given explicitly so that
// OPENAI_* environment variables, which langchaingo reads, cannot change the target.
func newOpenAI(cfg Config, hc *http.Client) (*openai.LLM, error) {
	token := cfg.APIKey
	if token == "" {
		token = unusedToken
	}
	return openai.New(
		openai.WithToken(token),
		openai.WithModel(cfg.Model),
		openai.WithBaseURL(cfg.BaseURL),
		openai.WithOrganization(""),
		openai.WithEmbeddingModel(cfg.EmbeddingModel),
		openai.WithHTTPClient(hc),
	)
}

// call runs one model call bounded by the configured timeout and returns the text of its
// first choice, or an error wrapping ErrUnavailable.
func (c *Client) call(ctx context.Context, op string, msgs []llms.MessageContent, opts ...llms.CallOption) (string, error) {
	callCtx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	callCtx, rec := withStatusRecord(callCtx)

	resp, err := c.model.GenerateContent(callCtx, msgs, opts...)
	if err == nil && callCtx.Err() != nil {
		// langchaingo's OpenAI streaming returns the partial text without an error
		// when the context ends mid-stream.
		err = callCtx.Err()
	}
	if err == nil && rec.get() != 0 {
		// langchaingo's Ollama client reports success on an error status with an empty body.
		err = fmt.Errorf("HTTP status %d", rec.get())
	}
	if err != nil {
		return "", c.callError(op, ctx, callCtx, rec, err)
	}
	if resp == nil || len(resp.Choices) == 0 || resp.Choices[0] == nil {
		return "", fmt.Errorf("llm: %s: %s returned no choices: %w", op, c.cfg.Provider, ErrUnavailable)
	}
	return resp.Choices[0].Content, nil
}
