package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"

	"github.com/takeaway-bot/takeaway/bot"
)

// runConfig validates the configuration as `takeaway serve` would and prints it, secrets redacted.
func runConfig(_ context.Context, env *environment, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q: takeaway [--config FILE] config", args)
	}
	cfg, err := env.config(true)
	if err != nil {
		return err
	}
	fmt.Fprint(env.stdout, cfg.String())
	return nil
}

// runManifest prints the Slack app manifest to paste into api.slack.com/apps: Socket Mode by
// default, HTTP mode with --url.
func runManifest(_ context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("manifest", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	name := fs.String("name", "takeaway", "the app's name in Slack")
	reqURL := fs.String("url", "", "HTTP mode: the public URL of POST /slack/events, e.g. https://bot.example.com/slack/events")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *reqURL == "" {
		fmt.Fprint(env.stdout, bot.Manifest(*name))
		return nil
	}
	if u, err := url.Parse(*reqURL); err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("--url %q: Slack needs a public https URL ending in /slack/events", *reqURL)
	}
	fmt.Fprint(env.stdout, bot.ManifestHTTP(*name, *reqURL))
	return nil
}
