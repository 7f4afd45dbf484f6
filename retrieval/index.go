// Package retrieval finds the passages that answer a question: hybrid search over a dense index
// (chromem-go) and a full-text index (Bleve, BM25), fused by reciprocal rank, with translated
// copies of one passage collapsed.
package retrieval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/philippgille/chromem-go"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/text"
	"github.com/takeaway-bot/takeaway/internal/text/stopwords"
)

// Options configure an index. The zero value works: weight-free embeddings, no persistence.
type Options struct {
	// Embedder replaces the default weight-free embedder (for example a langchaingo embedder
	// for Ollama or an OpenAI-compatible server); EmbedderID must then name it.
	Embedder   Embedder
	EmbedderID string
	// Dim is the dimension of the default embedder (default 512).
	Dim int
	// DataDir, when set, keeps a snapshot of the dense index there, keyed by corpus content and
	// embedder identity, so that a restart does not re-embed.
	DataDir string
	// Glossary translates query words across languages; nil means the built-in glossary.
	Glossary *text.Glossary
	// Analyzer, when set, is shared with the question plan (it then brings its own glossary).
	Analyzer *text.Analyzer
	// Languages are the languages questions may come in (for glossary expansion and metadata).
	Languages []string
	Logger    *slog.Logger
	// Previous is the index this one replaces (a report was added or removed): the vectors of
	// passages whose embedded text is unchanged are taken from it, so only new passages are
	// embedded. The built-in embedder then keeps the weights it was fitted with, until a
	// restart fits them on the whole corpus again.
	Previous *Index
}

// Index is a searchable corpus. It is safe for concurrent searches.
type Index struct {
	corpus   *corpus.Corpus
	passages map[string]int // passage ID → position in corpus.Passages
	reports  map[string]corpus.Report
	dense    *chromem.Collection
	flat     *flat // the dense vectors, searched
	embedder Embedder
	lex      *lexical
	analyzer *text.Analyzer
	langs    []string
	anchors  []nameSet // per passage row: its anchor tokens (names, numbers)
	// A passage answers to names beyond its own anchors: its section's (the talk and its
	// speaker), kept once per section, and those carried from the passage before it, kept only
	// for the passages that carry any.
	sectionNames map[string]nameSet
	carriedNames map[string]nameSet
	// properNouns are the folded words the reports write with a capital (not at the start of a
	// sentence) nearly every time: names, whatever case a question types them in.
	properNouns map[string]bool
	// wordsByLen lists the corpus's Latin-script words by length in runes, for spelling
	// corrections.
	wordsByLen map[int][]string
	df         map[string]int // passages each folded word of the corpus occurs in (its vocabulary)
	takeaway   []string       // IDs of take-away passages
	// hasTakeaway tells which reports have take-away passages; central lists, for each
	// report, its most central passages (for summaries of reports without take-aways).
	hasTakeaway map[string]bool
	central     map[string][]string
	byReport    map[string][]string // report ID → passage IDs, in reading order
	// langsOfCorpus are the report languages, computed once rather than on every search.
	langsOfCorpus []string
	log           *slog.Logger
	// Reembedded tells whether Build had to embed passages (false when a snapshot was loaded
	// or every vector came from the previous index); Embedded counts them.
	Reembedded bool
	Embedded   int
	embedderID string
	// denseKeys identify, per passage row, the text its vector was computed from.
	denseKeys []string
	// reportRow is, per passage row, the position of its report in corpus.Reports (the scope
	// filter of the dense scan).
	reportRow []int32
}

