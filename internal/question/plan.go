// Package question turns a question into a Plan before anything is retrieved: what it asks
// (intent), about which event, report or part of one (scope), and about what (subject). It
// reads the catalog of events and reports built from the reports themselves.
package question

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/text"
)

// Plan is what a question asks, typed: the stage between the question and retrieval.
type Plan struct {
	Question string `json:"question"`
	Lang     string `json:"lang"`
	Intent   Intent `json:"intent"`
	Scope    Scope  `json:"scope"`
	// Subject holds the names and concepts that remain once intent and scope words are set aside.
	Subject []string `json:"subject"`
	// Search is the text retrieval searches: the question without its scope words.
	Search string `json:"search"`
}

// Scope is the part of the corpus a question is about. It is a filter: retrieval searches
// inside it.
type Scope struct {
	// Events are the catalog events the question names (IDs).
	Events []string `json:"events,omitempty"`
	// Reports are the reports retrieval is limited to; empty means every report.
	Reports []string `json:"reports,omitempty"`
	Year    int      `json:"year,omitempty"`
	// Langs are report languages the question names ("the Swedish report").
	Langs []string `json:"langs,omitempty"`
	// AbsentLangs are languages the question names that no report is written in ("is there
	// a Japanese report?").
	AbsentLangs []string `json:"absent_langs,omitempty"`
	// Day is the day of the event the question names ("day 3", "last day").
	Day string `json:"day,omitempty"`
	// Named are the question's words that set the scope.
	Named []string `json:"named,omitempty"`
	// Unknown are the question's scope words that match nothing in the catalog ("KubeCon India
	// 2024"): the reports do not cover such a question.
	Unknown []string `json:"unknown,omitempty"`
	// Outside is the question's own words for what the catalog does not hold, for the answer
	// ("KubeCon India 2024").
	OutsideText string `json:"outside_text,omitempty"`
}

// Limited reports whether the scope narrows retrieval to some reports.
func (s Scope) Limited() bool { return len(s.Reports) > 0 }

// Outside reports whether the question is about something the catalog does not hold.
func (s Scope) Outside() bool { return len(s.Unknown) > 0 }

// Vocabulary tells whether the corpus mentions a folded term anywhere; *retrieval.Index is one.
type Vocabulary interface {
	Known(term string) bool
}

// Planner makes plans against one catalog.
type Planner struct {
	cat      *corpus.Catalog
	analyzer *text.Analyzer
	places   *text.Places
	vocab    Vocabulary
	events   []eventKeys
	// langNames maps a folded language name ("swedish", "suedois", "瑞典") to a language code:
	// the reports' languages and those questions may come in; reportLangs holds the former.
	langNames   map[string]string
	reportLangs map[string]bool
	// people maps folded publisher and author names to the reports they wrote.
	people map[string][]string
}

type eventKeys struct {
	id      string
	series  map[string]bool // name words that identify the series ("kubecon", "devconf.cz")
	phrases []string        // folded aliases and names matched as phrases ("kubecon eu 2019")
	places  map[string]bool // folded city and country names
	year    int
	reports []string
}

// NewPlanner returns a planner over a catalog. uiLangs are the languages questions may come in
// (report languages are recognised by their names in each).
func NewPlanner(cat *corpus.Catalog, analyzer *text.Analyzer, places *text.Places, vocab Vocabulary, uiLangs []string) *Planner {
	p := &Planner{cat: cat, analyzer: analyzer, places: places, vocab: vocab, langNames: map[string]string{}, reportLangs: map[string]bool{}, people: map[string][]string{}}
	for _, e := range cat.Events {
		k := eventKeys{id: e.ID, series: map[string]bool{}, places: map[string]bool{}, year: e.Year, reports: e.Reports}
		for _, w := range text.Tokenize(e.Name) {
			f := text.Fold(text.CleanToken(w))
			if isSeriesWord(w) {
				k.series[f] = true
				if i := strings.IndexByte(f, '.'); i > 2 {
					k.series[f[:i]] = true // "devconf.cz" is also "devconf"
				}
			}
		}
		k.phrases = append(k.phrases, text.Fold(e.Name))
		for _, a := range e.Aliases {
			k.phrases = append(k.phrases, text.Fold(a))
		}
		for _, n := range append([]string{e.City, e.Country}, e.Aliases...) {
			if n != "" && len(places.Lookup(n)) > 0 || n == e.City && n != "" {
				k.places[text.Fold(n)] = true
			}
		}
		if e.City != "" {
			for _, pl := range places.Lookup(e.City) {
				for _, n := range places.Names(pl) {
					k.places[text.Fold(n)] = true
				}
			}
		}
		p.events = append(p.events, k)
	}
	for _, r := range cat.Reports {
		p.reportLangs[r.Lang] = true
	}
	// Languages are known by name even when no report is written in them: "is there a Japanese
	// report?" has an answer, and "日本語" is then not read as Japan.
	for _, code := range slices.Sorted(maps.Keys(p.reportLangs)) {
		p.addLanguage(code, uiLangs)
	}
	for _, code := range uiLangs {
		if !p.reportLangs[code] {
			p.addLanguage(code, uiLangs)
		}
	}
	for _, r := range cat.Reports {
		for _, who := range append([]string{r.Publisher}, r.Authors...) {
			for _, f := range personForms(who) {
				if !slices.Contains(p.people[f], r.ID) {
					p.people[f] = append(p.people[f], r.ID)
				}
			}
		}
	}
	return p
}

