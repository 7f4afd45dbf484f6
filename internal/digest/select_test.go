package digest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/i18n"
)

// dates returns n consecutive dates from first.
func dates(first string, n int) []string {
	d, err := time.Parse(time.DateOnly, first)
	if err != nil {
		panic(err)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.AddDate(0, 0, i).Format(time.DateOnly)
	}
	return out
}

func TestPickIsDeterministic(t *testing.T) {
	c := defaultCorpus(t)
	a, b := NewSelector(c), NewSelector(defaultCorpus(t))
	states := [][]string{nil, {"kubecon-eu-2019-day-3-xebia.fr#8f9cb9af"}, a.Rotation()[:10]}
	for _, date := range dates("2026-01-01", 40) {
		for _, posted := range states {
			for _, lang := range []string{"en", "zh"} {
				p1, err := a.Pick(date, lang, posted)
				if err != nil {
					t.Fatal(err)
				}
				p2, _ := b.Pick(date, lang, slices.Clone(posted))
				if p1.Passage.ID != p2.Passage.ID || strings.Join(p1.Key, "|") != strings.Join(p2.Key, "|") {
					t.Fatalf("%s %s: two selectors picked %s and %s", date, lang, p1.Passage.ID, p2.Passage.ID)
				}
			}
		}
	}
}

// TestConsecutiveDatesWithoutLedger: `takeaway digest --date` with no state replays the cycle
// as if a post had gone out every day: consecutive dates give distinct passages (as many days in
// a row as there are candidates), take-aways at the start of each cycle, and the same date
// always gives the same pick.
func TestConsecutiveDatesWithoutLedger(t *testing.T) {
	s := NewSelector(defaultCorpus(t))
	n := s.Candidates()
	seen := map[string]string{}
	var prev Pick
	for i, date := range dates("2025-12-20", n) {
		p, err := s.Preview(date, "en")
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := s.Preview(date, "en"); again.Unit != p.Unit {
			t.Fatalf("%s: picked %s, then %s", date, p.Unit, again.Unit)
		}
		if day, ok := seen[p.Unit]; ok {
			t.Errorf("%s picked %s again, already picked on %s", date, p.Unit, day)
		}
		seen[p.Unit] = date
		if i > 0 && p.Unit == prev.Unit {
			t.Errorf("%s and the day before both picked %s", date, p.Unit)
		}
		day, _ := time.Parse(time.DateOnly, date)
		if int(day.Unix()/86400)%n == 0 && p.Tier != TierTakeaway {
			t.Errorf("%s starts a cycle with %s, not a take-away point", date, p.Unit)
		}
		prev = p
	}
}

// TestAnyThreeWeeks: on the default corpus, any 21 consecutive days of previews post 21
// distinct insights, at least 18 of them take-away points, each with a headline and a quote
// of at most 500 characters.
func TestAnyThreeWeeks(t *testing.T) {
	s := NewSelector(defaultCorpus(t))
	c := NewComposer(i18n.MustNew(), nil, nil, 0, nil)
	all := dates("2026-01-01", 2*s.Candidates()+21)
	for _, lang := range []string{"en", "fr"} {
		var picks []Pick
		for _, d := range all {
			p, err := s.Preview(d, lang)
			if err != nil {
				t.Fatal(err)
			}
			picks = append(picks, p)
			tk := c.Compose(context.Background(), p, lang)
			if tk.Headline == "" {
				t.Errorf("%s %s: no headline", lang, d)
			}
			if n := utf8.RuneCountInString(tk.Citations[0].Quote); n > maxQuote+1 {
				t.Errorf("%s %s: a quote of %d characters", lang, d, n)
			}
		}
		for w := 0; w+21 <= len(picks); w++ {
			points, units := 0, map[string]bool{}
			for _, p := range picks[w : w+21] {
				if p.Tier == TierTakeaway {
					points++
				}
				units[p.Unit] = true
			}
			if points < 18 || len(units) < 21 {
				t.Fatalf("%s: the 21 days from %s post %d take-away points and %d distinct insights", lang, all[w], points, len(units))
			}
		}
	}
}