// Build indexes a corpus.
func Build(ctx context.Context, c *corpus.Corpus, opts Options) (*Index, error) {
	if len(c.Passages) == 0 {
		return nil, errors.New("build index: the corpus has no passages")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Dim == 0 {
		opts.Dim = 512
	}
	if len(opts.Languages) == 0 {
		opts.Languages = text.GlossaryLangs()
	}
	analyzer := opts.Analyzer
	if analyzer == nil {
		stops, err := stopwords.Load()
		if err != nil {
			return nil, fmt.Errorf("build index: %w", err)
		}
		if analyzer, err = text.NewAnalyzer(opts.Glossary, stops); err != nil {
			return nil, fmt.Errorf("build index: %w", err)
		}
	}
	ix := &Index{
		corpus:       c,
		passages:     make(map[string]int, len(c.Passages)),
		reports:      map[string]corpus.Report{},
		analyzer:     analyzer,
		langs:        opts.Languages,
		sectionNames: map[string]nameSet{},
		carriedNames: map[string]nameSet{},
		log:          opts.Logger,
		byReport:     map[string][]string{},
		hasTakeaway:  map[string]bool{},
	}
	for _, r := range c.Reports {
		ix.reports[r.ID] = r
	}
	ix.langsOfCorpus = corpusLangs(c)
	headers := map[string]string{}
	for _, r := range c.Reports {
		headers[r.ID] = reportHeader(r, opts.Languages)
	}
	for i, p := range c.Passages {
		if _, dup := ix.passages[p.ID]; dup {
			return nil, fmt.Errorf("build index: duplicate passage ID %s", p.ID)
		}
		ix.passages[p.ID] = i
		if p.Takeaway {
			ix.takeaway = append(ix.takeaway, p.ID)
			ix.hasTakeaway[p.ReportID] = true
		}
		ix.byReport[p.ReportID] = append(ix.byReport[p.ReportID], p.ID)
	}

	// With a data directory, everything derived from the passages is kept under one key: the
	// index state, the full-text index and the dense snapshot. A restart on the same corpus
	// reads them instead of analysing every passage again.
	key := ""
	var st *indexState
	if opts.DataDir != "" {
		key = corpusKey(c, headers, opts.Languages)
		st = loadState(opts.DataDir, key, len(c.Passages), opts.Logger)
	}
	saveNeeded := st == nil
	var texts *passageTexts
	prepared := func() *passageTexts {
		if texts == nil {
			texts = preparePassages(c, headers, ix.reports)
		}
		return texts
	}
	if st == nil {
		st = deriveState(c, headers, prepared())
	}
	ix.applyState(st)

	var lex *lexical
	var err error
	if fields := fieldsOf(c); opts.DataDir != "" {
		lex, err = persistedLexical(opts.DataDir, key, len(c.Passages), fields, func() []lexicalDoc { return prepared().lexical }, opts.Logger)
	} else {
		lex, err = newLexical(prepared().lexical, fields, "", shardsFor(len(c.Passages)))
	}
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	ix.lex = lex

	embedderID := opts.EmbedderID
	prev := opts.Previous
	if opts.Embedder == nil {
		var he *HashEmbedder
		if p, ok := prevHashEmbedder(prev); ok {
			he = p
		} else if st.Embedder != nil && st.Embedder.Dim == opts.Dim {
			he = st.Embedder.embedder()
		} else {
			he = NewHashEmbedder(opts.Dim, prepared().dense)
		}
		if st.Embedder == nil || st.Embedder.FitHash != he.fitHash || st.Embedder.Dim != he.dim {
			st.Embedder, saveNeeded = he.state(), true
		}
		opts.Embedder, embedderID = he, he.ID()
	} else if embedderID == "" {
		ix.lex.close()
		return nil, errors.New("build index: a custom embedder needs an EmbedderID")
	}
	ix.embedder, ix.embedderID = opts.Embedder, embedderID
	if prev != nil && prev.embedderID != embedderID {
		prev = nil // vectors of another model are never mixed in
	}
	dense, fl, embedded, err := buildDense(ctx, c, key, func() []string { return prepared().dense }, opts.Embedder, embedderID, opts.DataDir, opts.Logger, ix.reusable(prev))
	if err != nil {
		ix.lex.close()
		return nil, fmt.Errorf("build index: %w", err)
	}
	ix.dense, ix.flat, ix.Reembedded, ix.Embedded = dense, fl, embedded > 0, embedded
	if opts.DataDir != "" {
		if saveNeeded {
			if err := saveState(opts.DataDir, key, st); err != nil {
				opts.Logger.Warn("could not save the index state", "dir", opts.DataDir, "err", err)
			}
		}
		removeStale(opts.DataDir, "state-*.gob", statePath(opts.DataDir, key), opts.Logger)
		removeStale(opts.DataDir, "lexical-*", filepath.Join(opts.DataDir, "lexical-"+key), opts.Logger)
	}
	ix.reportRow = make([]int32, len(c.Passages))
	reportNum := map[string]int32{}
	for i, r := range c.Reports {
		reportNum[r.ID] = int32(i)
	}
	for i, p := range c.Passages {
		ix.reportRow[i] = reportNum[p.ReportID]
	}
	return ix, nil
}

// passageTexts are the texts Build makes of each passage: its full-text document, the text its
// vector is computed from, the context carried from the passage before it and its words.
type passageTexts struct {
	lexical []lexicalDoc
	dense   []string
	carried []string
	words   [][]string
}

// preparePassages makes the texts of every passage, split across cores.
func preparePassages(c *corpus.Corpus, headers map[string]string, reports map[string]corpus.Report) *passageTexts {
	n := len(c.Passages)
	t := &passageTexts{lexical: make([]lexicalDoc, n), dense: make([]string, n), carried: make([]string, n), words: make([][]string, n)}
	parallelFor(n, 256, func(i int) {
		p := c.Passages[i]
		r := reports[p.ReportID]
		carried := carriedContext(c.Passages, i)
		// Han characters are indexed in one form (Japanese and Traditional as Simplified), the
		// form questions are searched in; everything else as written.
		t.lexical[i] = lexicalDoc{ID: p.ID, Report: p.ReportID, Lang: p.Lang, Text: text.FoldHan(p.Section + "\n" + p.Text), Meta: text.FoldHan(headers[p.ReportID] + "\n" + p.Section + "\n" + carried)}
		t.dense[i] = r.Title + " · " + r.Event.City + " · " + p.Section + " · " + carried + "\n" + p.Text
		t.carried[i] = carried
		t.words[i] = text.Words(p.Text)
	})
	return t
}

// deriveState computes what the index knows of the passages besides its search structures.
func deriveState(c *corpus.Corpus, headers map[string]string, t *passageTexts) *indexState {
	n := len(c.Passages)
	st := &indexState{Format: stateFormat, Anchors: make([]nameSet, n), DenseKeys: make([]string, n), SectionNames: map[string]nameSet{}, CarriedNames: map[string]nameSet{}}
	parallelFor(n, 256, func(i int) {
		st.Anchors[i] = newNameSet(anchorTokens(c.Passages[i].Text))
		st.DenseKeys[i] = shortHash(t.dense[i])
	})
	// The words of a section are computed once per section.
	sectionWords := map[string][]string{}
	passageSection := make([][]string, n)
	for i, p := range c.Passages {
		sw, ok := sectionWords[p.Section]
		if !ok {
			sw = text.Words(p.Section)
			sectionWords[p.Section] = sw
			st.SectionNames[p.Section] = newNameSet(anchorTokens(p.Section))
		}
		if t.carried[i] != "" {
			st.CarriedNames[p.ID] = newNameSet(anchorTokens(t.carried[i]))
		}
		passageSection[i] = sw
	}
	headerIDs := slices.Sorted(maps.Keys(headers))
	// The texts of the vocabulary: each passage with its section's words, then each header.
	st.DF = buildVocab(n+len(headerIDs), func(i int) [][]string {
		if i < n {
			return [][]string{passageSection[i], t.words[i]}
		}
		return [][]string{text.Words(headers[headerIDs[i-n]])}
	})
	st.Central = centralPassages(c, t.words, st.DF)
	st.ProperNouns = newNameSet(properNouns(c))
	return st
}

// applyState installs a derived (or persisted) state in the index.
func (ix *Index) applyState(st *indexState) {
	// Held for as long as the index, these are laid out compactly: a few large allocations
	// rather than millions of small ones scattered among the build's temporaries, each of
	// which would keep a page of the heap from being returned.
	ix.anchors = packSets(st.Anchors)
	ix.sectionNames = packSetMap(st.SectionNames)
	ix.carriedNames = packSetMap(st.CarriedNames)
	ix.denseKeys = packStrings(st.DenseKeys)
	ix.df, ix.central = st.DF, st.Central
	ix.properNouns = make(map[string]bool, len(st.ProperNouns))
	for _, w := range st.ProperNouns {
		ix.properNouns[w] = true
	}
	// The corpus's Latin-script words by length, for spelling corrections.
	ix.wordsByLen = map[int][]string{}
	for w := range ix.df {
		if rs := []rune(w); len(rs) >= 4 && !strings.HasSuffix(w, "~") && !text.IsHanWord(rs) {
			ix.wordsByLen[len(rs)] = append(ix.wordsByLen[len(rs)], w)
		}
	}
	for _, ws := range ix.wordsByLen {
		sort.Strings(ws)
	}
}

// packStrings returns copies of ss held in one backing string, equal strings sharing their
// bytes.
func packStrings(ss []string) []string {
	seen := make(map[string]int, len(ss))
	var b strings.Builder
	for _, s := range ss {
		if _, ok := seen[s]; !ok {
			seen[s] = b.Len()
			b.WriteString(s)
		}
	}
	all := b.String()
	out := make([]string, len(ss))
	for i, s := range ss {
		at := seen[s]
		out[i] = all[at : at+len(s)]
	}
	return out
}

// packSets packs name sets: every name in one array (and one backing string), each set a
// slice of it.
func packSets(sets []nameSet) []nameSet {
	n := 0
	for _, s := range sets {
		n += len(s)
	}
	flat := make([]string, 0, n)
	for _, s := range sets {
		flat = append(flat, s...)
	}
	flat = packStrings(flat)
	out := make([]nameSet, len(sets))
	at := 0
	for i, s := range sets {
		out[i] = nameSet(flat[at : at+len(s) : at+len(s)])
		at += len(s)
	}
	return out
}

// packSetMap packs a map of name sets, in key order.
func packSetMap(m map[string]nameSet) map[string]nameSet {
	keys := slices.Sorted(maps.Keys(m))
	sets := make([]nameSet, len(keys))
	for i, k := range keys {
		sets[i] = m[k]
	}
	sets = packSets(sets)
	out := make(map[string]nameSet, len(keys))
	for i, k := range keys {
		out[k] = sets[i]
	}
	return out
}

// nameSet is a small set of folded names, sorted: a passage's anchors, a section's names.
// Held for every passage, it costs a slice where a map would cost several times more.
type nameSet []string

func newNameSet(m map[string]bool) nameSet { return slices.Sorted(maps.Keys(m)) }

func (s nameSet) has(n string) bool {
	_, ok := slices.BinarySearch(s, n)
	return ok
}

// anchorsOf returns the anchors of a passage.
func (ix *Index) anchorsOf(id string) nameSet {
	if i, ok := ix.passages[id]; ok {
		return ix.anchors[i]
	}
	return nil
}

// inVocab tells whether a folded word (or stem key, or CJK bigram) occurs in the corpus.
func (ix *Index) inVocab(w string) bool {
	_, ok := ix.df[w]
	return ok
}

// parallelFor calls f for 0..n-1, split across cores in contiguous ranges of at least grain
// calls (below that, starting a goroutine costs more than it saves).
func parallelFor(n, grain int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/grain))
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for start := 0; start < n; start += per {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				f(i)
			}
		}(start, min(start+per, n))
	}
	wg.Wait()
}