// addLanguage registers the names of the language code in itself and in each of uiLangs; a form
// that is also a place ("日本" of "日本語") is left out. A name already taken keeps its language.
func (p *Planner) addLanguage(code string, uiLangs []string) {
	tag, err := language.Parse(code)
	if err != nil {
		return
	}
	names := []string{display.Self.Name(tag)}
	for _, ui := range uiLangs {
		if t, err := language.Parse(ui); err == nil {
			names = append(names, display.Languages(t).Name(tag))
		}
	}
	for _, n := range names {
		for i, f := range languageForms(n) {
			if _, taken := p.langNames[f]; taken || i > 0 && p.isPlaceOnly(f) {
				continue
			}
			p.langNames[f] = code
		}
	}
}

// isSeriesWord reports whether a word of an event's name identifies its series: a compound
// name ("KubeCon", "JavaLand", "DevConf.CZ") or a name word that is neither a year nor a
// common word.
func isSeriesWord(w string) bool {
	rs := []rune(w)
	if len(rs) < 3 || !unicode.IsUpper(rs[0]) {
		return false
	}
	for _, r := range rs[1:] {
		if unicode.IsUpper(r) || r == '.' {
			return true
		}
	}
	switch strings.ToLower(w) {
	case "europe", "north", "america", "asia", "china", "japan", "india", "open", "source", "summit", "days", "day", "conference", "the":
		return false
	}
	return len(rs) >= 5
}

// languageForms are the folded forms of a language name a question may use: the name, and for
// Chinese and Japanese the name without 语/語 ("瑞典语" → "瑞典"), plus 文 ("中文").
func languageForms(name string) []string {
	f := text.Fold(strings.TrimSpace(name))
	if f == "" {
		return nil
	}
	out := []string{f}
	for _, suffix := range []string{"语", "語"} {
		if base, ok := strings.CutSuffix(f, suffix); ok && utf8.RuneCountInString(base) >= 2 {
			out = append(out, base, base+"文")
		}
	}
	return out
}

// personForms are the folded forms a question may name a publisher or author by: the whole
// name, its letters without dots ("C.A.G" → "cag"), and a person's surname.
func personForms(name string) []string {
	name = strings.TrimSpace(strings.Trim(name, `"`))
	if name == "" {
		return nil
	}
	f := text.Fold(name)
	out := []string{f}
	if nodots := strings.ReplaceAll(f, ".", ""); nodots != f && len(nodots) >= 2 {
		out = append(out, nodots)
	}
	if ws := strings.Fields(f); len(ws) >= 2 {
		if last := ws[len(ws)-1]; utf8.RuneCountInString(last) >= 4 {
			out = append(out, last)
		}
	}
	return out
}

var (
	versionRe = regexp.MustCompile(`^v?\d+\.\d+(\.\d+)?$`)
	yearRe    = regexp.MustCompile(`(?:^|[^\d.])((?:19|20)\d\d)(?:$|[^\d.])`)
	dayRe     = words(`(?i)\b(?:day|jour|dag|tag|día|dia|giorno|dagen)\s*(\d)\b|\b(\d)(?:st|nd|rd|th|e|er|ème)?\s*(?:day|jour)\b|第\s*([一二三四五1-5])\s*天|([1-5])日目|\b(last day|final day|dernier jour|letzten tag|letzter tag|sista dagen|último día|ultimo giorno|último dia|laatste dag)\b|最后一天|最終日`)
)

