// Package fetch downloads a report from a URL safely: bounded in time, size and redirects, and
// refusing, after DNS resolution, addresses inside the network (loopback, private, link-local,
// multicast, cloud metadata), so that a URL pasted by a user cannot reach internal services.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"time"

	"code.dny.dev/ssrf"
)

// Errors callers can tell apart with errors.Is.
var (
	// ErrRefused marks a URL whose scheme or address is not allowed.
	ErrRefused = errors.New("address not allowed")
	// ErrTooLarge marks a page larger than Options.MaxBytes.
	ErrTooLarge = errors.New("page too large")
)

// Options bound a download. Zero values take the defaults.
type Options struct {
	// Timeout bounds the whole download, redirects included; default 15 s.
	Timeout time.Duration
	// MaxBytes caps the body; default 10 MB.
	MaxBytes int64
	// MaxRedirects caps the redirects followed; default 5.
	MaxRedirects int
	// AllowPrivate allows loopback, private and link-local addresses and any port (tests,
	// on-premises sites). Off by default.
	AllowPrivate bool
}

// Page is a downloaded page.
type Page struct {
	// URL is the address after redirects.
	URL string
	// MediaType is the Content-Type's media type, lower-cased ("text/html").
	MediaType string
	Body      []byte
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 10 << 20
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 5
	}
	return o
}

// Get downloads rawURL.
func Get(ctx context.Context, rawURL string, o Options) (Page, error) {
	o = o.withDefaults()
	if err := checkScheme(rawURL); err != nil {
		return Page{}, err
	}
	dialer := &net.Dialer{Timeout: o.Timeout}
	if !o.AllowPrivate {
		// Checked on the address actually dialled, after DNS: a name that resolves inside
		// the network (or is rebound to it) is refused too.
		dialer.Control = ssrf.New().Safe
	}
	client := &http.Client{
		Timeout: o.Timeout,
		Transport: &http.Transport{
			Proxy:                  nil, // a proxy would dial on our behalf, past the check
			DialContext:            dialer.DialContext,
			TLSHandshakeTimeout:    o.Timeout,
			ResponseHeaderTimeout:  o.Timeout,
			MaxResponseHeaderBytes: 64 << 10,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > o.MaxRedirects {
				return fmt.Errorf("more than %d redirects", o.MaxRedirects)
			}
			return checkScheme(req.URL.String())
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return Page{}, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", "takeaway (conference report reader)")
	req.Header.Set("Accept", "text/html, text/markdown, text/plain;q=0.9, application/pdf;q=0.8")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, ssrf.ErrProhibitedIP) || errors.Is(err, ssrf.ErrProhibitedPort) || errors.Is(err, ssrf.ErrProhibitedNetwork) || errors.Is(err, ErrRefused) {
			return Page{}, fmt.Errorf("fetch %s: %w: %w (an address inside the network, or a port other than 80 and 443)", rawURL, ErrRefused, err)
		}
		return Page{}, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Page{}, fmt.Errorf("fetch %s: the server answered %s", rawURL, resp.Status)
	}
	if resp.ContentLength > o.MaxBytes {
		return Page{}, fmt.Errorf("fetch %s: %w: %d bytes, more than %d", rawURL, ErrTooLarge, resp.ContentLength, o.MaxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxBytes+1))
	if err != nil {
		return Page{}, fmt.Errorf("fetch %s: reading: %w", rawURL, err)
	}
	if int64(len(body)) > o.MaxBytes {
		return Page{}, fmt.Errorf("fetch %s: %w: more than %d bytes", rawURL, ErrTooLarge, o.MaxBytes)
	}
	media, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return Page{URL: resp.Request.URL.String(), MediaType: media, Body: body}, nil
}

// checkScheme allows absolute http and https URLs only.
func checkScheme(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("fetch %q: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("fetch %q: only http and https addresses: %w", raw, ErrRefused)
	}
	return nil
}