// TestCycle: with the ledger, no insight repeats before every one was posted, take-away
// points go first, consecutive days come from different reports; then a new cycle starts
// with other strong-claim passages.
func TestCycle(t *testing.T) {
	s := NewSelector(defaultCorpus(t))
	n := s.Candidates()
	if n < 21 {
		t.Fatalf("%d days in a cycle of the default corpus; want three weeks at least", n)
	}
	var posted, units []string
	tiers := []int{}
	for _, date := range dates("2026-03-01", 2*n+3) {
		p, err := s.Pick(date, "fr", posted)
		if err != nil {
			t.Fatal(err)
		}
		posted = append(posted, p.Passage.ID, p.Unit)
		units = append(units, p.Unit)
		tiers = append(tiers, p.Tier)
	}
	for cycle := range 2 {
		seen := map[string]bool{}
		for _, id := range units[cycle*n : (cycle+1)*n] {
			if seen[id] {
				t.Errorf("cycle %d: %s posted twice", cycle, id)
			}
			seen[id] = true
		}
	}
	if k := slices.Index(tiers, TierCentral); k <= 0 || slices.Contains(tiers[k:n], TierTakeaway) {
		t.Errorf("tiers of the first cycle %v: want the take-aways first", tiers[:n])
	}
	claims := map[string]bool{}
	for i, u := range units[:2*n] {
		if tiers[i] == TierCentral {
			if claims[u] {
				t.Errorf("the strong-claim passage %s posted in two cycles", u)
			}
			claims[u] = true
		}
	}
	for i := 1; i < len(units); i++ {
		if a, b := reportGroup(s, units[i-1]), reportGroup(s, units[i]); a == b {
			t.Errorf("days %d and %d both from %s", i-1, i, a)
		}
	}
}

// translationCorpus is two copies of one article (English and French, aligned by their
// product names and version numbers) and a second report.
func translationCorpus() *corpus.Corpus {
	c := &corpus.Corpus{Reports: []corpus.Report{
		{ID: "notes.en", Title: "Notes", Lang: "en", Event: corpus.Event{ID: "e1", Name: "Conf"}, TranslationOf: "https://example.com/notes"},
		{ID: "notes.fr", Title: "Notes (fr)", Lang: "fr", Event: corpus.Event{ID: "e1", Name: "Conf"}, TranslationOf: "https://example.com/notes"},
		{ID: "other.de", Title: "Andere", Lang: "de", Event: corpus.Event{ID: "e2", Name: "Tagung"}},
	}}
	products := []string{"Zephyr", "Quokka", "Lumen", "Nimbus", "Kestrel", "Tundra", "Orca", "Pylon", "Falcon", "Garnet"}
	for k, name := range products {
		c.Passages = append(c.Passages,
			corpus.Passage{ID: fmt.Sprintf("notes.en#%d", k), ReportID: "notes.en", Lang: "en", Ordinal: k + 1,
				Text: fmt.Sprintf("The cluster operator %s %d.0 makes platform teams faster: scheduling, observability and security of the cluster platform improve for every team that runs workloads at scale.", name, k+2)},
			// The French copy runs in reverse order, so that only the names and numbers align it.
			corpus.Passage{ID: fmt.Sprintf("notes.fr#%d", k), ReportID: "notes.fr", Lang: "fr", Ordinal: len(products) - k,
				Text: fmt.Sprintf("L'opérateur de cluster %s %d.0 rend les équipes plateforme plus rapides : l'ordonnancement, l'observabilité et la sécurité de la plateforme progressent pour toutes les équipes.", name, k+2)},
		)
	}
	for k := range 6 {
		c.Passages = append(c.Passages, corpus.Passage{ID: fmt.Sprintf("other.de#%d", k), ReportID: "other.de", Lang: "de", Ordinal: k + 1,
			Text: fmt.Sprintf("Der Vortrag %d zeigte, wie Plattformteams Cluster sicherer betreiben: Beobachtbarkeit, Sicherheit und Planung der Plattform werden für alle Teams im Betrieb einfacher.", k+1)})
	}
	return c
}

