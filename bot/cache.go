package bot

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/answer"
)

// answerCacheTTL is how long an answer can still be shared or voted on with its question
// attached; Slack's response URLs expire after 30 minutes anyway.
const answerCacheTTL = time.Hour

// maxCached bounds each cache; expired entries are swept when it is reached.
const maxCached = 10000

// ttlCache is a small map whose entries expire.
type ttlCache[V any] struct {
	mu  sync.Mutex
	ttl time.Duration
	now func() time.Time
	m   map[string]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v       V
	expires time.Time
}

func newTTLCache[V any](ttl time.Duration, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, now: now, m: map[string]ttlEntry[V]{}}
}

func (c *ttlCache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || c.now().After(e.expires) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.m) >= maxCached {
		for k, e := range c.m {
			if now.After(e.expires) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxCached {
			c.m = map[string]ttlEntry[V]{}
		}
	}
	c.m[key] = ttlEntry[V]{v: v, expires: now.Add(c.ttl)}
}

// cachedAnswer is an answer kept for its share button and feedback.
type cachedAnswer struct {
	Question string
	Answer   answer.Answer
}

// answerCache remembers recent answers by ID.
type answerCache = ttlCache[cachedAnswer]

func newAnswerCache(ttl time.Duration, now func() time.Time) *answerCache {
	return newTTLCache[cachedAnswer](ttl, now)
}

// newID returns a short random ID for an answer.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// userCache remembers users' users.info records (locale, admin and owner flags, names).
type userCache = ttlCache[slack.User]

func newUserCache(ttl time.Duration, now func() time.Time) *userCache {
	return newTTLCache[slack.User](ttl, now)
}

// recentQuestions keeps, per channel, the last questions answered there (newest first), for
// the assistant pane's suggested prompts when the user is viewing that channel. It is held in
// memory, bounded: a few questions a channel, a thousand channels.
type recentQuestions struct {
	mu    sync.Mutex
	by    map[string][]string
	order []string // channels, oldest first, for eviction
}

const (
	recentPerChannel = 5
	recentChannels   = 1000
)

func newRecentQuestions() *recentQuestions { return &recentQuestions{by: map[string][]string{}} }

func (r *recentQuestions) add(channel, q string) {
	q = strings.TrimSpace(q)
	if channel == "" || q == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	qs, ok := r.by[channel]
	if !ok {
		r.order = append(r.order, channel)
		if len(r.order) > recentChannels {
			delete(r.by, r.order[0])
			r.order = r.order[1:]
		}
	}
	qs = slices.DeleteFunc(slices.Clone(qs), func(s string) bool { return strings.EqualFold(s, q) })
	qs = append([]string{q}, qs...)
	r.by[channel] = qs[:min(len(qs), recentPerChannel)]
}

func (r *recentQuestions) questions(channel string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.by[channel])
}
