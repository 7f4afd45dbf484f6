package answer

import (
	"context"
	"sync"
	"testing"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/internal/question"
	"github.com/takeaway-bot/takeaway/internal/text"
	"github.com/takeaway-bot/takeaway/retrieval"
)

var (
	indexOnce  sync.Once
	testIndex  *retrieval.Index
	testPlaces *text.Places
	indexErr   error
)

// defaultIndex builds the index of the embedded corpus once for all tests of the package.
func defaultIndex(tb testing.TB) *retrieval.Index {
	tb.Helper()
	indexOnce.Do(func() {
		loader := corpus.NewLoader(i18n.Supported())
		testPlaces = loader.Places()
		c, err := loader.Default()
		if err != nil {
			indexErr = err
			return
		}
		testIndex, indexErr = retrieval.Build(context.Background(), c, retrieval.Options{Languages: i18n.Supported()})
	})
	if indexErr != nil {
		tb.Fatal(indexErr)
	}
	return testIndex
}

// newTestService is the answer service of the default corpus, planned against its catalog, as
// the binary wires it.
func newTestService(tb testing.TB) *Service {
	tb.Helper()
	ix := defaultIndex(tb)
	cat := corpus.NewCatalog(ix.Corpus())
	return NewService(ix, i18n.MustNew(), Options{
		Topics:  []string{"KubeCon + CloudNativeCon EU 2019 – Day 3 (Xebia)"},
		Events:  cat.Covered(),
		Planner: question.NewPlanner(cat, ix.Analyzer(), testPlaces, ix, i18n.Supported()),
		Catalog: cat,
		Places:  testPlaces,
	})
}
