package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// maxPassage is the length (in runes) above which a paragraph is split at sentence boundaries.
	maxPassage = 900
	// targetPassage is the length the pieces of a split paragraph aim for.
	targetPassage = 600
	// minPassage: shorter paragraphs are merged into the passage that follows them.
	minPassage    = 150
	minPassageCJK = 60
)

// takeawayRe recognises take-away lists and conclusion sections in the supported languages.
var takeawayRe = regexp.MustCompile(`(?i)take[- ]?aways?|key takeaways|key points|main themes|highlights|what (we|i) learned|wrap[- ]up|in summary|que retenir|faits marquants|thèmes principaux|bilan|à retenir|points? clés|conclusions?|en résumé|lessons learned|top ?10|top ten|dix points|slutsats(?:er)?|sammanfattning|lärdomar|fazit|zusammenfassung|erkenntnisse|höhepunkte|höjdpunkter|lo más destacado|conclusiones|lecciones|conclusões|destaques|conclusioni|conclusies|hoogtepunten|要点|总结|结论|亮点|まとめ|要点|ハイライト`)

// IsTakeawayText reports whether text names take-aways or conclusions ("top 10 takeaways",
// "que retenir", "十大要点"), in a heading or in a question.
func IsTakeawayText(text string) bool { return takeawayRe.MatchString(text) }

// passageBuilder turns blocks into passages.
type passageBuilder struct {
	report   Report
	section  []heading
	intro    []block
	items    []block
	out      []Passage
	seen     map[string]bool
	ids      map[string]int
	takeover bool // the current section is a take-away section
	// orphans are the headings pushed since the last passage: if no text follows them, they were
	// text after all (a closing quote, a signature) and must not be lost.
	orphans       []block
	sectionBefore []heading // the section stack before the first orphan
}

type heading struct {
	text  string
	level int
}

// buildPassages applies the passage rules: headings become context, debris is dropped, short
// lines and list introductions are merged into what they introduce, long paragraphs are split.
func buildPassages(r Report, blocks []block) []Passage {
	b := &passageBuilder{report: r, seen: map[string]bool{}, ids: map[string]int{}}
	for _, bl := range blocks {
		t := bl.text
		if endOfArticleRe.MatchString(t) {
			break
		}
		if trackbackRe.MatchString(t) || contactRe.MatchString(t) || utf8.RuneCountInString(t) <= 2 || linkDense(bl) {
			continue
		}
		key := fmt.Sprint(bl.kind) + strings.ToLower(t)
		if b.seen[key] && utf8.RuneCountInString(t) < 200 {
			continue // repeated page titles and banners
		}
		b.seen[key] = true
		switch bl.kind {
		case blockHeading:
			b.flushItems()
			b.flushIntroAsHeading()
			b.pushHeading(bl)
		case blockItem:
			b.items = append(b.items, bl)
		default:
			b.flushItems()
			if isIntro(t) {
				b.intro = append(b.intro, bl)
				continue
			}
			b.emit(append(b.intro, bl), "\n")
			b.intro = nil
		}
	}
	b.flushItems()
	// Headings left with no text under them: a heading of the markup (Markdown, HTML) is never a
	// passage's sentence and goes; a plain-text line that only looked like a heading (a closing
	// quote, a signature) was text after all and stays.
	kept := b.orphans[:0]
	for _, o := range b.orphans {
		if !o.marked {
			kept = append(kept, o)
		}
	}
	b.orphans = kept
	if len(b.orphans) > 0 {
		b.intro = append(b.orphans, b.intro...)
		b.orphans = nil
		b.section = b.sectionBefore
	}
	if len(b.intro) > 0 {
		if n := len(b.out); n > 0 && b.out[n-1].Section == b.sectionText() {
			last := &b.out[n-1]
			for _, in := range b.intro {
				last.Text += "\n" + in.text
				last.Links = append(last.Links, in.links...)
			}
		} else {
			b.emit(b.intro, "\n")
		}
		b.intro = nil
	}
	return b.out
}

// linkDense reports whether a block is mostly link text ("Original: [title](url), by
// [author](url)", "Read more: [link]"): a reference line or navigation, not report text.
func linkDense(bl block) bool {
	if len(bl.links) == 0 {
		return false
	}
	linked := 0
	for _, l := range bl.links {
		linked += utf8.RuneCountInString(l.Text)
	}
	return float64(linked) >= 0.6*float64(utf8.RuneCountInString(bl.text))
}

