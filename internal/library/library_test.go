package library

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/store"
)

func newLibrary(t *testing.T, maxBytes int64) (*Library, *store.Bolt) {
	t.Helper()
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st, corpus.NewLoader([]string{"en", "fr"}), maxBytes), st
}

const report = `---
title: Notes from GopherCon EU 2025 in Berlin
---
# The keynote

The keynote was about structured concurrency and what the Go team learned from a year of iterators.
`

func TestAddListRemove(t *testing.T) {
	lib, st := newLibrary(t, 0)
	ctx := t.Context()
	e, added, err := lib.Add(ctx, "../../gophercon notes.md", []byte(report), "U1", "upload")
	if err != nil || !added {
		t.Fatalf("Add = %v, %v", added, err)
	}
	if e.Name != "gophercon-notes.md" || e.Doc.Report.Title != "Notes from GopherCon EU 2025 in Berlin" || len(e.Doc.Passages) == 0 {
		t.Errorf("entry = %+v", e)
	}
	again, added, err := lib.Add(ctx, "copy.md", []byte(report), "U2", "upload")
	if err != nil || added || again.ID != e.ID || again.AddedBy != "U1" {
		t.Errorf("re-adding: %+v added=%v err=%v; want the first entry, not added", again, added, err)
	}
	// A file name already taken by another report gets the content ID appended.
	entries, errs := lib.Entries(ctx, map[string]bool{"gophercon-notes": true})
	if len(errs) != 0 || len(entries) != 1 || entries[0].Doc.Report.ID != "gophercon-notes-"+e.ID[:6] {
		t.Fatalf("Entries = %+v, %v", entries, errs)
	}
	if _, err := lib.Remove(ctx, "zzzz"); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing an unknown ID: %v", err)
	}
	gone, err := lib.Remove(ctx, strings.ToUpper(e.ID[:5]))
	if err != nil || gone.ID != e.ID {
		t.Fatalf("Remove by prefix = %+v, %v", gone, err)
	}
	if list, _ := st.Reports(ctx); len(list) != 0 {
		t.Errorf("still stored: %+v", list)
	}
}

// TestBadFilesAddNothing: every refused file is named with its reason, and nothing is stored.
func TestBadFilesAddNothing(t *testing.T) {
	lib, st := newLibrary(t, 200)
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		data string
		want error
	}{
		{"big.md", strings.Repeat("A sentence of text. ", 20), ErrTooBig},
		{"latin1.txt", "Caf\xe9", corpus.ErrNotUTF8},
		{"empty.md", "---\ntitle: x\n---\n", corpus.ErrNoText},
		{"app.html", "<html><body><script>app()</script><div id=app></div></body></html>", corpus.ErrNoArticle},
		{"image.md", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", corpus.ErrUnsupported},
	} {
		_, _, err := lib.Add(ctx, tc.name, []byte(tc.data), "U1", "upload")
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s: error = %v, want one naming the file and wrapping %v", tc.name, err, tc.want)
		}
	}
	if list, _ := st.Reports(ctx); len(list) != 0 {
		t.Errorf("refused files were stored: %d", len(list))
	}
	if v, _ := lib.Version(ctx); v != 0 {
		t.Errorf("version moved to %d on refused files", v)
	}
}
