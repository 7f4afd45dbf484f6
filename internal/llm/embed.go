package llm

import (
	"context"
	"errors"
	"fmt"

	"github.com/tmc/langchaingo/embeddings"
)

// embedBatchSize keeps each OpenAI-compatible embeddings request small enough for local
// servers and for Config.Timeout, which bounds every HTTP request.
const embedBatchSize = 64

// NewEmbedder returns an embedder for cfg.EmbeddingModel on an ollama or openai server.
// Config.Timeout bounds every HTTP request (Ollama embeds one text per request). Errors
// from the server wrap ErrUnavailable. Anthropic has no embeddings API.
func NewEmbedder(cfg Config, opts ...Option) (embeddings.Embedder, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var errs []error
	check := cfg
	if check.Model == "" {
		check.Model = "unused" // the chat model does not matter here
	}
	if err := check.Validate(); err != nil {
		errs = append(errs, err)
	}
	provider := normProvider(cfg.Provider)
	if provider == ProviderAnthropic {
		errs = append(errs, errors.New("llm: Provider anthropic has no embeddings API: use ollama or openai for embeddings"))
	}
	if cfg.EmbeddingModel == "" {
		errs = append(errs, fmt.Errorf("llm: EmbeddingModel is empty: set it to an embedding model your server serves, such as %s",
			exampleEmbeddingModel(provider)))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	hc := newHTTPClient(o.httpClient, cfg, cfg.Timeout)

	var (
		client embeddings.EmbedderClient
		err    error
	)
	switch cfg.Provider {
	case ProviderOllama:
		client, err = newOllama(cfg, cfg.EmbeddingModel, hc)
	case ProviderOpenAI:
		client, err = newOpenAI(cfg, hc)
	}
	if err != nil {
		return nil, fmt.Errorf("llm: building the %s embedder: %w", cfg.Provider, err)
	}
	where := fmt.Sprintf("%s at %s (embedding model %q)", cfg.Provider, cfg.BaseURL, cfg.EmbeddingModel)
	wrapped := embeddings.EmbedderClientFunc(func(ctx context.Context, texts []string) ([][]float32, error) {
		ctx, rec := withStatusRecord(ctx)
		vecs, err := client.CreateEmbedding(ctx, texts)
		if err == nil && len(vecs) != len(texts) {
			err = fmt.Errorf("got %d vectors for %d texts", len(vecs), len(texts))
		}
		switch {
		case err == nil:
			return vecs, nil
		case ctx.Err() != nil:
			return nil, fmt.Errorf("llm: embed: %w", context.Cause(ctx))
		case rec.get() != 0:
			return nil, fmt.Errorf("llm: embed: %s %s: %w: %w", where, statusHint(rec.get()), statusError(rec.get()), err)
		case isTimeout(err):
			return nil, fmt.Errorf("llm: embed: %s did not answer within %v (raise Timeout): %w: %w",
				where, cfg.Timeout, ErrUnavailable, errors.Join(context.DeadlineExceeded, err))
		default:
			return nil, fmt.Errorf("llm: embed: %s failed: %w: %w", where, ErrUnavailable, err)
		}
	})
	return embeddings.NewEmbedder(wrapped, embeddings.WithBatchSize(embedBatchSize))
}

func exampleEmbeddingModel(provider string) string {
	if provider == ProviderOpenAI {
		return `"text-embedding-3-small"`
	}
	return `"nomic-embed-text"`
}
