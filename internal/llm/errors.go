package llm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// ErrUnavailable marks a failure of the model server: unreachable, too slow, refusing the
// credentials, answering with an HTTP error or with nothing usable. Callers test it with
// errors.Is and fall back to answering without a model.
var ErrUnavailable = errors.New("language model unavailable")

// ErrRefused marks a model server that refused the credentials (HTTP 401 or 403). It is
// always wrapped together with ErrUnavailable.
var ErrRefused = errors.New("credentials refused")

// statusError is the error kind of an HTTP error status: ErrRefused for 401 and 403,
// ErrUnavailable alone otherwise.
func statusError(code int) error {
	if code == http.StatusUnauthorized || code == http.StatusForbidden {
		return errors.Join(ErrUnavailable, ErrRefused)
	}
	return ErrUnavailable
}

// ErrBadOutput marks a model reply that could not be used, such as a translation
// with no JSON object in it. It is always wrapped together with ErrUnavailable.
var ErrBadOutput = errors.New("unusable model output")

// statusKey carries a *statusRecord in a request context.
type statusKey struct{}

// statusRecord remembers the last HTTP error status seen for one call. langchaingo folds
// statuses into free-form messages (and, for Ollama, sometimes drops them), so the
// transport records them where we can read them back.
type statusRecord struct{ code atomic.Int32 }

func withStatusRecord(ctx context.Context) (context.Context, *statusRecord) {
	rec := &statusRecord{}
	return context.WithValue(ctx, statusKey{}, rec), rec
}

func (r *statusRecord) get() int {
	if r == nil {
		return 0
	}
	return int(r.code.Load())
}

// transport adapts requests made by langchaingo: it fixes authentication headers for the
// provider and records HTTP error statuses.
type transport struct {
	base     http.RoundTripper
	provider string
	apiKey   string
	azure    bool
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	switch t.provider {
	case ProviderOllama:
		// langchaingo's Ollama client cannot send a key; proxies in front of Ollama want one.
		if t.apiKey != "" && req.Header.Get("Authorization") == "" {
			req.Header.Set("Authorization", "Bearer "+t.apiKey)
		}
	case ProviderOpenAI:
		switch {
		case t.apiKey == "":
			// langchaingo refuses an empty token, so New passes a placeholder; never send it.
			req.Header.Del("Authorization")
		case t.azure:
			req.Header.Del("Authorization")
			req.Header.Set("api-key", t.apiKey)
		}
	}
	resp, err := t.base.RoundTrip(req)
	if err == nil && resp.StatusCode >= http.StatusBadRequest {
		if rec, ok := req.Context().Value(statusKey{}).(*statusRecord); ok {
			rec.code.Store(int32(resp.StatusCode))
		}
	}
	return resp, err
}

// newHTTPClient returns a copy of base (or a fresh client) whose transport is wrapped and
// whose timeout, when base has none, is timeout.
func newHTTPClient(base *http.Client, cfg Config, timeout time.Duration) *http.Client {
	var hc http.Client
	if base != nil {
		hc = *base
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	host := strings.ToLower(mustParse(cfg.BaseURL).Hostname())
	hc.Transport = &transport{
		base:     rt,
		provider: cfg.Provider,
		apiKey:   cfg.APIKey,
		azure:    strings.HasSuffix(host, ".openai.azure.com") || strings.HasSuffix(host, ".cognitiveservices.azure.com"),
	}
	if hc.Timeout == 0 {
		hc.Timeout = timeout
	}
	return &hc
}

// callError turns an error from a model call into one that says what went wrong and what
// to check. parent is the caller's context, call the one bounded by the timeout.
func (c *Client) callError(op string, parent, call context.Context, rec *statusRecord, err error) error {
	where := fmt.Sprintf("%s at %s (model %q)", c.cfg.Provider, c.cfg.BaseURL, c.cfg.Model)
	if parent.Err() != nil {
		return fmt.Errorf("llm: %s: %w", op, context.Cause(parent))
	}
	if code := rec.get(); code != 0 {
		return fmt.Errorf("llm: %s: %s %s: %w: %w", op, where, statusHint(code), statusError(code), err)
	}
	if errors.Is(call.Err(), context.DeadlineExceeded) || isTimeout(err) {
		return fmt.Errorf("llm: %s: %s did not answer within %v (raise Timeout or use a smaller model): %w: %w",
			op, where, c.cfg.Timeout, ErrUnavailable, errors.Join(context.DeadlineExceeded, err))
	}
	return fmt.Errorf("llm: %s: %s failed (check BaseURL and that the server is running): %w: %w",
		op, where, ErrUnavailable, err)
}

// isTimeout recognises a timeout in err. langchaingo's OpenAI client replaces such errors
// with plain strings ("request timeout: ..."), hence the last test.
func isTimeout(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &netErr) && netErr.Timeout()) ||
		strings.Contains(strings.ToLower(err.Error()), "timeout")
}

func statusHint(code int) string {
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return fmt.Sprintf("rejected the credentials (HTTP %d): check APIKey", code)
	case code == http.StatusNotFound:
		return "found no such endpoint or model (HTTP 404): check BaseURL (OpenAI-compatible servers usually need the /v1 suffix) and Model"
	case code == http.StatusTooManyRequests:
		return "is rate limiting (HTTP 429): retry later or raise the quota"
	case code >= http.StatusInternalServerError:
		return fmt.Sprintf("had a server error (HTTP %d): check the server's logs", code)
	default:
		return fmt.Sprintf("rejected the request (HTTP %d)", code)
	}
}
