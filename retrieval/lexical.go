package retrieval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk" // CJK bigram analyzer
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/es"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/it"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/pt"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/sv"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// analyzerFor maps a language to the Bleve analyzer of its text field: stop words and Snowball
// stemming for the European languages, bigrams for Chinese and Japanese, and a neutral analyzer
// (Unicode words, lower case, CJK bigrams) for everything else.
func analyzerFor(lang string) string {
	switch lang {
	case "en", "fr", "sv", "de", "es", "it", "nl", "pt":
		return lang
	default:
		return "cjk"
	}
}

// fieldFor is the text field of a language. One field per language keeps Bleve from picking an
// arbitrary analyzer for a query over a field shared by several languages.
func fieldFor(lang string) string { return "text_" + analyzerFor(lang) }

const (
	metaField = "meta"
	// reportField holds a passage's report ID, for searches limited to a scope.
	reportField = "report"
)

// translationBoost weighs glossary translations against the question's own words.
const translationBoost = 0.5

// lexical is the full-text side of the index: BM25 on Bleve's scorch engine, in memory or on
// disk, in one or more shards searched in parallel (see shardsFor).
type lexical struct {
	shards []bleve.Index
	// index is what a query is run on: the only shard, or an alias over all of them, which
	// searches them concurrently and merges their best hits by score.
	index  bleve.Index
	fields map[string]bool // text fields that hold at least one passage
}

type lexicalDoc struct {
	ID     string
	Report string
	Text   string
	Meta   string
	Lang   string
}

// shardPassages is how many passages a full-text shard holds at most before the index is
// split, up to maxShards. A query's cost is the postings it reads, one after the other in one
// Bleve searcher; split, each shard's share is read on its own core. At 100,000 passages (4
// shards) a question's full-text query took half the time on two cores, with the same recall
// of the development cases' needles among the synthetic passages (bench_test.go). Below
// shardPassages, a team's corpus, nothing changes: one shard, scores as before.
const (
	shardPassages = 25_000
	maxShards     = 8
)

// shardsFor is the number of shards of an index of n passages: it depends on n alone, so a
// persisted index is laid out the same on every machine.
func shardsFor(n int) int {
	return min(max(1, (n+shardPassages-1)/shardPassages), maxShards)
}

// newLexical indexes the passages, in the text fields given (fieldsOf), in memory (path "")
// or in the directory path (one subdirectory per shard), in n shards. Passages are dealt to the shards in
// turn, so that every shard holds a share of every report and its term statistics, which
// score its hits, stay close to those of the whole corpus.
func newLexical(docs []lexicalDoc, fields map[string]bool, path string, n int) (*lexical, error) {
	parts := make([][]lexicalDoc, n)
	for i, d := range docs {
		parts[i%n] = append(parts[i%n], d)
	}
	shards := make([]bleve.Index, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			shardPath := ""
			if path != "" {
				shardPath = filepath.Join(path, shardName(i))
			}
			shards[i], errs[i] = newShard(parts[i], fields, shardPath)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, sh := range shards {
			if sh != nil {
				sh.Close()
			}
		}
		return nil, err
	}
	return newLexicalOf(shards, fields), nil
}

// shardName is the directory of shard i inside a persisted full-text index.
func shardName(i int) string { return fmt.Sprintf("shard-%02d", i) }

// newLexicalOf puts opened shards behind one searchable index.
func newLexicalOf(shards []bleve.Index, fields map[string]bool) *lexical {
	l := &lexical{shards: shards, fields: fields}
	if len(shards) == 1 {
		l.index = shards[0]
	} else {
		l.index = bleve.NewIndexAlias(shards...)
	}
	return l
}

// newShard indexes docs in one Bleve index, in memory (path "") or in the directory path.
func newShard(docs []lexicalDoc, fields map[string]bool, path string) (bleve.Index, error) {
	im := mapping.NewIndexMapping()
	dm := mapping.NewDocumentStaticMapping()
	for f := range fields {
		fm := mapping.NewTextFieldMapping()
		fm.Analyzer = strings.TrimPrefix(f, "text_")
		fm.Store = false
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		dm.AddFieldMappingsAt(f, fm)
	}
	rm := mapping.NewKeywordFieldMapping()
	rm.Store = false
	rm.IncludeTermVectors = false
	rm.IncludeInAll = false
	dm.AddFieldMappingsAt(reportField, rm)
	mm := mapping.NewTextFieldMapping()
	mm.Analyzer = "cjk"
	mm.Store = false
	mm.IncludeTermVectors = false
	mm.IncludeInAll = false
	dm.AddFieldMappingsAt(metaField, mm)
	im.DefaultMapping = dm
	im.DefaultAnalyzer = "cjk"
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	// scorch is what gives BM25; bleve.NewMemOnly would silently stay with TF-IDF. Each batch
	// waits until its segment is written (scorch's default, not unsafe_batch), so a closed
	// on-disk index holds every passage.
	idx, err := bleve.NewUsing(path, im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create full-text index: %w", err)
	}
	batch := idx.NewBatch()
	for _, d := range docs {
		doc := map[string]any{fieldFor(d.Lang): d.Text, metaField: d.Meta, reportField: d.Report}
		if err := batch.Index(d.ID, doc); err != nil {
			idx.Close()
			return nil, fmt.Errorf("index passage %s: %w", d.ID, err)
		}
		if batch.Size() >= 2000 {
			if err := idx.Batch(batch); err != nil {
				idx.Close()
				return nil, fmt.Errorf("index batch: %w", err)
			}
			batch = idx.NewBatch()
		}
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, fmt.Errorf("index batch: %w", err)
	}
	if path != "" {
		// On disk the index is only read from now on: merged into one segment, a query term
		// is looked up in one dictionary and read from one postings list, not one per batch.
		adv, err := idx.Advanced()
		if err == nil {
			if sc, ok := adv.(*scorch.Scorch); ok {
				err = sc.ForceMerge(context.Background(), &mergeplan.SingleSegmentMergePlanOptions)
			}
		}
		if err != nil {
			idx.Close()
			return nil, fmt.Errorf("merge full-text index: %w", err)
		}
	}
	return idx, nil
}

