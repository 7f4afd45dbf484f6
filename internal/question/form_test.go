package question

import "testing"

func TestAsksByForm(t *testing.T) {
	asks := []struct{ q, lang string }{
		{"Which companies run Kubernetes in production?", "en"},
		{"what did the keynote say about WebAssembly", "en"},
		{"summarize the Berlin report", "en"},
		{"Combien de personnes étaient à Lyon", "fr"},
		{"¿Qué es eBPF", "es"},
		{"Hur många talare fanns det", "sv"},
		{"Wie viele Vorträge gab es über Rust", "de"},
		{"有哪些关于可观测性的演讲", "zh"},
		{"このレポートのまとめ", "ja"},
		{"Сколько было докладов про Postgres", "ru"},
		{"Is anyone using Cilium in prod? we are evaluating it", "en"},
		{"هل تحدث أحد عن الأمن؟", "ar"},
	}
	for _, c := range asks {
		if !AsksByForm(c.q, c.lang) {
			t.Errorf("%q (%s) not read as a question", c.q, c.lang)
		}
	}
	statements := []struct{ q, lang string }{
		{"thanks!", "en"},
		{"I pushed the slides to the shared drive", "en"},
		{"merci pour le lien", "fr"},
		{"see https://example.com/search?q=kubecon for the agenda", "en"},
		{"Das Meeting ist verschoben", "de"},
		{"好的，收到", "zh"},
	}
	for _, c := range statements {
		if AsksByForm(c.q, c.lang) {
			t.Errorf("%q (%s) read as a question", c.q, c.lang)
		}
	}
}