// prevHashEmbedder is the built-in embedder of the previous index, if it used one.
func prevHashEmbedder(prev *Index) (*HashEmbedder, bool) {
	if prev == nil {
		return nil, false
	}
	he, ok := prev.embedder.(*HashEmbedder)
	return he, ok
}

// reusable returns, for a passage of ix, the vector prev computed from the same text, if any.
func (ix *Index) reusable(prev *Index) func(id string) []float32 {
	if prev == nil {
		return nil
	}
	return func(id string) []float32 {
		i, ok := prev.passages[id]
		if !ok || prev.denseKeys[i] != ix.denseKeys[ix.passages[id]] {
			return nil
		}
		return prev.flat.row(i)
	}
}

// Close releases the full-text index.
func (ix *Index) Close() error { return ix.lex.close() }

// Languages returns the languages of the indexed reports, in corpus order.
func (ix *Index) Languages() []string { return append([]string(nil), ix.langsOfCorpus...) }

// Analyzer returns the text analyzer the index searches with, for the question plan to share.
func (ix *Index) Analyzer() *text.Analyzer { return ix.analyzer }

// Corpus returns the indexed corpus.
func (ix *Index) Corpus() *corpus.Corpus { return ix.corpus }

// Passage returns a passage by ID.
func (ix *Index) Passage(id string) (corpus.Passage, bool) {
	i, ok := ix.passages[id]
	if !ok {
		return corpus.Passage{}, false
	}
	return ix.corpus.Passages[i], true
}

