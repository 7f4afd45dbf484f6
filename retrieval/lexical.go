package retrieval

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

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
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
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

// lexical is the full-text side of the index: BM25 on Bleve's scorch engine, in memory.
type lexical struct {
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

// newLexical indexes the passages in memory (path "") or in the directory path.
func newLexical(docs []lexicalDoc, path string) (*lexical, error) {
	im := mapping.NewIndexMapping()
	dm := mapping.NewDocumentStaticMapping()
	fields := map[string]bool{}
	for _, d := range docs {
		fields[fieldFor(d.Lang)] = true
	}
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
	return &lexical{index: idx, fields: fields}, nil
}

type scored struct {
	id    string
	score float64
}

// search runs one query per language field: the question's content words (names bridge
// languages), plus their glossary translations into that field's language; and one on the
// report metadata. Each field's analyzer stems the words the way that field was indexed.
func (l *lexical) search(terms []string, translations map[string][]string, k int, reports []string) ([]scored, error) {
	common, done, err := l.commonTerms()
	if err != nil {
		return nil, err
	}
	defer done()
	var qs []query.Query
	fields := make([]string, 0, len(l.fields))
	for f := range l.fields {
		fields = append(fields, f)
	}
	// A fixed order keeps score sums, hence rankings, identical from run to run.
	sort.Strings(fields)
	for _, f := range fields {
		analyzer := strings.TrimPrefix(f, "text_")
		add := func(words []string, boost float64) {
			if q := l.match(strings.Join(words, " "), f, analyzer, boost, common); q != nil {
				qs = append(qs, q)
			}
		}
		add(terms, 1)
		// Glossary translations help a question reach another language, but weigh less than
		// the question's own words, so that many inflected forms of one word do not drown a name.
		if analyzer == "cjk" {
			add(append(append([]string(nil), translations["zh"]...), translations["ja"]...), translationBoost)
		} else {
			add(translations[analyzer], translationBoost)
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
		if q := l.match(strings.Join(all, " "), metaField, "cjk", 0.3, common); q != nil {
			qs = append(qs, q)
		}
	}
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
	// Twice as many as asked are read, so that passages tied at the cut are all seen.
	req := bleve.NewSearchRequestOptions(q, 2*k, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := l.index.Search(req)
	if err != nil {
		return nil, fmt.Errorf("full-text search: %w", err)
	}
	out := make([]scored, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = scored{id: h.ID, score: h.Score}
	}
	// Equal scores are ordered by passage ID. Scores that are equal in exact arithmetic can
	// differ in their last bit between two builds of the same corpus (Bleve sums the parts of
	// a disjunction in an order that varies), so they are compared to twelve decimals.
	sort.SliceStable(out, func(i, j int) bool {
		qi, qj := math.Round(out[i].score*1e12), math.Round(out[j].score*1e12)
		if qi != qj {
			return qi > qj
		}
		return out[i].id < out[j].id
	})
	return out[:min(k, len(out))], nil
}

func (l *lexical) close() error { return l.index.Close() }

// maxDocShare bounds what a query term may cost: a term found in more than this share of the
// passages (of one field) is left out of the query. Its IDF is near zero, so it barely moves
// the ranking, while its postings are the longest to read: at 100,000 passages the event words
// of a header ("kubecon", "europe") or a preposition kept inside a glossary phrase made some
// questions cost 40–60 ms.
const maxDocShare = 0.25

// commonTerms returns a test for the terms of a field found in more than maxDocShare of the
// passages, on one reader of the index, and the function that releases the reader.
func (l *lexical) commonTerms() (func(field, term string) bool, func(), error) {
	adv, err := l.index.Advanced()
	if err != nil {
		return nil, nil, fmt.Errorf("full-text index: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, fmt.Errorf("full-text index reader: %w", err)
	}
	n, err := r.DocCount()
	if err != nil {
		r.Close()
		return nil, nil, fmt.Errorf("full-text index: %w", err)
	}
	limit := uint64(float64(n) * maxDocShare)
	seen := map[string]bool{}
	common := func(field, term string) bool {
		key := field + "\x00" + term
		if v, ok := seen[key]; ok {
			return v
		}
		v := false
		if tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, false, false, false); err == nil {
			v = tfr.Count() > limit
			tfr.Close()
		}
		seen[key] = v
		return v
	}
	return common, func() { r.Close() }, nil
}

// match is Bleve's match query (text analysed, one term query per token, any may match, the
// boost on each and on the whole), without the common terms; nil when no term is left.
func (l *lexical) match(text, field, analyzer string, boost float64, common func(field, term string) bool) query.Query {
	a := l.index.Mapping().AnalyzerNamed(analyzer)
	if a == nil || strings.TrimSpace(text) == "" {
		return nil
	}
	var tqs []query.Query
	for _, tok := range a.Analyze([]byte(text)) {
		term := string(tok.Term)
		if common(field, term) {
			continue
		}
		tq := query.NewTermQuery(term)
		tq.SetField(field)
		tq.SetBoost(boost)
		tqs = append(tqs, tq)
	}
	if len(tqs) == 0 {
		return nil
	}
	dq := query.NewDisjunctionQuery(tqs)
	dq.SetMin(1)
	dq.SetBoost(boost)
	return dq
}
