package bot

import (
	"encoding/json"
	"maps"
	"slices"
)

// botScopes are exactly the OAuth scopes the bot uses:
//   - app_mentions:read for app_mention;
//   - assistant:write for assistant.threads.* and assistant_thread_started;
//   - channels:history, groups:history, mpim:history for conversations.replies when a
//     mention is a follow-up in a thread of a public or private channel or a group DM;
//   - chat:write to post, update, stream and post ephemerally;
//   - commands for /takeaway;
//   - im:history for message.im and the DM history and threads;
//   - files:read to download the reports uploaded to the bot (url_private_download);
//   - users:read for users.info (the user's locale, and whether they are an admin or owner).
var botScopes = []string{
	"app_mentions:read",
	"assistant:write",
	"channels:history",
	"chat:write",
	"commands",
	"files:read",
	"groups:history",
	"im:history",
	"mpim:history",
	"users:read",
}

// Manifest returns a Slack app manifest (JSON) for an app called name, in Socket Mode,
// with the slash command, interactivity, the assistant view and exactly the scopes and
// bot events the bot uses.
func Manifest(name string) string {
	type slashCmd struct {
		Command      string `json:"command"`
		Description  string `json:"description"`
		UsageHint    string `json:"usage_hint"`
		ShouldEscape bool   `json:"should_escape"`
	}
	m := map[string]any{
		"_metadata": map[string]int{"major_version": 1, "minor_version": 1},
		"display_information": map[string]string{
			"name":             name,
			"description":      "Answers questions about tech conferences from attendee reports.",
			"long_description": "Ask about the talks, trends and advice reported by people who attended tech conferences. Answers come in your language, with numbered links to the reports they rely on. Use /takeaway, mention the app in a channel, write to it directly or open it in the assistant pane.",
			"background_color": "#2c2d30",
		},
		"features": map[string]any{
			"app_home": map[string]bool{
				"home_tab_enabled":               true,
				"messages_tab_enabled":           true,
				"messages_tab_read_only_enabled": false,
			},
			"bot_user": map[string]any{"display_name": name, "always_online": true},
			"slash_commands": []slashCmd{{
				Command:     slashCommand,
				Description: "Ask about tech conferences",
				UsageHint:   "[question] | help | sources | lang xx",
			}},
			"shortcuts": []map[string]string{{
				"name":        "Ask takeaway about this",
				"type":        "message",
				"callback_id": shortcutCallback,
				"description": "Answers the message as a question, from the attendee reports, privately",
			}},
			"assistant_view": map[string]string{
				"assistant_description": "Answers questions about tech conferences from attendee reports, with sources.",
			},
		},
		"oauth_config": map[string]any{
			"scopes": map[string][]string{"bot": botScopes},
		},
		"settings": map[string]any{
			"event_subscriptions":    map[string][]string{"bot_events": slices.Sorted(maps.Keys(eventHandlers))},
			"interactivity":          map[string]bool{"is_enabled": true},
			"org_deploy_enabled":     false,
			"socket_mode_enabled":    true,
			"token_rotation_enabled": false,
		},
	}
	return marshalManifest(m)
}

// ManifestHTTP is Manifest for HTTP mode: Slack sends events, slash commands and clicks to
// requestURL (https://your-host/slack/events) instead of over Socket Mode.
func ManifestHTTP(name, requestURL string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(Manifest(name)), &m); err != nil {
		panic(err) // Manifest always returns valid JSON
	}
	features := m["features"].(map[string]any)
	for _, c := range features["slash_commands"].([]any) {
		c.(map[string]any)["url"] = requestURL
	}
	settings := m["settings"].(map[string]any)
	settings["socket_mode_enabled"] = false
	settings["event_subscriptions"].(map[string]any)["request_url"] = requestURL
	settings["interactivity"] = map[string]any{"is_enabled": true, "request_url": requestURL}
	return marshalManifest(m)
}

func marshalManifest(m map[string]any) string {
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return string(out) + "\n"
}