// Section returns the passages of the report and section of passage id, in reading order, each
// as a hit of that report (no scores): what an answer needs to quote a list that the splitter
// cut into several passages.
func (ix *Index) Section(id string) []Hit {
	p, ok := ix.Passage(id)
	if !ok {
		return nil
	}
	var out []Hit
	for _, other := range ix.byReport[p.ReportID] {
		if q, ok := ix.Passage(other); ok && q.Section == p.Section {
			out = append(out, Hit{Passage: q, Report: ix.reports[q.ReportID]})
		}
	}
	return out
}

// Report returns a report by ID.
func (ix *Index) Report(id string) (corpus.Report, bool) {
	r, ok := ix.reports[id]
	return r, ok
}

// reportHeader is the contextual text every passage of a report is indexed with: title, event,
// city in several languages, dates, publisher, authors and the report's language named in every
// supported language ("Swedish", "suédois", "svenska"…), so that questions can name them.
func reportHeader(r corpus.Report, langs []string) string {
	parts := []string{r.Title, r.OriginalTitle, r.Event.Name, r.Event.City, r.Event.Country, r.Publisher}
	parts = append(parts, r.Event.Aliases...)
	parts = append(parts, r.Authors...)
	parts = append(parts, r.Tags...)
	for _, d := range []string{r.Event.Start, r.Event.End, r.Day, r.Date} {
		if len(d) >= 4 {
			parts = append(parts, d[:4])
		}
	}
	if tag, err := language.Parse(r.Lang); err == nil {
		for _, l := range langs {
			if t, err := language.Parse(l); err == nil {
				if n := display.Languages(t).Name(tag); n != "" {
					parts = append(parts, n)
				}
			}
		}
		parts = append(parts, display.Self.Name(tag))
	}
	return strings.Join(nonEmptyStrings(parts), " · ")
}

