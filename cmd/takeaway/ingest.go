package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/fetch"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/library"
	"github.com/takeaway-bot/takeaway/internal/store"
)

// runIngest adds report files, and pages fetched with --url, to the state store (the data
// directory's state file, or PostgreSQL when configured), where every command and every
// running replica finds them. Each file is checked by loading it first; broken ones are named
// and skipped; a file already there is said to be.
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
	st, err := store.Open(ctx, cfg.DataDir, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("open state store (a bot serving on this data directory holds it: add the report from Slack, or share the state through TAKEAWAY_DATABASE_URL): %w", err)
	}
	defer st.Close()
	lib := library.New(st, corpus.NewLoader(i18n.Supported()), cfg.MaxReportBytes)
	added, known := 0, 0
	var errs []error
	report := func(e library.Entry, isNew bool) {
		if !isNew {
			known++
			fmt.Fprintf(env.stdout, "already there: %s, ID %s: %q (added %s)\n", e.Name, e.ID, e.Doc.Report.Title, e.AddedAt.Format("2006-01-02"))
			return
		}
		added++
		fmt.Fprintf(env.stdout, "added %s, ID %s: %q (%s, %d passages)\n", e.Name, e.ID, e.Doc.Report.Title, e.Doc.Report.Lang, len(e.Doc.Passages))
	}
	for _, u := range urls {
		e, isNew, err := addURL(ctx, lib, u, "cli", fetch.Options{AllowPrivate: cfg.FetchAllowPrivate, MaxBytes: lib.MaxBytes()})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		report(e, isNew)
	}
	files, walkErrs := reportFiles(args)
	errs = append(errs, walkErrs...)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		e, isNew, err := lib.Add(ctx, filepath.Base(f), data, "cli", f)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f, unwrapName(err, filepath.Base(f))))
			continue
		}
		report(e, isNew)
	}
	for _, e := range errs {
		fmt.Fprintf(env.stderr, "skipped: %v\n", e)
	}
	fmt.Fprintf(env.stdout, "%d report(s) added, %d already there, %d skipped\n", added, known, len(errs))
	if added+known == 0 && len(errs) > 0 {
		return errors.New("no report could be loaded")
	}
	return nil
}

// reportFiles lists the report files named, walking folders (in name order). A folder's
// manifest.toml is not stored with its files: such folders are for TAKEAWAY_REPORTS.
func reportFiles(paths []string) (files []string, errs []error) {
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, err)
				return nil
			}
			if d.IsDir() {
				if _, err := os.Stat(filepath.Join(path, corpus.ManifestName)); err == nil {
					errs = append(errs, fmt.Errorf("%s: its %s is not stored with the reports; load such a folder with TAKEAWAY_REPORTS to keep its metadata", path, corpus.ManifestName))
				}
				return nil
			}
			if corpus.IsReportFile(path) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return files, errs
}

// unwrapName drops the file name the library put first in its error, for a caller that names
// the file itself.
func unwrapName(err error, name string) error {
	msg := strings.TrimPrefix(err.Error(), name+": ")
	if msg == err.Error() {
		return err
	}
	return &namedError{msg: msg, err: err}
}

type namedError struct {
	msg string
	err error
}

func (e *namedError) Error() string { return e.msg }
func (e *namedError) Unwrap() error { return e.err }

// addURL fetches a page (bounded, no internal addresses unless allowed) and adds it to the
// library under a name made from its address. A page that names no address of its own gets
// the fetched one, so that citations link to it.
func addURL(ctx context.Context, lib *library.Library, rawURL, addedBy string, o fetch.Options) (library.Entry, bool, error) {
	page, err := fetch.Get(ctx, rawURL, o)
	if err != nil {
		return library.Entry{}, false, err
	}
	ext, ok := map[string]string{"text/html": ".html", "application/xhtml+xml": ".html", "text/markdown": ".md", "text/plain": ".txt", "application/pdf": ".pdf"}[page.MediaType]
	if !ok {
		return library.Entry{}, false, fmt.Errorf("%s: %q pages are not supported (HTML, Markdown, plain text or PDF)", rawURL, page.MediaType)
	}
	body := page.Body
	if lower := bytes.ToLower(body); ext == ".html" && !bytes.Contains(lower, []byte(`og:url`)) && !bytes.Contains(lower, []byte(`rel="canonical"`)) {
		body = append([]byte(`<meta property="og:url" content="`+html.EscapeString(page.URL)+`">`+"\n"), body...)
	}
	e, isNew, err := lib.Add(ctx, urlFileName(page.URL)+ext, body, addedBy, page.URL)
	if err != nil {
		return library.Entry{}, false, fmt.Errorf("%s: %w", rawURL, err)
	}
	return e, isNew, nil
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
	for _, suffix := range []string{"-html", "-htm", "-md", "-pdf", "-txt"} {
		name = strings.TrimSuffix(name, suffix)
	}
	if len(name) > 80 {
		name = strings.TrimRight(name[:80], "-")
	}
	if name == "" {
		return "page"
	}
	return name
}
