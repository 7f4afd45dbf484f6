package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// viewText is everything a published view says, blocks and options included.
func viewText(t *testing.T, c apiCall) string {
	t.Helper()
	js, err := json.Marshal(c.JSON["view"])
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// app_home_opened publishes the Home tab to that user, in their language: how to ask, the
// reports named, the language select; admins also see the week's figures and gaps.
func TestAppHomePublished(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.Admins = []string{"UADMIN"} })
	env.slack.setLocale("U1", "fr-FR")
	env.store.LogQuestion(context.Background(), QuestionLog{At: time.Now(), Question: "KubeCon India 2024 ?", Outcome: OutcomeNotFound})
	env.postEvent(t, "EvHome", map[string]any{"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1700000001.000100"})
	env.postEvent(t, "EvHomeMessages", map[string]any{"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "messages", "event_ts": "1700000001.000200"})
	pub := env.slack.waitCalls(t, "views.publish", 1)[0]
	if pub.JSON["user_id"] != "U1" {
		t.Errorf("published to %v", pub.JSON["user_id"])
	}
	view := viewText(t, pub)
	for _, want := range []string{`"type":"home"`, "KubeCon EU 2024 takeaways", "Retour de Devoxx", "Comment poser une question", "Quels sont les points clés de KubeCon EU 2024", `"action_id":"home_lang"`} {
		if !strings.Contains(view, want) {
			t.Errorf("Home tab lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "<!here>") {
		t.Error("a report title pings the channel")
	}
	if strings.Contains(view, "KubeCon India") {
		t.Error("a non-admin sees the coverage gaps")
	}

	env.postEvent(t, "EvHomeAdmin", map[string]any{"type": "app_home_opened", "user": "UADMIN", "channel": "D2", "tab": "home", "event_ts": "1700000002.000100"})
	admin := viewText(t, env.slack.waitCalls(t, "views.publish", 2)[1])
	for _, want := range []string{"the last 7 days", "KubeCon India 2024"} {
		if !strings.Contains(admin, want) {
			t.Errorf("admin's Home tab lacks %q:\n%s", want, admin)
		}
	}

	// Choosing a language on the Home tab stores it and publishes the tab again in it.
	sel := map[string]any{"action_id": actionHomeLang, "block_id": "b", "type": "static_select", "action_ts": "1700000010.000100",
		"selected_option": map[string]any{"value": "sv", "text": map[string]any{"type": "plain_text", "text": "svenska"}}}
	env.postAction(t, map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U1"}, "api_app_id": "A1", "token": "legacy",
		"container": map[string]any{"type": "view", "view_id": "V1"}, "trigger_id": "trig-home-lang",
		"team": map[string]any{"id": "T1"}, "view": map[string]any{"id": "V1", "type": "home"}, "actions": []any{sel},
	})
	again := viewText(t, env.slack.waitCalls(t, "views.publish", 3)[2])
	if lang, _ := env.store.UserLang(context.Background(), "U1"); lang != "sv" {
		t.Errorf("stored language %q, want sv", lang)
	}
	if !strings.Contains(again, "Så frågar du") {
		t.Errorf("Home tab not republished in Swedish:\n%s", again)
	}
	env.drain(t)
	if n := len(env.slack.callsTo("views.publish")); n != 3 {
		t.Errorf("%d publishes, want 3 (the Messages tab publishes nothing)", n)
	}
}

// An admin sets a channel to "help" from App Home (a channel picked, then the mode): the mode
// is stored, and a question there is then answered without a mention. Someone who is not an
// admin cannot.
func TestAppHomeSetsChannelMode(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.Admins = []string{"UADMIN"}; c.Questions = questionMark{} })
	env.postEvent(t, "EvHome", map[string]any{"type": "app_home_opened", "user": "UADMIN", "channel": "D2", "tab": "home", "event_ts": "1700000001.000100"})
	view := viewText(t, env.slack.waitCalls(t, "views.publish", 1)[0])
	for _, want := range []string{`"action_id":"home_mode_channel"`, `"action_id":"home_mode"`, "Every question (help channel)"} {
		if !strings.Contains(view, want) {
			t.Errorf("admin's Home tab lacks %q", want)
		}
	}
	modeAction := func(user, trigger string) map[string]any {
		sel := map[string]any{"action_id": actionHomeMode, "block_id": blockHomeModes, "type": "static_select", "action_ts": "1700000010.000100",
			"selected_option": map[string]any{"value": "help", "text": map[string]any{"type": "plain_text", "text": "help"}}}
		return map[string]any{
			"type": "block_actions", "user": map[string]any{"id": user}, "api_app_id": "A1", "token": "legacy",
			"container": map[string]any{"type": "view", "view_id": "V1"}, "trigger_id": trigger, "team": map[string]any{"id": "T1"},
			"view": map[string]any{"id": "V1", "type": "home", "state": map[string]any{"values": map[string]any{
				blockHomeModes: map[string]any{actionHomeModeChannel: map[string]any{"type": "channels_select", "selected_channel": "C5"}},
			}}},
			"actions": []any{sel},
		}
	}
	env.postAction(t, modeAction("U1", "trig-mode-denied"))
	env.postAction(t, modeAction("UADMIN", "trig-mode"))
	again := viewText(t, env.slack.waitCalls(t, "views.publish", 2)[1])
	if modes, _ := env.store.ChannelModes(context.Background()); modes["C5"] != "help" || len(modes) != 1 {
		t.Fatalf("stored modes = %v, want C5 help", modes)
	}
	if !strings.Contains(again, `\u003c#C5\u003e — Every question (help channel)`) {
		t.Errorf("the Home tab does not list C5's mode:\n%s", again)
	}
	q := merge(channelEvent("U1", "Which talks covered WebAssembly?", "1700000020.000100", ""), map[string]any{"channel": "C5"})
	env.postEvent(t, "EvHelpQ", q)
	post := env.slack.waitCalls(t, "chat.postMessage", 1)[0]
	if post.Form.Get("channel") != "C5" || post.Form.Get("thread_ts") != "1700000020.000100" {
		t.Errorf("answer in %q/%q", post.Form.Get("channel"), post.Form.Get("thread_ts"))
	}
}

// When the reports change, the Home tabs published lately are published again.
func TestRefreshHomes(t *testing.T) {
	env := newTestEnv(t)
	env.postEvent(t, "EvHome", map[string]any{"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1700000001.000100"})
	env.slack.waitCalls(t, "views.publish", 1)
	for deadline := time.Now().Add(5 * time.Second); len(env.bot.homes.list()) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the published Home tab was not remembered")
		}
	}
	env.bot.RefreshHomes(context.Background())
	again := env.slack.waitCalls(t, "views.publish", 2)[1]
	if again.JSON["user_id"] != "U1" {
		t.Errorf("republished for %v", again.JSON["user_id"])
	}
}
