// Package config loads takeaway's configuration once, from defaults, an optional TOML file and
// the environment (which wins), and validates it with a fix for every bad value.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // channel time zones load on machines and images without a zoneinfo database

	"github.com/caarlos0/env/v11"
	"github.com/pelletier/go-toml/v2"
)

// Config is the whole configuration. Field tags name the environment variable (Slack's own
// names are kept) and the key in the TOML file.
type Config struct {
	// DataDir holds ingested reports, the dense index snapshot and the embedded state store.
	DataDir string `env:"TAKEAWAY_DATA_DIR" toml:"data_dir"`
	// Reports are extra report files or folders loaded besides the default corpus.
	Reports []string `env:"TAKEAWAY_REPORTS" envSeparator:"," toml:"reports"`
	// DatabaseURL selects PostgreSQL for the state (several replicas share it).
	DatabaseURL string `env:"TAKEAWAY_DATABASE_URL" toml:"database_url"`
	// Addr is the HTTP listen address (Slack events in HTTP mode, health, metrics).
	Addr      string `env:"TAKEAWAY_ADDR" toml:"addr"`
	LogLevel  string `env:"TAKEAWAY_LOG_LEVEL" toml:"log_level"`
	LogFormat string `env:"TAKEAWAY_LOG_FORMAT" toml:"log_format"`
	// FetchAllowPrivate lets `ingest --url` reach loopback, private and link-local addresses
	// (an on-premises wiki, tests); off, such URLs are refused after DNS resolution.
	FetchAllowPrivate bool `env:"TAKEAWAY_FETCH_ALLOW_PRIVATE" toml:"fetch_allow_private"`
	// DefaultCorpus keeps the five reports built into the binary beside the team's own;
	// false answers from the team's reports only.
	DefaultCorpus bool `env:"TAKEAWAY_DEFAULT_CORPUS" toml:"default_corpus"`
	// MaxReportBytes caps the size of one added report file (upload, URL or ingest).
	MaxReportBytes int64 `env:"TAKEAWAY_MAX_REPORT_BYTES" toml:"max_report_bytes"`
	// ReportsPoll is how often a running bot looks for reports added or removed through
	// another replica (or `takeaway ingest`).
	ReportsPoll Duration `env:"TAKEAWAY_REPORTS_POLL" toml:"reports_poll"`

	Slack Slack `toml:"slack"`
	LLM   LLM   `toml:"llm"`
	Daily Daily `toml:"daily"`
}

// Slack configures the Slack app.
type Slack struct {
	BotToken      string `env:"SLACK_BOT_TOKEN" toml:"bot_token"`
	AppToken      string `env:"SLACK_APP_TOKEN" toml:"app_token"`
	SigningSecret string `env:"SLACK_SIGNING_SECRET" toml:"signing_secret"`
	APIURL        string `env:"SLACK_API_URL" toml:"api_url"`
	// RatePerUser is how many questions a user may ask per minute.
	RatePerUser int `env:"TAKEAWAY_RATE_PER_USER" toml:"rate_per_user"`
	// MaxConcurrent caps the answers computed at once.
	MaxConcurrent int `env:"TAKEAWAY_MAX_CONCURRENT" toml:"max_concurrent"`
	// RequestLease is how long an accepted question is its replica's to answer; past it,
	// another replica (or the same one, restarted) answers it.
	RequestLease Duration `env:"TAKEAWAY_REQUEST_LEASE" toml:"request_lease"`
	// Admins may see and use admin commands (the daily post settings in /takeaway help) and
	// add or remove reports, besides the workspace's admins and owners.
	Admins []string `env:"TAKEAWAY_ADMINS" envSeparator:"," toml:"admins"`
	// AddReports says who may add and remove reports from Slack: "admins" (the workspace's
	// admins and owners, and Admins) or "anyone".
	AddReports string `env:"TAKEAWAY_ADD_REPORTS" toml:"add_reports"`
	// HelpChannels are channels where every message that is a question is answered, in a
	// thread, without a mention.
	HelpChannels []string `env:"TAKEAWAY_HELP_CHANNELS" envSeparator:"," toml:"help_channels,omitempty"`
	// MentionsOnlyChannels are channels where the bot answers mentions only: no follow-ups
	// in its threads without a new mention.
	MentionsOnlyChannels []string `env:"TAKEAWAY_MENTIONS_ONLY_CHANNELS" envSeparator:"," toml:"mentions_only_channels,omitempty"`
	// AllowChannels, when set, are the only channels the bot answers in; a mention elsewhere
	// gets a one-line pointer to them.
	AllowChannels []string `env:"TAKEAWAY_ALLOW_CHANNELS" envSeparator:"," toml:"allow_channels,omitempty"`
	// FollowUpQuiet is how long a thread may be quiet before the bot stops answering its
	// replies without a mention.
	FollowUpQuiet Duration `env:"TAKEAWAY_FOLLOW_UP_QUIET" toml:"follow_up_quiet"`
}

