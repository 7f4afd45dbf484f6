package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/takeaway-bot/takeaway/internal/answer"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// marshal renders messages as Slack receives them, indented for review. The JSON is
// decoded and encoded again so that "&lt;" stays readable (slack-go's block encoders
// write it as \u0026lt;, which means the same to Slack).
func marshal(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatal(err)
	}
	v = generic
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "&lt;" readable in the golden files
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRenderAnswerGolden(t *testing.T) {
	cat := i18n.MustNew()
	tests := []struct {
		name string
		a    answer.Answer
		opt  renderOptions
	}{
		{
			name: "en_slash",
			a: answer.Answer{
				Lang: "en", Mode: answer.ModeExtractive,
				Text: "Platform teams should treat the platform as a product [1].\n\n- Golden paths beat mandates [2]\n- Measure adoption, not features [1]",
				Citations: []answer.Citation{
					{N: 1, Title: "KubeCon EU 2024 takeaways", Publisher: "Example Blog", Event: "KubeCon EU 2024", URL: "https://example.com/kubecon?a=1&b=2"},
					{N: 2, Title: "Platform engineering notes", Publisher: "Notes", Event: "PlatformCon 2024", URL: "https://example.org/platform"},
				},
			},
			opt: renderOptions{ID: "a1", Share: true, Feedback: true},
		},
		{
			name: "fr_shared",
			a: answer.Answer{
				Lang: "fr", Mode: answer.ModeLLM,
				Text: "Les intervenants recommandent de « traiter la plateforme comme un produit » [1] et d'éviter les mandats [2].",
				Note: "Réponse rédigée par le modèle à partir de deux comptes rendus.",
				Citations: []answer.Citation{
					{N: 1, Title: "Retour de Devoxx France 2024", Publisher: "Blog & co", Event: "Devoxx France", URL: "https://example.fr/devoxx"},
					{N: 2, Title: "Notes de KubeCon", Publisher: "Exemple", Event: "KubeCon EU 2024", URL: "https://example.fr/kubecon"},
				},
			},
			opt: renderOptions{ID: "a2", Feedback: true, Question: "Que disent-ils des équipes plateforme ?"},
		},
		{
			name: "zh_thread",
			a: answer.Answer{
				Lang: "zh", Mode: answer.ModeExtractive,
				Text: "SMI（服务网格接口）是一组服务网格的标准 API [1]。",
				Citations: []answer.Citation{
					{N: 1, Title: "KubeCon 中国 2024 笔记", Publisher: "示例博客", Event: "KubeCon China 2024", URL: "https://example.cn/kubecon"},
				},
			},
			opt: renderOptions{ID: "a3", Feedback: true},
		},
		{
			name: "sv_not_found",
			a: answer.Answer{
				Lang: "sv", Mode: answer.ModeExtractive, NotFound: true,
				Text:        "Rapporterna tar inte upp det.",
				Suggestions: []string{"plattformsteam", "eBPF", "AI i produktion"},
			},
			opt: renderOptions{ID: "a4", Feedback: true},
		},
		{
			name: "ja_dm",
			a: answer.Answer{
				Lang: "ja", Mode: answer.ModeLLM,
				Text: "登壇者は本番環境での評価の重要性を強調しました [1]。",
				Citations: []answer.Citation{
					{N: 1, Title: "AI Engineer Summit レポート", Publisher: "例", Event: "AI Engineer Summit", URL: "https://example.jp/ai"},
				},
			},
			opt: renderOptions{ID: "a5", Feedback: true},
		},
		{
			name: "en_hostile",
			a: answer.Answer{
				Lang: "en", Mode: answer.ModeExtractive,
				Text: "You asked <!channel> about <@U123> & <!here> [1].",
				Note: "note <!everyone>",
				Citations: []answer.Citation{
					{N: 1, Title: "<!channel> | a > b", Publisher: "<@U999>", Event: "<#C123>", URL: "javascript:alert(1)"},
					{N: 2, Title: "", URL: "https://example.com/a|b c<d>"},
				},
			},
			opt: renderOptions{ID: "a6", Feedback: true, Share: true, Question: "<!here> who?"},
		},
		{
			name: "en_foreign_links",
			a: answer.Answer{
				Lang: "en", Mode: answer.ModeLLM,
				Text:        "See [the docs](http://evil.example/docs) and ![x](http://evil.example/x.png) or www.evil.example [1].",
				Note:        "from http://evil.example/note",
				Suggestions: []string{"[ZlorpCon](http://evil.example/e)"},
				Citations: []answer.Citation{
					{N: 1, Title: "[ZlorpCon](http://evil.example/t)", Event: "[ZlorpCon](http://evil.example/e)", URL: "https://example.com/report"},
				},
			},
			opt: renderOptions{ID: "a7"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := renderAnswer(cat, tt.a, tt.opt)
			golden(t, "render_"+tt.name+".json", marshal(t, msgs))
			assertOnlyOwnLinks(t, msgs, tt.a)
		})
	}
}