// Plan computes the plan of a question written in lang.
func (p *Planner) Plan(q, lang string) Plan {
	plan := Plan{Question: q, Lang: lang, Intent: detectIntent(q, lang)}
	s := &plan.Scope
	folded := text.Fold(q)
	tokens := foldedTokens(q)

	langs, langSurfaces := p.languages(folded, tokens)
	eq, eFolded, eTokens := q, folded, tokens
	if len(langSurfaces) > 0 {
		// A language's name is not a place: "日本語" is not Japan, "Swedish" not Sweden.
		eq = removeWords(text.FoldHan(q), langSurfaces, false)
		eFolded, eTokens = text.Fold(eq), foldedTokens(eq)
	}
	named, seriesWords, narrowed := p.eventScope(eq, eFolded, eTokens, s)
	named, narrowed = p.reportScope(q, folded, tokens, s, named, narrowed, langs, langSurfaces, plan.Intent)
	if narrowed && len(s.Reports) == 0 && !s.Outside() {
		// Each part of the scope exists, but together they name no report ("the Swedish report
		// on Copenhagen").
		s.Unknown = append(s.Unknown, strings.Join(dedupe(named), " + "))
	}
	s.Reports = dedupe(s.Reports)
	s.Named = dedupe(named)
	if s.Outside() {
		s.OutsideText = span(q, append(append(append([]string(nil), s.Unknown...), s.Named...), seriesWords...), s.Unknown)
	}

	plan.Search = removeWords(q, s.Named, s.Limited() || plan.Intent == IntentSummary || plan.Intent == IntentSources)
	if plan.Intent == IntentOpinion {
		// "what was the mood about Istio", "is it worth it": the words that ask for an opinion
		// say what kind of answer is wanted, not what it is about.
		if rest := strings.TrimSpace(intentPattern(IntentOpinion).ReplaceAllString(plan.Search, " ")); rest != "" {
			plan.Search = strings.Join(strings.Fields(rest), " ")
		}
	}
	plan.Subject = p.subject(plan.Search, lang, plan.Intent)
	if plan.Intent == IntentSources && len(plan.Subject) == 0 && s.Limited() {
		// "Who wrote the Swedish one?": the passages that present the report (its byline, its
		// note on the original) hold its authors' and publisher's names.
		var who []string
		for _, id := range s.Reports {
			if r, ok := p.cat.Report(id); ok {
				who = append(append(who, r.Publisher), r.Authors...)
			}
		}
		plan.Search = strings.TrimSpace(plan.Search + " " + strings.Join(dedupe(who), " "))
	}
	if (plan.Intent == IntentYesNo || plan.Intent == IntentFact || plan.Intent == IntentList) && (len(s.Langs) > 0 || s.Outside()) && onlyExistence(plan.Subject) {
		// "Is there anything in Swedish?", "有中文的报告吗？": nothing is asked of the reports
		// but whether they exist.
		plan.Intent, plan.Subject = IntentSources, nil
	}
	generic := plan.Intent == IntentFact || plan.Intent == IntentYesNo || plan.Intent == IntentList || plan.Intent == IntentOpinion
	if generic && !s.Limited() && !s.Outside() && isChatter(q, p.analyzer.Terms(q, lang), p.known) {
		plan.Intent, plan.Subject = IntentChatter, nil
	}
	return plan
}

