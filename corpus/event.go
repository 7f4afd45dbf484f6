package corpus

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/takeaway-bot/takeaway/internal/text"
)

var (
	// eventNameRe finds runs of capitalised or mixed-case words ("Open Source Summit Europe",
	// "DevConf.CZ", "KubeCon + CloudNativeCon"), optionally followed by a year.
	eventNameRe = regexp.MustCompile(`((?:\p{Lu}[\p{L}\d.+'-]*|\p{Ll}+\p{Lu}[\p{L}\d.]*|\d+\p{L}+)(?:[ \t]+(?:\p{Lu}[\p{L}\d.+'-]*|\+|&|\p{Ll}+\p{Lu}[\p{L}\d.]*|\d+\p{L}+|[A-Z]{2,}))*)(?:[ \t]*['’]?((?:19|20)\d\d)\b)?`)
	// eventWordRe recognises the words conference names are made of, in the name's own word
	// or at its end ("KubeCon", "JavaLand", "DevOpsDays", "Summit", "Forum").
	eventWordRe = regexp.MustCompile(`(?i)^(.*(con|conf|summit|days?|fest|festival|forum|camp|expo|meetup|week|world|live|connect|land|symposium|congress|kongress|summit|hackathon|jam|devoxx|fosdem|gophercon|pycon|jsconf|jug))(\.[a-z]{2,3})?$`)
	// yearRe finds a year.
	yearRe = regexp.MustCompile(`\b(19|20)\d\d\b`)
	// placePrepRe finds a capitalised place after a preposition of place in the supported
	// languages ("in Brno", "à Lyon", "en Bilbao", "am Nürburgring", "i Göteborg").
	placePrepRe = regexp.MustCompile(`(?:^|[\s(])(?:in|at|à|en|a|i|im|am|in der|au|em|no|na|w|ve|v|op|te|nel|nella|a la|al)\s+(\p{Lu}[\p{Ll}\p{M}°]+(?:[ -]\p{Lu}[\p{Ll}\p{M}]+)?)`)
)

// notPlaces are capitalised words that follow a preposition without naming a place: months,
// days of the week, and the words of conference names, in the supported languages.
var notPlaces = text.FieldSet(`january february march april may june july august september october november december
		janvier février mars avril mai juin juillet août septembre octobre novembre décembre
		januar februar märz juni juli oktober dezember enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
		gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre janeiro fevereiro março maio junho julho setembro outubro novembro dezembro
		januari februari maart mei augustus juni juli oktober
		monday tuesday wednesday thursday friday saturday sunday lundi mardi mercredi jeudi vendredi samedi dimanche
		montag dienstag mittwoch donnerstag freitag samstag sonntag lunes martes miércoles jueves viernes sábado domingo
		måndag tisdag onsdag torsdag fredag lördag söndag the a an my our this that kubernetes linux java go python rust docker
		europe europa asia america north south east west day days keynote keynotes track talk talks session sessions`)

// eventGuess is what a report's own words say about its event.
type eventGuess struct {
	Name, City, Country string
	Year                int
}

