package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// ChannelMode is how the bot behaves in one channel.
type ChannelMode string

// The channel modes. Without a mode, a channel gets follow-ups.
const (
	// ModeFollowUps: the bot answers mentions, and the later messages of a thread it answered
	// in, without a new mention.
	ModeFollowUps ChannelMode = "follow-ups"
	// ModeMentions: the bot answers mentions only.
	ModeMentions ChannelMode = "mentions"
	// ModeHelp: the bot also answers, in a thread, every message that is a question.
	ModeHelp ChannelMode = "help"
)

// QuestionTester tells whether a message is a question by its form (in any language), not
// chatter, greetings or thanks: what a help channel answers unprompted.
type QuestionTester interface {
	IsQuestion(text string) bool
}

// defaultFollowUpQuiet is how long a thread may be quiet before the bot stops following it.
const defaultFollowUpQuiet = 30 * time.Minute

// ChannelModeStore is a Store that keeps the channel modes admins set from App Home, shared
// by every replica.
type ChannelModeStore interface {
	SetChannelMode(ctx context.Context, channel, mode string) error
	ChannelModes(ctx context.Context) (map[string]string, error)
}

// modesTTL is how long the stored channel modes are used before they are read again: a mode
// an admin sets on one replica reaches the others within it.
const modesTTL = 10 * time.Second

// channelModes caches the stored channel modes.
type channelModes struct {
	mu     sync.Mutex
	at     time.Time
	byChan map[string]ChannelMode
}

// channelMode is the mode of a channel: the one an admin set from App Home, else the
// configured one, else follow-ups.
func (b *Bot) channelMode(channel string) ChannelMode {
	if m := b.storedModes()[channel]; m != "" {
		return m
	}
	if m, ok := b.cfg.Channels[channel]; ok && m != "" {
		return m
	}
	return ModeFollowUps
}

// storedModes returns the channel modes admins set, read again from the store when older
// than modesTTL; on a store error the last ones read stay in use.
func (b *Bot) storedModes() map[string]ChannelMode {
	ms, ok := b.store.(ChannelModeStore)
	if !ok {
		return nil
	}
	b.modes.mu.Lock()
	defer b.modes.mu.Unlock()
	if b.modes.byChan != nil && b.now().Sub(b.modes.at) < modesTTL {
		return b.modes.byChan
	}
	ctx, cancel := context.WithTimeout(b.workCtx, noticeTimeout)
	defer cancel()
	stored, err := ms.ChannelModes(ctx)
	b.modes.at = b.now()
	if err != nil {
		b.log.Warn("could not read the channel modes; keeping the last ones", "err", err)
		return b.modes.byChan
	}
	b.modes.byChan = map[string]ChannelMode{}
	for c, m := range stored {
		b.modes.byChan[c] = ChannelMode(m)
	}
	return b.modes.byChan
}

// setChannelMode stores a channel's mode and drops the cache, so that this replica applies
// it at once.
func (b *Bot) setChannelMode(ctx context.Context, channel string, mode ChannelMode) error {
	ms, ok := b.store.(ChannelModeStore)
	if !ok {
		return errors.New("this store does not keep channel modes")
	}
	if err := ms.SetChannelMode(ctx, channel, string(mode)); err != nil {
		return err
	}
	b.modes.mu.Lock()
	b.modes.byChan = nil
	b.modes.mu.Unlock()
	return nil
}

// allowed tells whether the bot answers in a channel: everywhere without an allow-list.
func (b *Bot) allowed(channel string) bool {
	return len(b.cfg.AllowChannels) == 0 || slices.Contains(b.cfg.AllowChannels, channel)
}

// mentionsUser reports whether text mentions the user.
func mentionsUser(text, user string) bool {
	if user == "" {
		return false
	}
	for _, m := range mentionRE.FindAllStringSubmatch(text, -1) {
		if m[1] == user {
			return true
		}
	}
	return false
}

// mentionsOther reports whether text mentions anyone but the bot (a person being addressed).
func mentionsOther(text, self string) bool {
	for _, m := range mentionRE.FindAllStringSubmatch(text, -1) {
		if m[1] != self {
			return true
		}
	}
	return false
}

// channelMessageRoute decides, without calling Slack, whether a channel message may be for
// the bot: a reply in a thread (the bot may have answered in it), or any top-level message
// of a help channel. A message that mentions the bot also arrives as app_mention and is
// answered from there, once.
func (b *Bot) channelMessageRoute(e event) bool {
	self := b.botUserID()
	if self == "" || mentionsUser(e.Text, self) || !b.allowed(e.Channel) {
		return false
	}
	switch b.channelMode(e.Channel) {
	case ModeMentions:
		return false
	case ModeHelp:
		return true
	}
	return e.ThreadTS != "" && e.ThreadTS != e.TS
}

