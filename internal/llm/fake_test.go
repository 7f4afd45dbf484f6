package llm

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeOpts says how a fake model server behaves. It speaks the real wire formats of the
// OpenAI API (under /v1) and of the Ollama API (under /api).
type fakeOpts struct {
	// chunks is the reply, streamed chunk by chunk or joined when not streaming.
	chunks []string
	// status, when set, is returned with errBody instead of a reply.
	status  int
	errBody string
	// stall delays the reply until the client gives up (or stall passes).
	stall time.Duration
	// stallAfterFirst streams one chunk, then stalls.
	stallAfterFirst bool
	// ollamaSingleJSON answers /api/chat with one JSON object even when streaming was not
	// refused, as some proxies do.
	ollamaSingleJSON bool
}

// received is one request as the fake server saw it.
type received struct {
	Method, Path string
	Header       http.Header
	Body         map[string]any
	Raw          []byte
}

// wireMessage is a chat message as sent on the wire.
type wireMessage struct {
	Role    string
	Content string
}

// messages decodes the "messages" field of a chat request, whether each content is a
// string or an array of text parts.
func (r received) messages(t *testing.T) []wireMessage {
	t.Helper()
	var body struct {
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(r.Raw, &body); err != nil {
		t.Fatalf("decoding messages: %v", err)
	}
	var out []wireMessage
	for _, m := range body.Messages {
		var s string
		if err := json.Unmarshal(m.Content, &s); err != nil {
			var parts []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			}
			if err := json.Unmarshal(m.Content, &parts); err != nil {
				t.Fatalf("content is neither a string nor parts: %s", m.Content)
			}
			for _, p := range parts {
				s += p.Text
			}
		}
		out = append(out, wireMessage{Role: m.Role, Content: s})
	}
	return out
}

type fakeServer struct {
	*httptest.Server
	opts fakeOpts

	mu   sync.Mutex
	reqs []received
}

func newFake(t *testing.T, opts fakeOpts) *fakeServer {
	t.Helper()
	f := &fakeServer{opts: opts}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) requests() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.reqs...)
}

func (f *fakeServer) last(t *testing.T) received {
	t.Helper()
	rs := f.requests()
	if len(rs) == 0 {
		t.Fatal("the fake server received no request")
	}
	return rs[len(rs)-1]
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	rec := received{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Raw: raw}
	_ = json.Unmarshal(raw, &rec.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, rec)
	f.mu.Unlock()

	if f.opts.status != 0 {
		w.WriteHeader(f.opts.status)
		_, _ = io.WriteString(w, f.opts.errBody)
		return
	}
	if f.opts.stall > 0 {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(f.opts.stall):
		}
	}
	model, _ := rec.Body["model"].(string)
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		if stream, _ := rec.Body["stream"].(bool); stream {
			f.openAIStream(w, r, model)
		} else {
			writeJSON(w, map[string]any{
				"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
				"choices": []any{map[string]any{
					"index":         0,
					"message":       map[string]any{"role": "assistant", "content": strings.Join(f.opts.chunks, "")},
					"finish_reason": "stop",
				}},
				"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
			})
		}
	case r.Method == http.MethodPost && r.URL.Path == "/v1/embeddings":
		inputs, _ := rec.Body["input"].([]any)
		data := make([]any, len(inputs))
		for i, in := range inputs {
			s, _ := in.(string)
			data[i] = map[string]any{"object": "embedding", "index": i, "embedding": vectorFor(s)}
		}
		writeJSON(w, map[string]any{"object": "list", "data": data, "model": model,
			"usage": map[string]any{"prompt_tokens": 1, "total_tokens": 1}})
	case r.Method == http.MethodPost && r.URL.Path == "/v1/messages": // Anthropic, non-streaming
		writeJSON(w, map[string]any{
			"id": "msg_1", "type": "message", "role": "assistant", "model": model,
			"content":     []any{map[string]any{"type": "text", "text": strings.Join(f.opts.chunks, "")}},
			"stop_reason": "end_turn", "usage": map[string]any{"input_tokens": 10, "output_tokens": 5},
		})
	case r.Method == http.MethodPost && r.URL.Path == "/api/chat":
		// Real Ollama streams unless the request says "stream": false.
		stream, set := rec.Body["stream"].(bool)
		if (!set || stream) && !f.opts.ollamaSingleJSON {
			f.ollamaStream(w, r, model)
		} else {
			writeJSON(w, ollamaChunk(model, strings.Join(f.opts.chunks, ""), true))
		}
	case r.Method == http.MethodPost && r.URL.Path == "/api/embed":
		var inputs []string
		switch in := rec.Body["input"].(type) {
		case string:
			inputs = []string{in}
		case []any:
			for _, x := range in {
				s, _ := x.(string)
				inputs = append(inputs, s)
			}
		}
		vecs := make([]any, len(inputs))
		for i, s := range inputs {
			vecs[i] = vectorFor(s)
		}
		writeJSON(w, map[string]any{"model": model, "embeddings": vecs})
	default:
		http.Error(w, fmt.Sprintf("404 page not found: %s %s", r.Method, r.URL.Path), http.StatusNotFound)
	}
}

