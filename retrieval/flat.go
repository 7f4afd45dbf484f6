package retrieval

import (
	"runtime"
	"sort"
	"sync"

	"github.com/viterin/vek/vek32"
)

// flat is the dense side's search structure: every passage vector, unit length, in one
// contiguous slab in corpus order, scanned exactly with a vectorised dot product (AVX2 where
// the CPU has it) split across cores. chromem-go's collection holds the same slices (it keeps
// a caller's vector that is already normalised), so the vectors are not held twice; it stays
// the store of documents and snapshots, and this is how they are searched.
type flat struct {
	dim  int
	data []float32 // len(ids) × dim
	ids  []string
}

// row is the vector of the i-th passage, capped so that nothing can append into the next.
func (f *flat) row(i int) []float32 {
	return f.data[i*f.dim : (i+1)*f.dim : (i+1)*f.dim]
}

// parallelRows is the size from which a scan is split across cores: below it, starting
// goroutines costs more than it saves.
const parallelRows = 16384

// match is one scanned passage: its row and its similarity to the question.
type match struct {
	row int
	sim float32
}

// search returns the k rows most similar to vec (a unit vector) among those keep accepts (nil:
// all), best first, equal similarities in row order.
func (f *flat) search(vec []float32, k int, keep func(row int) bool) []match {
	n := len(f.ids)
	if n == 0 || k <= 0 || len(vec) != f.dim {
		return nil
	}
	parts := 1
	if n >= parallelRows {
		parts = min(runtime.GOMAXPROCS(0), n/(parallelRows/2))
	}
	tops := make([][]match, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*n/parts, (p+1)*n/parts
		scan := func() { tops[p] = f.scan(vec, lo, hi, k, keep) }
		if parts == 1 {
			scan()
			continue
		}
		wg.Go(scan)
	}
	wg.Wait()
	var all []match
	for _, t := range tops {
		all = append(all, t...)
	}
	sortMatches(all)
	return all[:min(k, len(all))]
}

// scan keeps the k best rows of [lo, hi) in a bounded min-heap.
func (f *flat) scan(vec []float32, lo, hi, k int, keep func(int) bool) []match {
	h := make(matchHeap, 0, k)
	for i := lo; i < hi; i++ {
		if keep != nil && !keep(i) {
			continue
		}
		sim := vek32.Dot(f.data[i*f.dim:(i+1)*f.dim], vec)
		switch {
		case len(h) < k:
			h.push(match{i, sim})
		case worse(h[0], match{i, sim}):
			h[0] = match{i, sim}
			h.down(0)
		}
	}
	return h
}

// worse orders matches: lower similarity first, then the later row (ties go to the earlier
// row, the corpus order, whatever the split of the scan).
func worse(a, b match) bool {
	if a.sim != b.sim {
		return a.sim < b.sim
	}
	return a.row > b.row
}

func sortMatches(m []match) {
	sort.Slice(m, func(i, j int) bool { return worse(m[j], m[i]) })
}

// matchHeap is a min-heap by worse: the root is the match to drop first.
type matchHeap []match

func (h *matchHeap) push(m match) {
	*h = append(*h, m)
	i := len(*h) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !worse((*h)[i], (*h)[parent]) {
			break
		}
		(*h)[i], (*h)[parent] = (*h)[parent], (*h)[i]
		i = parent
	}
}

func (h matchHeap) down(i int) {
	for {
		l, r, least := 2*i+1, 2*i+2, i
		if l < len(h) && worse(h[l], h[least]) {
			least = l
		}
		if r < len(h) && worse(h[r], h[least]) {
			least = r
		}
		if least == i {
			return
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
}