// onChannelMessage answers a message of a channel the bot is in without a mention: a
// follow-up in a thread the bot answered in, or a question in a help channel.
func (b *Bot) onChannelMessage(ctx context.Context, r request) {
	e := r.Event
	text := unescape(stripMentions(e.Text, b.botUserID()))
	// A message sharing files is not taken as a question: reports are added from DMs and
	// mentions, never from a channel's chatter.
	if text == "" || len(e.Files) > 0 {
		return
	}
	inThread := e.ThreadTS != "" && e.ThreadTS != e.TS
	t := target{Surface: surfaceFollowUp, Channel: e.Channel, ThreadTS: e.ThreadTS, UserID: e.User, TeamID: r.TeamID}
	if inThread && b.channelMode(e.Channel) != ModeMentions {
		if msgs, ok := b.threadMessages(ctx, e.Channel, e.ThreadTS); ok && b.followsUp(msgs, e) {
			b.answerQuestion(ctx, r, t, text, b.turns(msgs, e.TS))
			return
		}
	}
	if b.channelMode(e.Channel) == ModeHelp && !inThread && !mentionsOther(e.Text, b.botUserID()) && b.isQuestion(text) {
		t.Surface, t.ThreadTS = surfaceHelp, e.TS
		b.answerQuestion(ctx, r, t, text, nil)
	}
}

// isQuestion tells whether a help channel's message asks something.
func (b *Bot) isQuestion(text string) bool {
	if b.cfg.Questions != nil {
		return b.cfg.Questions.IsQuestion(text)
	}
	t := strings.TrimSpace(text)
	return strings.HasSuffix(t, "?") || strings.HasSuffix(t, "？") || strings.HasSuffix(t, "؟")
}

// threadMessages reads a thread, oldest first.
func (b *Bot) threadMessages(ctx context.Context, channel, threadTS string) ([]slack.Message, bool) {
	var msgs []slack.Message
	err := b.call(ctx, "conversations.replies", func(ctx context.Context) error {
		var err error
		msgs, _, _, err = b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: channel, Timestamp: threadTS, Limit: maxThreadFetch,
		})
		return err
	})
	if err != nil {
		b.log.Warn("could not read the thread", "channel", channel, "thread", threadTS, "err", err)
		return nil, false
	}
	return msgs, true
}

// followsUp tells whether the bot follows up on e in its thread (msgs, oldest first): the
// bot has answered in the thread; since its last answer nobody addressed someone else (a
// mention of another user, this message included); and the thread was not quiet for longer
// than the follow-up window before this message.
func (b *Bot) followsUp(msgs []slack.Message, e event) bool {
	self := b.botUserID()
	if mentionsOther(e.Text, self) {
		return false
	}
	last := -1
	for i, m := range msgs {
		if m.Timestamp == e.TS {
			break
		}
		if m.User == self {
			last = i
		}
	}
	if last < 0 {
		return false
	}
	prev := msgs[last].Timestamp
	for _, m := range msgs[last+1:] {
		if m.Timestamp == e.TS {
			break
		}
		if m.User != self && mentionsOther(m.Text, self) {
			return false
		}
		prev = m.Timestamp
	}
	quiet := b.cfg.FollowUpQuiet
	if quiet <= 0 {
		quiet = defaultFollowUpQuiet
	}
	return tsTime(e.TS).Sub(tsTime(prev)) <= quiet
}

// tsTime reads a Slack message timestamp ("1700000000.000100").
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000)
}

// pointAway answers a mention in a channel outside the allow-list with a one-line pointer
// to where the bot answers.
func (b *Bot) pointAway(ctx context.Context, t target) {
	_, _, ui := b.userLangs(ctx, t.UserID)
	var chans []string
	for _, c := range b.cfg.AllowChannels {
		chans = append(chans, "<#"+escape(c)+">") // links the bot makes, to configured channels
	}
	m := slackMessage{Text: b.cat.Sprintf(ui, i18n.BotElsewhere, strings.Join(chans, ", "))}
	if _, err := b.post(ctx, t, m); err != nil {
		b.log.Error("could not tell the user", "surface", t.Surface, "channel", t.Channel, "message", string(i18n.BotElsewhere), "err", err)
	}
}