// eventScope narrows the catalog's events by what the question names: aliases, series words,
// places in any language (misspelt within an edit or two), years. A mention that matches no
// event, and that the corpus never mentions or that qualifies a named series, goes to Unknown.
// It returns the surfaces that set the scope, the series words seen, and whether it narrowed.
func (p *Planner) eventScope(q, folded string, tokens []string, s *Scope) (named, seriesWords []string, narrowed bool) {
	// Events: series words, places, years and aliases narrow the candidates in turn. A mention
	// that matches no event and that the corpus never mentions puts the question outside.
	candidates := make([]int, len(p.events))
	for i := range candidates {
		candidates[i] = i
	}
	narrow := func(surface string, keep func(eventKeys) bool, outsideIfNone bool) {
		var next []int
		for _, i := range candidates {
			if keep(p.events[i]) {
				next = append(next, i)
			}
		}
		if len(next) == 0 {
			if outsideIfNone {
				s.Unknown = append(s.Unknown, surface)
			}
			return
		}
		if len(next) == len(p.events) {
			return // names every event: no narrowing, and the word stays in the subject
		}
		candidates, narrowed = next, true
		named = append(named, surface)
	}
	// Aliases and full names as phrases ("KubeCon EU 2019", "KubeCon Barcelona").
	for _, i := range candidates {
		for _, ph := range p.events[i].phrases {
			if ph != "" && containsPhrase(folded, tokens, ph) && !p.isPlaceOnly(ph) {
				named = append(named, ph)
			}
		}
	}
	// Series words: "KubeCon", "JavaLand". An unknown event-like word ("DockerCon") is outside.
	// Once a series is named, a place or year none of its events has is outside too ("JavaLand
	// 2019"), even if the corpus mentions that year elsewhere.
	series := false
	for _, t := range tokens {
		inSeries := false
		for _, e := range p.events {
			if e.series[t] {
				inSeries = true
			}
		}
		if inSeries {
			narrow(t, func(e eventKeys) bool { return e.series[t] }, false)
			series = true
			seriesWords = append(seriesWords, t)
			continue
		}
		if looksLikeEventWord(t) && !p.known(t) {
			s.Unknown = append(s.Unknown, t)
		}
	}
	// The word right after a series name qualifies it ("KubeCon India", "KubeCon NA", "DevConf
	// US"): capitalised, not a year, and never mentioned by the corpus, it names an edition the
	// catalog does not hold.
	if series {
		locs := wordRe.FindAllStringIndex(q, -1)
		for i := 0; i+1 < len(locs); i++ {
			w := text.Fold(text.CleanToken(q[locs[i][0]:locs[i][1]]))
			next := text.CleanToken(q[locs[i+1][0]:locs[i+1][1]])
			if !slices.Contains(seriesWords, w) || next == "" {
				continue
			}
			first, _ := utf8.DecodeRuneInString(next)
			if unicode.IsUpper(first) && yearRe.FindString(" "+next+" ") == "" && !p.known(text.Fold(next)) {
				s.Unknown = append(s.Unknown, text.Fold(next))
			}
		}
	}
	// Places: a city or country the question names.
	for _, pm := range p.places.Find(q) {
		key := text.Fold(pm.Surface)
		if slices.Contains(named, key) {
			continue
		}
		match := func(e eventKeys) bool {
			if e.places[key] {
				return true
			}
			for _, n := range p.places.Names(pm.Place) {
				if e.places[text.Fold(n)] {
					return true
				}
			}
			return false
		}
		narrow(key, match, series || !p.known(key))
	}
	// A place written in lower case ("devconf in shanghai") that the corpus never mentions.
	for _, pm := range p.places.FindAnyCase(q) {
		key := text.Fold(pm.Surface)
		if utf8.RuneCountInString(key) >= 5 && !slices.Contains(named, key) && !slices.Contains(s.Unknown, key) && !p.known(key) {
			narrow(key, func(e eventKeys) bool { return e.places[key] }, true)
		}
	}
	// Places the table does not hold, or misspelt: a question word close to an event's city.
	for _, t := range tokens {
		if utf8.RuneCountInString(t) < 5 || slices.Contains(named, t) {
			continue
		}
		var hit []int
		for _, i := range candidates {
			for pl := range p.events[i].places {
				if t == pl || (utf8.RuneCountInString(pl) >= 6 && (text.EditDistance([]rune(t), []rune(pl), maxEdits(pl)) <= maxEdits(pl) || inflected(t, pl))) {
					hit = append(hit, i)
					break
				}
			}
		}
		if len(hit) > 0 && len(hit) < len(p.events) || len(hit) > 0 && len(p.events) == 1 {
			candidates, narrowed = hit, true
			named = append(named, t)
		}
	}
	// A product version the corpus never mentions ("Kubernetes 1.31") is outside as well.
	for i, t := range tokens {
		if versionRe.MatchString(t) && !p.known(t) && !p.known(strings.TrimPrefix(t, "v")) {
			surface := t
			if i > 0 {
				surface = tokens[i-1] + " " + t
			}
			s.Unknown = append(s.Unknown, surface)
		}
	}
	// Years.
	for _, m := range yearRe.FindAllStringSubmatch(q, -1) {
		y, _ := strconv.Atoi(m[1])
		s.Year = y
		narrow(m[1], func(e eventKeys) bool { return e.year == y }, series || !p.known(m[1]))
	}
	if narrowed && !s.Outside() {
		var reports []string
		for _, i := range candidates {
			s.Events = append(s.Events, p.events[i].id)
			reports = append(reports, p.events[i].reports...)
		}
		s.Reports = reports
	}

	return named, seriesWords, narrowed
}