func (f *fakeServer) openAIStream(w http.ResponseWriter, r *http.Request, model string) {
	w.Header().Set("Content-Type", "text/event-stream")
	fl, _ := w.(http.Flusher)
	send := func(v any) {
		b, _ := json.Marshal(v)
		_, _ = fmt.Fprintf(w, "data: %s\n\n", b)
		fl.Flush()
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		}
	}
	_, _ = io.WriteString(w, ": keep-alive comment\n\n")
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for i, c := range f.opts.chunks {
		send(chunk(map[string]any{"content": c}, nil))
		if i == 0 && f.opts.stallAfterFirst {
			<-r.Context().Done()
			return
		}
	}
	send(chunk(map[string]any{}, "stop"))
	send(map[string]any{"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": model,
		"choices": []any{}, "usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	fl.Flush()
}

func (f *fakeServer) ollamaStream(w http.ResponseWriter, r *http.Request, model string) {
	w.Header().Set("Content-Type", "application/x-ndjson")
	fl, _ := w.(http.Flusher)
	enc := json.NewEncoder(w) // one object per line
	for i, c := range f.opts.chunks {
		_ = enc.Encode(ollamaChunk(model, c, false))
		fl.Flush()
		if i == 0 && f.opts.stallAfterFirst {
			<-r.Context().Done()
			return
		}
	}
	_ = enc.Encode(ollamaChunk(model, "", true))
	fl.Flush()
}

func ollamaChunk(model, content string, done bool) map[string]any {
	m := map[string]any{
		"model":      model,
		"created_at": "2024-06-01T10:00:00.000000Z",
		"message":    map[string]any{"role": "assistant", "content": content},
		"done":       done,
	}
	if done {
		m["done_reason"] = "stop"
		m["total_duration"] = 1000
		m["prompt_eval_count"] = 10
		m["eval_count"] = 5
	}
	return m
}

// vectorFor derives a small deterministic vector from s.
func vectorFor(s string) []float32 {
	return []float32{float32(len(s)), float32(strings.Count(s, " ")), 0.5}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// backend is one provider driven against the fake server.
type backend struct {
	name string
	cfg  func(baseURL string) Config
	// chatPath is the path the chat request must reach.
	chatPath string
}

var backends = []backend{
	{
		name:     "openai",
		chatPath: "/v1/chat/completions",
		cfg: func(u string) Config {
			return Config{Provider: "openai", BaseURL: u + "/v1", APIKey: "sk-test-123", Model: "gpt-test",
				EmbeddingModel: "embed-test", Timeout: 5 * time.Second}
		},
	},
	{
		name:     "ollama",
		chatPath: "/api/chat",
		cfg: func(u string) Config {
			return Config{Provider: "ollama", BaseURL: u, APIKey: "ollama-key-456", Model: "llama-test",
				EmbeddingModel: "nomic-test", Timeout: 5 * time.Second}
		},
	},
}

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return c
}
