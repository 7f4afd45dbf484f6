package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

// writePDF renders pages of lines into a PDF (A4 portrait, or landscape for slides) and returns
// its bytes; a line starting with "# " is set large, as a heading or a slide title. Each page
// gets the running footer, if any.
func writePDF(t testing.TB, title string, landscape bool, footer string, pages [][]string) []byte {
	t.Helper()
	orientation := "P"
	if landscape {
		orientation = "L"
	}
	doc := fpdf.New(orientation, "mm", "A4", "")
	doc.SetTitle(title, true)
	tr := doc.UnicodeTranslatorFromDescriptor("")
	if footer != "" {
		doc.SetFooterFunc(func() {
			doc.SetY(-15)
			doc.SetFont("Helvetica", "", 8)
			doc.CellFormat(0, 5, tr(fmt.Sprintf("%s — page %d", footer, doc.PageNo())), "", 0, "C", false, 0, "")
		})
	}
	for _, lines := range pages {
		doc.AddPage()
		for _, l := range lines {
			switch {
			case strings.HasPrefix(l, "# "):
				doc.SetFont("Helvetica", "B", 20)
				doc.CellFormat(0, 12, tr(l[2:]), "", 1, "", false, 0, "")
				doc.Ln(4)
			case l == "":
				doc.Ln(6)
			default:
				doc.SetFont("Helvetica", "", 11)
				doc.CellFormat(0, 5.5, tr(l), "", 1, "", false, 0, "")
			}
		}
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatalf("write PDF: %v", err)
	}
	return buf.Bytes()
}

func loadOne(t *testing.T, name string, data []byte) (Document, error) {
	t.Helper()
	return NewLoader([]string{"en", "fr", "de"}).Load(name, data, nil)
}

func allText(d Document) string {
	var b strings.Builder
	for _, p := range d.Passages {
		b.WriteString(p.Section + " | " + p.Text + "\n")
	}
	return b.String()
}

func TestPDFReport(t *testing.T) {
	data := writePDF(t, "Notes from DevConf.CZ 2025 in Brno", false, "DevConf.CZ notes", [][]string{
		{
			"# Day one: the keynote",
			"The opening keynote was about the long road from a single-node test cluster to the",
			"fleet of two hundred clusters the team runs today, and what broke on the way. The speaker",
			"said that the hardest part was never the technology but the on-call rota.",
			"",
			"Three things stood out from the talk:",
			"- Immutable nodes replaced in place every week",
			"- A single pipeline for every cluster, with no manual steps",
			"- Budgets for incidents agreed with product managers",
		},
		{
			"# Day two: storage",
			"The storage track was crowded. A database engineer explained how her team moved",
			"forty terabytes of state without down-",
			"time, by replicating into the new cluster for three weeks before the cut-over.",
		},
		{
			"# What I take home",
			"Operating many clusters is a people problem first; the tooling follows the rota and not",
			"the other way around.",
		},
	})
	d, err := loadOne(t, "devconf-notes.pdf", data)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if d.Report.Title != "Notes from DevConf.CZ 2025 in Brno" {
		t.Errorf("title = %q, want the PDF's own", d.Report.Title)
	}
	if d.Report.Event.City != "Brno" || d.Report.Event.Year != 2025 {
		t.Errorf("event = %+v, want Brno 2025 inferred from the title", d.Report.Event)
	}
	text := allText(d)
	for _, want := range []string{
		"from a single-node test cluster to the fleet of two hundred clusters", // wrapped lines joined
		"without downtime, by replicating",                                     // hyphenation undone
		"Immutable nodes replaced in place every week",
		"a people problem first; the tooling follows the rota and not the other way around",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in passages:\n%s", want, text)
		}
	}
	if strings.Contains(text, "page 2") || strings.Contains(text, "DevConf.CZ notes") {
		t.Errorf("the running footer was kept:\n%s", text)
	}
	found := false
	for _, p := range d.Passages {
		if strings.Contains(p.Text, "forty terabytes") && strings.Contains(p.Section, "storage") {
			found = true
		}
	}
	if !found {
		t.Errorf("the storage paragraph lost its heading as context:\n%s", text)
	}
}