// reportScope narrows to reports by their language, publisher or author, and a day of the
// event, intersecting with what the events left.
func (p *Planner) reportScope(q, folded string, tokens []string, s *Scope, named []string, narrowed bool, langs, langSurfaces []string, intent Intent) ([]string, bool) {
	// Reports: by language, publisher or author, and a day of the event. A language no report
	// is written in scopes a question about the sources ("is there a Japanese report?") to
	// nothing; elsewhere ("what did the Japanese speakers say") it stays in the subject.
	for _, l := range langs {
		if p.reportLangs[l] {
			s.Langs = append(s.Langs, l)
		} else if intent == IntentSources || intent == IntentYesNo {
			s.AbsentLangs = append(s.AbsentLangs, l)
			s.Unknown = append(s.Unknown, langSurfaces...)
			named = append(named, langSurfaces...)
		}
	}
	if len(s.Langs) > 0 {
		named = append(named, langSurfaces...)
	}
	var byLang []string
	if len(s.Langs) > 0 {
		for _, r := range p.cat.Reports {
			if slices.Contains(s.Langs, r.Lang) {
				byLang = append(byLang, r.ID)
			}
		}
		s.Reports = intersect(s.Reports, byLang, narrowed)
		narrowed = true
	}
	var byPeople []string
	for _, who := range slices.Sorted(maps.Keys(p.people)) {
		if containsPhrase(folded, tokens, who) {
			byPeople = append(byPeople, p.people[who]...)
			named = append(named, who)
		}
	}
	if len(byPeople) > 0 {
		s.Reports = intersect(s.Reports, byPeople, narrowed)
		narrowed = true
	}
	if day, ids, surface := p.day(q, s.Reports); day != "" {
		s.Day = day
		s.Reports = ids
		named = append(named, surface)
	}
	return named, narrowed
}

// subject is the content terms of the search text, without the words that only say what kind
// of answer is wanted (summary, list).
func (p *Planner) subject(search, lang string, intent Intent) []string {
	rest := search
	if intent == IntentSummary || intent == IntentSources {
		rest = intentPattern(intent).ReplaceAllString(rest, " ")
	}
	terms := p.analyzer.Terms(rest, lang)
	out := terms[:0]
	for _, t := range terms {
		if !isChatterWord(t) || p.known(t) && utf8.RuneCountInString(t) > 4 {
			out = append(out, t)
		}
	}
	return dedupe(out)
}

// existenceWords ask whether something exists without saying what: "anything", "något", "什么".
var existenceWords = foldedSet(`exist exists existe existen existiert gibt gab finns fanns hay hubo há c'è esiste
	есть є var ma 有 ある あります 있나요 있어요
	anything something any anyone stuff report reports one ones write writeup writeups
		quelque chose rien rapport rapports article articles compte rendu
		etwas irgendwas irgendetwas bericht berichte artikel
		något nåt några rapport rapporter artikel artiklar
		algo alguno alguna informe informes artículo artículos
		qualcosa qualche report resoconto resoconti articolo articoli
		alguma algum coisa relatório relatórios artigo artigos
		iets wat verslag verslagen artikel artikelen rapport
		什么 任何 报告 報告 文章 资料 資料 レポート 記事 何か 보고서 리포트
		что-нибудь что-то отчёт отчет отчёты звіт звіти coś raport raporty relacja bir şey rapor`)

// foldedSet is the set of the folded words of a list.
func foldedSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(list) {
		set[text.Fold(w)] = true
	}
	return set
}

// onlyExistence reports whether a subject holds nothing but existence words (or nothing).
func onlyExistence(subject []string) bool {
	for _, t := range subject {
		if !existenceWords[text.Fold(t)] {
			return false
		}
	}
	return true
}

func (p *Planner) known(term string) bool { return p.vocab != nil && p.vocab.Known(term) }

