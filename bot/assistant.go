package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// maxAssistantTitle keeps thread titles short.
const maxAssistantTitle = 100

// onAssistantThreadStarted greets the user in a new assistant thread and offers
// suggested prompts, in the user's language.
func (b *Bot) onAssistantThreadStarted(ctx context.Context, r request) {
	at := r.Event.AssistantThread
	if at.ChannelID == "" || at.ThreadTS == "" {
		return
	}
	_, _, ui := b.userLangs(ctx, at.UserID)
	t := target{Surface: surfaceAssistant, Channel: at.ChannelID, ThreadTS: at.ThreadTS, UserID: at.UserID, TeamID: r.TeamID}
	if _, err := b.post(ctx, t, plainMessage(b.cat.Sprintf(ui, i18n.BotGreeting))); err != nil {
		b.log.Warn("could not greet in an assistant thread", "err", err)
	}
	b.suggestPrompts(ctx, at.ChannelID, at.ThreadTS, at.Context.ChannelID, ui)
}

// onAssistantContextChanged follows the channel the user is viewing beside the assistant
// pane: the suggested prompts become what that channel has been asking.
func (b *Bot) onAssistantContextChanged(ctx context.Context, r request) {
	at := r.Event.AssistantThread
	if at.ChannelID == "" || at.ThreadTS == "" {
		return
	}
	_, _, ui := b.userLangs(ctx, at.UserID)
	b.suggestPrompts(ctx, at.ChannelID, at.ThreadTS, at.Context.ChannelID, ui)
}

// maxChannelPrompts is how many of a channel's recent questions are suggested.
const maxChannelPrompts = 3

// suggestPrompts sets the assistant thread's suggested prompts: the questions recently
// answered in the channel the user is viewing, when there are some, else the usual three.
func (b *Bot) suggestPrompts(ctx context.Context, channel, threadTS, viewing, ui string) {
	var prompts []slack.AssistantThreadsPrompt
	for _, q := range b.recent.questions(viewing) {
		if len(prompts) == maxChannelPrompts {
			break
		}
		prompts = append(prompts, slack.AssistantThreadsPrompt{Title: escape(truncate(q, 40)), Message: escape(truncate(q, 300))})
	}
	if len(prompts) == 0 {
		prompts = []slack.AssistantThreadsPrompt{
			{Title: b.cat.Sprintf(ui, i18n.BotPrompt1Title), Message: b.cat.Sprintf(ui, i18n.BotPrompt1)},
			{Title: b.cat.Sprintf(ui, i18n.BotPrompt2Title), Message: b.cat.Sprintf(ui, i18n.BotPrompt2)},
			{Title: b.cat.Sprintf(ui, i18n.BotPrompt3Title), Message: b.cat.Sprintf(ui, i18n.BotPrompt3)},
		}
	}
	err := b.call(ctx, "assistant.threads.setSuggestedPrompts", func(ctx context.Context) error {
		return b.api.SetAssistantThreadsSuggestedPromptsContext(ctx, slack.AssistantThreadsSetSuggestedPromptsParameters{
			Title: b.cat.Sprintf(ui, i18n.BotPromptsTitle), ChannelID: channel, ThreadTS: threadTS, Prompts: prompts,
		})
	})
	if err != nil {
		b.log.Warn("could not set suggested prompts", "err", err)
	}
}

// onAssistantMessage answers a message in an assistant thread: the first question
// titles the thread, a status shows while the answer is written (see answerQuestion),
// and the answer goes in the thread.
func (b *Bot) onAssistantMessage(ctx context.Context, r request) {
	e := r.Event
	t := target{Surface: surfaceAssistant, Channel: e.Channel, ThreadTS: e.ThreadTS, UserID: e.User, TeamID: r.TeamID}
	text := unescape(stripMentions(e.Text, b.botUserID()))
	if text == "" {
		b.askHint(ctx, t)
		return
	}
	history := b.threadHistory(ctx, e.Channel, e.ThreadTS, e.TS)
	if !hasUserTurn(history) {
		err := b.call(ctx, "assistant.threads.setTitle", func(ctx context.Context) error {
			return b.api.SetAssistantThreadsTitleContext(ctx, slack.AssistantThreadsSetTitleParameters{
				ChannelID: e.Channel, ThreadTS: e.ThreadTS, Title: escape(truncate(text, maxAssistantTitle)),
			})
		})
		if err != nil {
			b.log.Warn("could not title an assistant thread", "err", err)
		}
	}
	b.answerQuestion(ctx, r, t, text, history)
}

// setAssistantStatus shows status ("is reading the reports…") under the thread; Slack
// clears it when the bot replies.
func (b *Bot) setAssistantStatus(ctx context.Context, t target, status string) {
	err := b.call(ctx, "assistant.threads.setStatus", func(ctx context.Context) error {
		return b.api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{
			ChannelID: t.Channel, ThreadTS: t.ThreadTS, Status: status,
		})
	})
	if err != nil {
		b.log.Warn("could not set the assistant status", "err", err)
	}
}

// hasUserTurn reports whether a person already spoke in the conversation.
func hasUserTurn(turns []answer.Turn) bool {
	for _, t := range turns {
		if !t.FromBot {
			return true
		}
	}
	return false
}
