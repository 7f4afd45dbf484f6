package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesPointOneWay keeps the data flow corpus → retrieval → answer → bot → cmd:
// the reusable packages never learn about Slack, models or the bot.
func TestDependenciesPointOneWay(t *testing.T) {
	const mod = "github.com/takeaway-bot/takeaway/"
	forbidden := map[string][]string{
		"corpus":          {"github.com/slack-go/slack", mod + "bot", mod + "retrieval", mod + "internal/answer", "github.com/tmc/langchaingo", "github.com/philippgille/chromem-go", "github.com/blevesearch/bleve/v2"},
		"retrieval":       {"github.com/slack-go/slack", mod + "bot", mod + "internal/answer", mod + "internal/llm", "github.com/tmc/langchaingo"},
		"internal/answer": {"github.com/slack-go/slack", mod + "bot"},
		"internal/llm":    {"github.com/slack-go/slack", mod + "bot"},
		"internal/digest": {"github.com/slack-go/slack"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", mod+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		deps := strings.Fields(string(out))
		for _, d := range deps {
			for _, b := range bad {
				if d == b || strings.HasPrefix(d, b+"/") {
					t.Errorf("%s imports %s", pkg, d)
				}
			}
		}
	}
}
