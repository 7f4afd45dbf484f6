// Package eval measures retrieval and answers against question cases (recall@k, MRR, facts,
// answer language, latency), overall and per question language.
package eval

import (
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
}

// Report is the summary printed by `takeaway eval --json`.
type Report struct {
	Cases     int                  `json:"cases"`
	RecallAt1 float64              `json:"recall_at_1"`
	RecallAt5 float64              `json:"recall_at_5"`
	MRR       float64              `json:"mrr"`
	Facts     *float64             `json:"facts"`
	Language  *float64             `json:"language"`
	P50MS     float64              `json:"p50_ms"`
	P99MS     float64              `json:"p99_ms"`
	ByLang    map[string]LangStats `json:"by_lang"`
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
}

// Run evaluates every case. depth is how many passages are retrieved (MRR counts ranks up to it).
func Run(ctx context.Context, sys System, det LangDetector, cases []Case, depth int) (Report, error) {
	if depth < 5 {
		depth = 5
	}
	rep := Report{Cases: len(cases), ByLang: map[string]LangStats{}}
	if len(cases) == 0 {
		return rep, nil
	}
	var lat []float64
	var hit1, hit5, factsOK, langOK, answered int
	var rr float64
	type acc struct{ cases, hit5, facts, answered int }
	per := map[string]*acc{}
	for _, c := range cases {
		start := time.Now()
		res, err := sys.Run(ctx, c.Q, depth)
		if err != nil {
			return Report{}, fmt.Errorf("case %s: %w", c.ID, err)
		}
		lat = append(lat, float64(time.Since(start).Microseconds())/1000)
		d := Detail{Case: c, Answer: res.Answer, Answered: res.Answered}
		for i, p := range res.Passages {
			if i >= depth {
				break
			}
			if containsAny(p, c.Needles) {
				d.Rank = i + 1
				break
			}
		}
		a := per[c.Lang]
		if a == nil {
			a = &acc{}
			per[c.Lang] = a
		}
		a.cases++
		if d.Rank == 1 {
			hit1++
		}
		if d.Rank >= 1 && d.Rank <= 5 {
			hit5++
			a.hit5++
		}
		if d.Rank > 0 && d.Rank <= 10 {
			rr += 1 / float64(d.Rank)
		}
		if res.Answered {
			answered++
			a.answered++
			d.FactsOK = hasFacts(res.Answer, c.Facts)
			if d.FactsOK {
				factsOK++
				a.facts++
			}
			d.LangOK = det.DetectLang(OwnWords(res.Answer)) == c.Lang
			if d.LangOK {
				langOK++
			}
		}
		rep.Details = append(rep.Details, d)
	}
	n := float64(len(cases))
	rep.RecallAt1 = round(float64(hit1) / n)
	rep.RecallAt5 = round(float64(hit5) / n)
	rep.MRR = round(rr / n)
	if answered > 0 {
		f, l := round(float64(factsOK)/n), round(float64(langOK)/n)
		rep.Facts, rep.Language = &f, &l
	}
	sort.Float64s(lat)
	rep.P50MS = round(percentile(lat, 0.50))
	rep.P99MS = round(percentile(lat, 0.99))
	for l, a := range per {
		s := LangStats{Cases: a.cases, RecallAt5: round(float64(a.hit5) / float64(a.cases))}
		if a.answered > 0 {
			f := round(float64(a.facts) / float64(a.cases))
			s.Facts = &f
		}
		rep.ByLang[l] = s
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

// hasFacts: every group has at least one alternative in the answer (case-insensitive).
func hasFacts(answer string, groups [][]string) bool {
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
