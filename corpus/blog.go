package corpus

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var (
	// shortcodeRe matches Hugo shortcodes, {{< name args >}} and {{% name args %}}, closing ones
	// ({{< /name >}}) included.
	shortcodeRe = regexp.MustCompile(`\{\{[<%]-?\s*(/?)\s*([\w./-]+)((?:[^>%}]|[>%][^}]|\}[^}])*?)-?\s*[>%]\}\}`)
	// liquidRe matches Jekyll/Liquid tags ({% include toc.html %}, {% raw %}) and outputs ({{ site.url }}).
	liquidRe = regexp.MustCompile(`\{%-?[^%]*?-?%\}|\{\{-?\s*[\w.| "'-]+?\s*-?\}\}`)
	// shortcodeTextRe finds the attributes of a shortcode worth keeping as text.
	shortcodeTextRe = regexp.MustCompile(`\b(caption|title|alt|text)\s*=\s*(?:"([^"]*)"|'([^']*)'|“([^”]*)”)`)
)

// cleanBlogMarkup removes what static site generators leave in a post's source: Hugo shortcodes
// are reduced to their caption or title (a figure keeps its caption as a line of text; paired
// shortcodes such as notice keep their content, their tags go), Liquid tags and outputs vanish.
func cleanBlogMarkup(src []byte) []byte {
	if !strings.Contains(string(src), "{{") && !strings.Contains(string(src), "{%") {
		return src
	}
	s := shortcodeRe.ReplaceAllStringFunc(string(src), func(m string) string {
		sub := shortcodeRe.FindStringSubmatch(m)
		if sub[1] == "/" {
			return ""
		}
		var parts []string
		for _, a := range shortcodeTextRe.FindAllStringSubmatch(sub[3], -1) {
			if t := strings.TrimSpace(a[2] + a[3] + a[4]); t != "" {
				parts = append(parts, t)
			}
		}
		if len(parts) == 0 {
			return ""
		}
		return strings.Join(parts, " — ")
	})
	s = liquidRe.ReplaceAllString(s, "")
	return []byte(s)
}

// embedClasses mark blockquotes that embed a post from a social network.
var embedClasses = []string{"twitter-tweet", "mastodon-embed", "bluesky-embed", "threads-post", "instagram-media"}

func isEmbed(n *html.Node) bool {
	if n.DataAtom != atom.Blockquote {
		return false
	}
	class := attr(n, "class")
	for _, c := range embedClasses {
		if strings.Contains(class, c) {
			return true
		}
	}
	return false
}

// embedText renders an embedded post as quoted text with its author: “text” — Name (@handle).
// The post's own paragraphs are the quote; the text after them (the author line, a date link)
// names who wrote it.
func embedText(n *html.Node) string {
	var quote, rest strings.Builder
	var walk func(n *html.Node, inP bool)
	walk = func(n *html.Node, inP bool) {
		if n.Type == html.TextNode {
			if inP {
				quote.WriteString(n.Data)
			} else {
				rest.WriteString(n.Data)
			}
			return
		}
		if n.Type == html.ElementNode && (skipped[n.DataAtom] || n.DataAtom == atom.Img) {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.A && !inP {
			return // the date and permalink
		}
		p := inP || (n.Type == html.ElementNode && n.DataAtom == atom.P)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, p)
		}
		if p && !inP {
			quote.WriteByte(' ')
		}
	}
	walk(n, false)
	q := cleanSpace(quote.String())
	if q == "" {
		return ""
	}
	author := strings.Trim(cleanSpace(rest.String()), "—–- ")
	if author == "" {
		return "“" + q + "”"
	}
	return "“" + q + "” — " + author
}