// inferEvent reads a report's event from its title, tags, URL and opening lines when its
// metadata names none: "My notes from DevConf.CZ 2024" and "DevConf.CZ took place in Brno in
// June 2024" give DevConf.CZ 2024, Brno, CZ.
func inferEvent(places *text.Places, title string, m Meta, blocks []block) eventGuess {
	var opening []string
	size := 0
	for _, b := range blocks {
		if b.kind == blockHeading && len(opening) > 0 {
			break
		}
		if b.kind != blockHeading {
			opening = append(opening, b.text)
			size += len(b.text)
		}
		if size > 1500 || len(opening) >= 3 {
			break
		}
	}
	sources := []string{title}
	sources = append(sources, strings.Join(append(append([]string(nil), m.Tags...), m.Categories...), " · "))
	if m.URL != "" {
		sources = append(sources, urlWords(m.URL))
	}
	sources = append(sources, opening...)

	var g eventGuess
	for _, s := range sources {
		if g.Name == "" {
			g.Name, g.Year = eventName(s)
		}
	}
	// A title naming a capitalised name and a year ("Cloud Native Rejekts 2025 à Paris") names
	// its event even without a conference word, and before anything the opening lines mention.
	if n, y := titledEvent(title); n != "" && (g.Name == "" || !strings.Contains(title, strings.Fields(g.Name)[0])) {
		g.Name, g.Year = n, y
	}
	if g.Name == "" {
		return g
	}
	// The city, surest first: a place named in the event's name ("Open Source Summit Japan",
	// "CloudNative Days Fukuoka"), then a known place in the title, then a place after a
	// preposition or a known place in a sentence that names the event ("DevConf.CZ took place
	// in Brno"). Other places of the opening are left alone: "outside Tokyo" is not the venue.
	bare := strings.TrimSpace(strings.TrimSuffix(g.Name, strconv.Itoa(g.Year)))
	setFrom := func(s string) {
		for _, pm := range places.Find(s) {
			if pm.City != "" && g.City == "" {
				g.City, g.Country = pm.City, pm.Country
			}
			if pm.City == "" && g.Country == "" {
				g.Country = pm.Country
			}
		}
	}
	setFrom(bare)
	if g.City == "" && g.Country == "" {
		if w := trailingPlaceWord(bare); w != "" {
			g.City = w
		}
	}
	if g.City == "" {
		setFrom(title)
	}
	if g.City == "" {
		if c := placeAfterPreposition(title, bare); c != "" {
			g.City = c
		}
	}
	// A sentence names the event when it holds the name's first word ("KubeCon + CloudNativeCon
	// China took place in Shanghai" names KubeCon China).
	first := strings.Fields(bare)[0]
	for _, s := range opening {
		if g.City != "" {
			break
		}
		for _, sent := range Sentences(s) {
			if !strings.Contains(sent, first) {
				continue
			}
			if c := placeAfterPreposition(sent, bare); c != "" {
				g.City = c
			} else {
				setFrom(sent)
			}
			if g.City != "" {
				break
			}
		}
	}
	if g.City == "" && g.Country == "" && len(opening) > 0 {
		// The report's first sentence sets the scene ("A week of Go talks in London").
		if first := Sentences(opening[0]); len(first) > 0 {
			if c := placeAfterPreposition(first[0], bare); c != "" && len(places.Lookup(c)) > 0 {
				setFrom(c)
			}
		}
	}
	if g.Year == 0 {
		if y := yearRe.FindString(title); y != "" {
			g.Year, _ = strconv.Atoi(y)
		} else if len(m.Date) >= 4 {
			g.Year, _ = strconv.Atoi(m.Date[:4])
		}
	}
	return g
}

// eventName finds the first conference name in s, with the year that follows it.
func eventName(s string) (string, int) {
	for _, m := range eventNameRe.FindAllStringSubmatch(s, -1) {
		words := strings.Fields(m[1])
		// Leading words that are not part of a name: sentence starts, "Meine Notizen", "Crónica".
		start := -1
		compound := false
		for i, w := range words {
			if sub := eventWordRe.FindStringSubmatch(strings.Trim(w, ".,:;")); sub != nil {
				start = i
				compound = len(sub[1]) > len(sub[2])
				break
			}
		}
		year := 0
		if m[2] != "" {
			year, _ = strconv.Atoi(m[2])
		}
		// A lone "Day" or "Summit" is a word, not a name: a name has a year, several words or
		// a compound word ("KubeCon", "JavaLand").
		if start < 0 || (year == 0 && !compound && len(words) == 1) {
			continue
		}
		// "Open Source Summit": capitalised words just before the marker belong to the name
		// unless they start the sentence as ordinary words ("Meine", "My", "Notes").
		for start > 0 && !commonCapitalised(words[start-1]) {
			start--
		}
		name := strings.Trim(strings.Join(words[start:], " "), " .,:;")
		if year > 0 {
			name += " " + m[2]
		}
		return name, year
	}
	return "", 0
}

// trailingPlaceWord is the last word of an event's name when it follows the name's conference
// word and is not a common word: the city of "CloudNative Days Fukuoka".
func trailingPlaceWord(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		if eventWordRe.MatchString(strings.Trim(w, ".,:;")) {
			if i == len(words)-2 {
				last := words[len(words)-1]
				// Not a region abbreviation ("EU", "NA") nor a conference word.
				if !notPlaces[strings.ToLower(last)] && !eventWordRe.MatchString(last) && strings.ToUpper(last) != last {
					return last
				}
			}
			return ""
		}
	}
	return ""
}

