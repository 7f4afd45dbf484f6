package retrieval

import (
	"math/rand"
	"sort"
	"testing"
)

// TestFlatScanIsExact: the flat scan returns exactly the k best rows a naive scan finds, in
// the same order (ties by row), split across cores or not, with and without a filter.
func TestFlatScanIsExact(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	const dim = 48
	for _, n := range []int{1, 7, 1000, parallelRows*2 + 123} {
		f := &flat{dim: dim, data: make([]float32, n*dim), ids: make([]string, n)}
		for i := range n {
			// Few distinct vectors, so that many rows tie.
			seed := rng.Intn(max(n/3, 1))
			r := rand.New(rand.NewSource(int64(seed)))
			v := make([]float32, dim)
			for j := range v {
				v[j] = float32(r.NormFloat64())
			}
			copy(f.row(i), normalize(v))
		}
		q := make([]float32, dim)
		for j := range q {
			q[j] = float32(rng.NormFloat64())
		}
		q = normalize(q)
		for _, keep := range []func(int) bool{nil, func(r int) bool { return r%3 != 0 }} {
			var want []match
			for i := range n {
				if keep != nil && !keep(i) {
					continue
				}
				var dot float32
				for j := range dim {
					dot += f.row(i)[j] * q[j]
				}
				want = append(want, match{i, dot})
			}
			sort.SliceStable(want, func(a, b int) bool { return want[a].sim > want[b].sim })
			got := f.search(q, 50, keep)
			if len(got) != min(50, len(want)) {
				t.Fatalf("n=%d: %d results, want %d", n, len(got), min(50, len(want)))
			}
			for i := range got {
				// The vectorised dot product sums in another order: compare to a tolerance,
				// and the rows wherever the similarities are not within it of a neighbour's.
				if d := got[i].sim - want[i].sim; d > 1e-5 || d < -1e-5 {
					t.Fatalf("n=%d rank %d: similarity %v, want %v", n, i, got[i].sim, want[i].sim)
				}
				if i > 0 && got[i-1].sim == got[i].sim && got[i-1].row > got[i].row {
					t.Fatalf("n=%d: tie at rank %d not in row order", n, i)
				}
			}
		}
	}
}