func TestPDFSlides(t *testing.T) {
	var pages [][]string
	for i, topic := range []string{"Why platform teams", "Golden paths", "Measuring adoption", "Lessons learned"} {
		pages = append(pages, []string{"# " + topic, fmt.Sprintf("- Point one about %s", strings.ToLower(topic)), fmt.Sprintf("- Point two, slide %d", i+1), "- A third point"})
	}
	d, err := loadOne(t, "slides.pdf", writePDF(t, "Platform engineering at scale", true, "", pages))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	text := allText(d)
	if !strings.Contains(text, "Point one about golden paths") || !strings.Contains(text, "Golden paths") {
		t.Errorf("slide text lost:\n%s", text)
	}
}

func TestPDFWithoutTextLayer(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 200, 100))
	for x := range 200 {
		img.SetGray(x, 50, color.Gray{Y: 200})
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	doc := fpdf.New("P", "mm", "A4", "")
	doc.AddPage()
	doc.RegisterImageOptionsReader("scan", fpdf.ImageOptions{ImageType: "PNG"}, &pngData)
	doc.ImageOptions("scan", 10, 10, 190, 0, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatal(err)
	}
	_, err := loadOne(t, "scan.pdf", buf.Bytes())
	if !errors.Is(err, ErrNoTextLayer) {
		t.Fatalf("error = %v, want ErrNoTextLayer", err)
	}
	if !strings.Contains(err.Error(), "scan.pdf") || !strings.Contains(err.Error(), "OCR") {
		t.Errorf("error %q should name the file and say what to do", err)
	}
}

func TestDamagedPDF(t *testing.T) {
	full := writePDF(t, "x", false, "", [][]string{{"Some text on a page."}})
	for _, n := range []int{8, len(full) / 3, len(full) / 2, len(full) - 40} {
		if _, err := loadOne(t, "broken.pdf", full[:n]); err == nil {
			t.Errorf("a PDF cut at %d of %d bytes loaded", n, len(full))
		}
	}
}

func TestFormatIsReadFromTheContent(t *testing.T) {
	pdfData := writePDF(t, "Talk notes", false, "", [][]string{{"The talk was about queues and back-pressure in event pipelines."}})
	var pngData bytes.Buffer
	_ = png.Encode(&pngData, image.NewGray(image.Rect(0, 0, 4, 4)))
	page := []byte("<!doctype html><html lang=\"en\"><head><title>A page</title></head><body><article><h1>A page</h1><p>An article long enough to be a report paragraph, about service meshes in production.</p></article></body></html>")
	for _, tc := range []struct {
		name    string
		data    []byte
		wantErr error
		want    string
	}{
		{name: "slides", data: pdfData, want: "back-pressure"},  // a PDF without an extension
		{name: "notes.txt", data: page, want: "service meshes"}, // HTML called .txt
		{name: "notes", data: []byte("# Notes\n\nA Markdown upload without an extension."), want: "without an extension"},
		{name: "photo.md", data: pngData.Bytes(), wantErr: ErrUnsupported}, // an image called .md
		{name: "deck.pdf", data: []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe"), wantErr: ErrUnsupported},
		{name: "latin1.txt", data: []byte("Caf\xe9 cr\xe8me at the conference, \xe0 midi."), wantErr: ErrNotUTF8},
		{name: "slides.pptx", data: []byte("plain text in a file with an unknown extension"), wantErr: ErrUnsupported},
	} {
		d, err := loadOne(t, tc.name, tc.data)
		if tc.wantErr != nil {
			if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.name) {
				t.Errorf("%s: error = %v, want one naming the file and wrapping %v", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !strings.Contains(allText(d), tc.want) {
			t.Errorf("%s: %q not in\n%s", tc.name, tc.want, allText(d))
		}
	}
}
