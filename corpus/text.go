package corpus

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	bulletRe    = regexp.MustCompile(`^(?:[-*•·▪◦‣–]|\d{1,2}[.)]|[a-z][.)])\s+`)
	mdLinkRe    = regexp.MustCompile(`!?\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	bareURLRe   = regexp.MustCompile(`https?://[^\s<>()\]]+`)
	spaceRe     = regexp.MustCompile(`[ \t\x{00a0}\x{2000}-\x{200b}\x{3000}]+`)
	contactRe   = regexp.MustCompile(`^(?:\+?\d[\d ()./-]{6,}\d|[\w.+-]+@[\w-]+\.[\w.-]+)$`)
	trackbackRe = regexp.MustCompile(`(?i)^(?:ping|pingback|trackback)\s*:`)
	// endOfArticleRe matches the first line of a page's comment form or contact box: what follows is
	// page furniture, not report.
	endOfArticleRe = regexp.MustCompile(`(?i)^(?:commentaires?|\d+ commentaires?|laisser un commentaire|leave a (?:reply|comment)|comments?|\d+ comments?|kommentarer?|lämna en kommentar|kontaktperson|kontakt|schreibe einen kommentar|kommentare?|deja un comentario|comentarios?|deixe um comentário|lascia un commento|reageer|发表评论|评论|コメント|nous recrutons|we(?:'re| are) hiring)\s*:?$`)
)

// parseText splits plain text into blocks. Lines are blocks unless a line visibly continues the
// previous one; short unpunctuated lines followed by text are headings.
func parseText(src string) []block {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var raw []string
	for _, l := range lines {
		raw = append(raw, cleanSpace(l))
	}
	// Join hard-wrapped lines: a line without final punctuation followed by one starting in lower case.
	var joined []string
	for i := 0; i < len(raw); i++ {
		l := raw[i]
		for l != "" && i+1 < len(raw) && raw[i+1] != "" && !endsSentence(l) && startsLower(raw[i+1]) && !bulletRe.MatchString(raw[i+1]) {
			l += " " + raw[i+1]
			i++
		}
		joined = append(joined, l)
	}
	var blocks []block
	for i, l := range joined {
		if l == "" {
			continue
		}
		if m := bulletRe.FindString(l); m != "" {
			text, links := reduceLinks(strings.TrimSpace(l[len(m):]))
			blocks = append(blocks, block{kind: blockItem, text: text, links: links})
			continue
		}
		text, links := reduceLinks(l)
		kind := blockPara
		if looksLikeHeading(text) && nextText(joined, i) {
			kind = blockHeading
		}
		blocks = append(blocks, block{kind: kind, text: text, links: links})
	}
	// Plain text has no heading levels: a heading directly followed by another one opens a part
	// ("Keynotes", then a talk title); the others are sections of that part.
	for i := range blocks {
		if blocks[i].kind != blockHeading {
			continue
		}
		blocks[i].level = 2
		if i+1 < len(blocks) && blocks[i+1].kind == blockHeading {
			blocks[i].level = 1
		}
	}
	return blocks
}

// nextText reports whether a non-empty line follows line i.
func nextText(lines []string, i int) bool {
	for _, l := range lines[i+1:] {
		if l != "" {
			return true
		}
	}
	return false
}

// looksLikeHeading: short, no sentence-final punctuation.
func looksLikeHeading(s string) bool {
	n := utf8.RuneCountInString(s)
	if n == 0 || n > 200 || endsSentence(s) {
		return false
	}
	if strings.HasSuffix(s, ":") || strings.HasSuffix(s, "：") {
		return false
	}
	words := len(strings.Fields(s))
	if isCJK(s) {
		return n <= 40
	}
	if words <= 12 {
		return true
	}
	// Talk titles run longer but name their speakers after a dash.
	return words <= 40 && (strings.Contains(s, " – ") || strings.Contains(s, " - ") || strings.Contains(s, " | "))
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, " \"'”»)）」』*")
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?…。！？;；", r)
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

func isCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}

// cleanSpace collapses runs of spaces (including no-break and ideographic spaces) and trims.
func cleanSpace(s string) string {
	return strings.TrimSpace(spaceRe.ReplaceAllString(s, " "))
}

// reduceLinks replaces Markdown links and images by their text, keeping the URLs aside.
func reduceLinks(s string) (string, []Link) {
	var links []Link
	out := mdLinkRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := mdLinkRe.FindStringSubmatch(m)
		if strings.HasPrefix(m, "!") {
			return ""
		}
		text := strings.TrimSpace(sub[1])
		links = append(links, Link{Text: text, URL: sub[2]})
		return text
	})
	for _, u := range bareURLRe.FindAllString(out, -1) {
		links = append(links, Link{Text: u, URL: u})
	}
	return cleanSpace(out), links
}