// titledEvent is the first run of capitalised words followed by a year in a title, its leading
// ordinary words ("My notes from", "Retour sur") left out.
func titledEvent(title string) (string, int) {
	for _, m := range eventNameRe.FindAllStringSubmatch(title, -1) {
		if m[2] == "" {
			continue
		}
		words := strings.Fields(m[1])
		start := len(words)
		for start > 0 && !commonCapitalised(words[start-1]) {
			start--
		}
		if start == len(words) {
			continue
		}
		year, _ := strconv.Atoi(m[2])
		return strings.Join(words[start:], " ") + " " + m[2], year
	}
	return "", 0
}

// commonCapitalised reports whether a capitalised word is likely an ordinary word before a
// name: a short function word, or a sentence-initial noun of a report's title ("Notes",
// "Notizen", "Retour", "Crónica").
func commonCapitalised(w string) bool {
	lw := strings.ToLower(strings.Trim(w, ".,:;"))
	if notPlaces[lw] || len([]rune(lw)) <= 3 {
		return true
	}
	for _, c := range []string{"notes", "notizen", "retour", "crónica", "cronica", "recap", "rückblick", "report", "bericht", "rapport", "compte", "impressions", "highlights", "takeaways", "meine", "mein", "unsere", "nuestra", "mes", "mina", "från", "from", "von", "der", "die", "das", "del", "de", "la", "le", "les", "sur"} {
		if lw == c {
			return true
		}
	}
	r := []rune(w)
	return len(r) > 0 && !unicode.IsUpper(r[0])
}

// placeAfterPreposition is the first capitalised place after a preposition of place in s that
// is not part of the event's name, a month, a day or a common word.
func placeAfterPreposition(s, eventName string) string {
	for _, m := range placePrepRe.FindAllStringSubmatch(s, -1) {
		c := m[1]
		if notPlaces[strings.ToLower(c)] || strings.Contains(eventName, c) {
			continue
		}
		return c
	}
	return ""
}

// urlWords turns a URL's path into words ("/2024/06/devconf-cz-brno/" → "2024 06 devconf cz brno").
func urlWords(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexByte(u, '/'); i >= 0 {
		u = u[i+1:]
	} else {
		return ""
	}
	return strings.Join(strings.FieldsFunc(u, func(r rune) bool { return r == '/' || r == '-' || r == '_' || r == '.' }), " ")
}

// completeEvent fills what an event's metadata leaves out: its year from its dates or name,
// and its city's and country's names in every language of the places table as aliases, so
// that "Köpenhamn", "コペンハーゲン" and "Danemark" find a Copenhagen report.
func completeEvent(places *text.Places, e Event) Event {
	if e.Year == 0 {
		for _, d := range []string{e.Start, e.End} {
			if len(d) >= 4 {
				e.Year, _ = strconv.Atoi(d[:4])
				break
			}
		}
	}
	if e.Year == 0 {
		if y := yearRe.FindString(e.Name); y != "" {
			e.Year, _ = strconv.Atoi(y)
		}
	}
	seen := map[string]bool{}
	for _, a := range e.Aliases {
		seen[text.Fold(a)] = true
	}
	add := func(names []string) {
		for _, n := range names {
			if k := text.Fold(n); !seen[k] {
				seen[k] = true
				e.Aliases = append(e.Aliases, n)
			}
		}
	}
	if e.City != "" {
		for _, pl := range places.Lookup(e.City) {
			if pl.City != "" && (e.Country == "" || pl.Country == e.Country || places.Lookup(e.Country) == nil) {
				add(places.Names(pl))
				if e.Country == "" {
					e.Country = pl.Country
				}
				break
			}
		}
	}
	if e.Country != "" {
		for _, pl := range places.Lookup(e.Country) {
			if pl.City == "" {
				add(places.Names(pl))
				break
			}
		}
		if len(e.Country) == 2 {
			add(places.Names(text.Place{Country: e.Country}))
		}
	}
	return e
}
