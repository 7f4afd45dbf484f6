package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/fetch"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// runIngest validates report files, and pages fetched with --url, and copies the good ones
// into the data directory, where every later command (ask, serve, eval) finds them. Broken
// ones are named and skipped.
func runIngest(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	var urls []string
	fs.Func("url", "fetch a report from this http(s) address (repeatable)", func(u string) error {
		urls = append(urls, u)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) == 0 && len(urls) == 0 {
		return errors.New("no path: takeaway ingest FILE_OR_FOLDER… or takeaway ingest --url URL")
	}
	cfg, err := env.config(false)
	if err != nil {
		return err
	}
	dataDir := cfg.DataDir
	dir := reportsDir(dataDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	loader := corpus.NewLoader(i18n.Supported())
	added := 0
	report := func(name string, d corpus.Document) {
		added++
		fmt.Fprintf(env.stdout, "added %s: %q (%s, %d passages)\n", name, d.Report.Title, d.Report.Lang, len(d.Passages))
	}
	var errs []error
	for _, u := range urls {
		name, d, err := ingestURL(ctx, loader, dir, u, fetch.Options{AllowPrivate: cfg.FetchAllowPrivate})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		report(name, d)
	}
	var docs []corpus.Document
	if len(args) > 0 {
		var loadErrs []error
		docs, loadErrs = loader.LoadPaths(args...)
		errs = append(errs, loadErrs...)
	}
	for _, e := range errs {
		fmt.Fprintf(env.stderr, "skipped: %v\n", e)
	}
	for _, d := range docs {
		src := d.Report.Source
		data, err := os.ReadFile(src)
		if err != nil {
			fmt.Fprintf(env.stderr, "skipped: %s: %v\n", src, err)
			continue
		}
		dst := filepath.Join(dir, filepath.Base(src))
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return fmt.Errorf("copy %s: %w", src, err)
		}
		report(filepath.Base(src), d)
	}
	fmt.Fprintf(env.stdout, "%d report(s) added to %s, %d skipped\n", added, dir, len(errs))
	if added == 0 && len(errs) > 0 {
		return errors.New("no report could be loaded")
	}
	return nil
}

// ingestURL fetches a page (bounded, no internal addresses unless allowed), checks that it
// loads as a report and saves it in dir under a name made from its address; it returns the
// file name and the loaded report. A page that names no address of its own gets the fetched
// one, so that citations link to it.
func ingestURL(ctx context.Context, loader *corpus.Loader, dir, rawURL string, o fetch.Options) (string, corpus.Document, error) {
	page, err := fetch.Get(ctx, rawURL, o)
	if err != nil {
		return "", corpus.Document{}, err
	}
	ext, ok := map[string]string{"text/html": ".html", "application/xhtml+xml": ".html", "text/markdown": ".md", "text/plain": ".txt"}[page.MediaType]
	if !ok {
		return "", corpus.Document{}, fmt.Errorf("%s: %q pages are not supported (HTML, Markdown or plain text)", rawURL, page.MediaType)
	}
	body := page.Body
	if lower := bytes.ToLower(body); ext == ".html" && !bytes.Contains(lower, []byte(`og:url`)) && !bytes.Contains(lower, []byte(`rel="canonical"`)) {
		body = append([]byte(`<meta property="og:url" content="`+html.EscapeString(page.URL)+`">`+"\n"), body...)
	}
	name := urlFileName(page.URL) + ext
	d, err := loader.Load(name, body, nil)
	if err != nil {
		return "", corpus.Document{}, fmt.Errorf("%s: %w", rawURL, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
		return "", corpus.Document{}, fmt.Errorf("save %s: %w", rawURL, err)
	}
	return name, d, nil
}

// urlFileName makes a file name from an address: host and path, letters and digits kept.
func urlFileName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "page"
	}
	var b strings.Builder
	for _, r := range strings.ToLower(u.Host + u.Path) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	name = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "-html"), "-htm"), "-md")
	if len(name) > 80 {
		name = strings.TrimRight(name[:80], "-")
	}
	if name == "" {
		return "page"
	}
	return name
}
