package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/slack-go/slack"
)

// maxBody bounds a request from Slack; real ones are a few kilobytes.
const maxBody = 1 << 20

// Handler returns the HTTP endpoint for Slack: POST /slack/events takes Events API
// JSON (with the url_verification challenge), slash commands and interactivity
// payloads. Every request must carry a valid signature.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	if b.cfg.SigningSecret != "" {
		mux.HandleFunc("POST /slack/events", b.serveEvents)
	}
	for pattern, h := range b.cfg.Routes {
		mux.Handle(pattern, h)
	}
	return mux
}

// serveEvents verifies and parses a request, acknowledges it, and leaves the work to
// the dispatcher.
func (b *Bot) serveEvents(w http.ResponseWriter, r *http.Request) {
	if b.ident.Load() == nil {
		// Not connected to Slack yet: Slack retries an event refused with 503.
		http.Error(w, "starting", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "unreadable request", http.StatusBadRequest)
		return
	}
	if err := b.verify(r.Header, body); err != nil {
		b.log.Warn("refused a request with a bad signature", "remote", r.RemoteAddr, "err", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	req, challenge, err := parseHTTP(r.Header, body)
	if err != nil {
		b.log.Warn("unreadable request from Slack", "err", err)
		http.Error(w, "unreadable request", http.StatusBadRequest)
		return
	}
	if challenge != "" {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"challenge": challenge})
		return
	}
	if req.Kind == 0 {
		w.WriteHeader(http.StatusOK)
		return
	}
	req.Retry, _ = strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
	// Recorded as accepted, then acknowledged (Slack wants that within three seconds), then
	// handled: an acknowledged question is answered even if the process dies meanwhile.
	accepted := b.accept(r.Context(), req)
	w.WriteHeader(http.StatusOK)
	if accepted {
		b.dispatch(req)
	}
}

// parseHTTP reads an Events API (JSON) or a form (slash command, interaction) request.
func parseHTTP(h http.Header, body []byte) (req request, challenge string, err error) {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if mt == "application/json" {
		return parseEventsAPI(body)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return request{}, "", err
	}
	if payload := form.Get("payload"); payload != "" {
		var cb slack.InteractionCallback
		if err := json.Unmarshal([]byte(payload), &cb); err != nil {
			return request{}, "", err
		}
		return actionRequest(cb), "", nil
	}
	if form.Get("command") == "" {
		return request{}, "", errors.New("form without command or payload")
	}
	// The library's parser wants an *http.Request; give it the body already read.
	fr, err := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		return request{}, "", err
	}
	fr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sc, err := slack.SlashCommandParse(fr)
	if err != nil {
		return request{}, "", err
	}
	return slashRequest(sc), "", nil
}
