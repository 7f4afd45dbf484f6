package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// uploadSlack fakes the parts of Slack an upload touches: users.info (who is an admin),
// files served at url_private_download only with the bot token (Slack answers an HTML login
// page otherwise), and the messages the bot posts.
type uploadSlack struct {
	*httptest.Server
	token string
	files map[string][]byte

	mu    sync.Mutex
	posts []string // the text of every chat.postMessage / postEphemeral / response URL body
}

func newUploadSlack(t *testing.T, token string, files map[string][]byte) *uploadSlack {
	s := &uploadSlack{token: token, files: files}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name, ok := strings.CutPrefix(r.URL.Path, "/files/"); ok {
			if r.Header.Get("Authorization") != "Bearer "+s.token {
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprint(w, "<html><body>Sign in to Slack</body></html>")
				return
			}
			data, ok := s.files[name]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/octet-stream")
			if strings.HasPrefix(name, "cut") {
				// The connection breaks halfway through the file.
				w.Header().Set("Content-Length", strconv.Itoa(len(data)))
				w.Write(data[:len(data)/2])
				if hj, ok := w.(http.Hijacker); ok {
					if conn, _, err := hj.Hijack(); err == nil {
						conn.Close()
					}
				}
				return
			}
			w.Write(data)
			return
		}
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/response/") {
			var m struct{ Text string }
			json.Unmarshal(body, &m)
			s.record(m.Text + string(body))
			fmt.Fprint(w, `{"ok":true}`)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+s.token && form.Get("token") != s.token {
			fmt.Fprint(w, `{"ok":false,"error":"invalid_auth"}`)
			return
		}
		switch strings.TrimPrefix(r.URL.Path, "/api/") {
		case "auth.test":
			fmt.Fprint(w, `{"ok":true,"url":"https://t.example/","team":"T","user":"takeaway","team_id":"T1","user_id":"UBOT","bot_id":"BBOT"}`)
		case "users.info":
			admin := form.Get("user") == "UADMIN"
			fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":"ada","real_name":"Ada L","is_admin":%v,"locale":"en-US","profile":{"display_name":"ada"}}}`, form.Get("user"), admin)
		case "chat.postMessage", "chat.postEphemeral", "chat.update":
			s.record(form.Get("text") + form.Get("blocks"))
			fmt.Fprintf(w, `{"ok":true,"channel":"D1","ts":"%d.000100"}`, time.Now().UnixNano())
		default:
			fmt.Fprintf(w, `{"ok":true,"channel":"D1","ts":"%d.000100"}`, time.Now().UnixNano())
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *uploadSlack) record(text string) {
	s.mu.Lock()
	s.posts = append(s.posts, text)
	s.mu.Unlock()
}

// waitPost waits for a post containing want, after the first skip posts.
func (s *uploadSlack) waitPost(t *testing.T, skip int, want string) (string, int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		posts := append([]string(nil), s.posts...)
		s.mu.Unlock()
		for i := skip; i < len(posts); i++ {
			if strings.Contains(posts[i], want) {
				return posts[i], i + 1
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t.Fatalf("no post with %q; posts:\n%s", want, strings.Join(s.posts[min(skip, len(s.posts)):], "\n---\n"))
	return "", 0
}

const uploadedReport = `---
title: Notes from Devoxx Morocco 2025 in Marrakech
lang: en
---
# Quarkus on a diet

The Quarkus talk measured cold starts of forty-two milliseconds for a native image of the
order service, against three seconds on the JVM, and a resident memory of thirty-one megabytes.

# The closing panel

The panel agreed that Java's virtual threads removed most of the reasons teams had to adopt
reactive frameworks for plain request handling.
`

func dmEvent(id, user, text string, files string) string {
	ev := fmt.Sprintf(`{"type":"message","channel":"D1","channel_type":"im","user":%q,"text":%q,"ts":"%d.0001"`, user, text, time.Now().UnixNano())
	if files != "" {
		ev += `,"subtype":"file_share","files":` + files
	}
	return fmt.Sprintf(`{"type":"event_callback","team_id":"T1","event_id":%q,"event_time":%d,"event":%s}`, id, time.Now().Unix(), ev+"}")
}

// TestAddReportFromSlack: an admin uploads a report in a DM and the next question is answered
// from it; a non-admin is told who can add reports; a broken file is named with its reason;
// /takeaway sources lists the report with its ID and who added it; /takeaway remove takes it
// out of the answers.
func TestAddReportFromSlack(t *testing.T) {
	const token, secret = "xoxb-1-test", "s3cret"
	slack := newUploadSlack(t, token, map[string][]byte{
		"devoxx-ma.md": []byte(uploadedReport),
		"photo.md":     {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'},
		"cut.md":       []byte(strings.Replace(uploadedReport, "Devoxx Morocco", "Devoxx Poland", -1)),
		"slides.pdf":   slidesPDF(t),
	})
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/jfokus.html" {
			http.Error(w, "gone", http.StatusNotFound)
			return
		}
		fmt.Fprint(w, `<!doctype html><html lang="en"><head><title>Jfokus 2026 in Stockholm: my notes</title></head><body>
<nav><a href="/">Home</a></nav><article><h1>Jfokus 2026 in Stockholm: my notes</h1>
<p>The Leyden talk showed ahead-of-time class loading cutting the start of a Spring service from four seconds to one and a half.</p>
<p>The speaker expects the next two Java releases to ship most of the remaining work.</p></article></body></html>`)
	}))
	defer site.Close()
	send := serveBot(t, slack, secret, "TAKEAWAY_FETCH_ALLOW_PRIVATE", "true") // the test site listens on loopback
	file := func(name string) string {
		return fmt.Sprintf(`[{"id":"F-%s","name":%q,"mimetype":"text/markdown","filetype":"markdown","size":%d,"url_private_download":%q}]`,
			name, name, len(slack.files[name]), slack.URL+"/files/"+name)
	}
	question := "How fast did Quarkus native images start at Devoxx Morocco?"

	// Before: not in the reports.
	send(dmEvent("Ev0", "UADMIN", question, ""), "application/json")
	before, n := slack.waitPost(t, 0, "")
	if strings.Contains(before, "forty-two") {
		t.Fatalf("answered from the report before it was added: %s", before)
	}

	send(dmEvent("Ev1", "UGUEST", "", file("devoxx-ma.md")), "application/json")
	_, n = slack.waitPost(t, n, "Only the workspace")

	// The admin's upload of the same file is "Added", not "already there": the refused one
	// added nothing.
	send(dmEvent("Ev2", "UADMIN", "", file("devoxx-ma.md")), "application/json")
	added, n := slack.waitPost(t, n, "Added")
	for _, want := range []string{"Notes from Devoxx Morocco 2025 in Marrakech", "en", "Marrakech", "passages", "Try"} {
		if !strings.Contains(added, want) {
			t.Errorf("the added reply lacks %q: %s", want, added)
		}
	}

	send(dmEvent("Ev3", "UADMIN", question, ""), "application/json")
	answer, n := slack.waitPost(t, n, "forty-two")
	if !strings.Contains(answer, "[1]") {
		t.Errorf("the answer from the uploaded report is not cited: %s", answer)
	}

	send(dmEvent("Ev4", "UADMIN", "", file("devoxx-ma.md")), "application/json")
	_, n = slack.waitPost(t, n, "already there")

	send(dmEvent("Ev5", "UADMIN", "", file("photo.md")), "application/json")
	failed, n := slack.waitPost(t, n, "could not add")
	if !strings.Contains(failed, "photo.md") || !strings.Contains(failed, "image") {
		t.Errorf("the refusal does not name the file and its kind: %s", failed)
	}

	pdfFile := strings.Replace(file("slides.pdf"), "text/markdown", "application/pdf", 1)
	send(dmEvent("Ev8", "UADMIN", "", strings.Replace(pdfFile, `"markdown"`, `"pdf"`, 1)), "application/json")
	_, n = slack.waitPost(t, n, "Added *Platform day at FOSDEM 2026")
	send(dmEvent("Ev9", "UADMIN", "How many golden paths did the platform team at FOSDEM publish?", ""), "application/json")
	_, n = slack.waitPost(t, n, "seventeen")

	send(dmEvent("Ev7", "UADMIN", "", file("cut.md")), "application/json")
	broken, n := slack.waitPost(t, n, "could not add")
	if !strings.Contains(broken, "cut.md") || !strings.Contains(broken, "nothing was added") {
		t.Errorf("a broken download is not explained: %s", broken)
	}

	slash := func(text, user, trigger string) {
		form := url.Values{"command": {"/takeaway"}, "text": {text}, "user_id": {user}, "channel_id": {"C1"}, "team_id": {"T1"},
			"trigger_id": {trigger}, "response_url": {slack.URL + "/response/" + trigger}}.Encode()
		send(form, "application/x-www-form-urlencoded")
	}
	slash("add "+site.URL+"/jfokus.html", "UADMIN", "trig-a")
	page, n := slack.waitPost(t, n, "Added")
	if !strings.Contains(page, "Jfokus 2026 in Stockholm") || !strings.Contains(page, "Stockholm") {
		t.Errorf("the page added by URL: %s", page)
	}
	slash("add "+site.URL+"/missing.html", "UADMIN", "trig-b")
	missing, n := slack.waitPost(t, n, "could not add")
	if !strings.Contains(missing, "404") {
		t.Errorf("a 404 page is not explained: %s", missing)
	}
	slash("sources", "UGUEST", "trig-1")
	sources, n := slack.waitPost(t, n, "Devoxx Morocco")
	if !strings.Contains(sources, "added by ada") {
		t.Errorf("sources do not say who added the report: %s", sources)
	}
	id := idIn(t, added)
	slash("remove "+id, "UGUEST", "trig-2")
	_, n = slack.waitPost(t, n, "Only the workspace")
	slash("remove "+id, "UADMIN", "trig-3")
	_, n = slack.waitPost(t, n, "Removed")
	send(dmEvent("Ev6", "UADMIN", question, ""), "application/json")
	after, _ := slack.waitPost(t, n, "")
	if strings.Contains(after, "forty-two") {
		t.Errorf("answered from a removed report: %s", after)
	}
}

