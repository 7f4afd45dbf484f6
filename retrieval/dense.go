package retrieval

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/philippgille/chromem-go"

	"github.com/takeaway-bot/takeaway/corpus"
)

const collectionName = "passages"

// buildDense fills an in-memory chromem-go collection, from a snapshot when one matches the
// corpus and the embedder, else by embedding every passage (and then writing the snapshot).
// chromem-go's own on-disk mode is avoided: it can overwrite documents (32-bit file names) and
// does not write atomically.
//
// reuse, when set, gives the vector an earlier index computed from the same text (nil when
// there is none); only the other passages are embedded. It returns how many were.
func buildDense(ctx context.Context, c *corpus.Corpus, texts []string, emb Embedder, embedderID, dataDir string, log *slog.Logger, reuse func(context.Context, string) []float32) (*chromem.Collection, int, error) {
	embedQuery := func(ctx context.Context, text string) ([]float32, error) { return emb.EmbedQuery(ctx, text) }
	snapshot := ""
	if dataDir != "" {
		// The key covers the passages themselves (not only the report files, whose splitting
		// may change between versions) and the embedder's identity.
		snapshot = filepath.Join(dataDir, fmt.Sprintf("dense-%s-%s.gob.gz", shortHash(strings.Join(texts, "\x00")+"\x00"+idsOf(c)), shortHash(embedderID)))
		if f, err := os.Open(snapshot); err == nil {
			db := chromem.NewDB()
			err := db.ImportFromReader(f, "")
			f.Close()
			if err == nil {
				if col := db.GetCollection(collectionName, embedQuery); col != nil && col.Count() == len(c.Passages) {
					log.Info("dense index loaded from snapshot", "path", snapshot, "passages", col.Count())
					return col, 0, nil
				}
			}
			log.Warn("dense index snapshot unusable, re-embedding", "path", snapshot, "err", err)
		}
	}

	db := chromem.NewDB()
	col, err := db.CreateCollection(collectionName, map[string]string{"embedder": embedderID, "corpus": c.Hash()}, embedQuery)
	if err != nil {
		return nil, 0, fmt.Errorf("create dense collection: %w", err)
	}
	// Vectors already computed (same text, same embedder) are kept; the rest are embedded.
	var todo []int
	var kept []chromem.Document
	for i, p := range c.Passages {
		var v []float32
		if reuse != nil {
			v = reuse(ctx, p.ID)
		}
		if v == nil {
			todo = append(todo, i)
			continue
		}
		kept = append(kept, chromem.Document{ID: p.ID, Embedding: v, Content: p.ID})
	}
	if len(kept) > 0 {
		if err := col.AddDocuments(ctx, kept, runtime.GOMAXPROCS(0)); err != nil {
			return nil, 0, fmt.Errorf("add passages to dense index: %w", err)
		}
	}
	const batch = 256
	for start := 0; start < len(todo); start += batch {
		part := todo[start:min(start+batch, len(todo))]
		in := make([]string, len(part))
		for j, i := range part {
			in[j] = texts[i]
		}
		vecs, err := emb.EmbedDocuments(ctx, in)
		if err != nil {
			return nil, 0, fmt.Errorf("embed passages: %w", err)
		}
		if len(vecs) != len(part) {
			return nil, 0, fmt.Errorf("embed passages: got %d vectors for %d passages", len(vecs), len(part))
		}
		docs := make([]chromem.Document, len(part))
		for j, i := range part {
			p := c.Passages[i]
			docs[j] = chromem.Document{ID: p.ID, Embedding: normalize(vecs[j]), Content: p.ID}
		}
		if err := col.AddDocuments(ctx, docs, runtime.GOMAXPROCS(0)); err != nil {
			return nil, 0, fmt.Errorf("add passages to dense index: %w", err)
		}
	}
	if snapshot != "" {
		if err := writeSnapshot(db, snapshot); err != nil {
			log.Warn("could not save dense index snapshot", "path", snapshot, "err", err)
		} else {
			log.Info("dense index saved", "path", snapshot, "passages", len(texts))
			removeStaleSnapshots(snapshot, log)
		}
	}
	return col, len(todo), nil
}

// writeSnapshot exports the database to a temporary file and renames it into place, so that a
// crash never leaves a half-written snapshot behind.
func writeSnapshot(db *chromem.DB, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".dense-*.tmp")
	if err != nil {
		return fmt.Errorf("create snapshot: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := db.ExportToWriter(tmp, true, "", collectionName); err != nil {
		tmp.Close()
		return fmt.Errorf("export dense index: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync snapshot: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close snapshot: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("install snapshot: %w", err)
	}
	return nil
}

// normalize scales v to unit length; chromem-go expects unit vectors and does not normalise
// vectors it did not compute itself.
func normalize(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		out := make([]float32, len(v))
		if len(out) > 0 {
			out[0] = 1
		}
		return out
	}
	inv := float32(1 / sqrt(n))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * inv
	}
	return out
}

func idsOf(c *corpus.Corpus) string {
	ids := make([]string, len(c.Passages))
	for i, p := range c.Passages {
		ids[i] = p.ID
	}
	return strings.Join(ids, "\x00")
}

// removeStaleSnapshots deletes the other snapshots of the data directory: they belong to an
// earlier corpus or embedder and would only grow the directory.
func removeStaleSnapshots(keep string, log *slog.Logger) {
	old, err := filepath.Glob(filepath.Join(filepath.Dir(keep), "dense-*.gob.gz"))
	if err != nil {
		return
	}
	for _, f := range old {
		if f != keep {
			if err := os.Remove(f); err == nil {
				log.Info("stale dense index snapshot removed", "path", f)
			}
		}
	}
}
