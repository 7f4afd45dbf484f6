package digest

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
	langid "github.com/takeaway-bot/takeaway/internal/lang"
	"github.com/takeaway-bot/takeaway/retrieval"
)

// Writer writes a text with a language model from numbered passages; *llm.Writer is one.
type Writer interface {
	Write(ctx context.Context, req answer.WriteRequest) (text string, used []int, err error)
}

// modelTask is what the model is asked to do with the passage; the answer language is given
// separately (WriteRequest.Lang), so the task stays in English.
const modelTask = "Write today's takeaway for a team chat channel: in two or three sentences, " +
	"state the insight of passage [1] for engineers who did not attend the conference. " +
	"Use only what the passage says, cite it as [1], and add no greeting, title or list."

// modelPoint introduces the point's headline in the task; the headline is report text, quoted
// as such.
const modelPoint = "The report states the point as: "

// maxModelText bounds the model's text, which Slack shows in one section (3,000 characters).
const maxModelText = 1200

// Takeaway is the daily post as a plain value: the text (with a [1] citation marker), its
// language, the passage it relies on and the citation. It is what `takeaway digest --json`
// prints and what the Slack poster renders.
type Takeaway struct {
	Date string `json:"date"`
	Lang string `json:"lang"`
	// Headline is the point in a line: its own title where the report gives one, else its
	// first clause.
	Headline string `json:"headline"`
	// InsightID identifies the point whatever copy (translation) was posted.
	InsightID  string            `json:"insight_id"`
	PassageIDs []string          `json:"passage_ids"`
	Text       string            `json:"text"`
	Citations  []answer.Citation `json:"citations"`
	// Mode tells whether a model wrote the text.
	Mode answer.Mode `json:"-"`
}

// LedgerIDs are the IDs a ledger records for the post: the passages it cites and the
// insight it states, so that the selector knows both whatever it is asked about.
func (t Takeaway) LedgerIDs() []string {
	ids := slices.Clone(t.PassageIDs)
	if t.InsightID != "" && !slices.Contains(ids, t.InsightID) {
		ids = append(ids, t.InsightID)
	}
	return ids
}

// Composer writes the takeaway of a pick in a channel's language: with a model when one is
// configured (two or three sentences), else by quoting the passage's key sentences under a
// framing line.
type Composer struct {
	cat     *i18n.Catalog
	writer  Writer
	det     LangDetector
	log     *slog.Logger
	timeout time.Duration
}

// LangDetector tells the language of a text; *lang.Detector is one.
type LangDetector interface {
	Detect(text string) langid.Result
}

// NewComposer returns a Composer; a nil writer means offline takeaways only. det checks the
// language of the model's text (nil: unchecked). timeout bounds one model call (0 means 30 s).
func NewComposer(cat *i18n.Catalog, w Writer, det LangDetector, timeout time.Duration, log *slog.Logger) *Composer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &Composer{cat: cat, writer: w, det: det, log: log, timeout: timeout}
}

// ChannelLang normalises a configured language to a supported one, English by default.
func ChannelLang(lang string) string {
	if l := i18n.Base(lang); i18n.IsSupported(l) {
		return l
	}
	return "en"
}

// Compose writes the takeaway of p for a channel speaking lang. A model failure is logged and
// answered offline: the daily post never waits on a model.
func (c *Composer) Compose(ctx context.Context, p Pick, lang string) Takeaway {
	lang = ChannelLang(lang)
	p.Key = boundKey(p.Key, maxQuote)
	quote := strings.Join(p.Key, " ")
	t := Takeaway{
		Date:       p.Date,
		Lang:       lang,
		Headline:   headline(p),
		InsightID:  p.Unit,
		PassageIDs: []string{p.Passage.ID},
		Citations:  []answer.Citation{answer.NewCitation(1, retrieval.Hit{Passage: p.Passage, Report: p.Report}, quote)},
		Mode:       answer.ModeExtractive,
	}
	framing := c.cat.Sprintf(lang, i18n.DigestFramingAnon)
	if pub := strings.TrimSpace(p.Report.Publisher); pub != "" {
		framing = c.cat.Sprintf(lang, i18n.DigestFraming, pub)
	}
	if c.writer != nil {
		text, err := c.write(ctx, p, t.Headline, lang)
		if err == nil {
			t.Text, t.Mode = framing+"\n"+text, answer.ModeLLM
			return t
		}
		c.log.Warn("daily takeaway: the model failed, quoting the passage instead", "passage", p.Passage.ID, "err", err)
	}
	t.Text = framing + "\n" + quoteBlock(p.Key, p.Passage.Lang, lang)
	return t
}

