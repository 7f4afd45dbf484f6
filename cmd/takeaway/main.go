// Command takeaway answers questions about tech conferences from attendee reports, in Slack or
// in the terminal.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // IANA time zones for the daily posts, also in images without /usr/share/zoneinfo

	"github.com/takeaway-bot/takeaway/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// command is one subcommand of the binary.
type command struct {
	name, usage, summary string
	run                  func(ctx context.Context, env *environment, args []string) error
}

// environment is what every subcommand gets: its streams and the process environment.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// configPath is the --config file given before the subcommand, if any.
	configPath string
}

// config loads and validates the configuration; serving requires the Slack settings.
func (e *environment) config(serving bool) (config.Config, error) {
	cfg, err := config.Load(e.configPath, e.getenv)
	if err != nil {
		return config.Config{}, err
	}
	if err := cfg.Validate(serving); err != nil {
		return config.Config{}, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return cfg, nil
}

func commands() []command {
	return []command{
		{"ask", "ask [--lang xx] [--json] [--explain] [--passages] QUESTION", "answer a question from the reports", runAsk},
		{"sources", "sources [--json]", "list the events and reports the answers draw on", runSources},
		{"eval", "eval --cases FILE [--reports PATHS] [--k N] [--json] [-v]", "measure retrieval and answers on question cases", runEval},
		{"ingest", "ingest PATH…", "add report files or folders to the bot's reports", runIngest},
		{"serve", "serve", "run the Slack bot (Socket Mode and/or HTTP; see the README)", runServe},
		{"digest", "digest [--date YYYY-MM-DD] [--lang xx] [--json] [--post CHANNEL]", "print (or post) the daily takeaway of a date", runDigest},
		{"stats", "stats [--days N] [--json]", "print usage: questions per day, languages, votes, coverage gaps", runStats},
		{"manifest", "manifest [--url URL]", "print the Slack app manifest (HTTP mode with --url)", runManifest},
		{"config", "config", "validate and print the effective configuration (secrets redacted)", runConfig},
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	env := &environment{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) >= 2 && (args[0] == "--config" || args[0] == "-config") {
		env.configPath, args = args[1], args[2:]
	} else if len(args) >= 1 && strings.HasPrefix(args[0], "--config=") {
		env.configPath, args = strings.TrimPrefix(args[0], "--config="), args[1:]
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if err := c.run(ctx, env, args[1:]); err != nil {
				fmt.Fprintf(stderr, "takeaway %s: %v\n", c.name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "takeaway: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "takeaway answers questions about tech conferences from attendee reports.")
	fmt.Fprintln(w, "\nUsage: takeaway [--config FILE] COMMAND [ARGS]")
	for _, c := range commands() {
		fmt.Fprintf(w, "  takeaway %s\n      %s\n", c.usage, c.summary)
	}
}
