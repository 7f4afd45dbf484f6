// Package eval measures retrieval and answers against question cases (recall@k, MRR, facts,
// answer language, latency), overall and per question language.
package eval

import (
	"github.com/takeaway-bot/takeaway/internal/i18n"

	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Case is one evaluation question.
type Case struct {
	ID      string     `json:"id"`
	Lang    string     `json:"lang"`
	Q       string     `json:"q"`
	Needles []string   `json:"needles"`
	Facts   [][]string `json:"facts"`
	// Offtopic marks a question the reports do not answer: the right answer is "not covered".
	Offtopic bool `json:"offtopic,omitempty"`
	// Kind groups cases for the report (summary, scoped, factoid…); optional.
	Kind string `json:"kind,omitempty"`
}

// ReadCases parses JSON Lines cases; a malformed line is an error naming its line number.
func ReadCases(r io.Reader) ([]Case, error) {
	var cases []Case
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var c Case
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			return nil, fmt.Errorf("case line %d: %w", n, err)
		}
		if c.Q == "" {
			return nil, fmt.Errorf("case line %d: empty question", n)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read cases: %w", err)
	}
	return cases, nil
}

// Result is what the system under test produced for one question.
type Result struct {
	// Passages are the retrieved passage texts, best first.
	Passages []string
	// Answer is the answer text, without its list of sources; empty when answers are not measured.
	Answer string
	// Answered is false when the system produced no answer text (retrieval only).
	Answered bool
	// NotCovered is true when the answer says the reports do not cover the question.
	NotCovered bool
	// Cited are the texts of the passages the answer cites.
	Cited []string
	// Elapsed, when set, is how long the answer itself took: a system that also retrieves
	// for recall's sake (work a user's question does not do) times the answer alone. Zero:
	// the whole call is timed.
	Elapsed time.Duration
}

// System is what eval drives: one call per question, timed.
type System interface {
	Run(ctx context.Context, question string, depth int) (Result, error)
}

// LangDetector names the language of a text.
type LangDetector interface {
	DetectLang(text string) string
}

// LangStats are the figures of one question language.
type LangStats struct {
	Cases     int      `json:"cases"`
	RecallAt5 float64  `json:"recall_at_5"`
	Facts     *float64 `json:"facts"`
	// Cited is the share of cases whose answer cites a passage holding a needle: answered from
	// the right report and passage.
	Cited *float64 `json:"cited,omitempty"`
	// Language is the share of answered cases, off-topic ones included, whose own words are in
	// the question's language.
	Language *float64 `json:"language,omitempty"`
}

// Report is the summary printed by `takeaway eval --json`. Recall, MRR and facts count on-topic
// cases only; language counts every answered case.
type Report struct {
	Cases     int      `json:"cases"`
	OnTopic   int      `json:"on_topic"`
	OffTopic  int      `json:"off_topic"`
	RecallAt1 float64  `json:"recall_at_1"`
	RecallAt5 float64  `json:"recall_at_5"`
	MRR       float64  `json:"mrr"`
	Facts     *float64 `json:"facts"`
	// Cited is the share of on-topic cases whose answer cites a passage holding a needle.
	Cited    *float64 `json:"cited"`
	Language *float64 `json:"language"`
	// FalseNotCovered is the share of on-topic cases answered "not covered"; OffTopicAnswered
	// the share of off-topic cases answered as if the reports covered them.
	FalseNotCovered  *float64             `json:"false_not_covered"`
	OffTopicAnswered *float64             `json:"off_topic_answered"`
	P50MS            float64              `json:"p50_ms"`
	P99MS            float64              `json:"p99_ms"`
	ByLang           map[string]LangStats `json:"by_lang"`
	ByKind           map[string]LangStats `json:"by_kind,omitempty"`
	// Details lists each case's outcome; it is not part of the JSON summary.
	Details []Detail `json:"-"`
}

// Detail is the outcome of one case, for the human-readable report.
type Detail struct {
	Case     Case
	Rank     int // 1-based rank of the first passage with a needle, 0 if none in depth
	FactsOK  bool
	LangOK   bool
	Answer   string
	Answered bool
	// NotCovered is true when the answer said "not covered".
	NotCovered bool
	// Cited is true when the answer cites a passage holding a needle.
	Cited bool
}