// languages finds the languages the question names, in any of the names they are registered
// under (misspelt within an edit or two, or inflected), and the surfaces that named them.
func (p *Planner) languages(folded string, tokens []string) (langs, surfaces []string) {
	// Only a word the corpus does not know may be a misspelt language name: "Ingress" is not
	// Spanish "inglés".
	var unknown []string
	for _, t := range tokens {
		if !p.known(t) {
			unknown = append(unknown, t)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.langNames)) {
		fuzzy := fuzzyWord(unknown, name)
		if containsPhrase(folded, tokens, name) || stemMatch(tokens, name) || fuzzy != "" {
			if fuzzy != "" {
				surfaces = append(surfaces, fuzzy)
			}
			if l := p.langNames[name]; !slices.Contains(langs, l) {
				langs = append(langs, l)
			}
			surfaces = append(surfaces, name)
		}
	}
	sort.Strings(langs)
	return langs, dedupe(surfaces)
}

// isPlaceOnly reports whether an alias is only a place name (those go through the places rule,
// which knows about misspellings and the corpus vocabulary).
// inflected reports whether word is a case form of a place name: the name less its last two
// letters, then at most four more ("Kopenhadze", "Barcelonie", "Копенгагені" of Kopenhaga,
// Barcelona, Копенгаген), as Polish, Russian, Ukrainian or Turkish decline city names.
func inflected(word, place string) bool {
	w, p := []rune(word), []rune(place)
	stem := len(p) - 2
	return stem >= 5 && len(w) >= len(p)-1 && len(w) <= stem+4 && string(w[:stem]) == string(p[:stem])
}

func (p *Planner) isPlaceOnly(ph string) bool { return len(p.places.Lookup(ph)) > 0 }

// day finds "day 3", "jour 3", "第三天", "last day" in q and the reports (among within, or all)
// about that day: those whose day is the event's Nth, or whose title names it.
func (p *Planner) day(q string, within []string) (day string, ids []string, surface string) {
	m := dayRe.FindStringSubmatch(q)
	if m == nil {
		return "", nil, ""
	}
	n := 0
	last := false
	for _, g := range m[1:5] {
		if g == "" {
			continue
		}
		if v, err := strconv.Atoi(g); err == nil {
			n = v
		} else {
			n = strings.Index("一二三四五", g)/len("一") + 1
		}
	}
	if m[5] != "" || strings.Contains(m[0], "最") {
		last = true
	}
	for _, r := range p.cat.Reports {
		if len(within) > 0 && !slices.Contains(within, r.ID) {
			continue
		}
		e := r.Event
		switch {
		case last && r.Day != "" && r.Day == e.End:
		case n > 0 && r.Day != "" && e.Start != "" && dayNumber(e.Start, r.Day) == n:
		case n > 0 && titleNamesDay(r.Title, n):
		default:
			continue
		}
		ids = append(ids, r.ID)
	}
	if len(ids) == 0 {
		return "", nil, "" // no report is about that day: the words stay in the subject
	}
	surface = strings.Join(foldedTokens(m[0]), " ")
	if last {
		return "last", ids, surface
	}
	return fmt.Sprintf("day %d", n), ids, surface
}

func dayNumber(start, day string) int {
	if len(start) < 10 || len(day) < 10 || start[:8] != day[:8] {
		return 0
	}
	a, _ := strconv.Atoi(start[8:10])
	b, _ := strconv.Atoi(day[8:10])
	return b - a + 1
}

func titleNamesDay(title string, n int) bool {
	return dayRe.MatchString(title) && strings.Contains(title, strconv.Itoa(n))
}

// looksLikeEventWord reports whether a folded question word names a conference series
// ("dockercon", "re:invent" excluded): a compound ending in a conference word.
func looksLikeEventWord(t string) bool {
	for _, suffix := range []string{"con", "conf", "summit", "days", "fest", "camp"} {
		if strings.HasSuffix(t, suffix) && utf8.RuneCountInString(t) > len(suffix)+2 {
			return true
		}
	}
	return false
}

// isChatterWord reports whether a folded word is a greeting, thanks or small talk.
func isChatterWord(t string) bool { return chatterFolded[t] }

// chatterFolded is chatterWords folded, once: fixed data, like the words themselves.
var chatterFolded = func() map[string]bool {
	m := make(map[string]bool, len(chatterWords))
	for _, w := range chatterWords {
		m[text.Fold(w)] = true
	}
	return m
}()