func nonEmptyStrings(in []string) []string {
	out := in[:0]
	for _, s := range in {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// carriedContext is what a passage needs from the text just before it: when it names little
// itself ("His lessons, in the order he gave them: …", "Elle a ensuite montré…"), the names of
// the previous passage of its section (the speaker, the company, the talk) are indexed with it.
func carriedContext(ps []corpus.Passage, i int) string {
	if i == 0 {
		return ""
	}
	p, prev := ps[i], ps[i-1]
	if prev.ReportID != p.ReportID || prev.Section != p.Section {
		return ""
	}
	first := p.Text
	if s := corpus.Sentences(p.Text); len(s) > 0 {
		first = s[0]
	}
	if len(anchorTokens(p.Text)) >= 3 && len(anchorTokens(first)) > 0 {
		return ""
	}
	var names []string
	seen := map[string]bool{}
	for _, w := range text.Tokenize(prev.Text) {
		w = text.CleanToken(w)
		k := text.Fold(w)
		if anchorTokens(w)[k] && !seen[k] {
			seen[k] = true
			names = append(names, w)
		}
		if len(names) == 12 {
			break
		}
	}
	return strings.Join(names, " ")
}

// anchorTokens are the words that survive translation: names with capitals, acronyms, numbers.
func anchorTokens(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range text.Tokenize(s) {
		w = text.CleanToken(w)
		rs := []rune(w)
		if len(rs) < 2 {
			continue
		}
		upper, digit, latin := false, false, true
		for _, r := range rs {
			switch {
			case r >= 'A' && r <= 'Z':
				upper = true
			case r >= '0' && r <= '9':
				digit = true
			case r > 0x2FF:
				latin = false
			}
		}
		if latin && (upper || digit) {
			out[text.Fold(w)] = true
		}
	}
	return out
}

// sortScored orders by descending score, then ID, so that rankings are deterministic.
func sortScored(s []scored) {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].score != s[j].score {
			return s[i].score > s[j].score
		}
		return s[i].id < s[j].id
	})
}

// properNouns finds the words written with a capital at least four times in five, and at least
// twice, away from the start of a sentence or line.
func properNouns(c *corpus.Corpus) map[string]bool {
	capital, total := map[string]int{}, map[string]int{}
	for _, p := range c.Passages {
		for _, line := range strings.Split(p.Text, "\n") {
			words := strings.Fields(line)
			for i, raw := range words {
				if i == 0 || strings.HasSuffix(words[i-1], ".") || strings.HasSuffix(words[i-1], ":") {
					continue
				}
				w := text.CleanToken(strings.Trim(raw, ",;:!?()[]«»“”\"'’"))
				rs := []rune(w)
				if len(rs) < 3 || text.IsHanWord(rs) || !unicode.IsLetter(rs[0]) {
					continue
				}
				f := text.Fold(w)
				total[f]++
				if unicode.IsUpper(rs[0]) {
					capital[f]++
				}
			}
		}
	}
	out := map[string]bool{}
	for w, n := range capital {
		if n >= 2 && 5*n >= 4*total[w] {
			out[w] = true
		}
	}
	return out
}
