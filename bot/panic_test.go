package bot

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// TestPanicWhileAnsweringTellsUser: a bug that panics while answering one question ends
// that question like any failure — the asker gets the localized "could not answer" line,
// never the panic — and the bot goes on answering.
func TestPanicWhileAnsweringTellsUser(t *testing.T) {
	for _, tc := range []struct {
		name string
		// streamFirst makes the answerer show some text before panicking.
		streamFirst bool
		// ask sends the question; told returns what the user was told, once they were.
		ask  func(t *testing.T, env *testEnv)
		told func(env *testEnv) (string, bool)
	}{
		{
			name: "mention",
			ask: func(t *testing.T, env *testEnv) {
				env.postEvent(t, "EvPanic", mentionEvent("U1", "<@UBOT> crash?", "1700000001.000100", ""))
			},
			told: func(env *testEnv) (string, bool) {
				posts := env.slack.callsTo("chat.postMessage")
				if len(posts) == 0 {
					return "", false
				}
				if posts[0].Form.Get("thread_ts") != "1700000001.000100" {
					return "posted outside the thread: " + posts[0].Form.Encode(), true
				}
				return posts[0].text(), true
			},
		},
		{
			name:        "mention after streaming started",
			streamFirst: true,
			ask: func(t *testing.T, env *testEnv) {
				env.postEvent(t, "EvPanicStream", mentionEvent("U1", "<@UBOT> crash?", "1700000001.000100", ""))
			},
			told: func(env *testEnv) (string, bool) {
				// The streamed text is replaced by the notice.
				updates := env.slack.callsTo("chat.update")
				if len(updates) == 0 {
					return "", false
				}
				return updates[len(updates)-1].text(), true
			},
		},
		{
			name: "slash command",
			ask: func(t *testing.T, env *testEnv) {
				env.postSlash(t, "U1", "crash?", "trig-panic")
			},
			told: func(env *testEnv) (string, bool) {
				r := env.responses("trig-panic")
				if len(r) == 0 {
					return "", false
				}
				return r[0].text(), true
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t)
			if err := env.store.SetUserLang(context.Background(), "U1", "de"); err != nil {
				t.Fatal(err)
			}
			var calls atomic.Int32
			env.answerer.fn = func(_ context.Context, q answer.Question) (answer.Answer, error) {
				if calls.Add(1) > 1 {
					return cannedAnswer(q), nil
				}
				if tc.streamFirst {
					if q.OnToken == nil {
						return answer.Answer{}, errString("no OnToken on a streamable surface")
					}
					q.OnToken("Teilantwort")
					if !env.slack.await(func(c []apiCall) bool { return len(filter(c, "chat.startStream")) > 0 }) {
						return answer.Answer{}, errString("the streamed text never reached Slack")
					}
				}
				var citations []answer.Citation
				_ = citations[3] // a bug: index out of range
				return answer.Answer{}, nil
			}
			tc.ask(t, env)

			var told string
			env.slack.waitFor(t, "the user to be told", func([]apiCall) bool {
				var ok bool
				told, ok = tc.told(env)
				return ok
			})
			want := env.bot.cat.Sprintf("de", i18n.BotCouldNotAnswer)
			if want == env.bot.cat.Sprintf("en", i18n.BotCouldNotAnswer) {
				t.Fatal("the catalog has no German line; the test cannot tell languages apart")
			}
			if told != want {
				t.Errorf("told %q, want %q", told, want)
			}
			for _, c := range env.slack.snapshot() {
				if joined := strings.Join(c.strs(), " "); strings.Contains(joined, "index out of range") || strings.Contains(joined, "panic") {
					t.Errorf("%s leaked the panic to Slack: %s", c.Method, joined)
				}
			}

			// The bot still answers: the panic cost one question, not the process or a slot.
			env.postEvent(t, "EvAfterPanic", mentionEvent("U1", "<@UBOT> and now?", "1700000002.000100", ""))
			env.slack.waitFor(t, "the next answer", func(c []apiCall) bool {
				for _, p := range append(filter(c, "chat.postMessage"), filter(c, "chat.update")...) {
					if strings.Contains(strings.Join(p.strs(), " "), "Golden paths beat mandates") {
						return true
					}
				}
				return false
			})
			env.drain(t)
			outcomes := map[string]string{}
			for _, q := range env.store.loggedQuestions() {
				outcomes[q.Question] = q.Outcome
			}
			if len(outcomes) != 2 || outcomes["crash?"] != OutcomeError || outcomes["and now?"] != OutcomeAnswered {
				t.Errorf("question log outcomes = %v, want the panic logged as an error and the next answer as answered", outcomes)
			}
		})
	}
}
