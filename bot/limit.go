package bot

import (
	"context"
	"sync"
	"time"
)

// limiter is a token bucket per user: burst questions at once, refilled at rate per
// minute. (golang.org/x/time/rate is not among the module's dependencies.)
type limiter struct {
	mu      sync.Mutex
	perMin  float64
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the limiter's memory; full buckets are forgotten beyond it.
const maxBuckets = 10000

func newLimiter(perMinute int, now func() time.Time) *limiter {
	return &limiter{perMin: float64(perMinute), burst: float64(perMinute), now: now, buckets: map[string]*bucket{}}
}

// allow takes one token from user's bucket and reports whether there was one.
func (l *limiter) allow(user string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[user]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.forgetFull(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[user] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Minutes()*l.perMin)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// forgetFull drops the buckets that have refilled: they hold no information.
func (l *limiter) forgetFull(now time.Time) {
	for user, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Minutes()*l.perMin >= l.burst {
			delete(l.buckets, user)
		}
	}
}

// acquire takes one of the MaxConcurrent answer slots, waiting at most QueueWait; it
// reports false when the bot stayed busy.
// release may be called more than once; the slot is given back the first time.
func (b *Bot) acquire(ctx context.Context) (release func(), ok bool) {
	release = sync.OnceFunc(func() { <-b.sem })
	select {
	case b.sem <- struct{}{}:
		return release, true
	default:
	}
	t := time.NewTimer(b.cfg.QueueWait)
	defer t.Stop()
	select {
	case b.sem <- struct{}{}:
		return release, true
	case <-t.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}
