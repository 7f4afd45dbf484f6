package corpus

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

var langs = []string{"en", "fr", "sv", "zh", "de", "es", "ja", "pt", "it", "nl"}

func TestDefaultCorpus(t *testing.T) {
	c, err := NewLoader(langs).Default()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(c.Reports); got != 5 {
		t.Fatalf("reports = %d, want 5", got)
	}
	wantLang := map[string]string{
		"kubecon-eu-2018-copenhagen.fr":       "fr",
		"kubecon-eu-2019-barcelona-cag.sv":    "sv",
		"kubecon-eu-2019-day-3-xebia.fr":      "fr",
		"kubecon-eu-2019-top-10-takeaways.fr": "fr",
		"kubecon-eu-2019-top-10-takeaways.zh": "zh",
	}
	for _, r := range c.Reports {
		if r.Lang != wantLang[r.ID] {
			t.Errorf("%s: lang = %q, want %q", r.ID, r.Lang, wantLang[r.ID])
		}
		if r.Title == "" || r.Event.Name == "" || r.Event.City == "" {
			t.Errorf("%s: missing metadata: %+v", r.ID, r)
		}
	}
	zh, _ := c.Report("kubecon-eu-2019-top-10-takeaways.zh")
	if zh.Title != "[译] KubeCon EU 2019：十大要点" || zh.Date != "2019-05-31" {
		t.Errorf("zh front matter not read: title %q date %q", zh.Title, zh.Date)
	}
	for _, p := range c.Passages {
		if strings.Contains(p.Text, "](") || strings.Contains(p.Text, "![") {
			t.Errorf("%s: Markdown link syntax left in passage: %q", p.ID, p.Text)
		}
		for _, debris := range []string{"Laisser un commentaire", "Kontaktperson", "daniel.marell@cag.se", "Ping :", "Nous recrutons"} {
			if strings.Contains(p.Text, debris) {
				t.Errorf("%s: page debris %q kept: %q", p.ID, debris, p.Text)
			}
		}
		if p.Text == "X" || len([]rune(p.Text)) < 20 {
			t.Errorf("%s: fragment kept as a passage: %q", p.ID, p.Text)
		}
		if len([]rune(p.Text)) > maxPassage+200 {
			t.Errorf("%s: passage of %d runes not split", p.ID, len([]rune(p.Text)))
		}
	}
}

func TestHeadingsBecomeContext(t *testing.T) {
	c, err := NewLoader(langs).Default()
	if err != nil {
		t.Fatal(err)
	}
	var brigade, takeaway *Passage
	for i, p := range c.Passages {
		if strings.HasPrefix(p.Text, "Brigade commence") {
			brigade = &c.Passages[i]
		}
		if p.ReportID == "kubecon-eu-2019-day-3-xebia.fr" && p.Takeaway && strings.Contains(p.Text, "plateforme à part entière") {
			takeaway = &c.Passages[i]
		}
		if p.Text == "Deep Dive: Brigade – Radu Matei, Microsoft" {
			t.Errorf("a heading became a passage of its own: %q", p.Text)
		}
	}
	if brigade == nil || !strings.Contains(brigade.Section, "Deep Dive: Brigade") {
		t.Fatalf("the Brigade paragraph lost its heading: %+v", brigade)
	}
	if takeaway == nil {
		t.Fatal("the Xebia take-away list is not marked as a take-away")
	}
	if !strings.Contains(takeaway.Text, "Que retenir") {
		t.Errorf("the list introduction was not merged into the list: %q", takeaway.Text)
	}
}

func TestPassageIDsStable(t *testing.T) {
	a, err := NewLoader(langs).Default()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewLoader(langs).Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Passages) != len(b.Passages) {
		t.Fatalf("passage counts differ: %d vs %d", len(a.Passages), len(b.Passages))
	}
	seen := map[string]bool{}
	for i := range a.Passages {
		if a.Passages[i].ID != b.Passages[i].ID {
			t.Errorf("passage %d: ID %s then %s", i, a.Passages[i].ID, b.Passages[i].ID)
		}
		if seen[a.Passages[i].ID] {
			t.Errorf("duplicate passage ID %s", a.Passages[i].ID)
		}
		seen[a.Passages[i].ID] = true
	}
	if a.Hash() != b.Hash() {
		t.Error("corpus hash changed between two loads of the same reports")
	}
}

