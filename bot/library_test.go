package bot

import "testing"

// TestDownloadsGoToSlackOnly: the bot token goes with a download only to Slack's hosts, or to
// the configured API server.
func TestDownloadsGoToSlackOnly(t *testing.T) {
	b := &Bot{cfg: Config{APIURL: "http://127.0.0.1:4567/api/"}}
	for raw, want := range map[string]bool{
		"https://files.slack.com/files-pri/T1-F1/download/notes.md": true,
		"https://slack-files.com/T1-F1-abc":                         true,
		"http://127.0.0.1:4567/files/notes.md":                      true,
		"http://files.slack.com/files-pri/T1-F1/notes.md":           false, // not https
		"https://files.slack.com.evil.example/notes.md":             false,
		"https://evil.example/?files.slack.com":                     false,
		"http://127.0.0.1:9999/files/notes.md":                      false,
		"file:///etc/passwd":                                        false,
		"":                                                          false,
	} {
		if got := b.slackHost(raw); got != want {
			t.Errorf("slackHost(%q) = %v, want %v", raw, got, want)
		}
	}
}

func TestReportFileKinds(t *testing.T) {
	for _, tc := range []struct {
		f    eventFile
		want bool
	}{
		{eventFile{Name: "notes.md", Filetype: "markdown"}, true},
		{eventFile{Name: "deck.pdf", Filetype: "pdf", Mimetype: "application/pdf"}, true},
		{eventFile{Name: "page.html", Filetype: "html"}, true},
		{eventFile{Name: "Screenshot.png", Filetype: "png", Mimetype: "image/png"}, false},
		{eventFile{Name: "export.zip", Filetype: "zip"}, false},
		{eventFile{ID: "F1", FileAccess: "check_file_info"}, true},
		{eventFile{Name: "noext"}, true},
	} {
		if got := reportFile(tc.f); got != tc.want {
			t.Errorf("reportFile(%+v) = %v, want %v", tc.f, got, tc.want)
		}
	}
}
