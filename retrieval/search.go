package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/philippgille/chromem-go"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/text"
)

// Query is a question to search for.
type Query struct {
	Text string
	// Lang is the question's language (detected by the caller).
	Lang string
	// Translations holds the question translated into other languages, keyed by language code,
	// when a model is configured; their result lists are fused with the original's.
	Translations map[string]string
	// K is the number of hits wanted (default 5).
	K int
	// Reports limits the search to these reports (the question's scope); empty means all.
	Reports []string
	// Summary favours each report's take-away lists and conclusions, or, for a report without
	// them, its most central passages.
	Summary bool
	// Sources favours the passages that present a report: its opening lines and byline.
	Sources bool
}

// Hit is one retrieved passage.
type Hit struct {
	Passage corpus.Passage
	Report  corpus.Report
	// Score is the fused score (higher is better); LexicalRank and DenseRank are the 1-based ranks
	// in each list (0 when absent), LexicalScore the BM25 score.
	Score        float64
	LexicalRank  int
	DenseRank    int
	LexicalScore float64
	DenseScore   float64
	// Duplicates lists passages collapsed into this one (translated copies).
	Duplicates []string
}

const (
	// candidates is how deep each list is read before fusion.
	candidates = 50
	// rrfK damps the weight of lower ranks in reciprocal-rank fusion.
	rrfK = 60
	// lexicalWeight and denseWeight weigh the two lists in the fusion. The weight-free dense side
	// finds cross-lingual cognates that BM25 misses but is less precise at the top: on the
	// development cases a dense weight of 0.6 kept recall@5 at its best and raised MRR (see README).
	lexicalWeight = 1.0
	denseWeight   = 0.6
	// nameWeight weighs the bonus of passages holding the question's names.
	nameWeight = 0.3
)