func TestLoadFolderSkipsBrokenFiles(t *testing.T) {
	docs, errs := NewLoader(langs).LoadPaths(filepath.Join("testdata", "mixed"))
	if len(docs) != 3 {
		t.Errorf("loaded %d reports, want 3 (md, html, txt)", len(docs))
	}
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, name := range []string{"broken.txt", "unclosed.md"} {
		if !strings.Contains(all, name) {
			t.Errorf("error for %s not reported by name; errors:\n%s", name, all)
		}
	}
	if strings.Contains(all, "image.png") {
		t.Errorf("a non-report file was reported as broken: %s", all)
	}
	byID := map[string]Document{}
	for _, d := range docs {
		byID[d.Report.ID] = d
	}

	md := byID["devoxx-notes"]
	if md.Report.Title != "Devoxx France 2024: our notes" || md.Report.Publisher != "Example Blog" ||
		len(md.Report.Authors) != 2 || md.Report.URL != "https://blog.example.com/devoxx-2024" || md.Report.Event.Name != "Devoxx France 2024" {
		t.Errorf("YAML front matter not applied: %+v", md.Report)
	}
	var linked, listed bool
	for _, p := range md.Passages {
		for _, l := range p.Links {
			if l.URL == "https://example.com/research" && strings.Contains(p.Text, "user research") {
				linked = true
			}
		}
		if p.Takeaway && strings.Contains(p.Text, "Platform engineering") {
			listed = true
		}
	}
	if !linked {
		t.Error("Markdown link not reduced to its text with its URL kept")
	}
	if !listed {
		t.Error("the Take-aways list is not marked as take-aways")
	}

	html := byID["rapport"]
	if html.Report.Lang != "fr" || html.Report.Publisher != "Blog Exemple" || html.Report.URL != "https://exemple.fr/pcd-2019" {
		t.Errorf("HTML metadata not read: %+v", html.Report)
	}
	text := ""
	for _, p := range html.Passages {
		text += p.Text + "\n"
	}
	for _, junk := range []string{"tracking", "color: red", "Accueil", "Mentions légales", "Laisser un commentaire"} {
		if strings.Contains(text, junk) {
			t.Errorf("HTML chrome %q kept in passages:\n%s", junk, text)
		}
	}
	if !strings.Contains(text, "six cents personnes") || !strings.Contains(text, "Second point retenu") {
		t.Errorf("HTML article text lost:\n%s", text)
	}

	txt := byID["notes"]
	if txt.Report.Lang != "en" || !txt.Report.LangDetected {
		t.Errorf("plain text language not detected: %+v", txt.Report)
	}
	for _, p := range txt.Passages {
		if strings.Contains(p.Text, "email address") {
			t.Errorf("comment form kept: %q", p.Text)
		}
	}
}

func TestLoadMissingPath(t *testing.T) {
	_, errs := NewLoader(langs).LoadPaths(filepath.Join(t.TempDir(), "nope.md"))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "nope.md") {
		t.Fatalf("errs = %v, want one naming nope.md", errs)
	}
}

