package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// envOf returns a getenv that reads only the given map.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeFile writes a config file into a temporary directory and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "takeaway.toml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const sampleFile = `
data_dir = "/srv/takeaway"
reports = ["/srv/reports", "/srv/more"]
addr = ":4000"
log_level = "debug"

[slack]
bot_token = "xoxb-from-file"
signing_secret = "file-secret"
rate_per_user = 3
admins = ["UADMIN"]

[llm]
provider = "openai"
model = "gpt-test"
timeout = "45s"

[daily]
enabled = true

[[daily.channels]]
channel = "C1"
time = "09:00"
timezone = "Europe/Paris"
lang = "fr"
`

func TestLoad(t *testing.T) {
	defaults := Defaults(envOf(map[string]string{"HOME": "/home/ada"}))
	fromFile := func(mutate func(*Config)) Config {
		c := defaults
		c.DataDir = "/srv/takeaway"
		c.Reports = []string{"/srv/reports", "/srv/more"}
		c.Addr = ":4000"
		c.LogLevel = "debug"
		c.Slack.BotToken, c.Slack.SigningSecret = "xoxb-from-file", "file-secret"
		c.Slack.RatePerUser, c.Slack.Admins = 3, []string{"UADMIN"}
		c.LLM.Provider, c.LLM.Model, c.LLM.Timeout = "openai", "gpt-test", Duration{45 * time.Second}
		c.Daily = Daily{Enabled: true, Channels: []DailyChannel{{Channel: "C1", Time: "09:00", TimeZone: "Europe/Paris", Lang: "fr"}}}
		if mutate != nil {
			mutate(&c)
		}
		return c
	}
	file := writeFile(t, sampleFile)

	for _, tc := range []struct {
		name string
		path string
		env  map[string]string
		want Config
	}{
		{
			name: "defaults",
			env:  map[string]string{"HOME": "/home/ada"},
			want: Config{
				DataDir: "/home/ada/.local/share/takeaway", Addr: ":3000", LogLevel: "info", LogFormat: "text",
				DefaultCorpus: true, MaxReportBytes: 10 << 20, ReportsPoll: Duration{2 * time.Second},
				Slack: Slack{RatePerUser: 10, MaxConcurrent: 8, RequestLease: Duration{4 * time.Minute}, AddReports: "admins", FollowUpQuiet: Duration{30 * time.Minute}}, LLM: LLM{Timeout: Duration{20 * time.Second}},
			},
		},
		{
			name: "XDG data home wins over HOME",
			env:  map[string]string{"HOME": "/home/ada", "XDG_DATA_HOME": "/xdg"},
			want: func() Config { c := defaults; c.DataDir = "/xdg/takeaway"; return c }(),
		},
		{
			name: "no home at all",
			env:  map[string]string{},
			want: func() Config { c := defaults; c.DataDir = "data"; return c }(),
		},
		{
			name: "file",
			path: file,
			env:  map[string]string{"HOME": "/home/ada"},
			want: fromFile(nil),
		},
		{
			name: "file named by TAKEAWAY_CONFIG",
			env:  map[string]string{"HOME": "/home/ada", "TAKEAWAY_CONFIG": file},
			want: fromFile(nil),
		},
		{
			name: "environment overrides the file, field by field",
			path: file,
			env: map[string]string{
				"HOME": "/home/ada", "TAKEAWAY_ADDR": ":5000", "SLACK_BOT_TOKEN": "xoxb-from-env",
				"TAKEAWAY_REPORTS": "/env/a,/env/b", "TAKEAWAY_LLM_TIMEOUT": "1m30s", "TAKEAWAY_RATE_PER_USER": "7",
				"TAKEAWAY_DAILY_CHANNELS": "C9@18:30 Asia/Tokyo ja;C8@07:15",
			},
			want: fromFile(func(c *Config) {
				c.Addr = ":5000"
				c.Slack.BotToken = "xoxb-from-env"
				c.Reports = []string{"/env/a", "/env/b"}
				c.LLM.Timeout = Duration{90 * time.Second}
				c.Slack.RatePerUser = 7
				c.Daily.Channels = []DailyChannel{
					{Channel: "C9", Time: "18:30", TimeZone: "Asia/Tokyo", Lang: "ja"},
					{Channel: "C8", Time: "07:15", TimeZone: "UTC", Lang: "en"},
				}
			}),
		},
		{
			name: "every variable",
			env: map[string]string{
				"HOME": "/home/ada", "TAKEAWAY_DATA_DIR": "/d", "TAKEAWAY_DATABASE_URL": "postgres://u@h/db",
				"TAKEAWAY_LOG_LEVEL": "warn", "TAKEAWAY_LOG_FORMAT": "json", "SLACK_APP_TOKEN": "xapp-1",
				"SLACK_API_URL": "http://127.0.0.1:1/api/", "TAKEAWAY_MAX_CONCURRENT": "2", "TAKEAWAY_ADMINS": "U1,U2",
				"TAKEAWAY_LLM_BASE_URL": "http://llm", "TAKEAWAY_LLM_API_KEY": "sk-1", "TAKEAWAY_EMBEDDING_MODEL": "e",
				"TAKEAWAY_DAILY_ENABLED": "true",
			},
			want: func() Config {
				c := defaults
				c.DataDir, c.DatabaseURL, c.LogLevel, c.LogFormat = "/d", "postgres://u@h/db", "warn", "json"
				c.Slack.AppToken, c.Slack.APIURL, c.Slack.MaxConcurrent, c.Slack.Admins = "xapp-1", "http://127.0.0.1:1/api/", 2, []string{"U1", "U2"}
				c.LLM.BaseURL, c.LLM.APIKey, c.LLM.EmbeddingModel = "http://llm", "sk-1", "e"
				c.Daily.Enabled = true
				return c
			}(),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Load(tc.path, envOf(tc.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadReadsOnlyGetenv keeps configuration loaded in one place: Load must not read the
// process environment behind its caller's back.
func TestLoadReadsOnlyGetenv(t *testing.T) {
	t.Setenv("TAKEAWAY_ADDR", ":9999")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-process")
	got, err := Load("", envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got.Addr != ":3000" || got.Slack.BotToken != "" {
		t.Errorf("Load read the process environment: Addr=%q BotToken=%q", got.Addr, got.Slack.BotToken)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string // written to a temporary file when set
		path string
		env  map[string]string
		want []string
	}{
		{name: "missing file", path: "/nonexistent/takeaway.toml", want: []string{"config file", "/nonexistent/takeaway.toml"}},
		{name: "file that is not TOML", file: "addr = \n", want: []string{"config file", "takeaway.toml"}},
		{name: "wrong type in file", file: "[slack]\nrate_per_user = \"many\"\n", want: []string{"config file"}},
		{name: "unknown duration in file", file: "[llm]\ntimeout = \"soon\"\n", want: []string{`"soon" is not a duration`, "20s"}},
		{name: "number that is not one", env: map[string]string{"TAKEAWAY_RATE_PER_USER": "lots"}, want: []string{`TAKEAWAY_RATE_PER_USER="lots"`, "use a whole number"}},
		{name: "duration that is not one", env: map[string]string{"TAKEAWAY_LLM_TIMEOUT": "soon"}, want: []string{"TAKEAWAY_LLM_TIMEOUT", "use a value such as 20s"}},
		{name: "boolean that is not one", env: map[string]string{"TAKEAWAY_DAILY_ENABLED": "sometimes"}, want: []string{`TAKEAWAY_DAILY_ENABLED="sometimes"`, "use true or false"}},
		{name: "daily channel without time", env: map[string]string{"TAKEAWAY_DAILY_CHANNELS": "C1"}, want: []string{"TAKEAWAY_DAILY_CHANNELS", "want CHANNEL@HH:MM", "C0123@09:00 Europe/Paris fr"}},
		{name: "every bad variable named", env: map[string]string{"TAKEAWAY_MAX_CONCURRENT": "x", "TAKEAWAY_LLM_TIMEOUT": "y"}, want: []string{"TAKEAWAY_MAX_CONCURRENT", "TAKEAWAY_LLM_TIMEOUT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if tc.file != "" {
				path = writeFile(t, tc.file)
			}
			_, err := Load(path, envOf(tc.env))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// valid is a configuration that passes Validate(true) in Socket Mode.
func valid() Config {
	c := Defaults(envOf(map[string]string{"HOME": "/home/ada"}))
	c.Slack.BotToken = "xoxb-1-abc"
	c.Slack.AppToken = "xapp-1-abc"
	return c
}

func TestValidateAccepts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		serving bool
		mutate  func(*Config)
	}{
		{"socket mode", true, func(*Config) {}},
		{"HTTP mode", true, func(c *Config) { c.Slack.AppToken, c.Slack.SigningSecret = "", "s3cret" }},
		{"both modes, PostgreSQL, daily posts", true, func(c *Config) {
			c.Slack.SigningSecret = "s3cret"
			c.DatabaseURL = "postgresql://u:p@db:5432/takeaway?sslmode=require"
			c.Daily = Daily{Enabled: true, Channels: []DailyChannel{{Channel: "C1", Time: "23:59", TimeZone: "America/Argentina/Buenos_Aires", Lang: "es"}}}
			c.Addr = "127.0.0.1:8080"
		}},
		{"terminal commands need no Slack settings", false, func(c *Config) { c.Slack = Slack{RatePerUser: 1, MaxConcurrent: 1}; c.Addr = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			tc.mutate(&c)
			if err := c.Validate(tc.serving); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestValidateNamesEachBadValueWithItsFix(t *testing.T) {
	for _, tc := range []struct {
		name    string
		serving bool
		mutate  func(*Config)
		want    []string // the variable and the fix
	}{
		{"log level", false, func(c *Config) { c.LogLevel = "verbose" }, []string{`TAKEAWAY_LOG_LEVEL="verbose"`, "use debug, info, warn or error"}},
		{"log format", false, func(c *Config) { c.LogFormat = "xml" }, []string{`TAKEAWAY_LOG_FORMAT="xml"`, "use text or json"}},
		{"database URL scheme", false, func(c *Config) { c.DatabaseURL = "mysql://u@h/db" }, []string{"TAKEAWAY_DATABASE_URL", "postgres://user:password@host:5432/db"}},
		{"database URL unparsable", false, func(c *Config) { c.DatabaseURL = "postgres://u:p@h:port/db" }, []string{"TAKEAWAY_DATABASE_URL", "postgres://"}},
		{"missing bot token", true, func(c *Config) { c.Slack.BotToken = "" }, []string{"SLACK_BOT_TOKEN is missing", "OAuth & Permissions"}},
		{"user token as bot token", true, func(c *Config) { c.Slack.BotToken = "xoxp-1" }, []string{"SLACK_BOT_TOKEN does not start with xoxb-", "Bot User OAuth Token"}},
		{"bad app token", true, func(c *Config) { c.Slack.AppToken = "xoxb-1" }, []string{"SLACK_APP_TOKEN does not start with xapp-", "connections:write"}},
		{"no mode", true, func(c *Config) { c.Slack.AppToken = "" }, []string{"SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "set one of them"}},
		{"relative API URL", true, func(c *Config) { c.Slack.APIURL = "/api/" }, []string{`SLACK_API_URL="/api/"`, "https://slack.com/api/"}},
		{"empty addr", true, func(c *Config) { c.Addr = "" }, []string{"TAKEAWAY_ADDR is empty", ":3000"}},
		{"addr without port", true, func(c *Config) { c.Addr = "localhost" }, []string{`TAKEAWAY_ADDR="localhost"`, "host:port"}},
		{"addr port out of range", true, func(c *Config) { c.Addr = ":70000" }, []string{`TAKEAWAY_ADDR=":70000"`}},
		{"rate", false, func(c *Config) { c.Slack.RatePerUser = 0 }, []string{"TAKEAWAY_RATE_PER_USER=0", "positive number of questions per minute"}},
		{"concurrency", false, func(c *Config) { c.Slack.MaxConcurrent = -1 }, []string{"TAKEAWAY_MAX_CONCURRENT=-1", "positive number"}},
		{"LLM timeout", false, func(c *Config) { c.LLM.Timeout = Duration{} }, []string{"TAKEAWAY_LLM_TIMEOUT=0s", "positive duration such as 20s"}},
		{"daily channel without ID", false, func(c *Config) {
			c.Daily.Channels = []DailyChannel{{Time: "09:00", TimeZone: "UTC"}}
		}, []string{"TAKEAWAY_DAILY_CHANNELS", "no channel ID", "CHANNEL@HH:MM"}},
		{"daily time", false, func(c *Config) {
			c.Daily.Channels = []DailyChannel{{Channel: "C1", Time: "9am", TimeZone: "UTC"}}
		}, []string{"TAKEAWAY_DAILY_CHANNELS", "C1", `"9am" is not HH:MM`, "09:00"}},
		{"daily time zone", false, func(c *Config) {
			c.Daily.Channels = []DailyChannel{{Channel: "C1", Time: "09:00", TimeZone: "Paris"}}
		}, []string{"TAKEAWAY_DAILY_CHANNELS", `unknown time zone "Paris"`, "Europe/Paris"}},
		{"daily enabled without channels", false, func(c *Config) { c.Daily.Enabled = true }, []string{"TAKEAWAY_DAILY_ENABLED", "TAKEAWAY_DAILY_CHANNELS is empty"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			tc.mutate(&c)
			err := c.Validate(tc.serving)
			if err == nil {
				t.Fatal("Validate accepted it")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if lines := strings.Count(err.Error(), "\n") + 1; lines != 1 {
				t.Errorf("one bad value gave %d errors:\n%s", lines, err)
			}
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	c := valid()
	c.LogLevel, c.Slack.BotToken, c.Slack.RatePerUser = "loud", "", 0
	err := c.Validate(true)
	if err == nil {
		t.Fatal("Validate accepted it")
	}
	for _, w := range []string{"TAKEAWAY_LOG_LEVEL", "SLACK_BOT_TOKEN", "TAKEAWAY_RATE_PER_USER"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not name %s:\n%s", w, err)
		}
	}
}

func TestSecretsNeverShown(t *testing.T) {
	const (
		botToken = "xoxb-123-456-botsecretvalue"
		appToken = "xapp-1-A1-appsecretvalue"
		signing  = "signingsecretvalue"
		apiKey   = "sk-apikeysecretvalue"
		dbPass   = "dbpasswordsecretvalue"
	)
	secrets := []string{"botsecretvalue", "appsecretvalue", signing, "apikeysecretvalue", dbPass}
	for _, tc := range []struct {
		name, dbURL, wantDB string
	}{
		{"password in user info", "postgres://takeaway:" + dbPass + "@db:5432/takeaway", "postgres://takeaway:xxxxx@db:5432/takeaway"},
		{"password as a parameter", "postgres://takeaway@db/takeaway?sslmode=require&password=" + dbPass, "postgres://takeaway@db/takeaway?password=xxxxx&sslmode=require"},
		{"no password", "postgres://takeaway@db/takeaway", "postgres://takeaway@db/takeaway"},
		{"unparsable URL", "postgres://takeaway:" + dbPass + "@db:port/takeaway", "(redacted)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			c.Slack.BotToken, c.Slack.AppToken, c.Slack.SigningSecret = botToken, appToken, signing
			c.LLM.APIKey, c.DatabaseURL = apiKey, tc.dbURL
			r := c.Redacted()
			s := c.String()
			for _, secret := range secrets {
				for what, text := range map[string]string{
					"String()": s, "Redacted().String()": r.String(),
					"Redacted() fields": strings.Join([]string{r.Slack.BotToken, r.Slack.AppToken, r.Slack.SigningSecret, r.LLM.APIKey, r.DatabaseURL}, " "),
				} {
					if strings.Contains(text, secret) {
						t.Errorf("%s shows the secret %q:\n%s", what, secret, text)
					}
				}
			}
			if r.DatabaseURL != tc.wantDB {
				t.Errorf("redacted database URL = %q, want %q", r.DatabaseURL, tc.wantDB)
			}
			// The kind of each token stays visible, to tell a swapped token from a missing one.
			for _, want := range []string{"xoxb-…(redacted)", "xapp-…(redacted)", "sk-…(redacted)"} {
				if !strings.Contains(s, want) {
					t.Errorf("String() lacks %q:\n%s", want, s)
				}
			}
			if c.Slack.BotToken != botToken || c.DatabaseURL != tc.dbURL {
				t.Error("Redacted changed the original configuration")
			}
		})
	}
	if got := (Config{}).Redacted(); got.Slack.BotToken != "" || got.LLM.APIKey != "" {
		t.Errorf("empty secrets were given a mask: %+v", got)
	}
}

func TestDurationText(t *testing.T) {
	var d Duration
	if err := d.UnmarshalText([]byte(" 1m30s ")); err != nil || d.Duration != 90*time.Second {
		t.Errorf("UnmarshalText(1m30s) = %v, %v", d, err)
	}
	if b, _ := d.MarshalText(); string(b) != "1m30s" {
		t.Errorf("MarshalText = %q", b)
	}
	if err := d.UnmarshalText([]byte("20")); err == nil {
		t.Error("a bare number was accepted as a duration")
	}
}

// TestStringRoundTrips checks that the printed configuration (takeaway config) can be saved
// as a config file and loaded back, secrets aside.
func TestStringRoundTrips(t *testing.T) {
	want, err := Load(writeFile(t, sampleFile), envOf(map[string]string{"HOME": "/home/ada"}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load(writeFile(t, want.String()), envOf(nil))
	if err != nil {
		t.Fatalf("loading the printed configuration: %v\n%s", err, want.String())
	}
	if diff := cmp.Diff(want.Redacted(), got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// TestEveryTaggedVariableIsRead: a setting added to the struct is read from the environment.
func TestEveryTaggedVariableIsRead(t *testing.T) {
	c, err := Load("", func(k string) string {
		return map[string]string{"TAKEAWAY_REQUEST_LEASE": "2s", "TAKEAWAY_LLM_TIMEOUT": "7s"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Slack.RequestLease.Duration != 2*time.Second || c.LLM.Timeout.Duration != 7*time.Second {
		t.Errorf("lease %v, timeout %v: want 2s and 7s from the environment", c.Slack.RequestLease, c.LLM.Timeout)
	}
}
