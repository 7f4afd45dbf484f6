package text

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// placesTSV holds cities and their names in many languages, generated from CLDR's exemplar
// cities of time zones and the tz database (see gen_places.go for the origin and how to
// regenerate it).
//
//go:generate sh -c "go run gen_places.go -cldr $CLDR_MAIN > places.tsv"
//go:embed places.tsv
var placesTSV string

// Place is a city or a country, named in English, with its ISO country code.
type Place struct {
	// City is the city's English name; empty for a country.
	City    string
	Country string
}

// PlaceMention is a place found in a text, with the words that named it.
type PlaceMention struct {
	Place
	Surface string
}

// Places recognises city and country names in any of the table's languages and scripts:
// "Copenhague", "Köpenhamn", "哥本哈根" and "Copenhagen" are one place.
type Places struct {
	byName   map[string][]Place // folded name → places
	names    map[Place][]string // every name of a place, English first
	longest  int                // longest Latin name, in words
	nonLatin []string           // names in scripts without spaces between words, longest first
	// langs are the languages that write each folded name ("copenaghen" → it), those whose
	// column is empty writing the English one.
	langs map[string][]string
}

// placeLangs are the languages country names are taken in (x/text's display tables).
var placeLangs = []string{"en", "fr", "sv", "de", "es", "zh", "zh-Hant", "ja", "pt", "it", "nl", "ko", "ru", "pl", "tr", "uk", "cs", "da", "fi", "nb", "ar", "hi", "id", "vi", "th", "he", "el", "hu", "ro", "ca"}

// DefaultPlaces is the table shipped in the binary, with every country of the table named in
// every language x/text knows among placeLangs.
func DefaultPlaces() (*Places, error) { return ParsePlaces(placesTSV) }

// ParsePlaces reads the places.tsv format: zone, country, then names per language.
func ParsePlaces(src string) (*Places, error) {
	p := &Places{byName: map[string][]Place{}, names: map[Place][]string{}, langs: map[string][]string{}}
	countries := map[string]bool{}
	for n, line := range strings.Split(src, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 3 {
			return nil, fmt.Errorf("places line %d: %d columns, want at least 3", n+1, len(cols))
		}
		city := Place{City: cols[2], Country: cols[1]}
		countries[cols[1]] = true
		for i, name := range cols[2:] {
			p.add(city, name)
			if i < len(placeLangs) {
				if strings.TrimSpace(name) == "" {
					name = cols[2]
				}
				p.addLang(name, placeLangs[i])
			}
		}
	}
	codes := make([]string, 0, len(countries))
	for c := range countries {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, code := range codes {
		region, err := language.ParseRegion(code)
		if err != nil {
			continue
		}
		country := Place{Country: code}
		for _, l := range placeLangs {
			if n := display.Regions(language.MustParse(l)).Name(region); n != "" {
				p.add(country, n)
				p.addLang(n, l)
			}
		}
	}
	sort.SliceStable(p.nonLatin, func(i, j int) bool {
		return utf8.RuneCountInString(p.nonLatin[i]) > utf8.RuneCountInString(p.nonLatin[j])
	})
	return p, nil
}

func (p *Places) add(pl Place, name string) {
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	key := Fold(name)
	for _, q := range p.byName[key] {
		if q == pl {
			return
		}
	}
	p.byName[key] = append(p.byName[key], pl)
	p.names[pl] = append(p.names[pl], name)
	if spaced(name) {
		if n := len(Tokenize(key)); n > p.longest {
			p.longest = n
		}
	} else {
		p.nonLatin = append(p.nonLatin, key)
	}
}

func (p *Places) addLang(name, lang string) {
	key := Fold(strings.TrimSpace(name))
	if !slices.Contains(p.langs[key], lang) {
		p.langs[key] = append(p.langs[key], lang)
	}
}

// Languages returns the languages of the table that write a place's name this way
// ("Copenaghen" → it; "Copenhague" → fr, es, pt), in the table's order.
func (p *Places) Languages(name string) []string {
	return append([]string(nil), p.langs[Fold(strings.TrimSpace(name))]...)
}

// spaced reports whether a name is written with spaces between words (not Han, kana, Thai).
func spaced(name string) bool {
	for _, r := range name {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai) {
			return false
		}
	}
	return true
}

// Lookup returns the places a whole name stands for ("Köpenhamn" → Copenhagen, DK).
func (p *Places) Lookup(name string) []Place { return p.byName[Fold(strings.TrimSpace(name))] }

// Names returns every name of a place in the table's languages, English first.
func (p *Places) Names(pl Place) []string { return append([]string(nil), p.names[pl]...) }

// Find returns the places a text names, in order of appearance: whole words (up to the longest
// name) in spaced scripts, substrings in Chinese, Japanese and Thai. Capitalisation is required
// for Latin-script words, so that "nice talk" is not Nice.
func (p *Places) Find(s string) []PlaceMention { return p.find(s, true) }

// FindAnyCase is Find without the capital letter rule, for text typed in lower case.
func (p *Places) FindAnyCase(s string) []PlaceMention { return p.find(s, false) }

func (p *Places) find(s string, capitals bool) []PlaceMention {
	var out []PlaceMention
	words := Tokenize(s)
	for i := 0; i < len(words); {
		n := min(p.longest, len(words)-i)
		matched := 0
		for ; n >= 1; n-- {
			phrase := strings.Join(words[i:i+n], " ")
			first, _ := utf8.DecodeRuneInString(phrase)
			if capitals && unicode.IsLower(first) {
				continue
			}
			if pls, ok := p.byName[Fold(phrase)]; ok {
				for _, pl := range pls {
					out = append(out, PlaceMention{Place: pl, Surface: phrase})
				}
				matched = n
				break
			}
		}
		i += max(matched, 1)
	}
	if spaced(s) {
		return out // no Han, kana or Thai: the unspaced names cannot occur
	}
	folded := Fold(s)
	for _, name := range p.nonLatin {
		if strings.Contains(folded, name) {
			for _, pl := range p.byName[name] {
				out = append(out, PlaceMention{Place: pl, Surface: name})
			}
			folded = strings.ReplaceAll(folded, name, " ")
		}
	}
	return out
}