// write asks the model for the takeaway of p, in lang. A text the detector is sure is in
// another language is asked for again, once, with a firmer instruction; a second miss is an
// error (the post then quotes the passage: a daily post in the wrong language helps nobody).
func (c *Composer) write(ctx context.Context, p Pick, head, lang string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	notFound := c.cat.Sprintf(lang, i18n.AnswerNotFound)
	req := answer.WriteRequest{
		Question: modelTask,
		Lang:     lang,
		Hits:     []retrieval.Hit{{Passage: p.Passage, Report: p.Report}},
		NotFound: notFound,
	}
	if head != "" {
		req.Question += "\n" + modelPoint + strconv.Quote(head)
	}
	text, used, err := c.writer.Write(ctx, req)
	if err != nil {
		return "", fmt.Errorf("write takeaway: %w", err)
	}
	text = strings.TrimSpace(text)
	if got := c.language(text); got != "" && got != lang {
		c.log.Warn("daily takeaway: the model wrote in another language, asking again", "want", lang, "got", got)
		req.Firm = true
		if text, used, err = c.writer.Write(ctx, req); err != nil {
			return "", fmt.Errorf("write takeaway again: %w", err)
		}
		text = strings.TrimSpace(text)
		if got := c.language(text); got != "" && got != lang {
			return "", fmt.Errorf("write takeaway: the model wrote in %s twice, not %s", got, lang)
		}
	}
	switch {
	case text == "":
		return "", fmt.Errorf("write takeaway: the model returned no text")
	case strings.Contains(text, strings.TrimRight(notFound, ".。 ")):
		return "", fmt.Errorf("write takeaway: the model found nothing to say about passage %s", p.Passage.ID)
	}
	text = truncateRunes(text, maxModelText)
	if len(used) == 0 && !strings.Contains(text, "[1]") {
		text += " [1]"
	}
	return text, nil
}

// language is the language of a model's text when the detector is sure of it, else "".
func (c *Composer) language(text string) string {
	if c.det == nil {
		return ""
	}
	d := c.det.Detect(markerRe.ReplaceAllString(text, " "))
	if !d.Sure {
		return ""
	}
	return d.Lang
}

var markerRe = regexp.MustCompile(`\[\d+\]`)

// quoteBlock quotes the key sentences: list items on lines of their own, sentences run
// together, the quote's language named when it is not the channel's, then the [1] marker.
func quoteBlock(key []string, quoteLang, lang string) string {
	var lines []string
	var para []string
	flush := func() {
		if len(para) > 0 {
			sep := " "
			if hasCJK([]rune(strings.Join(para, ""))) {
				sep = ""
			}
			lines = append(lines, strings.Join(para, sep))
			para = nil
		}
	}
	for _, s := range key {
		if corpus.IsListLine(s) {
			flush()
			lines = append(lines, s)
			continue
		}
		para = append(para, s)
	}
	flush()
	last := len(lines) - 1
	if last < 0 {
		return "[1]"
	}
	if quoteLang != "" && quoteLang != lang {
		if name := answer.LanguageName(quoteLang, lang); name != "" {
			lines[last] += " (" + name + ")"
		}
	}
	lines[last] += " [1]"
	return "> " + strings.Join(lines, "\n> ")
}

// maxQuote bounds the quoted support of a daily post, in characters.
const maxQuote = 500

// boundKey keeps the key sentences, in order, while they fit in max characters together; a
// first sentence longer than that is cut.
func boundKey(key []string, max int) []string {
	var out []string
	n := 0
	for _, s := range key {
		l := utf8.RuneCountInString(s)
		if len(out) > 0 && n+l+1 > max {
			break
		}
		if len(out) == 0 && l > max {
			return []string{truncateRunes(s, max)}
		}
		out = append(out, s)
		n += l + 1
	}
	return out
}

// maxHeadline bounds a headline, in characters.
const maxHeadline = 100

// headline is the point of a pick in a line: the title a list item or a line gives itself
// ("**Service meshes are here to stay**: …", "3. GitOps — …"), else the first clause of its
// first key sentence.
func headline(p Pick) string {
	if t := strings.TrimSpace(p.Title); t != "" {
		return clip(strings.TrimRight(t, " .:：。"), maxHeadline)
	}
	first := ""
	if len(p.Key) > 0 {
		first = p.Key[0]
	} else if lines := strings.Split(strings.TrimSpace(p.Passage.Text), "\n"); len(lines) > 0 {
		first = lines[0]
	}
	first = strings.TrimSpace(strings.TrimLeft(first, "•-*#> \t"))
	if m := numberedRE.FindStringIndex(first); m != nil {
		first = first[m[1]:]
	}
	if strings.HasPrefix(first, "**") {
		if end := strings.Index(first[2:], "**"); end > 0 {
			return clip(strings.TrimRight(first[2:2+end], " :.—–-"), maxHeadline)
		}
	}
	first = strings.ReplaceAll(first, "**", "")
	// The first sentence that is not a lead-in to a list ("… the following:").
	if ss := corpus.Sentences(first); len(ss) > 1 {
		first = ss[0]
		if strings.HasSuffix(strings.TrimSpace(first), ":") {
			first = ss[1]
		}
	}
	// A title before a colon or a dash, when it is short enough to be one.
	for _, sep := range []string{": ", " — ", " – ", "：", " - "} {
		if i := strings.Index(first, sep); i > 0 && utf8.RuneCountInString(first[:i]) <= 80 && utf8.RuneCountInString(first[:i]) >= 3 {
			return clip(first[:i], maxHeadline)
		}
	}
	// Its first clause, when that says enough on its own; else the sentence.
	rs := []rune(first)
	for i, r := range rs {
		if i >= 25 && strings.ContainsRune(",;，；、(", r) {
			return clip(strings.TrimSpace(string(rs[:i])), maxHeadline)
		}
	}
	return clip(strings.TrimRight(first, " .:：。"), maxHeadline)
}

// numberedRE matches a list number opening a line ("3. ", "10) ").
var numberedRE = regexp.MustCompile(`^\d{1,2}[.)]\s+`)

// clip cuts s to max characters at a word boundary, with an ellipsis.
func clip(s string, max int) string {
	rs := []rune(s)
	if len(rs) <= max {
		return s
	}
	cut := string(rs[:max])
	if i := strings.LastIndex(cut, " "); i > max/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}
