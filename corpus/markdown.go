package corpus

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// parseMarkdown turns a Markdown body (front matter already removed) into blocks with goldmark,
// reducing links to their text and dropping images.
func parseMarkdown(src []byte) []block {
	doc := goldmark.New().Parser().Parse(text.NewReader(src))
	var blocks []block
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Heading:
				t, links := inlineText(c, src)
				if t != "" {
					blocks = append(blocks, block{kind: blockHeading, text: t, links: links, level: c.Level, marked: true})
				}
			case *ast.Paragraph, *ast.TextBlock:
				t, links := inlineText(c, src)
				if t != "" {
					kind, depth := blockPara, 0
					if _, inItem := c.Parent().(*ast.ListItem); inItem {
						kind = blockItem
						for a := c.Parent().Parent(); a != nil; a = a.Parent() {
							if _, ok := a.(*ast.ListItem); ok {
								depth++
							}
						}
					}
					blocks = append(blocks, block{kind: kind, text: t, links: links, level: depth})
				}
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				var b strings.Builder
				lines := c.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b.Write(seg.Value(src))
				}
				if t := cleanSpace(strings.ReplaceAll(b.String(), "\n", " ")); t != "" {
					blocks = append(blocks, block{kind: blockPara, text: t})
				}
			case *ast.HTMLBlock:
				// Raw HTML in a post: an embedded tweet or toot, a figure, a div of text.
				var raw strings.Builder
				lines := c.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					raw.Write(seg.Value(src))
				}
				if c.HasClosure() {
					raw.Write(c.ClosureLine.Value(src))
				}
				if hb, _, err := parseHTML([]byte(raw.String())); err == nil {
					blocks = append(blocks, hb...)
				}
			case *ast.ThematicBreak:
			default:
				walk(c)
			}
		}
	}
	walk(doc)
	return blocks
}

// inlineText concatenates the text under n, with links reduced to their text.
func inlineText(n ast.Node, src []byte) (string, []Link) {
	var b strings.Builder
	var links []Link
	var linkStarts []int
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if l, ok := c.(*ast.Link); ok {
				start := linkStarts[len(linkStarts)-1]
				linkStarts = linkStarts[:len(linkStarts)-1]
				links = append(links, Link{Text: cleanSpace(b.String()[start:]), URL: string(l.Destination)})
			}
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Image:
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			linkStarts = append(linkStarts, b.Len())
		case *ast.AutoLink:
			u := string(c.URL(src))
			links = append(links, Link{Text: u, URL: u})
			b.WriteString(u)
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			for gc := c.FirstChild(); gc != nil; gc = gc.NextSibling() {
				if t, ok := gc.(*ast.Text); ok {
					b.Write(t.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return cleanSpace(b.String()), links
}