// isIntro reports whether a paragraph only introduces what follows: too short to stand alone,
// or ending with a colon.
func isIntro(t string) bool {
	n := utf8.RuneCountInString(t)
	if isCJK(t) {
		return n < minPassageCJK || strings.HasSuffix(t, "：") || strings.HasSuffix(t, ":")
	}
	return n < minPassage || strings.HasSuffix(t, ":")
}

func (b *passageBuilder) pushHeading(bl block) {
	if len(b.orphans) == 0 {
		b.sectionBefore = append([]heading(nil), b.section...)
	}
	b.orphans = append(b.orphans, bl)
	level := bl.level
	if level == 0 {
		level = 6 // an introduction line promoted to heading sits under the current section
	}
	for len(b.section) > 0 && b.section[len(b.section)-1].level >= level {
		b.section = b.section[:len(b.section)-1]
	}
	b.section = append(b.section, heading{text: bl.text, level: level})
}

// flushIntroAsHeading deals with short paragraphs left before a heading: a heading-like line
// becomes part of the section context; a real sentence joins the previous passage of its
// section, or stands alone.
func (b *passageBuilder) flushIntroAsHeading() {
	var sentences []block
	for _, in := range b.intro {
		if looksLikeHeading(in.text) {
			b.pushHeading(block{text: strings.TrimRight(in.text, ":： "), level: 0})
			continue
		}
		sentences = append(sentences, in)
	}
	b.intro = nil
	if len(sentences) == 0 {
		return
	}
	extra := 0
	for _, in := range sentences {
		extra += utf8.RuneCountInString(in.text) + 1
	}
	if n := len(b.out); n > 0 && b.out[n-1].Section == b.sectionText() && utf8.RuneCountInString(b.out[n-1].Text)+extra <= maxPassage {
		last := &b.out[n-1]
		for _, in := range sentences {
			last.Text += "\n" + in.text
			last.Links = append(last.Links, in.links...)
		}
		return
	}
	b.emit(sentences, "\n")
}

func (b *passageBuilder) sectionText() string {
	parts := make([]string, len(b.section))
	for i, h := range b.section {
		parts[i] = h.text
	}
	return strings.Join(parts, sectionSep)
}

// sectionSep joins the headings of a section path ("Talks › Take Away").
const sectionSep = " › "

// LastHeading is the innermost heading of a passage's section path ("Talks › Take Away" →
// "Take Away").
func LastHeading(section string) string {
	if i := strings.LastIndex(section, sectionSep); i >= 0 {
		return strings.TrimSpace(section[i+len(sectionSep):])
	}
	return strings.TrimSpace(section)
}

// flushItems emits the pending list with its introduction, split into pieces of bounded length.
func (b *passageBuilder) flushItems() {
	if len(b.items) == 0 {
		return
	}
	intro := b.intro
	b.intro = nil
	var chunk []block
	size := 0
	for _, it := range b.items {
		n := utf8.RuneCountInString(it.text)
		if size > 0 && size+n > maxPassage {
			b.emitList(intro, chunk)
			chunk, size = nil, 0
		}
		chunk = append(chunk, it)
		size += n
	}
	b.emitList(intro, chunk)
	b.items = nil
}

func (b *passageBuilder) emitList(intro, items []block) {
	parts := make([]block, 0, len(intro)+len(items))
	parts = append(parts, intro...)
	for _, it := range items {
		parts = append(parts, block{kind: blockItem, text: listMarker(it.level) + it.text, links: it.links})
	}
	b.emit(parts, "\n")
}

// emit adds one passage made of parts, splitting it when it is too long.
func (b *passageBuilder) emit(parts []block, sep string) {
	var texts []string
	var links []Link
	for _, p := range parts {
		texts = append(texts, p.text)
		links = append(links, p.links...)
	}
	text := strings.Join(texts, sep)
	if utf8.RuneCountInString(text) <= maxPassage {
		b.add(text, links)
		return
	}
	var piece strings.Builder
	for _, s := range Sentences(text) {
		if piece.Len() > 0 && utf8.RuneCountInString(piece.String())+utf8.RuneCountInString(s) > targetPassage {
			b.add(piece.String(), linksIn(piece.String(), links))
			piece.Reset()
		}
		if piece.Len() > 0 && !isCJK(s) {
			piece.WriteByte(' ')
		}
		piece.WriteString(s)
	}
	if piece.Len() > 0 {
		b.add(piece.String(), linksIn(piece.String(), links))
	}
}

