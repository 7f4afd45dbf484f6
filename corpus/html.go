package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ErrNoArticle is wrapped by the error for an HTML page in which no article text is found (a
// login wall, an index page, a page built by scripts).
var ErrNoArticle = errors.New("no article text found in the page")

// htmlMeta is what an HTML page says about itself.
type htmlMeta struct {
	title, lang, author, publisher, url, date, description string
}

// skipped elements carry no report text: scripts, styles, navigation, page chrome, forms.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Nav: true, atom.Header: true,
	atom.Footer: true, atom.Aside: true, atom.Form: true, atom.Iframe: true, atom.Svg: true,
	atom.Button: true, atom.Template: true, atom.Head: true, atom.Select: true, atom.Object: true,
}

// blockElems start a new block.
var blockElems = map[atom.Atom]blockKind{
	atom.P: blockPara, atom.Blockquote: blockPara, atom.Pre: blockPara, atom.Td: blockPara,
	atom.Dd: blockPara, atom.Dt: blockPara, atom.Figcaption: blockPara, atom.Div: blockPara,
	atom.Section: blockPara, atom.Article: blockPara, atom.Main: blockPara, atom.Table: blockPara,
	atom.Li: blockItem, atom.H1: blockHeading, atom.H2: blockHeading, atom.H3: blockHeading,
	atom.H4: blockHeading, atom.H5: blockHeading, atom.H6: blockHeading, atom.Br: blockPara,
}

// parseHTML extracts text blocks and metadata with a real HTML parser. The article is found
// by Readability (a port of Mozilla's reader view, which scores the page's blocks and drops
// navigation, comments and sharing widgets); when it finds none, the page's <article> or <main>
// element is read, and a page with neither is refused with ErrNoArticle.
func parseHTML(src []byte) ([]block, htmlMeta, error) {
	root, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, htmlMeta{}, fmt.Errorf("parse HTML: %w", err)
	}
	var meta htmlMeta
	var article *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				meta.lang = attr(n, "lang")
			case atom.Title:
				if meta.title == "" && n.FirstChild != nil {
					meta.title = cleanSpace(n.FirstChild.Data)
				}
			case atom.Meta:
				key := strings.ToLower(attr(n, "property") + attr(n, "name"))
				val := cleanSpace(attr(n, "content"))
				switch key {
				case "og:title":
					meta.title = val
				case "author", "article:author":
					meta.author = val
				case "og:site_name":
					meta.publisher = val
				case "og:url":
					meta.url = val
				case "article:published_time", "date":
					meta.date = val
				case "description", "og:description":
					meta.description = val
				case "og:locale", "language", "content-language":
					if meta.lang == "" {
						meta.lang = val
					}
				}
			case atom.Link:
				if strings.EqualFold(attr(n, "rel"), "canonical") && meta.url == "" {
					meta.url = attr(n, "href")
				}
			case atom.Article:
				if article == nil {
					article = n
				}
			case atom.Main:
				if article == nil {
					article = n
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(root)
	if blocks := readArticle(src, &meta); len(blocks) > 0 {
		return blocks, meta, nil
	}
	if article == nil {
		return nil, meta, ErrNoArticle
	}
	start := article
	w := &htmlWalker{}
	w.walk(start)
	w.flush()
	return w.blocks, meta, nil
}

// readArticle is the page's article as Readability finds it, read into blocks (headings, lists
// and embeds kept), filling what meta lacks from Readability's metadata; nil when it finds none.
func readArticle(src []byte, meta *htmlMeta) []block {
	p := readability.NewParser()
	p.KeepClasses = true // embeds (tweets, toots) are recognised by their class
	art, err := p.Parse(bytes.NewReader(src), nil)
	if err != nil || art.Node == nil {
		return nil
	}
	w := &htmlWalker{}
	w.walk(art.Node)
	w.flush()
	if meta.title == "" {
		meta.title = cleanSpace(art.Title())
	}
	if meta.author == "" {
		meta.author = cleanSpace(art.Byline())
	}
	if meta.publisher == "" {
		meta.publisher = cleanSpace(art.SiteName())
	}
	if meta.lang == "" {
		meta.lang = art.Language()
	}
	if meta.date == "" {
		if t, err := art.PublishedTime(); err == nil {
			meta.date = t.Format("2006-01-02")
		}
	}
	return w.blocks
}

type htmlWalker struct {
	blocks []block
	cur    strings.Builder
	links  []Link
	kind   blockKind
	level  int
	// items is how many list items enclose the current node (a nested list's depth).
	items int
}

func (w *htmlWalker) flush() {
	t := cleanSpace(w.cur.String())
	if t != "" {
		w.blocks = append(w.blocks, block{kind: w.kind, text: t, links: w.links, level: w.level, marked: w.kind == blockHeading})
	}
	w.cur.Reset()
	w.links = nil
	w.kind = blockPara
	w.level = 0
}

func (w *htmlWalker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.cur.WriteString(strings.ReplaceAll(n.Data, "\n", " "))
		return
	case html.ElementNode:
		if skipped[n.DataAtom] {
			return
		}
		if n.DataAtom == atom.Img {
			return
		}
		if isEmbed(n) {
			w.flush()
			if t := embedText(n); t != "" {
				w.blocks = append(w.blocks, block{kind: blockPara, text: t})
			}
			return
		}
	}
	kind, isBlock := blockElems[n.DataAtom]
	if isBlock {
		w.flush()
		w.kind = kind
		if kind == blockHeading {
			w.level = int(n.Data[1] - '0')
		}
		if kind == blockItem {
			w.level = w.items
			w.items++
			defer func() { w.items-- }()
		}
	}
	if n.DataAtom == atom.A {
		before := w.cur.Len()
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		if before > w.cur.Len() {
			before = 0 // a block inside the link flushed what came before it
		}
		text := cleanSpace(w.cur.String()[before:])
		if href := attr(n, "href"); href != "" && !strings.HasPrefix(href, "#") && !strings.HasPrefix(href, "javascript:") {
			w.links = append(w.links, Link{Text: text, URL: href})
		}
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	if isBlock {
		w.flush()
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}
