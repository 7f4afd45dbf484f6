package answer

import (
	"context"
	"sync"
	"testing"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	"github.com/takeaway-bot/takeaway/retrieval"
)

var (
	indexOnce sync.Once
	testIndex *retrieval.Index
	indexErr  error
)

// defaultIndex builds the index of the embedded corpus once for all tests of the package.
func defaultIndex(tb testing.TB) *retrieval.Index {
	tb.Helper()
	indexOnce.Do(func() {
		c, err := corpus.NewLoader(i18n.Supported()).Default()
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

func newTestService(tb testing.TB) *Service {
	tb.Helper()
	return NewService(defaultIndex(tb), i18n.MustNew(), Options{
		Topics: []string{"KubeCon + CloudNativeCon EU 2019 – Day 3 (Xebia)"},
		Events: []string{"KubeCon + CloudNativeCon Europe 2019 (Barcelona)"},
	})
}
