// Package stopwords reads the function words of each language from Bleve's analyzers, the same
// lists the full-text index filters with, for text.NewAnalyzer. It is a package of its own so
// that packages using text (the loaders) do not pull in Bleve.
package stopwords

import (
	"fmt"

	_ "github.com/blevesearch/bleve/v2/analysis/lang/de" // register the stop lists
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/es"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/it"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/pt"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ru"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/sv"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/tr"
	"github.com/blevesearch/bleve/v2/registry"
)

// Langs are the languages with a stop list.
func Langs() []string { return []string{"en", "fr", "sv", "de", "es", "it", "nl", "pt", "ru", "tr"} }

// Load returns the stop words of every language in Langs.
func Load() (map[string]map[string]bool, error) {
	cache := registry.NewCache()
	out := map[string]map[string]bool{}
	for _, lang := range Langs() {
		tm, err := cache.TokenMapNamed("stop_" + lang)
		if err != nil {
			return nil, fmt.Errorf("stop words of %s: %w", lang, err)
		}
		out[lang] = map[string]bool(tm)
	}
	return out, nil
}