// hasChatterWord reports whether a run of Chinese or Japanese holds a greeting or thanks
// ("好的谢谢"): such runs are not cut into words.
func hasChatterWord(run string) bool {
	for w := range chatterFolded {
		if rs := []rune(w); len(rs) > 1 && text.IsHanWord(rs) && strings.Contains(run, w) {
			return true
		}
	}
	return false
}

// isChatter reports whether q is only greetings, thanks or small talk. A greeting or thanks
// with other words is still chatter when none of those words is a name or
// a word of the reports ("thanks, that's all I needed!"): there is nothing in it to look up.
func isChatter(q string, terms []string, known func(string) bool) bool {
	var chatter, other []string
	for _, t := range terms {
		if utf8.RuneCountInString(t) <= 2 && !text.IsHanWord([]rune(t)) {
			continue // "re" of "you're"
		}
		if isChatterWord(t) || text.IsHanWord([]rune(t)) && hasChatterWord(t) {
			chatter = append(chatter, t)
		} else {
			other = append(other, t)
		}
	}
	if len(other) > 0 {
		if len(chatter) == 0 {
			return false
		}
		names := text.NameTokens(q)
		for _, t := range other {
			if names[t] || known(t) {
				return false
			}
		}
	}
	terms = chatter
	for _, r := range q {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return len(terms) == 0 && len([]rune(strings.TrimSpace(q))) < 25 || len(terms) > 0
		}
	}
	return true // only punctuation or emoji
}

// foldedTokens are the folded words of q, hyphenated compounds cut into their parts
// ("Xebia-rapporten" → "xebia", "rapporten"), so that a name glued to a common word is found.
func foldedTokens(q string) []string {
	var out []string
	for _, w := range text.Tokenize(q) {
		w = text.Fold(text.CleanToken(w))
		if w == "" {
			continue
		}
		if parts := strings.Split(w, "-"); len(parts) > 1 {
			for _, p := range parts {
				if p != "" {
					out = append(out, p)
				}
			}
			continue
		}
		out = append(out, w)
	}
	return out
}

// containsPhrase reports whether folded text holds a folded phrase as whole words (Latin) or
// as a substring (Chinese, Japanese).
func containsPhrase(folded string, tokens []string, phrase string) bool {
	if phrase == "" {
		return false
	}
	if text.IsHanWord([]rune(phrase)) {
		return strings.Contains(folded, phrase)
	}
	pw := text.Tokenize(phrase)
	if len(pw) == 0 {
		return false
	}
	for i := range pw {
		pw[i] = text.CleanToken(pw[i])
	}
	for i := 0; i+len(pw) <= len(tokens); i++ {
		if slices.Equal(tokens[i:i+len(pw)], pw) {
			return true
		}
	}
	return false
}

// stemMatch reports whether a question word is an inflection of a one-word name
// ("schwedischen" of "schwedisch", "suedoise" of "suedois").
func stemMatch(tokens []string, name string) bool {
	if strings.Contains(name, " ") || utf8.RuneCountInString(name) < 5 || text.IsHanWord([]rune(name)) {
		return false
	}
	for _, t := range tokens {
		if strings.HasPrefix(t, name) && utf8.RuneCountInString(t)-utf8.RuneCountInString(name) <= 3 {
			return true
		}
	}
	return false
}

// wordRe finds the words of a question with their positions.
var wordRe = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}.'’+#/]*`)

// fuzzyWord returns the question word that misspells of a one-word name of six letters
// or more ("sweds", "swedsh" for "swedish"): same first three letters, within two edits.
func fuzzyWord(tokens []string, name string) string {
	rn := []rune(name)
	if strings.Contains(name, " ") || len(rn) < 6 || text.IsHanWord(rn) {
		return ""
	}
	for _, t := range tokens {
		rt := []rune(t)
		if t != name && len(rt) >= 5 && string(rt[:3]) == string(rn[:3]) && text.EditDistance(rt, rn, 2) <= 2 {
			return t
		}
	}
	return ""
}

