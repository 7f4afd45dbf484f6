package text

import "testing"

func TestChineseScript(t *testing.T) {
	for in, want := range map[string]string{
		"這份報告說了什麼？":          "Hant",
		"这份报告说了什么？":          "Hans",
		"Spotify刪除叢集後學到了什麼？": "Hant",
		"SMI是什么？":            "Hans",
		"中文":                 "",
		"KubeCon":            "",
	} {
		if got := ChineseScript(in); got != want {
			t.Errorf("ChineseScript(%q) = %q, want %q", in, got, want)
		}
	}
}
