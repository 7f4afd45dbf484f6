package retrieval

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/takeaway-bot/takeaway/internal/text"
)

// Embedder turns text into vectors for the dense index. Any langchaingo embeddings.Embedder
// satisfies it (EmbedDocuments/EmbedQuery); ID names the model so that vectors from different
// embedders are never mixed in one persisted index.
type Embedder interface {
	EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error)
	EmbedQuery(ctx context.Context, text string) ([]float32, error)
}

// HashEmbedder is the weight-free default: hashed character 3–5-grams and words, weighted by an
// inverse document frequency fitted on the corpus, L2-normalised. It needs no model and no network,
// and it bridges languages through shared names and cognates (Kubernetes, technologie/technology).
type HashEmbedder struct {
	dim int
	idf map[uint32]float32
	// defaultIDF weighs features never seen in the corpus.
	defaultIDF float32
	fitHash    string
}

// NewHashEmbedder returns an embedder of dim dimensions fitted on the documents' feature frequencies.
func NewHashEmbedder(dim int, docs []string) *HashEmbedder {
	e := &HashEmbedder{dim: dim, idf: map[uint32]float32{}}
	df := map[uint32]int{}
	h := fnv.New64a()
	for _, d := range docs {
		seen := map[uint32]bool{}
		for _, f := range features(d) {
			seen[f.id] = true
		}
		for id := range seen {
			df[id]++
		}
		h.Write([]byte(d))
	}
	n := float64(len(docs))
	for id, c := range df {
		e.idf[id] = float32(math.Log(1 + (n-float64(c)+0.5)/(float64(c)+0.5)))
	}
	e.defaultIDF = float32(math.Log(1 + (n+0.5)/0.5))
	var sum [8]byte
	binary.BigEndian.PutUint64(sum[:], h.Sum64())
	e.fitHash = fmt.Sprintf("%x", sum)
	return e
}

// ID names the embedder and the corpus its weights were fitted on.
func (e *HashEmbedder) ID() string {
	return fmt.Sprintf("hash-ngram-v1-d%d-%s", e.dim, e.fitHash)
}

// EmbedDocuments embeds each text, split across cores.
func (e *HashEmbedder) EmbedDocuments(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	parallelFor(len(texts), 16, func(i int) { out[i] = e.embed(texts[i]) })
	return out, nil
}

// EmbedQuery embeds one query.
func (e *HashEmbedder) EmbedQuery(_ context.Context, text string) ([]float32, error) {
	return e.embed(text), nil
}

func (e *HashEmbedder) embed(text string) []float32 {
	v := make([]float32, e.dim)
	tf := map[uint32]float32{}
	for _, f := range features(text) {
		tf[f.id] += f.weight
	}
	// Slots are filled in a fixed order: colliding features add up, float addition is not
	// associative, and map order would give one text two slightly different vectors.
	ids := make([]uint32, 0, len(tf))
	for id := range tf {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		w := tf[id]
		idf, ok := e.idf[id]
		if !ok {
			idf = e.defaultIDF
		}
		x := (1 + float32(math.Log(float64(w)))) * idf
		// The sign bit spreads collisions around zero instead of piling them up.
		slot := id % uint32(e.dim)
		if id&0x80000000 != 0 {
			x = -x
		}
		v[slot] += x
	}
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm == 0 {
		// chromem-go turns an all-zero vector into NaN scores: give empty text a harmless direction.
		v[0] = 1
		return v
	}
	inv := float32(1 / math.Sqrt(norm))
	for i := range v {
		v[i] *= inv
	}
	return v
}

type feature struct {
	id     uint32
	weight float32
}

// features lists the hashed character n-grams (3 to 5, within word boundaries) and whole words of text.
func features(s string) []feature {
	s = text.Fold(s)
	out := make([]feature, 0, len(s)*3)
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(w)
		if text.IsHanWord(rs) {
			// Chinese and Japanese have no spaces: characters and bigrams carry the meaning.
			for i := range rs {
				out = append(out, feature{hashRunes('c', rs[i:i+1]), 0.5})
				if i+1 < len(rs) {
					out = append(out, feature{hashRunes('b', rs[i:i+2]), 1})
				}
			}
			continue
		}
		out = append(out, feature{hashRunes('w', rs), 1})
		padded := make([]rune, 0, len(rs)+2)
		padded = append(append(append(padded, '<'), rs...), '>')
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(padded); i++ {
				out = append(out, feature{hashRunes('g', padded[i:i+n]), 0.5})
			}
		}
	}
	return out
}

// hashRunes is 32-bit FNV-1a over a kind byte and the runes, without allocating.
func hashRunes(kind byte, rs []rune) uint32 {
	const prime = 16777619
	h := uint32(2166136261)
	h = (h ^ uint32(kind)) * prime
	for _, r := range rs {
		for r > 0 {
			h = (h ^ uint32(r&0xff)) * prime
			r >>= 8
		}
	}
	return h
}
