package bot

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"
)

// BenchmarkSlashAck200Concurrent sends bursts of 200 concurrent signed slash commands over
// loopback (a real TCP server) and reports the p50 and p99 time to the acknowledgement, the
// figure Slack's 3-second rule is about. The answers are computed after the acks.
func BenchmarkSlashAck200Concurrent(b *testing.B) {
	env := newTestEnv(b, func(c *Config) { c.MaxConcurrent = 8; c.QueueWait = time.Minute })
	env.bot.limiter = newLimiter(1<<30, time.Now)
	const burst = 200
	var lat []time.Duration
	var mu sync.Mutex
	round := 0
	for b.Loop() {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range burst {
			req := env.signedRequest(b, "application/x-www-form-urlencoded", env.slashForm(fmt.Sprintf("U%d", i), "What about Kubernetes?", fmt.Sprintf("burst-%d-%d", round, i)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				t0 := time.Now()
				resp, err := env.srv.Client().Do(req)
				d := time.Since(t0)
				if err != nil {
					b.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		round++
	}
	b.StopTimer()
	env.drain(b)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ack-ms")
	b.ReportMetric(pct(0.99), "p99-ack-ms")
}