// removeWords blanks out of q the named scope phrases (compared folded; a one-word phrase also
// takes its inflections, "schwedischen" for "schwedisch") and, when fillers is set, the words
// that only point at reports ("the report", "according to", "dans le").
func removeWords(q string, phrases []string, fillers bool) string {
	out := q
	for _, ph := range phrases {
		if text.IsHanWord([]rune(ph)) {
			// Phrases are folded ("日本语"); so must the question be to find them ("日本語").
			out = strings.ReplaceAll(text.FoldHan(out), ph, " ")
		}
	}
	locs := wordRe.FindAllStringIndex(out, -1)
	folded := make([]string, len(locs))
	for i, l := range locs {
		folded[i] = text.Fold(text.CleanToken(out[l[0]:l[1]]))
	}
	drop := make([]bool, len(locs))
	for _, ph := range phrases {
		pw := strings.Fields(ph)
		if len(pw) == 0 || text.IsHanWord([]rune(ph)) {
			continue
		}
		for i := 0; i+len(pw) <= len(folded); i++ {
			ok := true
			for j, w := range pw {
				f := folded[i+j]
				if f != w && !(len(pw) == 1 && utf8.RuneCountInString(w) >= 5 && strings.HasPrefix(f, w) && utf8.RuneCountInString(f)-utf8.RuneCountInString(w) <= 3) {
					ok = false
					break
				}
			}
			if ok {
				for j := range pw {
					drop[i+j] = true
				}
			}
		}
	}
	if fillers {
		for i, f := range folded {
			if reportFillers[f] {
				drop[i] = true
				// The rest of a hyphenated compound goes with it: "write-ups", not "-ups".
				for j := i; j+1 < len(locs) && out[locs[j][1]:locs[j+1][0]] == "-"; j++ {
					drop[j+1] = true
				}
			}
		}
	}
	var b strings.Builder
	last := 0
	for i, l := range locs {
		if drop[i] {
			b.WriteString(out[last:l[0]])
			b.WriteByte(' ')
			last = l[1]
		}
	}
	b.WriteString(out[last:])
	res := b.String()
	if fillers {
		for _, w := range reportFillersCJK {
			res = strings.ReplaceAll(res, w, " ")
		}
	}
	return strings.Join(strings.Fields(res), " ")
}

// span is the stretch of q, in its own spelling, from the first to the last word that belongs
// to the unknown scope or touches it (the series name before "India 2024").
func span(q string, words, unknown []string) string {
	locs := wordRe.FindAllStringIndex(q, -1)
	want := map[string]bool{}
	for _, w := range words {
		for _, f := range strings.Fields(w) {
			want[f] = true
		}
	}
	unk := map[string]bool{}
	for _, w := range unknown {
		for _, f := range strings.Fields(w) {
			unk[f] = true
		}
	}
	first, last := -1, -1
	for i, l := range locs {
		if unk[text.Fold(text.CleanToken(q[l[0]:l[1]]))] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return strings.Join(unknown, ", ")
	}
	for first > 0 && want[text.Fold(text.CleanToken(q[locs[first-1][0]:locs[first-1][1]]))] {
		first--
	}
	for last+1 < len(locs) && want[text.Fold(text.CleanToken(q[locs[last+1][0]:locs[last+1][1]]))] {
		last++
	}
	return strings.Trim(q[locs[first][0]:locs[last][1]], ".,;:!?")
}

// reportFillers are the words that point at a report rather than at a subject ("the report",
// "according to", "le rapport"): with a scope set, they have done their work.
var reportFillers = text.FieldSet(`report reports write-up write-ups writeup write article articles post posts blog version copy notes one
	author authors writer auteur auteurs autor autors autoren autorin författare författaren forfattare forfattaren autore autori auteur
	rapport rapports compte-rendu bericht berichte berichten berichts notizen rapporten rapporter rapporten artikel artikeln
	informe informes articulo articulos relatorio relatorios resoconto resoconti verslag verslagen verslagje
	according per selon laut gemass enligt segun secondo segundo volgens`)

var reportFillersCJK = []string{"报告", "版本", "文章", "レポート", "記事"}

func maxEdits(s string) int {
	if utf8.RuneCountInString(s) >= 9 {
		return 2
	}
	return 1
}

// intersect keeps the IDs of b that are in a; when a is not yet narrowed, b itself.
func intersect(a, b []string, narrowed bool) []string {
	if !narrowed {
		return append([]string(nil), b...)
	}
	var out []string
	for _, x := range b {
		if slices.Contains(a, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func dedupe(in []string) []string {
	var out []string
	for _, s := range in {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Unscoped is the plan of a question when no catalog is at hand: its intent, no scope, the
// whole question searched.
func Unscoped(q, lang string) Plan {
	return Plan{Question: q, Lang: lang, Intent: detectIntent(q, lang), Search: q}
}
