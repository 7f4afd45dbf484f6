// Package library is the set of reports a team added: validated when added, kept whole in
// the state store (the one source of truth every replica reads), loaded back as documents for
// the index, removed by ID. A report is checked by loading it before anything is stored, and
// stored in one transaction, so an add is all or nothing, even if the process dies meanwhile.
package library

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/store"
)

// DefaultMaxBytes is the default size limit of one report file.
const DefaultMaxBytes = 10 << 20

// ErrTooBig is wrapped by the error for a file over the size limit.
var ErrTooBig = errors.New("the file is too big")

// ErrNotFound is wrapped by the error for a remove of an unknown ID.
var ErrNotFound = errors.New("no report has this ID")

// Store is the part of the state store that keeps report files.
type Store interface {
	PutReport(ctx context.Context, r store.Report) (store.Report, bool, error)
	DeleteReport(ctx context.Context, id string) (bool, error)
	Reports(ctx context.Context) ([]store.Report, error)
	ReportsVersion(ctx context.Context) (int64, error)
}

// Library adds, lists and removes the reports kept in a store.
type Library struct {
	st       Store
	loader   *corpus.Loader
	maxBytes int64

	// loaded keeps the documents of the last Entries call by content ID and load name, so that
	// a change loads only the reports it adds, not every stored one again.
	mu     sync.Mutex
	loaded map[string]corpus.Document
}

// New returns a library over st; maxBytes ≤ 0 means DefaultMaxBytes.
func New(st Store, loader *corpus.Loader, maxBytes int64) *Library {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Library{st: st, loader: loader, maxBytes: maxBytes}
}

// MaxBytes is the size limit of one report file.
func (l *Library) MaxBytes() int64 { return l.maxBytes }

// Entry is one stored report: what the store keeps about it (its file dropped) and the
// document it loads as.
type Entry struct {
	// ID is the content address, what `remove` takes.
	ID      string
	Name    string
	AddedBy string
	Origin  string
	AddedAt time.Time
	Doc     corpus.Document
}

// Add checks that a file loads as a report and stores it. It returns the entry and whether it
// is new; adding content already there changes nothing and returns the first entry. The error
// names the file and says what is wrong with it, for the person who added it.
func (l *Library) Add(ctx context.Context, name string, data []byte, addedBy, origin string) (Entry, bool, error) {
	name = cleanName(name)
	if int64(len(data)) > l.maxBytes {
		return Entry{}, false, fmt.Errorf("%s: %w (%s; the limit is %s)", name, ErrTooBig, Size(int64(len(data))), Size(l.maxBytes))
	}
	doc, err := l.loader.Load(name, data, nil)
	if err != nil {
		return Entry{}, false, err
	}
	stored, added, err := l.st.PutReport(ctx, store.Report{Name: name, Data: data, AddedBy: addedBy, Origin: origin})
	if err != nil {
		return Entry{}, false, fmt.Errorf("save %s: %w", name, err)
	}
	if !added {
		// Known content: describe the report as it was first added.
		if doc, err = l.loader.Load(stored.Name, stored.Data, nil); err != nil {
			return Entry{}, false, err
		}
	}
	return entryOf(stored, doc), added, nil
}

// Remove deletes the report with this ID (or the one report whose ID starts with it, four
// characters at least) and returns it.
func (l *Library) Remove(ctx context.Context, id string) (Entry, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	all, err := l.st.Reports(ctx)
	if err != nil {
		return Entry{}, err
	}
	var match []store.Report
	for _, r := range all {
		if r.ID == id || len(id) >= 4 && strings.HasPrefix(r.ID, id) {
			match = append(match, r)
		}
	}
	if len(match) != 1 {
		if len(match) > 1 {
			return Entry{}, fmt.Errorf("%q: %d reports have an ID starting so; give more of it", id, len(match))
		}
		return Entry{}, fmt.Errorf("%q: %w", id, ErrNotFound)
	}
	r := match[0]
	if _, err := l.st.DeleteReport(ctx, r.ID); err != nil {
		return Entry{}, err
	}
	doc, _ := l.loader.Load(r.Name, r.Data, nil)
	return entryOf(r, doc), nil
}

// Version changes whenever a report is added or removed, on any replica.
func (l *Library) Version(ctx context.Context) (int64, error) { return l.st.ReportsVersion(ctx) }

// Entries loads every stored report, oldest first. A report's corpus ID is its file name's
// base; when taken (by a report given as a file, or an earlier stored one) the content ID is
// appended. A stored file that no longer loads (a newer loader refusing it) is named in errs
// and skipped; the rest load.
func (l *Library) Entries(ctx context.Context, taken map[string]bool) (entries []Entry, errs []error) {
	all, err := l.st.Reports(ctx)
	if err != nil {
		return nil, []error{err}
	}
	used := map[string]bool{}
	for id := range taken {
		used[id] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	loaded := make(map[string]corpus.Document, len(all))
	for _, r := range all {
		ext := path.Ext(r.Name)
		base := strings.TrimSuffix(r.Name, ext)
		if used[base] {
			base += "-" + r.ID[:6]
		}
		key := r.ID + "\x00" + base + ext
		doc, ok := l.loaded[key]
		if !ok {
			var err error
			if doc, err = l.loader.Load(base+ext, r.Data, nil); err != nil {
				errs = append(errs, fmt.Errorf("stored report %s: %w", r.ID, err))
				continue
			}
		}
		loaded[key] = doc
		used[doc.Report.ID] = true
		doc.Report.Source = r.Origin
		entries = append(entries, entryOf(r, doc))
	}
	l.loaded = loaded
	return entries, errs
}

func entryOf(r store.Report, doc corpus.Document) Entry {
	return Entry{ID: r.ID, Name: r.Name, AddedBy: r.AddedBy, Origin: r.Origin, AddedAt: r.AddedAt, Doc: doc}
}

// cleanName keeps a file name's base, made of letters, digits, dots, dashes and underscores
// (an uploaded name is data: no path, no spaces, never empty).
func cleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		case r > 127 && b.Len() < 80:
			b.WriteRune(r)
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	s := strings.Trim(b.String(), "-.")
	if s == "" {
		return "report"
	}
	return s
}

// Size writes a byte count for a person: 512 B, 3.4 MB.
func Size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1000/1000)
}