func TestTOMLFrontMatter(t *testing.T) {
	fsys := fstest.MapFS{"r/talk.md": {Data: []byte("+++\ntitle = \"Notes\"\nlang = \"sv\"\nauthors = [\"A\"]\n+++\n\nDet här är en tillräckligt lång mening om konferensen och dess föredrag om Kubernetes.\n")}}
	docs, errs := NewLoader(langs).LoadFS(fsys, "r")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if docs[0].Report.Title != "Notes" || docs[0].Report.Lang != "sv" || docs[0].Report.LangDetected {
		t.Errorf("TOML front matter not applied: %+v", docs[0].Report)
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"western", "Kind runs clusters in Docker. It is fast! Is it stable? Yes.", []string{"Kind runs clusters in Docker.", "It is fast!", "Is it stable?", "Yes."}},
		{"abbreviation", "Tools like Helm, ksonnet, etc. are popular. Dr. Smith agreed.", []string{"Tools like Helm, ksonnet, etc. are popular.", "Dr. Smith agreed."}},
		{"decimal", "Velero 1.0 was released. It backs up volumes.", []string{"Velero 1.0 was released.", "It backs up volumes."}},
		{"cjk", "SMI旨在整合核心功能。请继续关注！会发生什么？", []string{"SMI旨在整合核心功能。", "请继续关注！", "会发生什么？"}},
		{"french quotes", "Il a dit « bonjour ». Puis il est parti.", []string{"Il a dit « bonjour ».", "Puis il est parti."}},
		{"list lines", "Intro:\n• one\n• two", []string{"Intro:", "• one", "• two"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sentences(tt.in)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Sentences(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	for _, name := range []string{"mixed/devoxx-notes.md", "mixed/rapport.html", "mixed/notes.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(name), data)
	}
	f.Add("x.md", []byte("---\n---\n"))
	f.Add("x.txt", []byte("+++\n"))
	f.Add("x.htm", []byte("0000000000000000000000000000000<A><li>")) // once a slice-bounds panic
	f.Add("talk.pdf", writePDF(f, "Talk", false, "footer", [][]string{{"# A heading", "A line of text that wraps", "onto a sec-", "ond line."}, {"- a bullet"}}))
	l := NewLoader(langs)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		doc, err := l.Load(name, data, nil)
		if err != nil {
			return
		}
		if len(doc.Passages) == 0 {
			t.Fatal("a loaded report without passages")
		}
		for _, p := range doc.Passages {
			if strings.TrimSpace(p.Text) == "" || p.ID == "" {
				t.Fatalf("empty passage or ID: %+v", p)
			}
		}
	})
}

// TestNoTextLost: every sentence of a report with five words or more, up to the comment form,
// ends up in a passage or a section heading.
func TestNoTextLost(t *testing.T) {
	l := NewLoader(langs)
	c, err := l.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Reports {
		data, err := defaultReports.ReadFile("reports/" + path.Base(r.Source))
		if err != nil {
			t.Fatal(err)
		}
		var blocks []block
		if strings.HasSuffix(r.Source, ".md") {
			_, body, _ := splitFrontMatter(data)
			blocks = parseMarkdown(body)
		} else {
			blocks = parseText(string(data))
		}
		var all strings.Builder
		for _, p := range c.Passages {
			if p.ReportID == r.ID {
				all.WriteString(p.Section + "\n" + p.Text + "\n")
			}
		}
		for _, b := range blocks {
			if endOfArticleRe.MatchString(b.text) {
				break
			}
			if trackbackRe.MatchString(b.text) || linkDense(b) {
				continue // trackbacks and link lines are page debris by design
			}
			for _, sent := range Sentences(b.text) {
				if len(strings.Fields(sent)) >= 5 && !strings.Contains(all.String(), sent) {
					t.Errorf("%s: text lost: %q", r.ID, sent)
				}
			}
		}
	}
}

func TestLinkLinesAreDropped(t *testing.T) {
	src := "# Notes\n\nOriginal: [KubeCon EU 2019: Top 10 Takeaways](https://example.com/a), by [Daniel Bryant](https://example.com/b).\n\nThe talk about [kind](https://kind.sigs.k8s.io) showed how to run a whole Kubernetes cluster inside Docker containers for end-to-end tests.\n"
	doc, err := NewLoader(langs).Load("notes.md", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range doc.Passages {
		if strings.Contains(p.Text, "Daniel Bryant") {
			t.Errorf("a line made of links was kept as text: %q", p.Text)
		}
	}
	if len(doc.Passages) != 1 || !strings.Contains(doc.Passages[0].Text, "kind showed") {
		t.Errorf("passages = %+v, want the paragraph with its link reduced to text", doc.Passages)
	}
}

// TestBlogMarkupIsCleaned loads a Hugo post with the debris real blogs contain: shortcodes,
// Liquid tags, an embedded tweet and nested lists.
func TestBlogMarkupIsCleaned(t *testing.T) {
	src := `+++
title = "  Notes from a conference  "
+++
{% include toc.html %}

Paragraph one is long enough to stand alone as a passage of this report, because it says a good deal about the event and the people in it.

{{< figure src="/img/hall.jpg" caption="The main hall, full at nine" >}}

{{% notice info %}}
Videos of every session were online within a week, on the event's own channel, which is where the numbers quoted below come from too.
{{% /notice %}}

{{< youtube abc123 >}}

<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Packed room for the Podman talk!</p>&mdash; Some Person (@handle) <a href="https://twitter.com/handle/status/1">June 13, 2024</a></blockquote>

The main points:

- Building
  - Start from a base image.
- Updating
  - Reboot into the new image.
`
	doc, err := NewLoader([]string{"en"}).Load("post.md", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, p := range doc.Passages {
		all.WriteString(p.Text + "\n")
	}
	text := all.String()
	for _, bad := range []string{"{{", "{%", "%}}", "youtube", "toc.html", "figure src", "twitter.com"} {
		if strings.Contains(text, bad) {
			t.Errorf("passages keep %q:\n%s", bad, text)
		}
	}
	for _, good := range []string{"Videos of every session", "“Packed room for the Podman talk!” — Some Person (@handle)", "• Building\n  ◦ Start from a base image.", "• Updating\n  ◦ Reboot"} {
		if !strings.Contains(text, good) {
			t.Errorf("passages lack %q:\n%s", good, text)
		}
	}
	if doc.Report.Title != "Notes from a conference" {
		t.Errorf("title %q, want it trimmed", doc.Report.Title)
	}
}

// TestEventInferredFromTheReport uses events none of the default reports are about: a report
// without an event key gets its event, city, country and year from its own words.
func TestEventInferredFromTheReport(t *testing.T) {
	for _, tt := range []struct {
		name, src            string
		event, city, country string
		year                 int
	}{
		{"osj.md", "---\ntitle: Open Source Summit Japan 2024 recap\ndate: 2024-10-30\n---\nThree days of talks on Linux, security and AI, with a strong community track and plenty of hallway conversations.\n", "Open Source Summit Japan 2024", "", "JP", 2024},
		{"devconf.md", "---\ntitle: Notes\ndate: 2023-06-20\n---\nMy notes from DevConf in Brno, where I spent three days listening to talks about Fedora, containers and the future of Linux distributions.\n", "DevConf", "Brno", "", 2023},
		{"devoxx.fr.md", "---\ntitle: Retour sur Devoxx France 2024\n---\nDevoxx France 2024 s'est tenue à Paris au Palais des Congrès, avec plus de trois mille participants venus parler de Java, d'architecture et d'IA.\n", "Devoxx France 2024", "Paris", "FR", 2024},
		{"kcc.md", "---\ntitle: A week at KubeCon China\ndate: 2019-06-30\n---\nKubeCon + CloudNativeCon China took place in Shanghai this year, and the keynotes were in Mandarin and English, translated live for everyone in the hall.\n", "KubeCon China", "Shanghai", "CN", 2019},
		{"sunny.fr.md", "---\ntitle: Retour sur Sunny Tech 2024 à Montpellier\n---\nDeux jours de conférences au soleil, avec des talks sur le front, le back et l'IA, et une keynote sur KubeCon et la communauté.\n", "Sunny Tech 2024", "Montpellier", "", 2024},
		{"gcu.md", "---\ntitle: GopherCon UK 2023 recap\n---\nA week of Go talks in London, from generics to profiling, with a lot of hallway conversations about tooling and testing.\n", "GopherCon UK 2023", "London", "GB", 2023},
		{"plain.md", "---\ntitle: Thoughts on testing\n---\nThis post is about testing, not about any event, and it mentions Paris only in passing as the city where I live and work most days.\n", "", "", "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := NewLoader([]string{"en", "fr"}).Load(tt.name, []byte(tt.src), nil)
			if err != nil {
				t.Fatal(err)
			}
			e := doc.Report.Event
			if e.Name != tt.event || e.City != tt.city || (tt.country != "" && e.Country != tt.country) || e.Year != tt.year {
				t.Errorf("event = %q, %q, %q, %d; want %q, %q, %q, %d", e.Name, e.City, e.Country, e.Year, tt.event, tt.city, tt.country, tt.year)
			}
		})
	}
}

func TestEmptyMarkdownHeadingsAreNotText(t *testing.T) {
	src := "# Notes\n\nA paragraph long enough to be a passage of its own, since it tells the reader what the conference was about and who came to it.\n\n## Hallway track\n\n## Links\n"
	doc, err := NewLoader([]string{"en"}).Load("n.md", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range doc.Passages {
		for _, s := range Sentences(p.Text) {
			if s == "Hallway track" || s == "Links" {
				t.Errorf("heading %q became a sentence of %s", s, p.ID)
			}
		}
	}
}

func TestCatalogGroupsReportsByEvent(t *testing.T) {
	l := NewLoader([]string{"en", "fr"})
	c := &Corpus{}
	for name, src := range map[string]string{
		"a.md": "---\ntitle: My notes from RustConf 2023\n---\nRustConf 2023 took place in Albuquerque, with talks on async Rust, embedded work and the compiler.\n",
		"b.md": "---\ntitle: RustConf 2023, day two\n---\nThe second day of RustConf 2023 was about tooling, cargo and the way the compiler team plans its work.\n",
		"c.md": "---\ntitle: Thoughts on testing\n---\nA post about testing that names no event at all, only the habits of a team that writes a lot of tests.\n",
		"d.md": "---\ntitle: Devoxx France 2024\n---\nDevoxx France 2024 s'est tenue à Paris, avec des talks sur Java, l'architecture et l'intelligence artificielle.\n",
	} {
		d, err := l.Load(name, []byte(src), nil)
		if err != nil {
			t.Fatal(err)
		}
		c.Add(d)
	}
	cat := NewCatalog(c)
	var labels []string
	for _, e := range cat.Events {
		labels = append(labels, fmt.Sprintf("%s=%d", e.Label(), len(e.Reports)))
	}
	want := []string{"RustConf 2023 (Albuquerque)=2", "Devoxx France 2024 (Paris)=1"}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("events %v, want %v (ordered by year)", labels, want)
	}
	if len(cat.Orphans) != 1 || cat.Orphans[0] != "c" {
		t.Errorf("orphans %v, want [c]", cat.Orphans)
	}
}

func TestReportURLMustBeWeb(t *testing.T) {
	l := NewLoader(langs)
	for _, tt := range []struct{ url, want string }{
		{"https://example.com/r", "https://example.com/r"},
		{"http://example.com/r", "http://example.com/r"},
		{"javascript:alert(1)", ""},
		{"//example.com/r", ""},
		{"[x](http://evil.example)", ""},
		{"ftp://example.com/r", ""},
	} {
		src := "---\ntitle: T\nurl: \"" + tt.url + "\"\n---\nKubeCon had many talks about service meshes this year, and Linkerd was among them.\n"
		doc, err := l.Load("r.md", []byte(src), nil)
		if err != nil {
			t.Fatalf("%q: %v", tt.url, err)
		}
		if doc.Report.URL != tt.want {
			t.Errorf("url %q loaded as %q, want %q", tt.url, doc.Report.URL, tt.want)
		}
	}
}
