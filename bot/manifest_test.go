package bot

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type manifestDoc struct {
	Features struct {
		SlashCommands []struct {
			Command string `json:"command"`
		} `json:"slash_commands"`
		BotUser struct {
			DisplayName string `json:"display_name"`
		} `json:"bot_user"`
		AppHome struct {
			HomeTab bool `json:"home_tab_enabled"`
		} `json:"app_home"`
		Shortcuts []struct {
			Type       string `json:"type"`
			CallbackID string `json:"callback_id"`
		} `json:"shortcuts"`
	} `json:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot []string `json:"bot"`
		} `json:"scopes"`
	} `json:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			BotEvents []string `json:"bot_events"`
		} `json:"event_subscriptions"`
		Interactivity struct {
			IsEnabled bool `json:"is_enabled"`
		} `json:"interactivity"`
		SocketModeEnabled bool `json:"socket_mode_enabled"`
	} `json:"settings"`
}

// TestManifestEventsMatchDispatcher sends every candidate event through the router
// and checks that the manifest subscribes to exactly the ones it handles.
func TestManifestEventsMatchDispatcher(t *testing.T) {
	var m manifestDoc
	if err := json.Unmarshal([]byte(Manifest("takeaway")), &m); err != nil {
		t.Fatal(err)
	}
	candidates := map[string]event{
		"app_mention":                      {Type: "app_mention", User: "U1"},
		"message.im":                       {Type: "message", ChannelType: "im", User: "U1"},
		"message.channels":                 {Type: "message", ChannelType: "channel", User: "U1", TS: "2.0", ThreadTS: "1.0"},
		"message.groups":                   {Type: "message", ChannelType: "group", User: "U1", TS: "2.0", ThreadTS: "1.0"},
		"message.mpim":                     {Type: "message", ChannelType: "mpim", User: "U1"},
		"assistant_thread_started":         {Type: "assistant_thread_started"},
		"assistant_thread_context_changed": {Type: "assistant_thread_context_changed"},
		"app_home_opened":                  {Type: "app_home_opened", User: "U1"},
		"reaction_added":                   {Type: "reaction_added", User: "U1"},
		"member_joined_channel":            {Type: "member_joined_channel", User: "U1"},
		"app_uninstalled":                  {Type: "app_uninstalled"},
	}
	b := &Bot{}
	b.ident.Store(&identity{UserID: "UBOT"})
	var handled []string
	for name, ev := range candidates {
		if subscription(ev) != name {
			t.Errorf("event %+v arrives through %q, want %q", ev, subscription(ev), name)
		}
		if b.route(request{Kind: kindEvent, Event: ev}) != nil {
			handled = append(handled, name)
		}
	}
	slices.Sort(handled)
	if diff := cmp.Diff(handled, m.Settings.EventSubscriptions.BotEvents); diff != "" {
		t.Errorf("manifest events (-handled +manifest):\n%s", diff)
	}
}

func TestManifest(t *testing.T) {
	var m manifestDoc
	if err := json.Unmarshal([]byte(Manifest("conf bot")), &m); err != nil {
		t.Fatal(err)
	}
	wantScopes := []string{"app_mentions:read", "assistant:write", "channels:history", "chat:write", "commands", "files:read",
		"groups:history", "im:history", "mpim:history", "users:read"}
	if diff := cmp.Diff(wantScopes, m.OAuthConfig.Scopes.Bot); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/takeaway" {
		t.Errorf("slash commands: %+v", m.Features.SlashCommands)
	}
	if !m.Settings.Interactivity.IsEnabled || !m.Settings.SocketModeEnabled {
		t.Errorf("settings: %+v", m.Settings)
	}
	if !m.Features.AppHome.HomeTab {
		t.Error("the Home tab is off")
	}
	if len(m.Features.Shortcuts) != 1 || m.Features.Shortcuts[0].Type != "message" || m.Features.Shortcuts[0].CallbackID != shortcutCallback {
		t.Errorf("shortcuts: %+v", m.Features.Shortcuts)
	}
	if m.Features.BotUser.DisplayName != "conf bot" {
		t.Errorf("display name %q", m.Features.BotUser.DisplayName)
	}
}

func TestManifestHTTP(t *testing.T) {
	var m struct {
		Features struct {
			SlashCommands []struct{ URL string } `json:"slash_commands"`
		} `json:"features"`
		Settings struct {
			SocketMode bool `json:"socket_mode_enabled"`
			Events     struct {
				RequestURL string `json:"request_url"`
			} `json:"event_subscriptions"`
			Interactivity struct {
				RequestURL string `json:"request_url"`
			} `json:"interactivity"`
		} `json:"settings"`
	}
	const u = "https://bot.example.com/slack/events"
	if err := json.Unmarshal([]byte(ManifestHTTP("takeaway", u)), &m); err != nil {
		t.Fatal(err)
	}
	if m.Settings.SocketMode || m.Settings.Events.RequestURL != u || m.Settings.Interactivity.RequestURL != u ||
		len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].URL != u {
		t.Errorf("HTTP manifest does not send everything to %s: %+v", u, m)
	}
}
