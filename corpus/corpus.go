// Package corpus loads conference reports (text, Markdown, HTML) and splits them into citable passages.
package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// Event is the conference a report is about.
type Event struct {
	ID      string   `json:"id" toml:"id" yaml:"id"`
	Name    string   `json:"name" toml:"name" yaml:"name"`
	City    string   `json:"city,omitempty" toml:"city" yaml:"city"`
	Country string   `json:"country,omitempty" toml:"country" yaml:"country"`
	Start   string   `json:"start,omitempty" toml:"start" yaml:"start"` // YYYY-MM-DD
	End     string   `json:"end,omitempty" toml:"end" yaml:"end"`       // YYYY-MM-DD
	Aliases []string `json:"aliases,omitempty" toml:"aliases" yaml:"aliases"`
	// Year is the year the event took place, from its dates or its name.
	Year int `json:"year,omitempty" toml:"year" yaml:"year"`
	// Inferred is true when the event was read from the report's own words, not its metadata.
	Inferred bool `json:"inferred,omitempty" toml:"-" yaml:"-"`
}

// Report is one attendee write-up with its metadata.
type Report struct {
	// ID is derived from the file name and stable across runs.
	ID     string `json:"id"`
	Source string `json:"source"` // file name or path it was loaded from
	Title  string `json:"title"`
	// OriginalTitle is the title of the article this one translates, if any.
	OriginalTitle string   `json:"original_title,omitempty"`
	Lang          string   `json:"lang"`
	LangDetected  bool     `json:"lang_detected,omitempty"`
	Event         Event    `json:"event"`
	Day           string   `json:"day,omitempty"`
	Date          string   `json:"date,omitempty"`
	Publisher     string   `json:"publisher,omitempty"`
	Authors       []string `json:"authors,omitempty"`
	URL           string   `json:"url,omitempty"`
	// TranslationOf names the original article (usually its URL) when the report is a translation;
	// reports sharing it are copies of one article.
	TranslationOf string   `json:"translation_of,omitempty"`
	Tags          []string `json:"tags,omitempty"`
	// Hash identifies the report's bytes and metadata, for cache keys.
	Hash string `json:"hash"`
}

// Link is a hyperlink found in a passage: its visible text and its target.
type Link struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// Passage is the unit of retrieval and citation: a paragraph (or a list with its introduction)
// with the section heading it sits under.
type Passage struct {
	ID       string `json:"id"`
	ReportID string `json:"report_id"`
	Lang     string `json:"lang"`
	// Section is the heading (or headings) the passage sits under.
	Section string `json:"section,omitempty"`
	// Text is the passage's own text, with Markdown links reduced to their text.
	Text  string `json:"text"`
	Links []Link `json:"links,omitempty"`
	// Ordinal is the passage's position in its report, from 1.
	Ordinal int `json:"ordinal"`
	// Takeaway marks passages from take-away lists and conclusion sections.
	Takeaway bool `json:"takeaway,omitempty"`
}

// Corpus is a set of reports and their passages.
type Corpus struct {
	Reports  []Report
	Passages []Passage
}

// Report returns the report with the given ID.
func (c *Corpus) Report(id string) (Report, bool) {
	for _, r := range c.Reports {
		if r.ID == id {
			return r, true
		}
	}
	return Report{}, false
}

// Add appends a loaded document, replacing a report with the same ID.
func (c *Corpus) Add(d Document) {
	for i, r := range c.Reports {
		if r.ID == d.Report.ID {
			c.Reports = append(c.Reports[:i], c.Reports[i+1:]...)
			kept := c.Passages[:0]
			for _, p := range c.Passages {
				if p.ReportID != r.ID {
					kept = append(kept, p)
				}
			}
			c.Passages = kept
			break
		}
	}
	c.Reports = append(c.Reports, d.Report)
	c.Passages = append(c.Passages, d.Passages...)
}

// Hash identifies the corpus content: equal hashes mean equal reports, metadata and passages.
func (c *Corpus) Hash() string {
	hs := make([]string, 0, len(c.Reports))
	for _, r := range c.Reports {
		hs = append(hs, r.ID+"="+r.Hash)
	}
	sort.Strings(hs)
	sum := sha256.Sum256([]byte(strings.Join(hs, "\n")))
	return hex.EncodeToString(sum[:8])
}

// Document is one loaded report with its passages.
type Document struct {
	Report   Report
	Passages []Passage
}
