package corpus

import (
	"bytes"
	"fmt"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"
)

// Report formats, named by their usual extension.
const (
	formatText     = ".txt"
	formatMarkdown = ".md"
	formatHTML     = ".html"
	formatPDF      = ".pdf"
)

// formatOf decides a report file's format from its content first and its name second: a PDF
// or an HTML page is one whatever it is called, a binary file is refused whatever it is
// called (naming what it looks like), and text goes by its extension (Markdown when it has
// none and looks like Markdown).
func formatOf(name string, data []byte) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	head := data[:min(len(data), 1024)]
	if bytes.HasPrefix(bytes.TrimLeft(head, "\x00\t\r\n "), []byte("%PDF-")) {
		return formatPDF, nil
	}
	sniffed := http.DetectContentType(data)
	if !strings.HasPrefix(sniffed, "text/") {
		// DetectContentType calls UTF-8 text without a BOM "text/plain" and anything it does not
		// know "application/octet-stream"; valid UTF-8 is text whatever else it resembles.
		if !utf8.Valid(data) {
			if ext == ".pdf" {
				return "", fmt.Errorf("%w: the file is named .pdf but is not a PDF", ErrUnsupported)
			}
			return "", fmt.Errorf("%w: the content is %s, not text", ErrUnsupported, kindOf(sniffed))
		}
	}
	if strings.HasPrefix(sniffed, "text/html") || ext == ".html" || ext == ".htm" || ext == ".xhtml" {
		return formatHTML, nil
	}
	switch ext {
	case ".md", ".markdown":
		return formatMarkdown, nil
	case ".txt", ".text":
		return formatText, nil
	case "", ".pdf":
		// No extension (an upload called "notes"), or a text file misnamed .pdf.
		t := bytes.TrimLeft(data, "\ufeff \t\r\n")
		if bytes.HasPrefix(t, []byte("---")) || bytes.HasPrefix(t, []byte("+++")) || bytes.HasPrefix(t, []byte("#")) {
			return formatMarkdown, nil
		}
		return formatText, nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnsupported, ext)
}

// kindOf names a sniffed media type for a person.
func kindOf(mediaType string) string {
	mt, _, _ := strings.Cut(mediaType, ";")
	switch {
	case strings.HasPrefix(mt, "image/"):
		return "an image (" + mt + ")"
	case mt == "application/zip":
		return "a ZIP archive (a .docx, .pptx or .odt document is one: export it as PDF, HTML or text)"
	case mt == "application/octet-stream":
		return "binary data"
	}
	return mt
}