// LLM configures the optional language model and embeddings provider.
type LLM struct {
	Provider       string   `env:"TAKEAWAY_LLM_PROVIDER" toml:"provider"`
	BaseURL        string   `env:"TAKEAWAY_LLM_BASE_URL" toml:"base_url"`
	APIKey         string   `env:"TAKEAWAY_LLM_API_KEY" toml:"api_key"`
	Model          string   `env:"TAKEAWAY_LLM_MODEL" toml:"model"`
	EmbeddingModel string   `env:"TAKEAWAY_EMBEDDING_MODEL" toml:"embedding_model"`
	Timeout        Duration `env:"TAKEAWAY_LLM_TIMEOUT" toml:"timeout"`
}

// Duration is a time.Duration written as "20s" in files, the environment and printouts.
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration such as 20s or 1m30s.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("%q is not a duration: use a value such as 20s or 1m", b)
	}
	d.Duration = v
	return nil
}

// MarshalText prints the duration as Go writes it (20s).
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Daily configures the daily takeaway posts.
type Daily struct {
	Enabled bool `env:"TAKEAWAY_DAILY_ENABLED" toml:"enabled"`
	// Channels is a list of "CHANNEL_ID@HH:MM Area/City lang" entries separated by ";" in the
	// environment, or a table array in the file.
	Channels []DailyChannel `env:"TAKEAWAY_DAILY_CHANNELS" envSeparator:";" toml:"channels"`
}

// DailyChannel is one channel receiving the daily takeaway.
type DailyChannel struct {
	Channel  string `toml:"channel"`
	Time     string `toml:"time"`     // HH:MM, 24-hour clock
	TimeZone string `toml:"timezone"` // IANA name, e.g. Europe/Paris
	Lang     string `toml:"lang"`
}

// UnmarshalText parses "C0123@09:00 Europe/Paris fr" (time zone and language optional).
func (d *DailyChannel) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	ch, rest, ok := strings.Cut(s, "@")
	if !ok {
		return fmt.Errorf("daily channel %q: want CHANNEL@HH:MM [Area/City] [lang], e.g. C0123@09:00 Europe/Paris fr", s)
	}
	f := strings.Fields(rest)
	*d = DailyChannel{Channel: strings.TrimSpace(ch), TimeZone: "UTC", Lang: "en"}
	if len(f) > 0 {
		d.Time = f[0]
	}
	if len(f) > 1 {
		d.TimeZone = f[1]
	}
	if len(f) > 2 {
		d.Lang = f[2]
	}
	return nil
}

// Defaults returns the configuration used when nothing is set.
func Defaults(getenv func(string) string) Config {
	return Config{
		DataDir:        defaultDataDir(getenv),
		DefaultCorpus:  true,
		MaxReportBytes: 10 << 20,
		ReportsPoll:    Duration{2 * time.Second},
		Addr:           ":3000",
		LogLevel:       "info",
		LogFormat:      "text",
		Slack:          Slack{RatePerUser: 10, MaxConcurrent: 8, RequestLease: Duration{4 * time.Minute}, AddReports: "admins", FollowUpQuiet: Duration{30 * time.Minute}},
		LLM:            LLM{Timeout: Duration{20 * time.Second}},
	}
}

// Load reads defaults, then the TOML file at path (if not empty), then the environment.
func Load(path string, getenv func(string) string) (Config, error) {
	cfg := Defaults(getenv)
	if path == "" {
		path = getenv("TAKEAWAY_CONFIG")
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config file: %w", err)
		}
		if err := toml.Unmarshal(data, &cfg); err != nil {
			return Config{}, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	environ := map[string]string{}
	for _, k := range envKeys {
		if v := getenv(k); v != "" {
			environ[k] = v
		}
	}
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: environ}); err != nil {
		return Config{}, fmt.Errorf("environment: %w", namedEnvError(environ, err))
	}
	return cfg, nil
}

