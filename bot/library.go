package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// Library adds and removes the team's reports; nil means reports are not added from Slack.
// Add and Remove return once the answers use the change.
type Library interface {
	// AddFile checks a file as a report and adds it; the error says what is wrong with it.
	AddFile(ctx context.Context, name string, data []byte, userID string) (AddedReport, error)
	// AddURL fetches a page and adds it.
	AddURL(ctx context.Context, url, userID string) (AddedReport, error)
	// Remove removes the report with this ID (or ID prefix).
	Remove(ctx context.Context, id string) (AddedReport, error)
	// MaxBytes is the size limit of one file.
	MaxBytes() int64
}

// AddedReport is what the bot says about a report added or removed.
type AddedReport struct {
	ID, Title, Lang, Event string
	Passages               int
	// Known is set when the content was already there (nothing changed).
	Known   bool
	AddedBy string
	AddedAt time.Time
}

// Who may add reports (Config.AddReports).
const (
	AddReportsAdmins = "admins"
	AddReportsAnyone = "anyone"
)

// eventFile is a file attached to a message (a file_share), as the Events API sends it.
type eventFile struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Title              string `json:"title"`
	Mimetype           string `json:"mimetype"`
	Filetype           string `json:"filetype"`
	Size               int64  `json:"size"`
	URLPrivateDownload string `json:"url_private_download"`
	// FileAccess is "check_file_info" when the event carries only the ID: files.info has the rest.
	FileAccess string `json:"file_access"`
}

// reportFile tells whether an attached file may be a report (text, Markdown, HTML or PDF)
// rather than a screenshot or an archive attached to a question.
func reportFile(f eventFile) bool {
	switch strings.ToLower(f.Filetype) {
	case "text", "markdown", "html", "pdf", "post":
		return true
	case "png", "jpg", "jpeg", "gif", "heic", "webp", "mp4", "mov", "zip", "gzip":
		return false
	}
	mt := strings.ToLower(f.Mimetype)
	if strings.HasPrefix(mt, "text/") || mt == "application/pdf" || mt == "application/xhtml+xml" {
		return true
	}
	switch ext := strings.ToLower(f.Name[strings.LastIndex(f.Name, ".")+1:]); ext {
	case "txt", "md", "markdown", "html", "htm", "pdf":
		return true
	}
	// A file whose kind is not known yet (file_access: check_file_info) is looked at.
	return f.FileAccess == "check_file_info" || (f.Filetype == "" && f.Mimetype == "")
}

// onUpload adds the report files attached to a message, telling the sender what each became.
// It reports whether the message carried any; a message with only pictures is a question.
func (b *Bot) onUpload(ctx context.Context, r request, t target) bool {
	var files []eventFile
	for _, f := range r.Event.Files {
		if reportFile(f) {
			files = append(files, f)
		}
	}
	if len(files) == 0 || b.library == nil {
		return false
	}
	_, _, ui := b.userLangs(ctx, t.UserID)
	if !b.mayAddReports(ctx, t.UserID) {
		b.say(ctx, t, ui, i18n.BotAddNotAllowed)
		return true
	}
	for _, f := range files {
		added, err := b.addUploaded(ctx, f, t.UserID)
		b.tellAdded(ctx, t, ui, fileLabel(f), added, err)
	}
	return true
}

func fileLabel(f eventFile) string {
	if f.Name != "" {
		return f.Name
	}
	if f.Title != "" {
		return f.Title
	}
	return f.ID
}

// errTooBig is a download over the size limit, cut off there.
var errTooBig = errors.New("the file is too big")

