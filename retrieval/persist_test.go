package retrieval

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/takeaway-bot/takeaway/corpus"
)

// logRecorder keeps the messages logged, to tell which way Build went.
type logRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Message)
	return nil
}
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *logRecorder) WithGroup(string) slog.Handler      { return r }

func (r *logRecorder) saw(msg string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs {
		if m == msg {
			return true
		}
	}
	return false
}

// rankings asks every benchmark question and returns the IDs and scores of the hits.
func rankings(t *testing.T, ix *Index) []string {
	t.Helper()
	var out []string
	for _, q := range benchQuestions {
		q.K = 8
		hits, err := ix.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, h := range hits {
			b.WriteString(h.Passage.ID)
			b.WriteString(" ")
		}
		out = append(out, b.String())
	}
	return out
}

// TestPersistedIndex: with a data directory, a restart reads the index state, the full-text
// index and the dense snapshot instead of rebuilding them, and answers exactly as a fresh
// build does; broken files are named and rebuilt; a changed corpus leaves one set of files.
func TestPersistedIndex(t *testing.T) {
	c, _ := testIndex(t)
	ctx := context.Background()
	dir := t.TempDir()
	build := func(c *corpus.Corpus, dir string) (*Index, *logRecorder) {
		t.Helper()
		rec := &logRecorder{}
		ix, err := Build(ctx, c, Options{Languages: langs, DataDir: dir, Logger: slog.New(rec)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix, rec
	}
	fresh, _ := build(c, "")
	want := rankings(t, fresh)

	first, rec := build(c, dir)
	if !first.Reembedded || !rec.saw("full-text index saved") {
		t.Fatalf("first build with a data dir: reembedded %v, logs %v", first.Reembedded, rec.msgs)
	}
	if got := rankings(t, first); !reflect.DeepEqual(got, want) {
		t.Errorf("on-disk full-text index ranks differently:\n got %q\nwant %q", got, want)
	}

	again, rec := build(c, dir)
	if again.Reembedded || !rec.saw("full-text index opened") || !rec.saw("dense index loaded from snapshot") || rec.saw("could not save the index state") {
		t.Errorf("restart rebuilt: reembedded %v, logs %v", again.Reembedded, rec.msgs)
	}
	if got := rankings(t, again); !reflect.DeepEqual(got, want) {
		t.Errorf("restored index ranks differently:\n got %q\nwant %q", got, want)
	}
	if !reflect.DeepEqual(again.properNouns, fresh.properNouns) || !reflect.DeepEqual(again.df, fresh.df) || !reflect.DeepEqual(again.anchors, fresh.anchors) || !reflect.DeepEqual(again.central, fresh.central) {
		t.Error("restored index state differs from a fresh build's")
	}

	// Broken files: garbage in the state, in the full-text index's metadata.
	states, _ := filepath.Glob(filepath.Join(dir, "state-*.gob"))
	lexes, _ := filepath.Glob(filepath.Join(dir, "lexical-*"))
	if len(states) != 1 || len(lexes) != 1 {
		t.Fatalf("data dir holds states %v and full-text indexes %v, want one each", states, lexes)
	}
	if err := os.WriteFile(states[0], []byte("not a gob"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(lexes[0], shardName(0), "index_meta.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	repaired, rec := build(c, dir)
	if !rec.saw("index state unreadable, rebuilding") || !rec.saw("full-text index unusable, rebuilding") {
		t.Errorf("broken files not named: %v", rec.msgs)
	}
	if got := rankings(t, repaired); !reflect.DeepEqual(got, want) {
		t.Errorf("rebuilt index ranks differently:\n got %q\nwant %q", got, want)
	}
	if _, rec := build(c, dir); !rec.saw("full-text index opened") || rec.saw("index state unreadable, rebuilding") {
		t.Errorf("the rebuilt files were not kept: %v", rec.msgs)
	}

	// A corpus without its first report: one set of files remains, the new one.
	changed := &corpus.Corpus{Reports: c.Reports[1:]}
	for _, p := range c.Passages {
		if p.ReportID != c.Reports[0].ID {
			changed.Passages = append(changed.Passages, p)
		}
	}
	build(changed, dir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.SplitN(e.Name(), "-", 2)[0])
	}
	sort.Strings(names)
	if !reflect.DeepEqual(names, []string{"dense", "lexical", "state"}) {
		t.Errorf("data dir after a change holds %v, want one dense snapshot, full-text index and state", names)
	}
}

// TestCorpusKeyCoversWhatIsIndexed: any change to what a passage is indexed with changes the key.
func TestCorpusKeyCoversWhatIsIndexed(t *testing.T) {
	c, _ := testIndex(t)
	headers := map[string]string{}
	for _, r := range c.Reports {
		headers[r.ID] = reportHeader(r, langs)
	}
	base := corpusKey(c, headers, langs)
	if corpusKey(c, headers, langs) != base {
		t.Fatal("the key is not deterministic")
	}
	edits := map[string]func(p *corpus.Passage){
		"text":     func(p *corpus.Passage) { p.Text += " " },
		"section":  func(p *corpus.Passage) { p.Section += "x" },
		"lang":     func(p *corpus.Passage) { p.Lang = "xx" },
		"takeaway": func(p *corpus.Passage) { p.Takeaway = !p.Takeaway },
	}
	for name, edit := range edits {
		cc := *c
		cc.Passages = append([]corpus.Passage(nil), c.Passages...)
		edit(&cc.Passages[3])
		if corpusKey(&cc, headers, langs) == base {
			t.Errorf("a change of %s keeps the key", name)
		}
	}
	h2 := map[string]string{}
	for k, v := range headers {
		h2[k] = v
	}
	h2[c.Reports[0].ID] += "x"
	if corpusKey(c, h2, langs) == base || corpusKey(c, headers, langs[:2]) == base {
		t.Error("a change of header or languages keeps the key")
	}
}