// namedEnvError names the variables whose values do not parse, with the fix: the env
// package reports Go field names ("RatePerUser"), which the user never typed. Each set
// variable is parsed alone to find the culprits; secrets are strings and never fail.
func namedEnvError(environ map[string]string, err error) error {
	var errs []error
	for _, k := range envKeys {
		v, ok := environ[k]
		if !ok {
			continue
		}
		var probe Config
		perr := env.ParseWithOptions(&probe, env.Options{Environment: map[string]string{k: v}})
		var pe env.ParseError
		switch {
		case perr == nil:
		case errors.As(perr, &pe) && pe.Type.Kind() == reflect.Int:
			errs = append(errs, fmt.Errorf("%s=%q: use a whole number, e.g. 10", k, v))
		case errors.As(perr, &pe) && pe.Type.Kind() == reflect.Bool:
			errs = append(errs, fmt.Errorf("%s=%q: use true or false", k, v))
		case errors.As(perr, &pe):
			errs = append(errs, fmt.Errorf("%s: %w", k, pe.Err))
		default:
			errs = append(errs, fmt.Errorf("%s: %w", k, perr))
		}
	}
	if len(errs) == 0 {
		return err
	}
	return errors.Join(errs...)
}

// envKeys lists every variable Load reads (so that it never reads the process environment
// behind the caller's back).
var envKeys = envNames(reflect.TypeFor[Config]())

// envNames lists the variables named by the env tags of t's fields, nested structs included,
// so that a setting added to the struct is read from the environment without a second list.
func envNames(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("env"), ","); name != "" {
			out = append(out, name)
		} else if f.Type.Kind() == reflect.Struct {
			out = append(out, envNames(f.Type)...)
		}
	}
	return out
}

// channelIDRE matches a Slack channel ID (public C…, private G…).
var channelIDRE = regexp.MustCompile(`^[CG][A-Z0-9]{5,}$`)