// addUploaded downloads an attached file with the bot token (files:read), at most the size
// limit, and adds it.
func (b *Bot) addUploaded(ctx context.Context, f eventFile, userID string) (AddedReport, error) {
	if f.URLPrivateDownload == "" && f.ID != "" {
		err := b.call(ctx, "files.info", func(ctx context.Context) error {
			info, _, _, err := b.api.GetFileInfoContext(ctx, f.ID, 0, 0)
			if err == nil {
				f.Name, f.Size, f.URLPrivateDownload = info.Name, int64(info.Size), info.URLPrivateDownload
			}
			return err
		})
		if err != nil {
			return AddedReport{}, fmt.Errorf("Slack did not give the file (files.info: %w); check that the app has the files:read scope", err)
		}
	}
	if f.URLPrivateDownload == "" {
		return AddedReport{}, errors.New("Slack sent no download address for the file")
	}
	if !b.slackHost(f.URLPrivateDownload) {
		// The download carries the bot token: it goes to Slack only.
		b.log.Warn("a file's download address is not Slack's; not fetched", "url", f.URLPrivateDownload)
		return AddedReport{}, errors.New("the file's download address is not Slack's")
	}
	limit := b.library.MaxBytes()
	if f.Size > limit {
		return AddedReport{}, fmt.Errorf("%w (%s; the limit is %s)", errTooBig, size(f.Size), size(limit))
	}
	var buf limitedBuffer
	buf.limit = limit
	err := b.call(ctx, "files download", func(ctx context.Context) error {
		buf.data = buf.data[:0]
		return b.api.GetFileContext(ctx, f.URLPrivateDownload, &buf)
	})
	switch {
	case errors.Is(err, errTooBig):
		return AddedReport{}, fmt.Errorf("%w (over %s)", errTooBig, size(limit))
	case err != nil:
		return AddedReport{}, fmt.Errorf("the download from Slack failed (%w): nothing was added; upload it again", err)
	case f.Size > 0 && int64(len(buf.data)) != f.Size:
		return AddedReport{}, fmt.Errorf("the download from Slack broke off at %s of %s: nothing was added; upload it again", size(int64(len(buf.data))), size(f.Size))
	}
	return b.library.AddFile(ctx, fileLabel(f), buf.data, userID)
}

// slackHost tells whether a download address is Slack's (https on slack.com or
// slack-files.com), or the configured API server's (tests, Slack-compatible servers).
func (b *Bot) slackHost(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	if api, err := url.Parse(b.cfg.APIURL); err == nil && b.cfg.APIURL != "" && api.Host == u.Host && api.Scheme == u.Scheme {
		return true
	}
	h := strings.ToLower(u.Hostname())
	return u.Scheme == "https" && (h == "slack.com" || strings.HasSuffix(h, ".slack.com") || h == "slack-files.com" || strings.HasSuffix(h, ".slack-files.com"))
}

// limitedBuffer collects a download and fails past its limit.
type limitedBuffer struct {
	data  []byte
	limit int64
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if int64(len(l.data)+len(p)) > l.limit {
		return 0, errTooBig
	}
	l.data = append(l.data, p...)
	return len(p), nil
}

var _ io.Writer = (*limitedBuffer)(nil)

// tellAdded tells the sender what an added report became, or why it was not added.
func (b *Bot) tellAdded(ctx context.Context, t target, ui, label string, a AddedReport, err error) {
	switch {
	case err != nil:
		b.log.Info("report not added", "file", label, "user", t.UserID, "err", err)
		b.say(ctx, t, ui, i18n.BotAddFailed, escape(label), escape(reason(err, label)))
	case a.Known:
		b.say(ctx, t, ui, i18n.BotAddKnown, escape(a.Title), escape(a.ID), a.AddedAt.Format("2006-01-02"))
	default:
		b.log.Info("report added", "id", a.ID, "title", a.Title, "passages", a.Passages, "user", t.UserID)
		details := a.Lang
		if a.Event != "" {
			details += "; " + a.Event
		}
		sample := b.cat.Sprintf(ui, i18n.BotAddedSample, a.Title)
		b.say(ctx, t, ui, i18n.BotAdded, escape(a.Title), escape(details), a.Passages, escape(a.ID), escape(sample))
		b.publishHome(ctx, t.UserID) // the adder's Home tab lists it at once; others on their next open
	}
}