// Search returns the best passages for q, translated duplicates collapsed.
func (ix *Index) Search(ctx context.Context, q Query) ([]Hit, error) {
	if q.K <= 0 {
		q.K = 5
	}
	// The full-text side gets the words as written: its analyzers fold what they fold (the
	// French light stemmer drops accents, the Swedish one does not).
	terms := ix.withCorrections(ix.analyzer.QueryTerms(q.Text, q.Lang))
	targets := ix.langsOfCorpus
	translations := ix.analyzer.TranslateWritten(q.Text, q.Lang, targets)
	for _, l := range slices.Sorted(maps.Keys(q.Translations)) {
		translations[l] = append(translations[l], ix.analyzer.QueryTerms(q.Translations[l], l)...)
	}

	// The full-text search runs while the question is embedded and the dense index scanned:
	// with a provider embedder, the network round trip hides it entirely.
	type lexResult struct {
		hits []scored
		err  error
	}
	lexDone := make(chan lexResult, 1)
	blank := strings.TrimSpace(q.Text) == "" && len(q.Translations) == 0
	go func() {
		if blank {
			lexDone <- lexResult{}
			return
		}
		hits, err := ix.lex.search(terms, translations, candidates, q.Reports)
		lexDone <- lexResult{hits, err}
	}()

	denseText := q.Text
	for _, l := range slices.Sorted(maps.Keys(translations)) {
		denseText += " " + strings.Join(translations[l], " ")
	}
	for _, l := range slices.Sorted(maps.Keys(q.Translations)) {
		denseText += " " + q.Translations[l]
	}
	// A provider embedder may be down: the full-text side still answers.
	var res []chromem.Result
	vec, err := ix.embedder.EmbedQuery(ctx, denseText)
	if blank {
		// A summary of a scope with no subject: the ranking is the boosts alone.
	} else if err != nil {
		ix.log.Warn("question not embedded, searching full text only", "err", err)
	} else if res, err = ix.denseSearch(ctx, normalize(vec), q.Reports); err != nil {
		<-lexDone
		return nil, fmt.Errorf("dense search: %w", err)
	}
	lr := <-lexDone
	if lr.err != nil {
		return nil, lr.err
	}
	lex := lr.hits

	hits := map[string]*Hit{}
	get := func(id string) *Hit {
		h, ok := hits[id]
		if !ok {
			i, found := ix.passages[id]
			if !found {
				return nil
			}
			p := ix.corpus.Passages[i]
			h = &Hit{Passage: p, Report: ix.reports[p.ReportID]}
			hits[id] = h
		}
		return h
	}
	for i, s := range lex {
		if h := get(s.id); h != nil {
			h.LexicalRank, h.LexicalScore = i+1, s.score
			h.Score += lexicalWeight / float64(rrfK+i+1)
		}
	}
	for i, r := range res {
		if h := get(r.ID); h != nil {
			h.DenseRank, h.DenseScore = i+1, float64(r.Similarity)
			h.Score += denseWeight / float64(rrfK+i+1)
		}
	}
	// A passage one list did not return at all ranks, for that list, just after its last
	// candidate: absent is "below the cut", not "worst of all", so that the full-text side's
	// first passage is not buried because the weight-free embedder missed it (and the reverse).
	if len(lex) > 0 && len(res) > 0 {
		for _, h := range hits {
			if h.LexicalRank == 0 {
				h.Score += lexicalWeight / float64(rrfK+candidates+1)
			}
			if h.DenseRank == 0 {
				h.Score += denseWeight / float64(rrfK+candidates+1)
			}
		}
	}
	// A question about take-aways or conclusions favours the passages the loader marked as such,
	// as if they came first in a third list; a summary question also favours, for each report
	// without such passages, its most central ones.
	inScope := ix.scopeSet(q.Reports)
	// With a subject ("the lessons Kubíček gave about operators"), the subject ranks and the
	// take-aways only lean; with none ("tl;dr of Copenhagen"), the take-aways are the answer.
	lean := 1.0
	if len(terms) > 0 {
		lean = 0.3
	}
	if q.Summary || corpus.IsTakeawayText(q.Text) || corpus.IsTakeawayText(strings.Join(translations["en"], " ")) {
		for _, id := range ix.takeaway {
			if !inScope(id) {
				continue
			}
			// A take-away list or a conclusion with substance, not a closing line that only
			// says "conclusion".
			w := 1.0
			if p := ix.corpus.Passages[ix.passages[id]]; !strings.Contains(p.Text, "\n• ") && utf8.RuneCountInString(p.Text) < 250 {
				w = 0.3
			}
			get(id).Score += lean * w / float64(rrfK+1)
		}
	}
	if q.Summary {
		for _, r := range ix.corpus.Reports {
			w := 1.0
			if ix.hasTakeaway[r.ID] {
				w = 0.6 // the report's own take-aways come first; its central passages next
			}
			for i, id := range ix.central[r.ID] {
				if inScope(id) {
					get(id).Score += lean * w / float64(rrfK+1+i)
				}
			}
		}
	}
	if q.Sources {
		for _, r := range ix.corpus.Reports {
			if ids := ix.byReport[r.ID]; len(ids) > 0 && inScope(ids[0]) {
				get(ids[0]).Score += 0.5 / float64(rrfK+1)
			}
		}
	}
	// Names in the question (CERN, Linkerd, Bryan Liles) are the surest sign of relevance and
	// survive translation: passages holding them gain up to one more first place, in proportion
	// to the rarity of the names they hold.
	if names := ix.questionNames(q.Text); len(names) > 0 {
		// Sums run in a fixed order: float addition is not associative, and map order would
		// make two runs of one question rank differently.
		keys := slices.Sorted(maps.Keys(names))
		total := 0.0
		for _, n := range keys {
			total += names[n]
		}
		for _, h := range hits {
			got := 0.0
			anchors := ix.anchorsOf(h.Passage.ID)
			for _, n := range keys {
				if anchors.has(n) || ix.sectionNames[h.Passage.Section].has(n) || ix.carriedNames[h.Passage.ID].has(n) {
					got += names[n]
				}
			}
			h.Score += nameWeight * got / total / float64(rrfK+1)
		}
	}
	ranked := make([]scored, 0, len(hits))
	for id, h := range hits {
		if inScope(id) {
			ranked = append(ranked, scored{id: id, score: h.Score})
		}
	}
	sortScored(ranked)

	var out []Hit
	for _, s := range ranked {
		h := hits[s.id]
		if dup := ix.duplicateOf(h, out); dup >= 0 {
			out[dup].Duplicates = append(out[dup].Duplicates, h.Passage.ID)
			continue
		}
		if len(out) < q.K {
			out = append(out, *h)
		}
	}
	return out, nil
}

// corpusLangs are the languages worth translating a question into: those of the reports.
func corpusLangs(c *corpus.Corpus) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range c.Reports {
		if !seen[r.Lang] {
			seen[r.Lang] = true
			out = append(out, r.Lang)
		}
	}
	return out
}