// Run evaluates every case. depth is how many passages are retrieved (MRR counts ranks up to it).
func Run(ctx context.Context, sys System, det LangDetector, cases []Case, depth int) (Report, error) {
	if depth < 5 {
		depth = 5
	}
	rep := Report{Cases: len(cases), ByLang: map[string]LangStats{}, ByKind: map[string]LangStats{}}
	if len(cases) == 0 {
		return rep, nil
	}
	var lat []float64
	var hit1, hit5, factsOK, langOK, answered, onTopic, offTopic, falseNC, offAnswered, cited int
	var rr float64
	type acc struct{ cases, hit5, facts, answered, cited, spoken, langOK int }
	perLang, perKind := map[string]*acc{}, map[string]*acc{}
	bump := func(m map[string]*acc, key string) *acc {
		a := m[key]
		if a == nil {
			a = &acc{}
			m[key] = a
		}
		return a
	}
	// One untimed question first: a serving bot answers from warm caches and compiled
	// patterns, and p99 over a hundred questions would otherwise be the first one's start-up.
	if _, err := sys.Run(ctx, cases[0].Q, depth); err != nil {
		return Report{}, fmt.Errorf("case %s: %w", cases[0].ID, err)
	}
	for _, c := range cases {
		start := time.Now()
		res, err := sys.Run(ctx, c.Q, depth)
		if err != nil {
			return Report{}, fmt.Errorf("case %s: %w", c.ID, err)
		}
		took := time.Since(start)
		if res.Elapsed > 0 {
			took = res.Elapsed
		}
		lat = append(lat, float64(took.Microseconds())/1000)
		d := Detail{Case: c, Answer: res.Answer, Answered: res.Answered, NotCovered: res.NotCovered}
		if res.Answered {
			d.LangOK = det.DetectLang(OwnWords(res.Answer)) == answerLang(c.Lang)
			a := bump(perLang, c.Lang)
			a.spoken++
			if d.LangOK {
				langOK++
				a.langOK++
			}
			answered++
		}
		if c.Offtopic {
			offTopic++
			if res.Answered && !res.NotCovered {
				offAnswered++
			}
			rep.Details = append(rep.Details, d)
			continue
		}
		onTopic++
		for i, p := range res.Passages {
			if i >= depth {
				break
			}
			if containsAny(p, c.Needles) {
				d.Rank = i + 1
				break
			}
		}
		accs := []*acc{bump(perLang, c.Lang)}
		if c.Kind != "" {
			accs = append(accs, bump(perKind, c.Kind))
		}
		for _, a := range accs {
			a.cases++
		}
		if d.Rank == 1 {
			hit1++
		}
		if d.Rank >= 1 && d.Rank <= 5 {
			hit5++
			for _, a := range accs {
				a.hit5++
			}
		}
		if d.Rank > 0 && d.Rank <= 10 {
			rr += 1 / float64(d.Rank)
		}
		if res.Answered {
			if res.NotCovered {
				falseNC++
			}
			for _, a := range accs {
				a.answered++
			}
			for _, p := range res.Cited {
				if containsAny(p, c.Needles) {
					d.Cited = true
				}
			}
			if d.Cited {
				cited++
				for _, a := range accs {
					a.cited++
				}
			}
			d.FactsOK = hasFacts(res.Answer, c.Facts)
			if d.FactsOK {
				factsOK++
				for _, a := range accs {
					a.facts++
				}
			}
		}
		rep.Details = append(rep.Details, d)
	}
	rep.OnTopic, rep.OffTopic = onTopic, offTopic
	if onTopic > 0 {
		n := float64(onTopic)
		rep.RecallAt1 = round(float64(hit1) / n)
		rep.RecallAt5 = round(float64(hit5) / n)
		rep.MRR = round(rr / n)
	}
	if answered > 0 {
		l := round(float64(langOK) / float64(answered))
		rep.Language = &l
		if onTopic > 0 {
			f, fnc, ci := round(float64(factsOK)/float64(onTopic)), round(float64(falseNC)/float64(onTopic)), round(float64(cited)/float64(onTopic))
			rep.Facts, rep.FalseNotCovered, rep.Cited = &f, &fnc, &ci
		}
		if offTopic > 0 {
			o := round(float64(offAnswered) / float64(offTopic))
			rep.OffTopicAnswered = &o
		}
	}
	sort.Float64s(lat)
	rep.P50MS = round(percentile(lat, 0.50))
	rep.P99MS = round(percentile(lat, 0.99))
	stats := func(a *acc) LangStats {
		var s LangStats
		if a.cases > 0 {
			s = LangStats{Cases: a.cases, RecallAt5: round(float64(a.hit5) / float64(a.cases))}
		}
		if a.spoken > 0 {
			l := round(float64(a.langOK) / float64(a.spoken))
			s.Language = &l
		}
		if a.answered > 0 && a.cases > 0 {
			f, ci := round(float64(a.facts)/float64(a.cases)), round(float64(a.cited)/float64(a.cases))
			s.Facts, s.Cited = &f, &ci
		}
		return s
	}
	for l, a := range perLang {
		rep.ByLang[l] = stats(a)
	}
	for k, a := range perKind {
		rep.ByKind[k] = stats(a)
	}
	if len(rep.ByKind) == 0 {
		rep.ByKind = nil
	}
	return rep, nil
}

func containsAny(text string, needles []string) bool {
	lt := strings.ToLower(text)
	for _, n := range needles {
		if strings.Contains(lt, strings.ToLower(n)) {
			return true
		}
	}
	return false
}

// hasFacts: every group has at least one alternative in the answer (case-insensitive). The
// answer's Markdown emphasis is not content: "**1.650** Teilnehmende" holds "1.650 Teilnehmende".
func hasFacts(answer string, groups [][]string) bool {
	answer = strings.ReplaceAll(answer, "**", "")
	for _, g := range groups {
		if !containsAny(answer, g) {
			return false
		}
	}
	return true
}

var (
	quoteRe    = regexp.MustCompile(`“[^”]*”|”[^”]*”|«[^»]*»|„[^“”]*[“”]|「[^」]*」|『[^』]*』|"[^"\n]*"`)
	citationRe = regexp.MustCompile(`\[\d+\]`)
)

// OwnWords is the part of an answer written by the bot: everything outside quotations (quote
// marks, or Markdown block quotes) and citation markers.
func OwnWords(answer string) string {
	var keep []string
	for _, line := range strings.Split(answer, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), ">") {
			continue
		}
		keep = append(keep, line)
	}
	s := quoteRe.ReplaceAllString(strings.Join(keep, "\n"), " ")
	return strings.TrimSpace(citationRe.ReplaceAllString(s, " "))
}

func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

// answerLang is the language an answer to a question in lang is framed in: lang itself when
// takeaway speaks it, else English (the eval gives no Slack locale).
func answerLang(lang string) string {
	if i18n.IsSupported(i18n.Base(lang)) {
		return i18n.Base(lang)
	}
	return "en"
}
