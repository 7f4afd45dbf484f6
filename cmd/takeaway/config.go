package main

import (
	"context"
	"fmt"

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

// runManifest prints the Slack app manifest to paste into api.slack.com/apps.
func runManifest(_ context.Context, env *environment, _ []string) error {
	fmt.Fprintln(env.stdout, bot.Manifest("takeaway"))
	return nil
}