func linksIn(text string, links []Link) []Link {
	var out []Link
	for _, l := range links {
		if l.Text != "" && strings.Contains(text, l.Text) {
			out = append(out, l)
		}
	}
	return out
}

func (b *passageBuilder) add(text string, links []Link) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	b.orphans = nil
	section := b.sectionText()
	sum := sha256.Sum256([]byte(section + "\x00" + text))
	id := b.report.ID + "#" + hex.EncodeToString(sum[:4])
	if n := b.ids[id]; n > 0 {
		b.ids[id] = n + 1
		id = id + "-" + string(rune('a'+n))
	} else {
		b.ids[id] = 1
	}
	b.out = append(b.out, Passage{
		ID:       id,
		ReportID: b.report.ID,
		Lang:     b.report.Lang,
		Section:  section,
		Text:     text,
		Links:    links,
		Ordinal:  len(b.out) + 1,
		Takeaway: (len(b.section) > 0 && takeawayRe.MatchString(b.section[len(b.section)-1].text)) || (strings.Contains(text, "\n• ") && takeawayRe.MatchString(firstLine(text))),
	})
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// listMarker starts a list line: "• " for a top-level item, an indented "◦ " for the items of
// a nested list, so that sub-points stay under their point.
func listMarker(depth int) string {
	if depth == 0 {
		return "• "
	}
	return strings.Repeat("  ", depth) + "◦ "
}

// IsListLine reports whether a line (or sentence) of a passage is a list item.
func IsListLine(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "•") || strings.HasPrefix(s, "◦")
}

// abbreviations do not end sentences.
var abbreviations = map[string]bool{
	"etc": true, "e.g": true, "i.e": true, "vs": true, "mr": true, "mrs": true, "dr": true, "m": true,
	"cf": true, "ex": true, "p": true, "st": true, "inc": true, "ltd": true, "no": true, "z.b": true,
	"bzw": true, "ca": true, "t.ex": true, "bl.a": true, "d.v.s": true, "jr": true, "sr": true,
}

// Sentences splits text at sentence boundaries, Western (". ", "? ") and CJK ("。", "！", "？").
// List lines (starting with "•") are sentences of their own.
func Sentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		out = append(out, splitLine(line)...)
	}
	return out
}

func splitLine(line string) []string {
	var out []string
	rs := []rune(line)
	start := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '。' || r == '！' || r == '？' || r == '；':
			j := i + 1
			for j < len(rs) && strings.ContainsRune("”」』）)\"", rs[j]) {
				j++
			}
			out = appendTrim(out, string(rs[start:j]))
			start, i = j, j-1
		case r == '.' || r == '!' || r == '?' || r == '…':
			if i > 0 && rs[i-1] == '(' {
				continue // an aside: "(!)", "(?)"
			}
			j := i + 1
			for j < len(rs) && strings.ContainsRune(".!?…\"'”»)", rs[j]) {
				j++
			}
			if j >= len(rs) || !unicode.IsSpace(rs[j]) {
				continue
			}
			k := j
			for k < len(rs) && unicode.IsSpace(rs[k]) {
				k++
			}
			if k < len(rs) && !(unicode.IsUpper(rs[k]) || unicode.IsDigit(rs[k]) || strings.ContainsRune("«\"“'(¿¡•", rs[k]) || unicode.Is(unicode.Han, rs[k])) {
				continue
			}
			if r == '.' && isAbbreviation(rs[start:i]) {
				continue
			}
			out = appendTrim(out, string(rs[start:j]))
			start, i = k, k-1
		}
	}
	if start < len(rs) {
		out = appendTrim(out, string(rs[start:]))
	}
	return out
}

func isAbbreviation(before []rune) bool {
	i := len(before)
	for i > 0 && !unicode.IsSpace(before[i-1]) {
		i--
	}
	w := strings.ToLower(strings.TrimLeft(string(before[i:]), "(«\"“"))
	return abbreviations[w] || (utf8.RuneCountInString(w) == 1 && unicode.IsUpper(before[len(before)-1]))
}

func appendTrim(out []string, s string) []string {
	if s = strings.TrimSpace(s); s != "" {
		out = append(out, s)
	}
	return out
}
