package retrieval

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/philippgille/chromem-go"

	"github.com/takeaway-bot/takeaway/corpus"
)

const collectionName = "passages"

// buildDense fills the dense side: one contiguous slab of unit vectors in corpus order (the
// flat scan searches it) and an in-memory chromem-go collection holding the same slices (the
// store of documents and snapshots). The vectors come from a snapshot when one matches the
// corpus and the embedder, else from the previous index for unchanged passages (reuse, nil
// when none), else from the embedder; a snapshot is written when any had to be embedded.
// chromem-go's own on-disk mode is avoided: it can overwrite documents (32-bit file names) and
// does not write atomically. It returns how many passages were embedded.
func buildDense(ctx context.Context, c *corpus.Corpus, key string, texts func() []string, emb Embedder, embedderID, dataDir string, log *slog.Logger, reuse func(string) []float32) (*chromem.Collection, *flat, int, error) {
	embedQuery := func(ctx context.Context, text string) ([]float32, error) { return emb.EmbedQuery(ctx, text) }
	vecs := make([][]float32, len(c.Passages))
	snapshot := ""
	fromSnapshot := false
	if dataDir != "" {
		// The key covers the passages themselves (not only the report files, whose splitting
		// may change between versions) and the embedder's identity.
		snapshot = filepath.Join(dataDir, fmt.Sprintf("dense-%s-%s.gob", key, shortHash(embedderID)))
		if f, err := os.Open(snapshot); err == nil {
			db := chromem.NewDB()
			err := db.ImportFromReader(f, "")
			f.Close()
			if err == nil {
				err = fmt.Errorf("the snapshot does not hold the %d passages", len(c.Passages))
				if col := db.GetCollection(collectionName, embedQuery); col != nil && col.Count() == len(c.Passages) {
					err = nil
					for i, p := range c.Passages {
						doc, e := col.GetByID(ctx, p.ID)
						if e != nil {
							err = e
							break
						}
						vecs[i] = doc.Embedding
					}
				}
			}
			if err == nil {
				fromSnapshot = true
				log.Info("dense index loaded from snapshot", "path", snapshot, "passages", len(c.Passages))
			} else {
				log.Warn("dense index snapshot unusable, re-embedding", "path", snapshot, "err", err)
				clear(vecs)
			}
		}
	}
	// Vectors already computed (same text, same embedder) are kept; the rest are embedded.
	var todo []int
	for i, p := range c.Passages {
		if vecs[i] == nil && reuse != nil {
			vecs[i] = reuse(p.ID)
		}
		if vecs[i] == nil {
			todo = append(todo, i)
		}
	}
	// One slab, in corpus order, allocated once the dimension is known; embedded vectors are
	// normalised straight into it, so that no second copy of every vector is ever held.
	// chromem-go keeps the slab's slices as they are (they are unit length).
	f := &flat{ids: make([]string, len(c.Passages))}
	for i, p := range c.Passages {
		f.ids[i] = p.ID
	}
	place := func(i int, v []float32, norm bool) error {
		if f.data == nil {
			f.dim = len(v)
			f.data = make([]float32, len(c.Passages)*f.dim)
		}
		if len(v) != f.dim {
			return fmt.Errorf("embed passages: vectors of %d and %d dimensions", f.dim, len(v))
		}
		if norm {
			normalizeInto(f.row(i), v)
		} else {
			copy(f.row(i), v)
		}
		return nil
	}
	for i, v := range vecs {
		if v != nil {
			if err := place(i, v, false); err != nil {
				return nil, nil, 0, err
			}
			vecs[i] = nil
		}
	}
	const batch = 256
	var all []string
	if len(todo) > 0 {
		all = texts()
	}
	for start := 0; start < len(todo); start += batch {
		part := todo[start:min(start+batch, len(todo))]
		in := make([]string, len(part))
		for j, i := range part {
			in[j] = all[i]
		}
		out, err := emb.EmbedDocuments(ctx, in)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("embed passages: %w", err)
		}
		if len(out) != len(part) {
			return nil, nil, 0, fmt.Errorf("embed passages: got %d vectors for %d passages", len(out), len(part))
		}
		for j, i := range part {
			if err := place(i, out[j], true); err != nil {
				return nil, nil, 0, err
			}
		}
	}
	db := chromem.NewDB()
	col, err := db.CreateCollection(collectionName, map[string]string{"embedder": embedderID, "corpus": c.Hash()}, embedQuery)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("create dense collection: %w", err)
	}
	// One at a time: AddDocuments starts a goroutine per document at once, and a million
	// goroutines, even short-lived, leave their descriptors in the runtime for good.
	for i, p := range c.Passages {
		if err := col.AddDocument(ctx, chromem.Document{ID: p.ID, Embedding: f.row(i), Content: p.ID}); err != nil {
			return nil, nil, 0, fmt.Errorf("add passage %s to dense index: %w", p.ID, err)
		}
	}
	if snapshot != "" && !fromSnapshot {
		if err := writeSnapshot(db, snapshot); err != nil {
			log.Warn("could not save dense index snapshot", "path", snapshot, "err", err)
		} else {
			log.Info("dense index saved", "path", snapshot, "passages", len(c.Passages))
			removeStale(dataDir, "dense-*.gob*", snapshot, log)
		}
	}
	return col, f, len(todo), nil
}

// writeSnapshot exports the database uncompressed (float vectors do not compress) through a
// temporary file renamed into place, so that a crash never leaves a half-written snapshot.
func writeSnapshot(db *chromem.DB, path string) error {
	return writeAtomic(path, func(w *bufio.Writer) error {
		if err := db.ExportToWriter(w, false, "", collectionName); err != nil {
			return fmt.Errorf("export dense index: %w", err)
		}
		return nil
	})
}

// normalize scales v to unit length; chromem-go expects unit vectors and does not normalise
// vectors it did not compute itself.
func normalize(v []float32) []float32 {
	out := make([]float32, len(v))
	normalizeInto(out, v)
	return out
}

// normalizeInto writes v scaled to unit length into dst (a zero vector becomes the first axis).
func normalizeInto(dst, v []float32) {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		clear(dst)
		if len(dst) > 0 {
			dst[0] = 1
		}
		return
	}
	inv := float32(1 / sqrt(n))
	for i, x := range v {
		dst[i] = x * inv
	}
}
