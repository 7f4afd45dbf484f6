package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"gopkg.in/yaml.v3"

	"github.com/takeaway-bot/takeaway/internal/lang"
	"github.com/takeaway-bot/takeaway/internal/text"
)

// ErrUnsupported is returned for files that are not reports (unknown extension).
var ErrUnsupported = errors.New("unsupported file type (want text, Markdown, HTML or PDF)")

// ErrNotUTF8 is wrapped by the error for a text file in another encoding.
var ErrNotUTF8 = errors.New("not UTF-8 text: save it as UTF-8")

// ErrNoText is wrapped by the error for a file that holds no report text.
var ErrNoText = errors.New("no text found")

// Meta is what is known about a report besides its text: from a manifest or its front matter.
// Empty fields are filled from the document itself (title, language) where possible.
type Meta struct {
	File          string   `toml:"file" yaml:"file"`
	Title         string   `toml:"title" yaml:"title"`
	OriginalTitle string   `toml:"original_title" yaml:"original_title"`
	Lang          string   `toml:"lang" yaml:"lang"`
	Event         string   `toml:"event" yaml:"event"`
	Day           string   `toml:"day" yaml:"day"`
	Date          string   `toml:"date" yaml:"date"`
	Publisher     string   `toml:"publisher" yaml:"publisher"`
	Authors       []string `toml:"authors" yaml:"authors"`
	URL           string   `toml:"url" yaml:"url"`
	TranslationOf string   `toml:"translation_of" yaml:"translation_of"`
	Tags          []string `toml:"tags" yaml:"tags"`
	Categories    []string `toml:"categories" yaml:"categories"`
}

// Manifest describes the reports of a folder: events, and per-file metadata.
type Manifest struct {
	Events  []Event `toml:"event"`
	Reports []Meta  `toml:"report"`
}

// ManifestName is the file a report folder may hold to describe its reports.
const ManifestName = "manifest.toml"

// Loader reads reports. Its zero value is not usable: create it with NewLoader.
type Loader struct {
	detector *lang.Detector
	events   map[string]Event
	places   *text.Places
}

// NewLoader returns a loader that detects report languages among codes when metadata is silent.
func NewLoader(codes []string) *Loader {
	places, err := text.DefaultPlaces()
	if err != nil {
		// The table is embedded and tested: failing to parse it is a build defect.
		panic(fmt.Sprintf("places table: %v", err))
	}
	return &Loader{detector: lang.NewDetector(codes), events: map[string]Event{}, places: places}
}

// Places returns the loader's table of city and country names.
func (l *Loader) Places() *text.Places { return l.places }

// AddEvents makes events known by ID, so that metadata can refer to them.
func (l *Loader) AddEvents(events []Event) {
	for _, e := range events {
		l.events[e.ID] = e
	}
}

