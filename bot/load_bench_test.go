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
	b.Run("new-connections", func(b *testing.B) { benchBurst(b, false) })
	b.Run("keep-alive", func(b *testing.B) { benchBurst(b, true) })
}

// benchBurst sends the bursts over new TCP connections each time, or over a warm pool of
// keep-alive connections (as a load balancer in front of the bot keeps them).
func benchBurst(b *testing.B, keepAlive bool) {
	env := newTestEnv(b, func(c *Config) { c.MaxConcurrent = 8; c.QueueWait = time.Minute })
	client := env.srv.Client()
	if keepAlive {
		tr := env.srv.Client().Transport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 256
		client = &http.Client{Transport: tr}
		defer tr.CloseIdleConnections()
	}
	env.bot.limiter = newLimiter(1<<30, time.Now)
	const burst = 200
	var lat []time.Duration
	var mu sync.Mutex
	round := 0
	if keepAlive {
		// Warm the pool with one burst that is not measured.
		var wg sync.WaitGroup
		for i := range burst {
			req := env.signedRequest(b, "application/x-www-form-urlencoded", env.slashForm(fmt.Sprintf("W%d", i), "warm-up", fmt.Sprintf("warm-%d", i)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				if resp, err := client.Do(req); err == nil {
					resp.Body.Close()
				}
			}()
		}
		wg.Wait()
		env.drain(b)
	}
	b.ResetTimer()
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
				resp, err := client.Do(req)
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
