package llm

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNewEmbedder(t *testing.T) {
	tests := []struct {
		name      string
		be        backend
		wantPath  string
		wantCalls int // requests for the two documents
	}{
		{"openai", backends[0], "/v1/embeddings", 1},
		{"ollama", backends[1], "/api/embed", 2}, // langchaingo's Ollama embeds one text per request
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakeOpts{})
			cfg := tt.be.cfg(f.URL)
			e, err := NewEmbedder(cfg)
			if err != nil {
				t.Fatalf("NewEmbedder: %v", err)
			}
			docs := []string{"Istio ambient", "Kubernetes\n1.31 release"}
			vecs, err := e.EmbedDocuments(context.Background(), docs)
			if err != nil {
				t.Fatalf("EmbedDocuments: %v", err)
			}
			want := [][]float32{vectorFor("Istio ambient"), vectorFor("Kubernetes 1.31 release")} // newlines stripped
			if len(vecs) != len(want) {
				t.Fatalf("got %d vectors, want %d", len(vecs), len(want))
			}
			for i := range want {
				if !slices.Equal(vecs[i], want[i]) {
					t.Errorf("vector %d = %v, want %v", i, vecs[i], want[i])
				}
			}
			reqs := f.requests()
			if len(reqs) != tt.wantCalls {
				t.Fatalf("server got %d requests, want %d", len(reqs), tt.wantCalls)
			}
			for _, r := range reqs {
				if r.Path != tt.wantPath {
					t.Errorf("path = %q, want %q", r.Path, tt.wantPath)
				}
				if r.Body["model"] != cfg.EmbeddingModel {
					t.Errorf("model = %v, want %q", r.Body["model"], cfg.EmbeddingModel)
				}
				if got := r.Header.Get("Authorization"); got != "Bearer "+cfg.APIKey {
					t.Errorf("Authorization = %q", got)
				}
			}

			q, err := e.EmbedQuery(context.Background(), "what about Istio")
			if err != nil {
				t.Fatalf("EmbedQuery: %v", err)
			}
			if !slices.Equal(q, vectorFor("what about Istio")) {
				t.Errorf("EmbedQuery = %v", q)
			}
		})
	}
}

func TestEmbedderErrors(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name+"/500", func(t *testing.T) {
			f := newFake(t, fakeOpts{status: 500, errBody: `{"error":"out of memory"}`})
			e, err := NewEmbedder(be.cfg(f.URL))
			if err != nil {
				t.Fatalf("NewEmbedder: %v", err)
			}
			_, err = e.EmbedQuery(context.Background(), "x")
			if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "HTTP 500") {
				t.Errorf("err = %v, want ErrUnavailable with HTTP 500", err)
			}
		})
		t.Run(be.name+"/timeout", func(t *testing.T) {
			f := newFake(t, fakeOpts{stall: 10 * time.Second})
			cfg := be.cfg(f.URL)
			cfg.Timeout = 100 * time.Millisecond
			e, err := NewEmbedder(cfg)
			if err != nil {
				t.Fatalf("NewEmbedder: %v", err)
			}
			start := time.Now()
			_, err = e.EmbedQuery(context.Background(), "x")
			if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want ErrUnavailable and DeadlineExceeded", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("EmbedQuery took %v", d)
			}
		})
	}
}

func TestNewEmbedderConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr []string
	}{
		{"chat model not needed", Config{Provider: "ollama", EmbeddingModel: "nomic-embed-text"}, nil},
		{"no embedding model", Config{Provider: "openai", APIKey: "k"}, []string{"EmbeddingModel is empty", "text-embedding-3-small"}},
		{"anthropic", Config{Provider: "anthropic", APIKey: "k", EmbeddingModel: "x"}, []string{"no embeddings API"}},
		{"bad provider", Config{Provider: "cohere", EmbeddingModel: "x"}, []string{`unknown Provider "cohere"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewEmbedder(tt.cfg)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("NewEmbedder: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("NewEmbedder succeeded")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}
