package bot

import (
	"crypto/rand"
	"encoding/hex"
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
