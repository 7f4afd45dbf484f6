package retrieval

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"github.com/takeaway-bot/takeaway/corpus"
)

// stateFormat names the layout of what Build derives from a corpus. Change it whenever the way
// passages are analysed, indexed or embedded changes: the persisted index of an older layout is
// then rebuilt rather than read. Builds that carry a VCS revision add it to the key as well.
const stateFormat = "index-v2" // v2: the full-text index in shards

// corpusKey identifies a corpus as the index sees it: every passage (ID, report, section,
// language, text, take-away mark), every report header and the question languages, under the
// state format and the build's revision. The dense snapshot, the full-text index and the index
// state are all kept under it, so that they always belong together.
func corpusKey(c *corpus.Corpus, headers map[string]string, langs []string) string {
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(stateFormat)
	field(buildRevision())
	field(strings.Join(langs, ","))
	for _, r := range c.Reports {
		field(r.ID)
		field(headers[r.ID])
	}
	for _, p := range c.Passages {
		field(p.ID)
		field(p.ReportID)
		field(p.Section)
		field(p.Lang)
		field(p.Text)
		if p.Takeaway {
			field("t")
		} else {
			field("")
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// buildRevision is the VCS revision the binary was built from (with "+dirty" for modified
// trees), or "" when the build carries none (tests, builds outside a checkout).
func buildRevision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && rev != "" {
		rev += "+dirty"
	}
	return rev
}

// indexState is what Build derives from the passages besides the two search structures: the
// names each passage answers to, the vocabulary, the central passages, the proper nouns, the
// key of each passage's dense text and the built-in embedder's weights. Persisted, it spares a
// restart the pass over every word of the corpus.
type indexState struct {
	Format       string
	Anchors      []nameSet // per passage row
	SectionNames map[string]nameSet
	CarriedNames map[string]nameSet // passage ID → names carried from the passage before
	DF           map[string]int
	ProperNouns  nameSet
	Central      map[string][]string
	DenseKeys    []string // per passage row
	Embedder     *hashEmbedderState
}

type hashEmbedderState struct {
	Dim        int
	IDF        map[uint32]float32
	DefaultIDF float32
	FitHash    string
}

func (e *HashEmbedder) state() *hashEmbedderState {
	return &hashEmbedderState{Dim: e.dim, IDF: e.idf, DefaultIDF: e.defaultIDF, FitHash: e.fitHash}
}

func (s *hashEmbedderState) embedder() *HashEmbedder {
	return &HashEmbedder{dim: s.Dim, idf: s.IDF, defaultIDF: s.DefaultIDF, fitHash: s.FitHash}
}

func statePath(dir, key string) string {
	return filepath.Join(dir, "state-"+key+".gob")
}

// loadState reads the index state kept under key, or nil when there is none or it does not fit
// the corpus (n passages); an unreadable file is logged and rebuilt.
func loadState(dir, key string, n int, log *slog.Logger) *indexState {
	path := statePath(dir, key)
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var st indexState
	if err := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&st); err != nil {
		log.Warn("index state unreadable, rebuilding", "path", path, "err", err)
		return nil
	}
	if st.Format != stateFormat || len(st.Anchors) != n || len(st.DenseKeys) != n {
		log.Warn("index state does not fit the corpus, rebuilding", "path", path)
		return nil
	}
	return &st
}

// saveState writes the state under key, atomically.
func saveState(dir, key string, st *indexState) error {
	return writeAtomic(statePath(dir, key), func(w *bufio.Writer) error {
		return gob.NewEncoder(w).Encode(st)
	})
}

// writeAtomic writes a file through a temporary one in the same directory, synced and renamed
// into place, so that a crash never leaves half a file under the final name.
func writeAtomic(path string, write func(w *bufio.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", filepath.Base(path), err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(w); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("install %s: %w", filepath.Base(path), err)
	}
	return nil
}

// persistedLexical opens the full-text index kept under key in dir, or builds it there: in a
// temporary directory, closed (every segment written), renamed into place, then opened read
// only. A replica that loses the race to install it opens the winner's.
func persistedLexical(dir, key string, n int, fields map[string]bool, docs func() []lexicalDoc, log *slog.Logger) (*lexical, error) {
	path := filepath.Join(dir, "lexical-"+key)
	if l, err := openLexical(path, n, fields); err == nil {
		log.Info("full-text index opened", "path", path, "passages", n)
		return l, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		log.Warn("full-text index unusable, rebuilding", "path", path, "err", err)
		if err := os.RemoveAll(path); err != nil {
			return nil, fmt.Errorf("remove unusable full-text index: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".lexical-*")
	if err != nil {
		return nil, fmt.Errorf("create full-text index: %w", err)
	}
	defer os.RemoveAll(tmp)
	built := filepath.Join(tmp, "index")
	l, err := newLexical(docs(), fields, built, shardsFor(n))
	if err != nil {
		return nil, err
	}
	if err := l.close(); err != nil {
		return nil, fmt.Errorf("write full-text index: %w", err)
	}
	if err := os.Rename(built, path); err != nil {
		if _, statErr := os.Stat(path); statErr != nil {
			return nil, fmt.Errorf("install full-text index: %w", err)
		}
	}
	log.Info("full-text index saved", "path", path, "passages", n)
	return openLexical(path, n, fields)
}

// openLexical opens an index written by persistedLexical, read only, and checks that it holds
// the n passages in the shards an index of n passages has.
func openLexical(path string, n int, fields map[string]bool) (*lexical, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	want := shardsFor(n)
	for i := range want {
		if _, err := os.Stat(filepath.Join(path, shardName(i), "index_meta.json")); err != nil {
			// Not wrapped: the index exists, so a missing shard makes it unusable (rebuilt), not absent.
			return nil, fmt.Errorf("open full-text index: shard %d of %d: %v", i+1, want, err)
		}
	}
	if _, err := os.Stat(filepath.Join(path, shardName(want))); err == nil {
		return nil, fmt.Errorf("open full-text index: more than the %d shards of %d passages", want, n)
	}
	var shards []bleve.Index
	fail := func(err error) (*lexical, error) {
		for _, sh := range shards {
			sh.Close()
		}
		return nil, fmt.Errorf("open full-text index: %w", err)
	}
	var count uint64
	for i := range want {
		idx, err := bleve.OpenUsing(filepath.Join(path, shardName(i)), map[string]any{"read_only": true})
		if err != nil {
			return fail(err)
		}
		shards = append(shards, idx)
		c, err := idx.DocCount()
		if err != nil {
			return fail(err)
		}
		count += c
	}
	if count != uint64(n) {
		return fail(fmt.Errorf("it holds %d passages, not %d", count, n))
	}
	return newLexicalOf(shards, fields), nil
}

// removeStale deletes the files and directories of dir matching pattern except keep: they
// belong to an earlier corpus or embedder and would only grow the directory.
func removeStale(dir, pattern, keep string, log *slog.Logger) {
	old, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return
	}
	for _, f := range old {
		if f != keep {
			if err := os.RemoveAll(f); err == nil {
				log.Info("stale index file removed", "path", f)
			}
		}
	}
}

// fieldsOf lists the text fields the passages are indexed in.
func fieldsOf(c *corpus.Corpus) map[string]bool {
	fields := map[string]bool{}
	for _, p := range c.Passages {
		fields[fieldFor(p.Lang)] = true
	}
	return fields
}