type scored struct {
	id    string
	score float64
}

// search runs one query per language field: the question's content words (names bridge
// languages), plus their glossary translations into that field's language; and one on the
// report metadata. Each field's analyzer stems the words the way that field was indexed. What
// a query may read is bounded (see maxPostings): its rarest terms are kept, its commonest left
// out, so that no question costs much more than another whatever its glossary expansion.
func (l *lexical) search(terms []string, translations map[string][]string, k int, reports []string) ([]scored, error) {
	df, done, err := l.docFreqs()
	if err != nil {
		return nil, err
	}
	defer done()
	var groups []clauseGroup
	fields := make([]string, 0, len(l.fields))
	for f := range l.fields {
		fields = append(fields, f)
	}
	// A fixed order keeps score sums, hence rankings, identical from run to run.
	sort.Strings(fields)
	for _, f := range fields {
		analyzer := strings.TrimPrefix(f, "text_")
		groups = append(groups, l.analyze(terms, f, analyzer, 1))
		// Glossary translations help a question reach another language, but weigh less than
		// the question's own words, so that many inflected forms of one word do not drown a name.
		if analyzer == "cjk" {
			groups = append(groups, l.analyze(append(append([]string(nil), translations["zh"]...), translations["ja"]...), f, analyzer, translationBoost))
		} else {
			groups = append(groups, l.analyze(translations[analyzer], f, analyzer, translationBoost))
		}
	}
	if len(terms) > 0 {
		var all []string
		all = append(all, terms...)
		langs := make([]string, 0, len(translations))
		for l := range translations {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		for _, l := range langs {
			all = append(all, translations[l]...)
		}
		groups = append(groups, l.analyze(all, metaField, "cjk", 0.3))
	}
	qs := boundedQueries(groups, df)
	if len(qs) == 0 {
		return nil, nil
	}
	var q query.Query = query.NewDisjunctionQuery(qs)
	if len(reports) > 0 {
		// The scope is a filter: only passages of the scoped reports can match.
		var in []query.Query
		for _, r := range reports {
			tq := query.NewTermQuery(r)
			tq.SetField(reportField)
			in = append(in, tq)
		}
		filter := query.NewDisjunctionQuery(in)
		filter.SetBoost(0) // the filter selects; it does not score
		q = query.NewConjunctionQuery([]query.Query{q, filter})
	}
	// Twice as many as asked are read, by score alone (ordering every match by ID as well
	// would make Bleve load the ID of each). When passages tied with the k-th reach the end
	// of what was read, more are read, then, if they still do, every match is ordered by
	// score and ID: which of the tied passages are kept never depends on the index's
	// internal order.
	if k <= 0 {
		return nil, nil
	}
	for _, window := range []int{2 * k, 16 * k} {
		hits, err := l.top(q, window, false)
		if err != nil {
			return nil, err
		}
		if len(hits) < window || roundScore(hits[len(hits)-1].score) != roundScore(hits[k-1].score) {
			return hits[:min(k, len(hits))], nil
		}
	}
	hits, err := l.top(q, 2*k, true)
	if err != nil {
		return nil, err
	}
	return hits[:min(k, len(hits))], nil
}

// top runs q for its n best passages, by descending score then passage ID. Scores that are
// equal in exact arithmetic can differ in their last bit between two builds of the same
// corpus (Bleve sums the parts of a disjunction in an order that varies), so they are compared
// to twelve decimals.
func (l *lexical) top(q query.Query, n int, byID bool) ([]scored, error) {
	req := bleve.NewSearchRequestOptions(q, n, 0, false)
	if byID {
		req.SortBy([]string{"-_score", "_id"})
	}
	res, err := l.index.Search(req)
	if err != nil {
		return nil, fmt.Errorf("full-text search: %w", err)
	}
	out := make([]scored, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = scored{id: h.ID, score: h.Score}
	}
	sort.SliceStable(out, func(i, j int) bool {
		qi, qj := roundScore(out[i].score), roundScore(out[j].score)
		if qi != qj {
			return qi > qj
		}
		return out[i].id < out[j].id
	})
	return out, nil
}

func roundScore(s float64) float64 { return math.Round(s * 1e12) }

func (l *lexical) close() error {
	var errs []error
	for _, sh := range l.shards {
		errs = append(errs, sh.Close())
	}
	return errors.Join(errs...)
}

// maxDocShare bounds what a query term may cost: a term found in more than this share of the
// passages (of one field) is left out of the query. Its IDF is near zero, so it barely moves
// the ranking, while its postings are the longest to read: at 100,000 passages the event words
// of a header ("kubecon", "europe") or a preposition kept inside a glossary phrase made some
// questions cost 40–60 ms.
const maxDocShare = 0.25

// maxPostings bounds the postings one question's full-text query reads (the sum of its terms'
// document frequencies, over all shards), which is what its cost grows with: about half a
// microsecond each in Bleve's disjunction. Terms are taken rarest first until the bound: the
// ones left out are the commonest, whose IDF moves the ranking least. At the size of a team's
// corpus (a few thousand passages) no question comes near it. At 100,000 passages in 4 shards
// on two cores, 20,000 kept every development question under about 10 ms (60,000: p99 22 ms),
// and the answers the questions have among the synthetic passages were found as often (the
// benchmarks' recall@10: 0.649 against 0.642).
const maxPostings = 20_000

// docFreqs returns the document frequency of a term in a field, summed over one reader of
// each shard, and the function that releases the readers.
func (l *lexical) docFreqs() (func(field, term string) uint64, func(), error) {
	var readers []index.IndexReader
	done := func() {
		for _, r := range readers {
			r.Close()
		}
	}
	var n uint64
	for _, sh := range l.shards {
		adv, err := sh.Advanced()
		if err != nil {
			done()
			return nil, nil, fmt.Errorf("full-text index: %w", err)
		}
		r, err := adv.Reader()
		if err != nil {
			done()
			return nil, nil, fmt.Errorf("full-text index reader: %w", err)
		}
		readers = append(readers, r)
		c, err := r.DocCount()
		if err != nil {
			done()
			return nil, nil, fmt.Errorf("full-text index: %w", err)
		}
		n += c
	}
	seen := map[string]uint64{}
	df := func(field, term string) uint64 {
		key := field + "\x00" + term
		if v, ok := seen[key]; ok {
			return v
		}
		var v uint64
		for _, r := range readers {
			if tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, false, false, false); err == nil {
				v += tfr.Count()
				tfr.Close()
			}
		}
		seen[key] = v
		return v
	}
	limit := uint64(float64(n) * maxDocShare)
	bounded := func(field, term string) uint64 {
		if v := df(field, term); v <= limit {
			return v
		}
		return math.MaxUint64 // too common to be worth reading
	}
	return bounded, done, nil
}