// reason is an error for the person who added the file: without the file name it starts with.
func reason(err error, label string) string {
	return strings.TrimPrefix(err.Error(), label+": ")
}

// mayAddReports tells whether a user may add and remove reports: anyone, when so configured;
// else the bot's configured admins and the workspace's admins and owners (users.info).
func (b *Bot) mayAddReports(ctx context.Context, userID string) bool {
	return b.cfg.AddReports == AddReportsAnyone || b.isAdmin(ctx, userID)
}

// cmdAdd adds the report at a URL: /takeaway add https://…
func (b *Bot) cmdAdd(ctx context.Context, c commandCall) {
	_, _, ui := b.userLangs(ctx, c.t.UserID)
	if b.library == nil {
		b.say(ctx, c.t, ui, i18n.BotAddFailed, escape(c.args), "reports cannot be added to this bot")
		return
	}
	if !b.mayAddReports(ctx, c.t.UserID) {
		b.say(ctx, c.t, ui, i18n.BotAddNotAllowed)
		return
	}
	u := strings.Trim(strings.TrimSpace(c.args), "<>")
	u, _, _ = strings.Cut(u, "|") // Slack sends a link as <https://…|label>
	if u == "" || !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
		b.say(ctx, c.t, ui, i18n.BotAddUsage, size(b.library.MaxBytes()))
		return
	}
	added, err := b.library.AddURL(ctx, u, c.t.UserID)
	b.tellAdded(ctx, c.t, ui, u, added, err)
}

// cmdRemove removes an added report: /takeaway remove ID
func (b *Bot) cmdRemove(ctx context.Context, c commandCall) {
	_, _, ui := b.userLangs(ctx, c.t.UserID)
	if b.library == nil || !b.mayAddReports(ctx, c.t.UserID) {
		b.say(ctx, c.t, ui, i18n.BotAddNotAllowed)
		return
	}
	id := strings.TrimSpace(c.args)
	if id == "" {
		b.say(ctx, c.t, ui, i18n.BotRemoveFailed, "no ID given")
		return
	}
	gone, err := b.library.Remove(ctx, id)
	if err != nil {
		b.say(ctx, c.t, ui, i18n.BotRemoveFailed, escape(err.Error()))
		return
	}
	b.log.Info("report removed", "id", gone.ID, "title", gone.Title, "user", c.t.UserID)
	b.say(ctx, c.t, ui, i18n.BotRemoved, escape(gone.Title), escape(gone.ID))
	b.publishHome(ctx, c.t.UserID)
}

// size writes a byte count for a person: 512 B, 3.4 MB.
func size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1000/1000)
}

// userInfo returns a user's users.info record, cached with the locale; false when unknown.
func (b *Bot) userInfo(ctx context.Context, userID string) (slack.User, bool) {
	if userID == "" {
		return slack.User{}, false
	}
	if u, ok := b.users.get(userID); ok {
		return u, true
	}
	var user *slack.User
	err := b.call(ctx, "users.info", func(ctx context.Context) error {
		var err error
		user, err = b.api.GetUserInfoContext(ctx, userID)
		return err
	})
	if err != nil || user == nil {
		b.log.Warn("could not read the user's profile", "user", userID, "err", err)
		return slack.User{}, false
	}
	b.users.put(userID, *user)
	return *user, true
}

// userName is how the bot names a user in its lists (never a mention: a list does not ping).
func (b *Bot) userName(ctx context.Context, userID string) string {
	if userID == "" || userID == "cli" {
		return "takeaway ingest"
	}
	if u, ok := b.userInfo(ctx, userID); ok {
		for _, n := range []string{u.Profile.DisplayName, u.RealName, u.Name} {
			if n != "" {
				return n
			}
		}
	}
	return userID
}