// Load reads one report. name is its file name: its extension picks the format and its base
// gives the report ID. meta may be nil.
func (l *Loader) Load(name string, data []byte, meta *Meta) (Document, error) {
	format, err := formatOf(name, data)
	if err != nil {
		return Document{}, fmt.Errorf("%s: %w", name, err)
	}
	if format != formatPDF && !utf8.Valid(data) {
		return Document{}, fmt.Errorf("%s: %w", name, ErrNotUTF8)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	m := Meta{}
	if meta != nil {
		m = *meta
	}
	var blocks []block
	switch format {
	case formatText:
		fm, body, err := splitFrontMatter(data)
		if err != nil {
			return Document{}, fmt.Errorf("%s: %w", name, err)
		}
		mergeMeta(&m, fm)
		blocks = parseText(string(cleanBlogMarkup(body)))
	case formatMarkdown:
		fm, body, err := splitFrontMatter(data)
		if err != nil {
			return Document{}, fmt.Errorf("%s: %w", name, err)
		}
		mergeMeta(&m, fm)
		blocks = parseMarkdown(cleanBlogMarkup(body))
	case formatHTML:
		var hm htmlMeta
		var err error
		blocks, hm, err = parseHTML(data)
		if err != nil {
			return Document{}, fmt.Errorf("%s: %w", name, err)
		}
		if len(hm.date) > 10 {
			hm.date = hm.date[:10]
		}
		mergeMeta(&m, Meta{Title: hm.title, Lang: lang.Base(hm.lang), Publisher: hm.publisher, URL: hm.url, Date: hm.date, Authors: nonEmpty(hm.author)})
	case formatPDF:
		var title string
		var err error
		if blocks, title, err = parsePDF(data); err != nil {
			return Document{}, fmt.Errorf("%s: %w", name, err)
		}
		mergeMeta(&m, Meta{Title: title})
	}
	if len(blocks) == 0 {
		return Document{}, fmt.Errorf("%s: %w", name, ErrNoText)
	}

	base := path.Base(filepath.ToSlash(name))
	r := Report{
		ID:            strings.TrimSuffix(base, path.Ext(base)),
		Source:        name,
		Title:         m.Title,
		OriginalTitle: m.OriginalTitle,
		Lang:          lang.Base(m.Lang),
		Day:           m.Day,
		Date:          m.Date,
		Publisher:     m.Publisher,
		Authors:       m.Authors,
		URL:           webURL(m.URL),
		TranslationOf: m.TranslationOf,
		Tags:          m.Tags,
	}
	if e, ok := l.events[m.Event]; ok {
		r.Event = e
	} else if m.Event != "" {
		r.Event = Event{ID: slug(m.Event), Name: m.Event}
	}
	if r.Title == "" {
		r.Title = firstHeading(blocks)
	}
	if r.Title == "" {
		r.Title = r.ID
	}
	if r.Event.Name == "" {
		if g := inferEvent(l.places, r.Title, m, blocks); g.Name != "" {
			r.Event = Event{ID: slug(g.Name), Name: g.Name, City: g.City, Country: g.Country, Year: g.Year, Inferred: true}
		}
	}
	if r.Event.Name != "" {
		r.Event = completeEvent(l.places, r.Event)
	}
	if r.Lang == "" {
		var sample strings.Builder
		for _, b := range blocks {
			if sample.Len() > 4000 {
				break
			}
			sample.WriteString(b.text)
			sample.WriteByte('\n')
		}
		r.Lang = l.detector.Detect(sample.String()).Lang
		if r.Lang == "" {
			r.Lang = "en"
		}
		r.LangDetected = true
	}
	metaJSON, _ := json.Marshal(r)
	sum := sha256.Sum256(append(append([]byte{}, data...), metaJSON...))
	r.Hash = hex.EncodeToString(sum[:8])

	passages := buildPassages(r, blocks)
	if len(passages) == 0 {
		return Document{}, fmt.Errorf("%s: no passage left after removing headings and page debris", name)
	}
	return Document{Report: r, Passages: passages}, nil
}

// firstHeading is the document's title when nothing else gives one: its first heading, or a
// first line short enough to be a title.
func firstHeading(blocks []block) string {
	for i, b := range blocks {
		if i > 2 {
			break
		}
		if b.kind == blockHeading {
			return b.text
		}
	}
	return ""
}

// splitFrontMatter removes a YAML (---) or TOML (+++) front matter block and parses it.
func splitFrontMatter(data []byte) (Meta, []byte, error) {
	var delim string
	trimmed := bytes.TrimLeft(data, "\r\n\t ")
	switch {
	case bytes.HasPrefix(trimmed, []byte("---")):
		delim = "---"
	case bytes.HasPrefix(trimmed, []byte("+++")):
		delim = "+++"
	default:
		return Meta{}, data, nil
	}
	rest := trimmed[3:]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 || strings.TrimSpace(string(rest[:nl])) != "" {
		return Meta{}, data, nil // a horizontal rule, not front matter
	}
	rest = rest[nl+1:]
	end := -1
	for off := 0; off < len(rest); {
		line := rest[off:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(string(line)) == delim {
			end = off
			break
		}
		off += len(line) + 1
	}
	if end < 0 {
		return Meta{}, nil, fmt.Errorf("front matter opened with %q is never closed", delim)
	}
	raw := map[string]any{}
	var err error
	if delim == "+++" {
		err = toml.Unmarshal(rest[:end], &raw)
	} else {
		err = yaml.Unmarshal(rest[:end], &raw)
	}
	if err != nil {
		return Meta{}, nil, fmt.Errorf("front matter: %w", err)
	}
	body := rest[end:]
	if i := bytes.IndexByte(body, '\n'); i >= 0 {
		body = body[i+1:]
	} else {
		body = nil
	}
	return metaFromMap(raw), body, nil
}

// metaFromMap reads the usual front matter keys of static site generators.
func metaFromMap(m map[string]any) Meta {
	// Values are trimmed: front matter written by hand carries stray spaces and newlines.
	str := func(keys ...string) string {
		for _, k := range keys {
			switch v := m[k].(type) {
			case string:
				if v = strings.TrimSpace(v); v != "" {
					return v
				}
			case fmt.Stringer:
				return strings.TrimSpace(v.String())
			case nil:
			default:
				if s := strings.TrimSpace(fmt.Sprint(v)); s != "" {
					return s
				}
			}
		}
		return ""
	}
	list := func(keys ...string) []string {
		var out []string
		for _, k := range keys {
			switch v := m[k].(type) {
			case string:
				out = append(out, nonEmpty(strings.TrimSpace(v))...)
			case []any:
				for _, x := range v {
					if s := strings.TrimSpace(fmt.Sprint(x)); s != "" {
						out = append(out, s)
					}
				}
			}
		}
		return out
	}
	meta := Meta{
		Title:         str("title"),
		OriginalTitle: str("original_title"),
		Lang:          str("lang", "language", "locale"),
		Event:         str("event", "conference"),
		Day:           str("day"),
		Publisher:     str("publisher", "site", "blog"),
		Authors:       list("authors", "author"),
		Categories:    list("categories"),
		URL:           str("url", "link", "canonical", "permalink"),
		TranslationOf: str("translation_of", "original_url", "original"),
		Tags:          list("tags", "keywords"),
	}
	if d := str("date", "published"); d != "" {
		if len(d) >= 10 {
			d = d[:10]
		}
		meta.Date = d
	}
	return meta
}

// mergeMeta fills the empty fields of dst from src: a manifest wins over front matter.
func mergeMeta(dst *Meta, src Meta) {
	fill := func(d *string, s string) {
		if *d == "" {
			*d = s
		}
	}
	fill(&dst.Title, src.Title)
	fill(&dst.OriginalTitle, src.OriginalTitle)
	fill(&dst.Lang, src.Lang)
	fill(&dst.Event, src.Event)
	fill(&dst.Day, src.Day)
	fill(&dst.Date, src.Date)
	fill(&dst.Publisher, src.Publisher)
	fill(&dst.URL, src.URL)
	fill(&dst.TranslationOf, src.TranslationOf)
	if len(dst.Authors) == 0 {
		dst.Authors = src.Authors
	}
	if len(dst.Tags) == 0 {
		dst.Tags = src.Tags
	}
	if len(dst.Categories) == 0 {
		dst.Categories = src.Categories
	}
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// LoadFS loads every report of a folder in fsys, using its manifest.toml when present.
// A file that cannot be read or parsed is reported in errs (by name) and skipped; the rest load.
func (l *Loader) LoadFS(fsys fs.FS, dir string) (docs []Document, errs []error) {
	metas := map[string]*Meta{}
	if data, err := fs.ReadFile(fsys, path.Join(dir, ManifestName)); err == nil {
		var man Manifest
		if err := toml.Unmarshal(data, &man); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path.Join(dir, ManifestName), err))
		} else {
			l.AddEvents(man.Events)
			for i := range man.Reports {
				metas[man.Reports[i].File] = &man.Reports[i]
			}
		}
	}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			return nil
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if d.Name() == ManifestName || !IsReportFile(d.Name()) {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			return nil
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
		doc, err := l.Load(p, data, metas[rel])
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		docs = append(docs, doc)
		return nil
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", dir, err))
	}
	return docs, errs
}

// LoadPaths loads reports from files and folders on disk. Errors name the file and do not stop
// the other files from loading.
func (l *Loader) LoadPaths(paths ...string) (docs []Document, errs []error) {
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		if info.IsDir() {
			d, e := l.LoadFS(os.DirFS(p), ".")
			for i := range d {
				d[i].Report.Source = filepath.Join(p, d[i].Report.Source)
			}
			docs, errs = append(docs, d...), append(errs, e...)
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		var meta *Meta
		if mdata, err := os.ReadFile(filepath.Join(filepath.Dir(p), ManifestName)); err == nil {
			var man Manifest
			if toml.Unmarshal(mdata, &man) == nil {
				l.AddEvents(man.Events)
				for i := range man.Reports {
					if man.Reports[i].File == filepath.Base(p) {
						meta = &man.Reports[i]
					}
				}
			}
		}
		doc, err := l.Load(p, data, meta)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		docs = append(docs, doc)
	}
	return docs, errs
}

// IsReportFile tells whether a file name has a report extension (when walking folders).
func IsReportFile(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf":
		return true
	}
	return false
}

// webURL keeps a report's URL only when it is an absolute http or https address: it becomes
// the citation's link, the only kind of link the bot makes.
func webURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return raw
}
