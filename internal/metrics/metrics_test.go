package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestTransportCountsSlackFailures(t *testing.T) {
	codes := []int{http.StatusOK, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway}
	i := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(codes[i])
		i++
	}))
	defer srv.Close()
	m := New()
	client := &http.Client{Transport: Transport{Metrics: m}}
	for range codes {
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if _, err := client.Get("http://127.0.0.1:1/"); err == nil {
		t.Fatal("a closed port answered")
	}
	m.Questions.WithLabelValues("slash", "fr", "extractive", "answered").Inc()

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`takeaway_slack_api_errors_total{kind="rate_limited"} 1`,
		`takeaway_slack_api_errors_total{kind="server"} 2`,
		`takeaway_slack_api_errors_total{kind="network"} 1`,
		`takeaway_questions_total{lang="fr",mode="extractive",outcome="answered",surface="slash"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
