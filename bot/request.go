package bot

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
)

// kind says what a request carries.
type kind int

const (
	kindEvent kind = iota + 1
	kindSlash
	kindAction
)

// request is what both transports (HTTP and Socket Mode) produce after parsing, and all
// that the dispatcher sees.
type request struct {
	Kind kind
	// ID identifies the delivery for deduplication: the event ID, or the trigger ID of a
	// command or click. Slack keeps it across retries.
	ID string
	// Retry is Slack's retry number (X-Slack-Retry-Num, or retry_attempt in Socket Mode).
	Retry  int
	TeamID string
	Event  event
	Slash  slack.SlashCommand
	Action slack.InteractionCallback
	// Recovered marks a request accepted by a process that died and read back from the
	// store: it has already passed the asker's rate limit.
	Recovered bool `json:"-"`
}

// envelope is the outer Events API payload, the same over HTTP and Socket Mode.
type envelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	TeamID    string          `json:"team_id"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// event holds the fields the bot uses of the inner events it handles.
type event struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Text        string `json:"text"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	// Tab is the App Home tab opened (app_home_opened): "home" or "messages".
	Tab string `json:"tab"`
	// Files are the files attached to a file_share message.
	Files []eventFile `json:"files"`
	// AssistantThread is set on assistant_thread_started and _context_changed.
	AssistantThread struct {
		UserID    string `json:"user_id"`
		ChannelID string `json:"channel_id"`
		ThreadTS  string `json:"thread_ts"`
		// Context is what the user is viewing beside the assistant pane.
		Context struct {
			ChannelID string `json:"channel_id"`
		} `json:"context"`
	} `json:"assistant_thread"`
}

// errNoEvent is returned for an event_callback without an event.
var errNoEvent = errors.New("event_callback without event")

// parseEventsAPI reads an Events API payload. For url_verification it returns the
// challenge and no request.
func parseEventsAPI(body []byte) (req request, challenge string, err error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return request{}, "", fmt.Errorf("events API payload: %w", err)
	}
	switch env.Type {
	case "url_verification":
		return request{}, env.Challenge, nil
	case "event_callback":
	case "app_rate_limited":
		// Slack stopped sending events for a minute; nothing to do but acknowledge.
		return request{}, "", nil
	default:
		return request{}, "", fmt.Errorf("events API payload of type %q", env.Type)
	}
	if len(env.Event) == 0 {
		return request{}, "", errNoEvent
	}
	var ev event
	if err := json.Unmarshal(env.Event, &ev); err != nil {
		return request{}, "", fmt.Errorf("events API event: %w", err)
	}
	req = request{Kind: kindEvent, TeamID: env.TeamID, Event: ev}
	if env.EventID != "" {
		req.ID = "event:" + env.EventID
	}
	return req, "", nil
}

// slashRequest wraps a parsed slash command.
func slashRequest(sc slack.SlashCommand) request {
	req := request{Kind: kindSlash, TeamID: sc.TeamID, Slash: sc}
	if sc.TriggerID != "" {
		req.ID = "slash:" + sc.TriggerID
	}
	return req
}

// actionRequest wraps a parsed interaction (a button click).
func actionRequest(cb slack.InteractionCallback) request {
	req := request{Kind: kindAction, TeamID: cb.Team.ID, Action: cb}
	if cb.TriggerID != "" {
		req.ID = "action:" + cb.TriggerID
	}
	return req
}
