package i18n

import (
	"strings"
	"testing"
)

// TestEveryMessageInEveryLanguage: a sentence missing in one language would silently fall back
// to English in the middle of, say, a Swedish answer.
func TestEveryMessageInEveryLanguage(t *testing.T) {
	if _, err := New(); err != nil {
		t.Fatal(err)
	}
	for _, table := range []Table{answerMessages(), botMessages(), digestMessages()} {
		for key, texts := range table {
			for _, l := range Supported() {
				if strings.TrimSpace(texts[l]) == "" {
					t.Errorf("%s has no %s text", key, l)
				}
			}
			want := strings.Count(texts["en"], "%")
			for l, text := range texts {
				if got := strings.Count(text, "%"); got != want {
					t.Errorf("%s (%s) has %d placeholders, English has %d", key, l, got, want)
				}
			}
		}
	}
}

func TestSprintfFallsBack(t *testing.T) {
	c := MustNew()
	if got, want := c.Sprintf("hi", AnswerSources), c.Sprintf("en", AnswerSources); got != want {
		t.Errorf("unsupported language: %q, want the English %q", got, want)
	}
	if got := c.Sprintf("fr-CA", AnswerSources); got != "Sources" {
		t.Errorf("regional tag: %q", got)
	}
	if got := c.Sprintf("sv", AnswerFramingOne, "C.A.G"); !strings.Contains(got, "C.A.G") {
		t.Errorf("argument not printed: %q", got)
	}
}

func TestBaseKeepsTraditionalChinese(t *testing.T) {
	for in, want := range map[string]string{
		"zh-TW": "zh-Hant", "zh_TW": "zh-Hant", "zh-HK": "zh-Hant", "zh-Hant": "zh-Hant", "zh-Hant-TW": "zh-Hant",
		"zh-CN": "zh", "zh": "zh", "zh-Hans": "zh", "zh-SG": "zh", "ko-KR": "ko", "ru-RU": "ru", "": "",
	} {
		if got := Base(in); got != want {
			t.Errorf("Base(%q) = %q, want %q", in, got, want)
		}
	}
}