func TestTranslatedCopiesCountAsOne(t *testing.T) {
	s := NewSelector(translationCorpus())
	if n := s.Candidates(); n < 6 {
		t.Fatalf("%d candidates, want at least 6 for the test to mean something", n)
	}
	for k := range 10 {
		if en, fr := fmt.Sprintf("notes.en#%d", k), fmt.Sprintf("notes.fr#%d", k); !s.SameUnit(en, fr) {
			t.Errorf("%s and %s are copies of one passage but not aligned", en, fr)
		}
	}
	if s.SameUnit("notes.en#1", "notes.fr#2") {
		t.Error("notes.en#1 aligned with notes.fr#2")
	}
	// A channel that switches from English to French mid-cycle gets no French copy of what
	// it already read in English.
	var posted []string
	for i, date := range dates("2026-09-01", s.Candidates()) {
		lang := "en"
		if i%2 == 1 {
			lang = "fr"
		}
		p, err := s.Pick(date, lang, posted)
		if err != nil {
			t.Fatal(err)
		}
		if p.Report.Lang != lang && p.Report.ID != "other.de" {
			t.Errorf("%s: a %s channel got the %s copy %s", date, lang, p.Report.Lang, p.Passage.ID)
		}
		posted = append(posted, p.Passage.ID)
	}
	for i, a := range posted {
		for _, b := range posted[:i] {
			ka, kb := strings.SplitN(a, "#", 2)[1], strings.SplitN(b, "#", 2)[1]
			if ka == kb && strings.HasPrefix(a, "notes.") && strings.HasPrefix(b, "notes.") {
				t.Errorf("both copies of one passage posted in one cycle: %s and %s", b, a)
			}
		}
	}
}

// TestChannelGetsItsLanguageCopy: a point of the top-10 list, which the French and Chinese
// copies both give, is headed in Chinese in a Chinese channel and in French elsewhere; one
// whose section the Chinese copy left out quotes the French support under the Chinese title.
func TestChannelGetsItsLanguageCopy(t *testing.T) {
	s := NewSelector(defaultCorpus(t))
	const fr, zh = "kubecon-eu-2019-top-10-takeaways.fr#82f8076a/", "kubecon-eu-2019-top-10-takeaways.zh#449c3da5/"
	found := 0
	for _, d := range dates("2026-01-01", s.Candidates()) {
		p, _ := s.Pick(d, "fr", nil)
		if !strings.HasPrefix(p.Unit, fr) {
			continue
		}
		found++
		for lang, want := range map[string]string{"fr": fr, "en": fr, "zh": zh} {
			q, _ := s.Pick(d, lang, nil)
			if !strings.HasPrefix(q.ID, want) || q.Unit != p.Unit {
				t.Errorf("%s channel, %s: picked %s (%s), want a copy of %s from %s", lang, d, q.ID, q.Unit, p.Unit, want)
			}
			if cjk := hasCJK([]rune(q.Title)); q.Title == "" || cjk != (lang == "zh") {
				t.Errorf("%s channel, %s: title %q", lang, d, q.Title)
			}
			if len(q.Key) == 0 {
				t.Errorf("%s channel, %s: nothing to quote", lang, d)
			}
		}
	}
	if found < 10 {
		t.Fatalf("%d of the ten points of the top-10 list are in the rotation; rotation: %q", found, s.Rotation())
	}
}

func TestKeySentences(t *testing.T) {
	s := NewSelector(defaultCorpus(t))
	for _, p := range s.passages {
		if _, ok := s.insightOf[p.ID]; !ok {
			continue
		}
		key := keySentences(s.w, s.centroid[p.ReportID], p.Text)
		items := 0
		for _, k := range key {
			if strings.HasPrefix(k, "•") {
				items++
			}
			if isQuestion(k) && !strings.Contains(p.Text, k+"\n•") {
				t.Errorf("%s: a question quoted as a key sentence: %q", p.ID, k)
			}
		}
		if len(key) == 0 || items > maxKeySentences || (items == 0 && len(key) > maxKeySentences) {
			t.Errorf("%s: key sentences %q", p.ID, key)
		}
		if isList(p.Text) && items == 0 {
			t.Errorf("%s: a list quoted without any item: %q", p.ID, key)
		}
	}
}

func TestEmptyCorpus(t *testing.T) {
	s := NewSelector(&corpus.Corpus{})
	if _, err := s.Pick("2026-01-01", "en", nil); err == nil {
		t.Error("Pick on an empty corpus: no error")
	}
	if _, err := NewSelector(defaultCorpus(t)).Pick("2026-13-01", "en", nil); err == nil {
		t.Error("Pick on a bad date: no error")
	}
}
