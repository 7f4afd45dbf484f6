package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestGet(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/report", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<html><head><title>Notes</title></head><body><p>Hello</p></body></html>"))
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/report", http.StatusFound) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(strings.Repeat("x", 5000))) })
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, _ *http.Request) {
		for range 5 {
			_, _ = w.Write([]byte(strings.Repeat("x", 1000)))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, _ *http.Request) { http.NotFound(w, nil) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	local := Options{AllowPrivate: true, MaxBytes: 4096, MaxRedirects: 3, Timeout: time.Second}

	p, err := Get(t.Context(), srv.URL+"/moved", local)
	if err != nil {
		t.Fatal(err)
	}
	if p.URL != srv.URL+"/report" || p.MediaType != "text/html" || !strings.Contains(string(p.Body), "Hello") {
		t.Errorf("page = %+v", p)
	}
	for _, tt := range []struct {
		name, url string
		o         Options
		want      error // nil: any error
		wantText  string
	}{
		{"loopback refused by default", srv.URL + "/report", Options{}, ErrRefused, "inside the network"},
		{"a name resolving to loopback refused", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/report", Options{}, ErrRefused, ""},
		{"cloud metadata refused", "http://169.254.169.254/latest/meta-data/", Options{}, ErrRefused, ""},
		{"private network refused", "http://10.1.2.3/", Options{Timeout: time.Second}, ErrRefused, ""},
		{"not http", "file:///etc/passwd", local, ErrRefused, "only http and https"},
		{"redirect to another scheme", srv.URL + "/to-file", local, ErrRefused, ""},
		{"redirect loop", srv.URL + "/loop", local, nil, "redirects"},
		{"too large, with a length", srv.URL + "/big", local, ErrTooLarge, ""},
		{"too large, chunked", srv.URL + "/big-chunked", local, ErrTooLarge, ""},
		{"too slow", srv.URL + "/slow", Options{AllowPrivate: true, Timeout: 200 * time.Millisecond}, nil, ""},
		{"not found", srv.URL + "/gone", local, nil, "404"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
			defer cancel()
			_, err := Get(ctx, tt.url, tt.o)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("err = %v, want it to say %q", err, tt.wantText)
			}
		})
	}
}