// duplicateOf returns the index in kept of a passage h duplicates, or -1. Two passages are copies
// when their reports translate the same original (or are the same text in another report) and
// they share most of the names and numbers that survive translation.
func (ix *Index) duplicateOf(h *Hit, kept []Hit) int {
	a := ix.anchorsOf(h.Passage.ID)
	for i, k := range kept {
		if k.Report.ID == h.Report.ID {
			continue
		}
		sameWork := k.Report.TranslationOf != "" && k.Report.TranslationOf == h.Report.TranslationOf
		b := ix.anchorsOf(k.Passage.ID)
		shared := 0
		for _, t := range a {
			if b.has(t) {
				shared++
			}
		}
		smaller := min(len(a), len(b))
		if smaller == 0 {
			if sameWork && k.Passage.Text == h.Passage.Text {
				return i
			}
			continue
		}
		overlap := float64(shared) / float64(smaller)
		if sameWork && shared >= 2 && overlap >= 0.5 {
			return i
		}
		if !sameWork && overlap >= 0.9 && shared >= 4 && k.Passage.Lang != h.Passage.Lang {
			return i
		}
	}
	return -1
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}

func sqrt(x float64) float64 { return math.Sqrt(x) }

// questionNames returns the names of a question that the corpus knows, with their IDF.
func (ix *Index) questionNames(question string) map[string]float64 {
	out := map[string]float64{}
	for n := range text.NameTokens(question) {
		if ix.inVocab(n) {
			out[n] = ix.idf([]string{n})
		}
	}
	// Slack questions are often typed in lower case ("what did google say about istio"): a
	// word the reports always write with a capital is a name wherever the question puts it.
	for _, w := range text.Words(question) {
		if ix.properNouns[w] {
			out[w] = ix.idf([]string{w})
		}
	}
	return out
}

// scopeSet returns a membership test for the passages of the scoped reports (all passages when
// the scope is empty).
func (ix *Index) scopeSet(reports []string) func(passageID string) bool {
	if len(reports) == 0 {
		return func(string) bool { return true }
	}
	allowed := make(map[string]bool, len(reports))
	for _, r := range reports {
		allowed[r] = true
	}
	return func(id string) bool {
		i, ok := ix.passages[id]
		return ok && allowed[ix.corpus.Passages[i].ReportID]
	}
}

// denseSearch returns the passages closest to the question vector, within the scope: an
// exact scan of the flat vectors (the scope filters rows before their dot product).
func (ix *Index) denseSearch(_ context.Context, vec []float32, reports []string) ([]chromem.Result, error) {
	var keep func(row int) bool
	if len(reports) > 0 {
		allowed := make([]bool, len(ix.corpus.Reports))
		for i, r := range ix.corpus.Reports {
			allowed[i] = slices.Contains(reports, r.ID)
		}
		keep = func(row int) bool { return allowed[ix.reportRow[row]] }
	}
	ms := ix.flat.search(vec, candidates, keep)
	out := make([]chromem.Result, len(ms))
	for i, m := range ms {
		out[i] = chromem.Result{ID: ix.flat.ids[m.row], Similarity: m.sim}
	}
	return out, nil
}

// Known reports whether the corpus mentions a folded term (a word, a phrase, a CJK run).
func (ix *Index) Known(term string) bool { return ix.known(term) }

// withCorrections adds, for each question word the corpus never uses, the corpus word it most
// likely misspells ("spotfy" → "spotify", "acording" → "according"): same first letter, one edit
// for words up to seven letters, two beyond. The misspelt word stays; the correction joins it.
func (ix *Index) withCorrections(terms []string) []string {
	out := terms
	for _, t := range terms {
		t = text.Fold(t)
		rs := []rune(t)
		if len(rs) < 5 || text.IsHanWord(rs) || ix.inVocab(t) || ix.inVocab(stemKey(t)) || strings.ContainsAny(t, "0123456789") {
			continue
		}
		if c := ix.closestWord(t); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// closestWord is the corpus word nearest to w within the allowed edits (ties: the more frequent,
// then the alphabetically first), or "".
func (ix *Index) closestWord(w string) string {
	rs := []rune(w)
	limit := 1
	if len(rs) >= 8 {
		limit = 2
	}
	byLen := ix.wordsByLen
	best, bestD, bestDF := "", limit+1, 0
	for n := len(rs) - limit; n <= len(rs)+limit; n++ {
		for _, v := range byLen[n] {
			if []rune(v)[0] != rs[0] {
				continue
			}
			d := text.EditDistance(rs, []rune(v), limit)
			if d < bestD || d == bestD && (ix.df[v] > bestDF || ix.df[v] == bestDF && v < best) {
				best, bestD, bestDF = v, d, ix.df[v]
			}
		}
	}
	if bestD > limit {
		return ""
	}
	return best
}