func TestRenderSourcesGolden(t *testing.T) {
	cat := i18n.MustNew()
	list := []Source{
		{Title: "KubeCon EU 2024 takeaways", Publisher: "Example Blog", Event: "KubeCon EU 2024", Lang: "en", URL: "https://example.com/kubecon"},
		{Title: "Retour de Devoxx <!here>", Publisher: "Blog & co", Event: "Devoxx France", Lang: "fr", URL: "https://example.fr/devoxx"},
		{Title: "No link", Lang: "sv"},
	}
	for _, lang := range []string{"en", "fr", "zh"} {
		t.Run(lang, func(t *testing.T) {
			golden(t, "sources_"+lang+".json", marshal(t, renderSources(cat, lang, list)))
		})
	}
}

func TestRenderHelpGolden(t *testing.T) {
	cat := i18n.MustNew()
	for _, lang := range []string{"en", "fr", "sv", "zh"} {
		t.Run(lang, func(t *testing.T) {
			golden(t, "help_"+lang+".txt", []byte(helpText(cat, newCommands(), lang)+"\n"))
		})
	}
}

// TestRenderLongAnswer checks that a long answer is split within Slack's limits without
// losing text, and that every message has a fallback.
func TestRenderLongAnswer(t *testing.T) {
	cat := i18n.MustNew()
	var paras []string
	for i := range 400 {
		paras = append(paras, strings.Repeat("Observability & tracing <matter> a lot, said speaker "+string(rune('A'+i%26))+". ", 3))
	}
	text := strings.Join(paras, "\n\n") + " " + strings.Repeat("x", 15000) + " 中文😀" + strings.Repeat("&", 20000)
	var cites []answer.Citation
	for i := 1; i <= 600; i++ {
		cites = append(cites, answer.Citation{N: i, Title: strings.Repeat("Title ", 10), URL: "https://example.com/r", Publisher: "P", Event: "E"})
	}
	msgs := renderAnswer(cat, answer.Answer{Lang: "en", Text: text, Citations: cites}, renderOptions{ID: "long", Feedback: true, Share: true})
	if len(msgs) < 3 {
		t.Fatalf("only %d messages", len(msgs))
	}
	var rebuilt []string
	for i, m := range msgs {
		if len(m.Blocks) > maxBlocks {
			t.Errorf("message %d has %d blocks", i, len(m.Blocks))
		}
		if m.Text == "" || textLen(m.Text) > maxFallback {
			t.Errorf("message %d: fallback of %d characters", i, textLen(m.Text))
		}
		md, all := 0, 0
		for _, b := range m.Blocks {
			raw, _ := json.Marshal(b)
			var blk struct {
				Type     string `json:"type"`
				Text     any    `json:"text"`
				Elements []struct {
					Text string `json:"text"`
				} `json:"elements"`
			}
			_ = json.Unmarshal(raw, &blk)
			switch blk.Type {
			case "markdown":
				s := blk.Text.(string)
				md += textLen(s)
				all += textLen(s)
				rebuilt = append(rebuilt, s)
			case "section":
				if obj, ok := blk.Text.(map[string]any); ok {
					s, _ := obj["text"].(string)
					all += textLen(s)
				}
			case "context":
				for _, e := range blk.Elements {
					all += textLen(e.Text)
					if textLen(e.Text) > maxText {
						t.Errorf("context text of %d characters", textLen(e.Text))
					}
				}
			}
		}
		if md > maxMarkdown {
			t.Errorf("message %d has %d characters of markdown", i, md)
		}
		if all > 13000 {
			t.Errorf("message %d carries %d characters across its blocks; Slack refuses about 13,000", i, all)
		}
	}
	last := msgs[len(msgs)-1].Blocks
	if last[len(last)-1].BlockType() != "context_actions" {
		t.Errorf("the feedback buttons are not at the end")
	}
	// Chunks are trimmed at the cuts, so compare without white space.
	got := strings.Join(strings.Fields(strings.Join(rebuilt, "")), "")
	want := strings.Join(strings.Fields(escape(text)), "")
	if got != want {
		t.Errorf("splitting lost or changed text: %d characters, want %d", len(got), len(want))
	}
	for _, chunk := range rebuilt {
		if i := strings.LastIndexByte(chunk, '&'); i >= 0 && !strings.Contains(chunk[i:], ";") {
			t.Errorf("a chunk ends inside an entity: …%q", chunk[max(0, len(chunk)-10):])
		}
	}
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"short", "hello", 10, []string{"hello"}},
		{"empty", "  ", 10, nil},
		{"paragraphs", "aaaa aaaa\n\nbbbb", 12, []string{"aaaa aaaa", "bbbb"}},
		{"words", "aaaa bbbb cccc", 10, []string{"aaaa bbbb", "cccc"}},
		{"hard cut keeps entities", "x&amp;&amp;&amp;", 8, []string{"x&amp;", "&amp;", "&amp;"}},
		{"surrogate pairs", "😀😀😀", 4, []string{"😀😀", "😀"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, splitText(tt.in, tt.limit)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLinkURL(t *testing.T) {
	tests := map[string]string{
		"https://example.com/a?b=1&c=2": "https://example.com/a?b=1&amp;c=2",
		"http://example.com/x|y":        "http://example.com/x%7Cy",
		"javascript:alert(1)":           "",
		"<!here>":                       "",
		"mailto:a@example.com":          "",
		"":                              "",
		"https://":                      "",
	}
	for in, want := range tests {
		if got := linkURL(in); got != want {
			t.Errorf("linkURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBotMessagesComplete checks every sentence of the bot in every language: present
// (not the English fallback for scripts that differ), and formatting cleanly.
func TestBotMessagesComplete(t *testing.T) {
	cat := i18n.MustNew()
	keys := map[i18n.Key][]any{
		i18n.BotHelpIntro: nil, i18n.BotHelpAsk: nil, i18n.BotHelpHelp: nil, i18n.BotHelpSources: nil,
		i18n.BotHelpLang: {"en, fr"}, i18n.BotHelpElsewhere: nil, i18n.BotUsageQuestion: nil,
		i18n.BotSourcesHeader: {3}, i18n.BotSourcesNone: nil, i18n.BotSourcesMore: {2},
		i18n.BotLangSet: {"x"}, i18n.BotLangAuto: nil, i18n.BotLangCurrent: {"x", "y"},
		i18n.BotLangCurrentAuto: {"y"}, i18n.BotLangUnknown: {"x", "y"}, i18n.BotCouldNotAnswer: nil,
		i18n.BotRateLimited: nil, i18n.BotBusy: nil, i18n.BotSaveFailed: nil, i18n.BotAskHint: nil,
		i18n.BotThinking: nil, i18n.BotGreeting: nil, i18n.BotPromptsTitle: nil,
		i18n.BotPrompt1Title: nil, i18n.BotPrompt1: nil, i18n.BotPrompt2Title: nil, i18n.BotPrompt2: nil,
		i18n.BotPrompt3Title: nil, i18n.BotPrompt3: nil,
		i18n.BotFeedbackUp: nil, i18n.BotFeedbackDown: nil, i18n.BotFeedbackThanks: nil,
		i18n.BotShareButton: nil, i18n.BotShareExpired: nil, i18n.BotSharedQuestion: {"q"},
		i18n.BotSuggestions: nil,
	}
	for key, args := range keys {
		en := cat.Sprintf("en", key, args...)
		for _, lang := range i18n.Supported() {
			got := cat.Sprintf(lang, key, args...)
			if got == "" || got == string(key) || strings.Contains(got, "%!") {
				t.Errorf("%s in %s: %q", key, lang, got)
			}
			if strings.ContainsAny(got, "<>&") {
				t.Errorf("%s in %s contains a Slack control character: %q", key, lang, got)
			}
			if (lang == "zh" || lang == "ja") && got == en {
				t.Errorf("%s has no %s text", key, lang)
			}
		}
	}
}

// assertOnlyOwnLinks fails when a rendered message holds a link the bot did not make: every
// URL written out must be a citation's, inside Slack's <url|title> syntax.
func assertOnlyOwnLinks(t *testing.T, msgs []slackMessage, a answer.Answer) {
	t.Helper()
	own := map[string]bool{}
	for _, c := range a.Citations {
		if u := linkURL(c.URL); u != "" {
			own[u] = true
		}
	}
	for _, m := range msgs {
		raw := string(marshal(t, m))
		for _, loc := range urlRe.FindAllStringIndex(raw, -1) {
			u := raw[loc[0]:loc[1]]
			if !own[strings.TrimRight(u, "|")] || loc[0] == 0 || raw[loc[0]-1] != '<' {
				t.Errorf("a link the bot did not make: %q in %s", u, raw)
			}
		}
		for _, b := range m.Blocks {
			if md, ok := b.(*slack.MarkdownBlock); ok && mdLinkRe.MatchString(md.Text) {
				t.Errorf("a Markdown link or image survives in a markdown block: %s", md.Text)
			}
		}
	}
}

// urlRe finds web addresses as Slack clients would link them: a scheme, or "www.".
var urlRe = regexp.MustCompile(`(?i)(https?://|www\.)[^\s"<>|\\]+`)

// mdLinkRe finds "](" whose bracket is not escaped with a backslash.
var mdLinkRe = regexp.MustCompile(`(^|[^\\])\]\(`)
