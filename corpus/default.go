package corpus

import (
	"embed"
	"errors"
	"fmt"
)

// defaultReports are the five KubeCon Europe reports the bot knows out of the box, kept
// byte-for-byte as received, with their metadata in reports/manifest.toml.
//
//go:embed reports
var defaultReports embed.FS

// Default loads the embedded default corpus.
func (l *Loader) Default() (*Corpus, error) {
	docs, errs := l.LoadFS(defaultReports, "reports")
	if len(errs) > 0 {
		return nil, fmt.Errorf("default corpus: %w", errors.Join(errs...))
	}
	c := &Corpus{}
	for _, d := range docs {
		c.Add(d)
	}
	return c, nil
}
