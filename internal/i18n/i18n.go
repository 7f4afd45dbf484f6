// Package i18n holds every sentence takeaway says in its own words, in each supported language.
package i18n

import (
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/takeaway-bot/takeaway/internal/lang"
)

// Supported lists the languages takeaway speaks, English first (the fallback).
var supported = []string{"en", "fr", "sv", "zh", "de", "es", "ja", "pt", "it", "nl", "ko", "zh-Hant", "ru", "pl", "tr", "uk"}

// Supported returns the language codes takeaway can answer in, English first.
func Supported() []string { return append([]string(nil), supported...) }

// IsSupported reports whether lang is one of the answer languages.
func IsSupported(lang string) bool {
	for _, l := range supported {
		if l == lang {
			return true
		}
	}
	return false
}

// Key names one message of the catalog.
type Key string

// Table maps each key to its text per language; the English text is required.
// Texts are fmt-style formats (%s, %d) evaluated by golang.org/x/text/message.
type Table map[Key]map[string]string

// Catalog prints messages in a language, falling back to English when a text is missing.
type Catalog struct {
	cat     *catalog.Builder
	matcher language.Matcher
}

// New builds the catalog from every message table of the program.
func New() (*Catalog, error) {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, t := range []Table{answerMessages(), botMessages(), digestMessages()} {
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, string(k))
		}
		sort.Strings(keys)
		for _, k := range keys {
			texts := t[Key(k)]
			if texts["en"] == "" {
				return nil, fmt.Errorf("i18n: message %q has no English text", k)
			}
			for lang, text := range texts {
				tag, err := language.Parse(lang)
				if err != nil {
					return nil, fmt.Errorf("i18n: message %q: language %q: %w", k, lang, err)
				}
				if err := b.SetString(tag, k, text); err != nil {
					return nil, fmt.Errorf("i18n: message %q (%s): %w", k, lang, err)
				}
			}
		}
	}
	tags := make([]language.Tag, len(supported))
	for i, l := range supported {
		tags[i] = language.Make(l)
	}
	return &Catalog{cat: b, matcher: language.NewMatcher(tags)}, nil
}

// MustNew is New for tests and program start-up, where the tables are fixed at compile time.
func MustNew() *Catalog {
	c, err := New()
	if err != nil {
		panic(err)
	}
	return c
}

// Sprintf prints the message key in lang with args.
func (c *Catalog) Sprintf(lang string, key Key, args ...any) string {
	tag := language.Make(Base(lang))
	if !IsSupported(Base(lang)) {
		tag = language.English
	}
	p := message.NewPrinter(tag, message.Catalog(c.cat))
	return p.Sprintf(string(key), args...)
}

// Base reduces a BCP 47 tag or Slack locale ("fr-FR", "zh_CN", "pt-BR") to the code of the
// language takeaway answers in: its primary language, except that Chinese written in Traditional
// characters ("zh-TW", "zh-HK", "zh-Hant") stays "zh-Hant".
func Base(tag string) string {
	base := lang.Base(tag)
	if base != "zh" {
		return base
	}
	t, err := language.Parse(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	if err != nil {
		return base
	}
	if script, _ := t.Script(); script.String() == "Hant" {
		return "zh-Hant"
	}
	return base
}