// clauseGroup is what Bleve's match query makes of one text: its analysed terms, one term
// query each, any of which may match, the boost on each and on the whole.
type clauseGroup struct {
	field string
	boost float64
	terms []string
}

// analyze analyses words with a field's analyzer.
func (l *lexical) analyze(words []string, field, analyzer string, boost float64) clauseGroup {
	g := clauseGroup{field: field, boost: boost}
	text := strings.Join(words, " ")
	a := l.shards[0].Mapping().AnalyzerNamed(analyzer)
	if a == nil || strings.TrimSpace(text) == "" {
		return g
	}
	for _, tok := range a.Analyze([]byte(text)) {
		g.terms = append(g.terms, string(tok.Term))
	}
	return g
}

// boundedQueries makes one disjunction per group of the terms that fit in maxPostings, taken
// rarest first (ties in the order they were asked).
func boundedQueries(groups []clauseGroup, df func(field, term string) uint64) []query.Query {
	type clause struct {
		group, pos int
		df         uint64
	}
	var all []clause
	keep := make([][]bool, len(groups))
	for gi, g := range groups {
		keep[gi] = make([]bool, len(g.terms))
		for pi, t := range g.terms {
			switch d := df(g.field, t); d {
			case math.MaxUint64: // too common
			case 0:
				// Terms the field does not hold read nothing; they stay, as in Bleve's match
				// query, where they count in the share of terms a passage matches.
				keep[gi][pi] = true
			default:
				all = append(all, clause{gi, pi, d})
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].df < all[j].df })
	var read uint64
	for i, c := range all {
		if i > 0 && read+c.df > maxPostings {
			break
		}
		read += c.df
		keep[c.group][c.pos] = true
	}
	var qs []query.Query
	for gi, g := range groups {
		var tqs []query.Query
		for pi, t := range g.terms {
			if keep[gi][pi] {
				tq := query.NewTermQuery(t)
				tq.SetField(g.field)
				tq.SetBoost(g.boost)
				tqs = append(tqs, tq)
			}
		}
		if len(tqs) == 0 {
			continue
		}
		dq := query.NewDisjunctionQuery(tqs)
		dq.SetMin(1)
		dq.SetBoost(g.boost)
		qs = append(qs, dq)
	}
	return qs
}
