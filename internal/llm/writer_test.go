package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// scriptedModel is an OpenAI-compatible server playing a model from a script: translations for
// translation requests, a fixed answer (optionally streamed, or late) for answer requests.
type scriptedModel struct {
	translations map[string]string
	answer       []string // chunks
	// answers, when set, replaces answer: the nth answer request gets answers[n] (the last
	// one once they run out), for a model that answers differently when asked again.
	answers [][]string
	delay   time.Duration
	// translateDelay makes translations late too.
	translateDelay time.Duration

	mu             sync.Mutex
	prompts        []string // system prompts received, in order
	answerRequests int
}

func (m *scriptedModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Stream   bool `json:"stream"`
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	var system string
	if len(req.Messages) > 0 {
		if json.Unmarshal(req.Messages[0].Content, &system) != nil {
			var parts []struct{ Text string }
			json.Unmarshal(req.Messages[0].Content, &parts)
			for _, p := range parts {
				system += p.Text
			}
		}
	}
	m.mu.Lock()
	m.prompts = append(m.prompts, system)
	reply := m.answer
	if len(m.answers) > 0 {
		n := m.answerRequests
		if n >= len(m.answers) {
			n = len(m.answers) - 1
		}
		reply = m.answers[n]
	}
	if !strings.Contains(system, "You translate search questions") {
		m.answerRequests++
	}
	m.mu.Unlock()

	if strings.Contains(system, "You translate search questions") {
		select {
		case <-time.After(m.translateDelay):
		case <-r.Context().Done():
			return
		}
		data, _ := json.Marshal(m.translations)
		reply = []string{"```json\n" + string(data) + "\n```"}
	} else if m.delay > 0 {
		select {
		case <-time.After(m.delay):
		case <-r.Context().Done():
			return
		}
	}
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "model": "scripted",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": strings.Join(reply, "")}}},
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	for _, c := range reply {
		data, _ := json.Marshal(map[string]any{"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "scripted",
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": c}}}})
		fmt.Fprintf(w, "data: %s\n\n", data)
		w.(http.Flusher).Flush()
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func (m *scriptedModel) systemPrompts() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.prompts...)
}

var (
	svcIndexOnce sync.Once
	svcIndex     *retrieval.Index
	svcErr       error
)

// newModelService wires the answer service of the default corpus to a scripted model through
// the real langchaingo OpenAI client.
func newModelService(t *testing.T, m *scriptedModel, timeout time.Duration) *answer.Service {
	return newModelServiceBudget(t, m, timeout, 0)
}

// newModelServiceBudget is newModelService with one deadline for all model calls of a question.
func newModelServiceBudget(t *testing.T, m *scriptedModel, timeout, budget time.Duration) *answer.Service {
	t.Helper()
	svcIndexOnce.Do(func() {
		c, err := corpus.NewLoader(i18n.Supported()).Default()
		if err != nil {
			svcErr = err
			return
		}
		svcIndex, svcErr = retrieval.Build(context.Background(), c, retrieval.Options{Languages: i18n.Supported()})
	})
	if svcErr != nil {
		t.Fatal(svcErr)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	client := newTestClient(t, Config{Provider: ProviderOpenAI, BaseURL: srv.URL + "/v1", APIKey: "sk-test", Model: "scripted", Timeout: timeout})
	return answer.NewService(svcIndex, i18n.MustNew(), answer.Options{
		Writer:       NewWriter(client),
		CorpusLangs:  []string{"fr", "sv", "zh"},
		Events:       []string{"KubeCon + CloudNativeCon Europe 2019 (Barcelona)"},
		ModelTimeout: budget,
	})
}

func TestServiceAnswersWithModel(t *testing.T) {
	m := &scriptedModel{
		translations: map[string]string{"fr": "Où aura lieu la prochaine KubeCon Europe ?", "sv": "Var hålls nästa KubeCon Europe?", "zh": "下一届欧洲KubeCon在哪里举行？"},
		answer:       []string{"The next KubeCon Europe ", "takes place in Amsterdam, ", "from 30 March to 2 April 2020 [1]. ", "It was announced in the closing keynote [7][1]."},
	}
	svc := newModelService(t, m, 5*time.Second)
	var prefixes []string
	a, err := svc.Ask(context.Background(), answer.Question{
		Text:    "Where will the next KubeCon Europe take place?",
		OnToken: func(s string) { prefixes = append(prefixes, s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Mode != answer.ModeLLM || a.Lang != "en" || a.NotFound || a.Flagged {
		t.Fatalf("answer = %+v, want an English model answer", a)
	}
	if strings.Contains(a.Text, "[7]") {
		t.Errorf("citation to a passage that was never given kept: %q", a.Text)
	}
	if len(a.Citations) != 1 || a.Citations[0].N != 1 || a.Citations[0].PassageID == "" || a.Citations[0].Quote == "" {
		t.Errorf("citations = %+v, want one valid citation [1] with its quote", a.Citations)
	}
	prompts := m.systemPrompts()
	if len(prompts) != 2 || !strings.Contains(prompts[0], "You translate search questions") {
		t.Fatalf("want a translation request then an answer request, got %d requests", len(prompts))
	}
	if !strings.Contains(prompts[1], "English") {
		t.Errorf("the answer prompt does not name the answer language:\n%s", prompts[1])
	}
	if len(prefixes) < 2 {
		t.Fatalf("streaming delivered %d updates, want several", len(prefixes))
	}
	for i := 1; i < len(prefixes); i++ {
		if !strings.HasPrefix(prefixes[i], prefixes[i-1]) {
			t.Errorf("stream update %d does not extend the previous one: %q then %q", i, prefixes[i-1], prefixes[i])
		}
	}
}

func TestServiceFallsBackWhenModelIsLate(t *testing.T) {
	m := &scriptedModel{translations: map[string]string{"fr": "Qu'est-ce que gVisor ?"}, answer: []string{"gVisor is a sandbox [1]."}, delay: 3 * time.Second}
	svc := newModelService(t, m, 300*time.Millisecond)
	start := time.Now()
	a, err := svc.Ask(context.Background(), answer.Question{Text: "What is gVisor?"})
	if err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("answer took %v: the model timeout was not applied", waited)
	}
	if a.Mode != answer.ModeExtractive || a.Note == "" || len(a.Citations) == 0 {
		t.Errorf("answer = %+v, want the extractive answer with a fallback note", a)
	}
}

// TestServiceOneDeadlinePerQuestion: a late translation and a late answer share the one model
// deadline of the question; they do not wait a full timeout each.
func TestServiceOneDeadlinePerQuestion(t *testing.T) {
	const timeout = 600 * time.Millisecond
	m := &scriptedModel{translations: map[string]string{"fr": "Qu'est-ce que gVisor ?"}, answer: []string{"gVisor is a sandbox [1]."},
		delay: 5 * time.Second, translateDelay: 5 * time.Second}
	svc := newModelServiceBudget(t, m, timeout, timeout)
	start := time.Now()
	a, err := svc.Ask(context.Background(), answer.Question{Text: "What is gVisor?"})
	if err != nil {
		t.Fatal(err)
	}
	// Two calls waiting a full timeout each would take 1.2 s; one deadline ends at 0.6 s.
	if waited := time.Since(start); waited >= 2*timeout {
		t.Errorf("the question took %v: translation and answer each waited a full %v", waited, timeout)
	}
	if a.Mode != answer.ModeExtractive || a.Note == "" {
		t.Errorf("answer = %+v, want the extractive answer with a fallback note", a)
	}
}

func TestServiceFlagsUncitedAnswers(t *testing.T) {
	m := &scriptedModel{translations: map[string]string{}, answer: []string{"gVisor is a user-space kernel."}}
	a, err := newModelService(t, m, 5*time.Second).Ask(context.Background(), answer.Question{Text: "What is gVisor?"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Flagged || a.Note == "" || len(a.Citations) != 0 {
		t.Errorf("answer = %+v, want a flagged answer with a note and no citation", a)
	}
}

func TestServiceModelSaysNotFound(t *testing.T) {
	cat := i18n.MustNew()
	m := &scriptedModel{translations: map[string]string{}, answer: []string{cat.Sprintf("fr", i18n.AnswerNotFound)}}
	a, err := newModelService(t, m, 5*time.Second).Ask(context.Background(), answer.Question{Text: "Qu'a annoncé Microsoft au sujet de CloudEvents ?"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.NotFound || a.Lang != "fr" {
		t.Errorf("answer = %+v, want not found, in French", a)
	}
}

func TestServiceSkipsModelForOffTopic(t *testing.T) {
	m := &scriptedModel{translations: map[string]string{}, answer: []string{"Lima is the capital of Peru [1]."}}
	a, err := newModelService(t, m, 5*time.Second).Ask(context.Background(), answer.Question{Text: "What is the capital of Peru?"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.NotFound {
		t.Errorf("answer = %+v, want not found", a)
	}
	for _, p := range m.systemPrompts() {
		if !strings.Contains(p, "You translate search questions") {
			t.Error("the model was asked to answer a question the reports do not cover")
		}
	}
}

func TestServiceAsksAgainWhenModelAnswersInAnotherLanguage(t *testing.T) {
	english := []string{"The next KubeCon Europe takes place in Amsterdam, from 30 March to 2 April 2020 [1]."}
	french := []string{"La prochaine KubeCon Europe aura lieu à Amsterdam, du 30 mars au 2 avril 2020 [1]."}
	q := answer.Question{Text: "Où aura lieu la prochaine KubeCon Europe ?"}

	t.Run("retried", func(t *testing.T) {
		m := &scriptedModel{translations: map[string]string{}, answers: [][]string{english, french}}
		a, err := newModelService(t, m, 5*time.Second).Ask(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Mode != answer.ModeLLM || a.Lang != "fr" || a.Flagged || !strings.Contains(a.Text, "aura lieu") {
			t.Fatalf("answer = %+v, want the French answer of the second request, unflagged", a)
		}
		prompts := answerPrompts(m.systemPrompts())
		if len(prompts) != 2 {
			t.Fatalf("the model was asked %d times, want twice", len(prompts))
		}
		if strings.Contains(prompts[0], "IMPORTANT") || !strings.Contains(prompts[1], "IMPORTANT") || !strings.Contains(prompts[1], "French") {
			t.Errorf("the second request does not insist on French:\n%s", prompts[1])
		}
	})
	t.Run("flagged", func(t *testing.T) {
		m := &scriptedModel{translations: map[string]string{}, answers: [][]string{english}}
		a, err := newModelService(t, m, 5*time.Second).Ask(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(answerPrompts(m.systemPrompts())); n != 2 {
			t.Fatalf("the model was asked %d times, want twice (one retry)", n)
		}
		if !a.Flagged || a.Note != i18n.MustNew().Sprintf("fr", i18n.AnswerWrongLanguage) {
			t.Errorf("answer = %+v, want it flagged with the wrong-language note in French", a)
		}
	})
	t.Run("right language first", func(t *testing.T) {
		m := &scriptedModel{translations: map[string]string{}, answers: [][]string{french, english}}
		a, err := newModelService(t, m, 5*time.Second).Ask(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(answerPrompts(m.systemPrompts())); n != 1 || a.Flagged {
			t.Errorf("asked %d times, flagged %v: a right-language answer needs no retry", n, a.Flagged)
		}
	})
}

func TestServiceSendsIntentAndScope(t *testing.T) {
	m := &scriptedModel{translations: map[string]string{}, answer: []string{"• Spotify moved to managed clusters [1]."}}
	svc := newModelService(t, m, 5*time.Second)
	if _, err := svc.Ask(context.Background(), answer.Question{Text: "What were the key takeaways of KubeCon Barcelona?"}); err != nil {
		t.Fatal(err)
	}
	prompts := answerPrompts(m.systemPrompts())
	if len(prompts) != 1 {
		t.Fatalf("the model was asked %d times, want once", len(prompts))
	}
	if !strings.Contains(prompts[0], "the take-aways") || !strings.Contains(prompts[0], "one line per point") {
		t.Errorf("a summary question's prompt does not ask for the take-aways as a list:\n%s", prompts[0])
	}
}

// answerPrompts keeps the system prompts of answer requests (not translations).
func answerPrompts(prompts []string) []string {
	var out []string
	for _, p := range prompts {
		if !strings.Contains(p, "You translate search questions") {
			out = append(out, p)
		}
	}
	return out
}