// idIn reads the report ID out of the bot's "Added" reply (ID `…`).
func idIn(t *testing.T, reply string) string {
	t.Helper()
	_, rest, ok := strings.Cut(reply, "ID `")
	id, _, ok2 := strings.Cut(rest, "`")
	if !ok || !ok2 || id == "" {
		t.Fatalf("no ID in %q", reply)
	}
	return id
}

// serveBot runs `takeaway serve` in HTTP mode against the fake Slack until the test ends, with
// extra settings as name, value pairs, and returns a function that delivers a signed request.
func serveBot(t *testing.T, slack *uploadSlack, secret string, extra ...string) func(body, contentType string) {
	t.Helper()
	addr := freeAddr(t)
	env := map[string]string{
		"SLACK_BOT_TOKEN": slack.token, "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": slack.URL + "/api/",
		"TAKEAWAY_ADDR": addr, "TAKEAWAY_DATA_DIR": t.TempDir(), "TAKEAWAY_LOG_LEVEL": "warn",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, stderr, func(k string) string { return env[k] })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	base := "http://" + addr
	waitHTTP(t, base+"/readyz", done, stderr)
	return func(body, contentType string) {
		t.Helper()
		now := time.Now().Unix()
		req, _ := http.NewRequest("POST", base+"/slack/events", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
		req.Header.Set("X-Slack-Signature", sign(secret, now, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("event: HTTP %d", resp.StatusCode)
		}
	}
}

// TestAddURLRefusesInternalAddresses: without TAKEAWAY_FETCH_ALLOW_PRIVATE, /takeaway add of a
// page on a loopback address is refused, and the admin told why.
func TestAddURLRefusesInternalAddresses(t *testing.T) {
	const secret = "s3cret"
	slack := newUploadSlack(t, "xoxb-1-test", nil)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html><body><article><p>An internal page that must not be fetched by the bot at all.</p></article></body></html>")
	}))
	defer site.Close()
	send := serveBot(t, slack, secret)
	form := url.Values{"command": {"/takeaway"}, "text": {"add " + site.URL + "/notes.html"}, "user_id": {"UADMIN"}, "channel_id": {"C1"},
		"team_id": {"T1"}, "trigger_id": {"trig-1"}, "response_url": {slack.URL + "/response/trig-1"}}.Encode()
	send(form, "application/x-www-form-urlencoded")
	refused, _ := slack.waitPost(t, 0, "could not add")
	if !strings.Contains(refused, "inside the network") {
		t.Errorf("the refusal does not say why: %s", refused)
	}
}

// slidesPDF is a three-slide deck with a text layer.
func slidesPDF(t *testing.T) []byte {
	t.Helper()
	doc := fpdf.New("L", "mm", "A4", "")
	doc.SetTitle("Platform day at FOSDEM 2026 in Brussels", true)
	for _, slide := range [][]string{
		{"Platform day at FOSDEM 2026", "Notes on the platform engineering track"},
		{"Golden paths", "- The platform team published seventeen golden paths in a year", "- Each one has an owner and a deprecation date"},
		{"What adoption taught them", "- Templates nobody maintains are worse than none"},
	} {
		doc.AddPage()
		doc.SetFont("Helvetica", "B", 24)
		doc.CellFormat(0, 14, slide[0], "", 1, "", false, 0, "")
		doc.SetFont("Helvetica", "", 14)
		for _, l := range slide[1:] {
			doc.CellFormat(0, 9, l, "", 1, "", false, 0, "")
		}
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
