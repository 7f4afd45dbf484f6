package bot

import "testing"

// messageActionPayload is a message shortcut's payload as Slack posts it.
func messageActionPayload(user, channel, text, trigger, responseURL string) map[string]any {
	return map[string]any{
		"type": "message_action", "callback_id": shortcutCallback, "trigger_id": trigger,
		"token": "legacy", "action_ts": "1700000020.000100", "api_app_id": "A1",
		"team":         map[string]any{"id": "T1", "domain": "test"},
		"user":         map[string]any{"id": user, "name": "someone"},
		"channel":      map[string]any{"id": channel, "name": "general"},
		"message_ts":   "1700000019.000100",
		"message":      map[string]any{"type": "message", "user": "U7", "ts": "1700000019.000100", "text": text},
		"response_url": responseURL,
	}
}

// The message shortcut: the message's text is the question, the answer goes to the
// response_url, ephemeral, with the Share button; nothing is posted to the channel.
func TestMessageShortcutAnswersPrivately(t *testing.T) {
	env := newTestEnv(t)
	env.postAction(t, messageActionPayload("U1", "C1", "<@U7> anyone know what a golden path is?", "trig-sc", env.slack.responseURL("trig-sc")))
	env.slack.waitFor(t, "the answer", func([]apiCall) bool { return len(env.responses("trig-sc")) == 1 })
	resp := env.responses("trig-sc")[0]
	if resp.JSON["response_type"] != "ephemeral" {
		t.Errorf("response_type = %v, want ephemeral", resp.JSON["response_type"])
	}
	if findAction(resp.blocks(), actionShare) == nil {
		t.Error("no Share button")
	}
	if asked := env.answerer.asked(); len(asked) != 1 || asked[0].Text != "<@U7> anyone know what a golden path is?" {
		t.Errorf("questions asked: %+v", asked)
	}
	env.drain(t)
	if n := len(env.slack.callsTo("chat.postMessage")); n != 0 {
		t.Errorf("%d posts to the channel, want none", n)
	}
	if logged := env.store.loggedQuestions(); len(logged) != 1 || logged[0].Surface != surfaceShortcut {
		t.Errorf("question log = %+v", logged)
	}
}
