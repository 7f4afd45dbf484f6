package bot

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/answer"
)

// How much of a conversation is passed to the answerer as context.
const (
	maxHistory     = 10
	maxThreadFetch = 50
	dmHistoryLimit = 6
)

// threadHistory returns the earlier turns of a thread, oldest first, without the
// current message. On error it returns none: the question can still be answered.
func (b *Bot) threadHistory(ctx context.Context, channel, threadTS, currentTS string) []answer.Turn {
	msgs, ok := b.threadMessages(ctx, channel, threadTS)
	if !ok {
		return nil
	}
	return b.turns(msgs, currentTS)
}

// dmHistory returns the last few messages of a DM before currentTS, oldest first.
func (b *Bot) dmHistory(ctx context.Context, channel, currentTS string) []answer.Turn {
	var resp *slack.GetConversationHistoryResponse
	err := b.call(ctx, "conversations.history", func(ctx context.Context) error {
		var err error
		resp, err = b.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: channel, Latest: currentTS, Inclusive: false, Limit: dmHistoryLimit,
		})
		return err
	})
	if err != nil {
		b.log.Warn("could not read the DM history", "channel", channel, "err", err)
		return nil
	}
	msgs := slices.Clone(resp.Messages)
	slices.Reverse(msgs) // conversations.history lists the newest first
	return b.turns(msgs, currentTS)
}

// turns converts messages (oldest first) into turns, stopping at the current message.
func (b *Bot) turns(msgs []slack.Message, currentTS string) []answer.Turn {
	self := b.botUserID()
	var turns []answer.Turn
	for _, m := range msgs {
		if m.Timestamp == currentTS {
			break
		}
		if m.SubType != "" && m.SubType != "bot_message" && m.SubType != "thread_broadcast" {
			continue
		}
		text := unescape(stripMentions(m.Text, self))
		if text == "" {
			continue
		}
		turns = append(turns, answer.Turn{FromBot: m.BotID != "" || (self != "" && m.User == self), Text: text})
	}
	if len(turns) > maxHistory {
		turns = turns[len(turns)-maxHistory:]
	}
	return turns
}

// mentionRE matches a user mention, "<@U123>" or "<@U123|name>".
var mentionRE = regexp.MustCompile(`<@([A-Z0-9]+)(?:\|[^>]*)?>`)

// stripMentions removes mentions of the bot from a message. Before Check the bot does
// not know its ID; then a leading mention is taken to be the bot's.
func stripMentions(text, botUserID string) string {
	if botUserID == "" {
		if loc := mentionRE.FindStringIndex(strings.TrimSpace(text)); loc != nil && loc[0] == 0 {
			return strings.TrimSpace(strings.TrimSpace(text)[loc[1]:])
		}
		return strings.TrimSpace(text)
	}
	out := mentionRE.ReplaceAllStringFunc(text, func(m string) string {
		if mentionRE.FindStringSubmatch(m)[1] == botUserID {
			return ""
		}
		return m
	})
	return strings.TrimSpace(strings.Join(strings.Fields(out), " "))
}
