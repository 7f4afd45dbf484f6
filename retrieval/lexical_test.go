package retrieval

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestShardedLexical: an index split into shards holds every passage once, ranks the same on
// every build and after a restart from disk, finds what one shard finds for questions whose
// words are rare, and a persisted index laid out in another number of shards is refused.
func TestShardedLexical(t *testing.T) {
	c, ix := testIndex(t)
	headers := map[string]string{}
	for _, r := range c.Reports {
		headers[r.ID] = reportHeader(r, langs)
	}
	docs := preparePassages(c, headers, ix.reports).lexical
	fields := fieldsOf(c)
	search := func(l *lexical, q Query) []string {
		t.Helper()
		hits, err := l.search(ix.analyzer.Terms(q.Text, q.Lang), ix.analyzer.Glossary().Translate(q.Text, q.Lang, ix.langsOfCorpus), 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.id)
		}
		return ids
	}
	rank := func(l *lexical) []string {
		var out []string
		for _, q := range benchQuestions {
			out = append(out, strings.Join(search(l, q), " "))
		}
		return out
	}
	one, err := newLexical(docs, fields, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer one.close()
	three, err := newLexical(docs, fields, "", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer three.close()
	var total uint64
	for _, sh := range three.shards {
		n, err := sh.DocCount()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Error("a shard holds no passage")
		}
		total += n
	}
	if total != uint64(len(docs)) {
		t.Fatalf("shards hold %d passages, want %d", total, len(docs))
	}
	again, err := newLexical(docs, fields, "", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer again.close()
	want := rank(three)
	if got := rank(again); !reflect.DeepEqual(got, want) {
		t.Errorf("two sharded builds rank differently:\n got %q\nwant %q", got, want)
	}
	// A question on a name few passages hold has the same best passage in one shard or three.
	for _, q := range []Query{{Text: "gVisor", Lang: "en"}, {Text: "Brigade brigade.js", Lang: "en"}, {Text: "Monzo", Lang: "en"}} {
		a, b := search(one, q), search(three, q)
		if len(a) == 0 || len(b) == 0 || a[0] != b[0] {
			t.Errorf("%q: best passage %v in one shard, %v in three", q.Text, a[:min(1, len(a))], b[:min(1, len(b))])
		}
	}

	dir := filepath.Join(t.TempDir(), "lexical")
	disk, err := newLexical(docs, fields, dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := disk.close(); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := os.Stat(filepath.Join(dir, shardName(i), "index_meta.json")); err != nil {
			t.Fatalf("shard %d not written: %v", i, err)
		}
	}
	// The default corpus makes one shard: three on disk are another layout, refused.
	if l, err := openLexical(dir, len(docs), fields); err == nil {
		l.close()
		t.Error("a full-text index of 3 shards opened for a corpus of 1")
	} else if os.IsNotExist(err) {
		t.Errorf("a refused layout reads as absent (it would not be rebuilt): %v", err)
	}
}
