package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// ErrNoTextLayer is wrapped by the error for a PDF whose pages carry no text: a scan, or slides
// exported as pictures.
var ErrNoTextLayer = errors.New("the PDF has no text layer (a scan or pictures of slides): export it with its text, or run OCR on it first")

// maxPDFPages bounds the pages read from one PDF.
const maxPDFPages = 500

// parsePDF reads the text of a PDF, page by page, with a pure-Go PDF reader: glyphs make lines,
// lines are joined into paragraphs (a wider gap than the page's line spacing ends one, so do a
// change of font size and a bullet),
// hyphenated line ends are rejoined, running headers and footers (a line on most pages) and
// page numbers are dropped. It returns the blocks and the document's own title, if any.
func parsePDF(data []byte) (blocks []block, title string, err error) {
	defer func() {
		// The reader panics on some malformed files; a broken report is an error, never a crash.
		if r := recover(); r != nil {
			blocks, title, err = nil, "", fmt.Errorf("damaged PDF: %v", r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if strings.Contains(err.Error(), "encrypted") {
			return nil, "", errors.New("the PDF is encrypted: export it without a password")
		}
		return nil, "", fmt.Errorf("damaged PDF: %w", err)
	}
	if info := r.Trailer().Key("Info"); !info.IsNull() {
		title = cleanSpace(info.Key("Title").Text())
	}
	n := min(r.NumPage(), maxPDFPages)
	pages := make([][]string, 0, n)
	for i := 1; i <= n; i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		pages = append(pages, pageParagraphs(pageLines(p.Content().Text)))
	}
	pages = dropRunningLines(pages)
	// A paragraph cut by a page break (no sentence end, the next page going on in lower case)
	// is one paragraph.
	var paras []string
	for _, page := range pages {
		for i, para := range page {
			if last := len(paras) - 1; i == 0 && last >= 0 && !endsSentence(paras[last]) && startsLower(para) {
				paras[last] = joinLine(paras[last], para)
				continue
			}
			paras = append(paras, para)
		}
	}
	text := strings.Join(paras, "\n\n")
	if strings.TrimSpace(text) == "" {
		return nil, title, ErrNoTextLayer
	}
	return parseText(text), title, nil
}

// pdfLine is one line of a page: its text, baseline and largest font size.
type pdfLine struct {
	text   string
	y, sz  float64
	bullet bool
}

// pageLines groups a page's glyphs, in drawing order, into lines: a new line starts when the
// baseline moves by more than half the font size or the pen goes back left. A space is put
// where the gap between two glyphs is wider than a fifth of the font size.
func pageLines(glyphs []pdf.Text) []pdfLine {
	var lines []pdfLine
	var b strings.Builder
	var cur pdfLine
	var endX float64
	flush := func() {
		if t := cleanSpace(b.String()); t != "" {
			cur.text = t
			lines = append(lines, cur)
		}
		b.Reset()
	}
	for i, g := range glyphs {
		size := max(g.FontSize, 1)
		if i == 0 || math.Abs(g.Y-cur.y) > size/2 || g.X < endX-size {
			flush()
			cur = pdfLine{y: g.Y, sz: size}
		} else if g.X-endX > size/5 && !endsSpace(b.String()) && !startsSpace(g.S) {
			b.WriteByte(' ')
		}
		cur.sz = max(cur.sz, size)
		b.WriteString(g.S)
		endX = g.X + g.W
	}
	flush()
	return lines
}

// pageParagraphs joins a page's lines into paragraphs: a gap wider than the page's usual line
// spacing, a change of font size (a heading) and a bullet each start a new one.
func pageParagraphs(lines []pdfLine) []string {
	if len(lines) == 0 {
		return nil
	}
	// The page's line spacing is its most common gap between lines, to half a point.
	gaps := map[float64]int{}
	for i := 1; i < len(lines); i++ {
		if g := math.Round((lines[i-1].y-lines[i].y)*2) / 2; g > 0 {
			gaps[g]++
		}
	}
	spacing, best := 0.0, 0
	for g, c := range gaps {
		if c > best || c == best && g < spacing {
			spacing, best = g, c
		}
	}
	var paras []string
	cur := lines[0].text
	for i := 1; i < len(lines); i++ {
		prev, l := lines[i-1], lines[i]
		gap := prev.y - l.y
		if (spacing > 0 && gap > spacing*1.4) || gap < 0 || math.Abs(l.sz-prev.sz) > 0.5 || bulletRe.MatchString(l.text) {
			paras = append(paras, cur)
			cur = l.text
			continue
		}
		cur = joinLine(cur, l.text)
	}
	return append(paras, cur)
}

// joinLine appends a wrapped line, rejoining a word hyphenated at the line's end.
func joinLine(cur, next string) string {
	if strings.HasSuffix(cur, "-") && !strings.HasSuffix(cur, " -") {
		r, _ := utf8.DecodeRuneInString(next)
		if unicode.IsLower(r) {
			return cur[:len(cur)-1] + next
		}
	}
	return cur + " " + next
}

// dropRunningLines removes page numbers and the lines repeated on most pages (running
// headers and footers, digits set aside so that "Page 3 of 20" counts as one line).
func dropRunningLines(pages [][]string) [][]string {
	if len(pages) < 3 {
		return pages
	}
	shape := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return '#'
			}
			return r
		}, s)
	}
	seen := map[string]int{}
	for _, paras := range pages {
		onPage := map[string]bool{}
		for _, p := range paras {
			if len(p) <= 120 {
				onPage[shape(p)] = true
			}
		}
		for s := range onPage {
			seen[s]++
		}
	}
	out := make([][]string, len(pages))
	for i, paras := range pages {
		for _, p := range paras {
			if seen[shape(p)]*2 > len(pages) || strings.Trim(shape(p), "# /|–-") == "" {
				continue
			}
			out[i] = append(out[i], p)
		}
	}
	return out
}

func endsSpace(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(r)
}

func startsSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}