// Validate checks every value and names each bad one with its fix. serving tells whether Slack
// settings are required (takeaway serve) or ignored (ask, eval).
func (c Config) Validate(serving bool) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("TAKEAWAY_LOG_LEVEL=%q: use debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		bad("TAKEAWAY_LOG_FORMAT=%q: use text or json", c.LogFormat)
	}
	if c.MaxReportBytes < 0 {
		bad("TAKEAWAY_MAX_REPORT_BYTES=%d: use a positive number of bytes, e.g. 10485760 for 10 MB", c.MaxReportBytes)
	}
	if c.ReportsPoll.Duration < 0 {
		bad("TAKEAWAY_REPORTS_POLL=%s: use a positive duration such as 2s", c.ReportsPoll)
	}
	if c.Slack.FollowUpQuiet.Duration < 0 {
		bad("TAKEAWAY_FOLLOW_UP_QUIET=%s: use a positive duration such as 30m", c.Slack.FollowUpQuiet)
	}
	for _, ch := range c.Slack.HelpChannels {
		if slices.Contains(c.Slack.MentionsOnlyChannels, ch) {
			bad("channel %s is in both TAKEAWAY_HELP_CHANNELS and TAKEAWAY_MENTIONS_ONLY_CHANNELS: pick one", ch)
		}
	}
	for _, list := range [][]string{c.Slack.HelpChannels, c.Slack.MentionsOnlyChannels, c.Slack.AllowChannels} {
		for _, ch := range list {
			if !channelIDRE.MatchString(ch) {
				bad("channel %q: use the channel's ID (C0123ABCD, from the channel's details), not its name", ch)
			}
		}
	}
	switch c.Slack.AddReports {
	case "", "admins", "anyone":
	default:
		bad("TAKEAWAY_ADD_REPORTS=%q: use admins or anyone", c.Slack.AddReports)
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("TAKEAWAY_DATABASE_URL: want postgres://user:password@host:5432/db (got a value that is not a postgres URL)")
		}
	}
	if serving {
		s := c.Slack
		switch {
		case s.BotToken == "":
			bad("SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page")
		case !strings.HasPrefix(s.BotToken, "xoxb-"):
			bad("SLACK_BOT_TOKEN does not start with xoxb-: use the Bot User OAuth Token, not a user (xoxp-) or app (xapp-) token")
		}
		if s.AppToken != "" && !strings.HasPrefix(s.AppToken, "xapp-") {
			bad("SLACK_APP_TOKEN does not start with xapp-: create an app-level token with the connections:write scope (Basic Information → App-Level Tokens)")
		}
		if s.AppToken == "" && s.SigningSecret == "" {
			bad("neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is set: set one of them")
		}
		if s.APIURL != "" {
			if u, err := url.Parse(s.APIURL); err != nil || u.Scheme == "" || u.Host == "" {
				bad("SLACK_API_URL=%q: want an absolute URL such as https://slack.com/api/", s.APIURL)
			}
		}
		if c.Addr == "" {
			bad("TAKEAWAY_ADDR is empty: use host:port, e.g. :3000")
		} else if _, port, err := splitHostPort(c.Addr); err != nil || port < 0 || port > 65535 {
			bad("TAKEAWAY_ADDR=%q: use host:port, e.g. :3000", c.Addr)
		}
	}
	if c.Slack.RatePerUser < 1 {
		bad("TAKEAWAY_RATE_PER_USER=%d: use a positive number of questions per minute, e.g. 10", c.Slack.RatePerUser)
	}
	if d := c.Slack.RequestLease.Duration; d < 0 || d > 0 && d < time.Second {
		bad("TAKEAWAY_REQUEST_LEASE=%v: use a duration of a second or more, e.g. 4m (longer than an answer takes)", c.Slack.RequestLease)
	}
	if c.Slack.MaxConcurrent < 1 {
		bad("TAKEAWAY_MAX_CONCURRENT=%d: use a positive number, e.g. 8", c.Slack.MaxConcurrent)
	}
	if c.LLM.Timeout.Duration <= 0 {
		bad("TAKEAWAY_LLM_TIMEOUT=%s: use a positive duration such as 20s", c.LLM.Timeout)
	}
	for _, d := range c.Daily.Channels {
		if d.Channel == "" {
			bad("TAKEAWAY_DAILY_CHANNELS: an entry has no channel ID: use CHANNEL@HH:MM Area/City lang")
		}
		if _, err := time.Parse("15:04", d.Time); err != nil {
			bad("TAKEAWAY_DAILY_CHANNELS: %s: time %q is not HH:MM (24-hour), e.g. 09:00", d.Channel, d.Time)
		}
		if _, err := time.LoadLocation(d.TimeZone); err != nil {
			bad("TAKEAWAY_DAILY_CHANNELS: %s: unknown time zone %q: use an IANA name such as Europe/Paris", d.Channel, d.TimeZone)
		}
	}
	if c.Daily.Enabled && len(c.Daily.Channels) == 0 {
		bad("TAKEAWAY_DAILY_ENABLED is true but TAKEAWAY_DAILY_CHANNELS is empty: add CHANNEL@HH:MM Area/City lang")
	}
	return errors.Join(errs...)
}

func splitHostPort(addr string) (string, int, error) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return "", 0, errors.New("no port")
	}
	p, err := strconv.Atoi(addr[i+1:])
	return addr[:i], p, err
}

// Redacted returns a copy with secrets masked, for printing and logging.
func (c Config) Redacted() Config {
	r := c
	r.Slack.BotToken = mask(c.Slack.BotToken)
	r.Slack.AppToken = mask(c.Slack.AppToken)
	r.Slack.SigningSecret = mask(c.Slack.SigningSecret)
	r.LLM.APIKey = mask(c.LLM.APIKey)
	r.DatabaseURL = redactURL(c.DatabaseURL)
	return r
}

// redactURL masks the password of a database URL, given as user info or as the password
// parameter; a URL that does not parse is masked whole, since its password cannot be found.
func redactURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(redacted)"
	}
	changed := false
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
		changed = true
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
		changed = true
	}
	if !changed {
		return s
	}
	return u.String()
}

// mask keeps a token's kind (xoxb-, xapp-) and hides the rest.
func mask(s string) string {
	if s == "" {
		return ""
	}
	if i := strings.IndexByte(s, '-'); i > 0 && i <= 5 {
		return s[:i+1] + "…(redacted)"
	}
	return "(redacted)"
}

// String prints the configuration as TOML, secrets redacted.
func (c Config) String() string {
	data, err := toml.Marshal(c.Redacted())
	if err != nil {
		return fmt.Sprintf("config: %v", err)
	}
	return string(data)
}

// defaultDataDir follows the XDG convention: $XDG_DATA_HOME/takeaway or ~/.local/share/takeaway.
func defaultDataDir(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "takeaway")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".local", "share", "takeaway")
	}
	return "data"
}
