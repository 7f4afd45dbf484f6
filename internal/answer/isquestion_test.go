package answer

import "testing"

// A help channel answers questions and requests, in any language, and leaves greetings,
// thanks and statements alone.
func TestIsQuestion(t *testing.T) {
	s := newTestService(t)
	for _, q := range []string{
		"Which companies run service meshes in production?",
		"what did the keynote say about WebAssembly",
		"Combien de personnes étaient présentes ?",
		"Vad sa de om observability?",
		"有哪些关于服务网格的演讲？",
		"summarize the Barcelona report",
	} {
		if !s.IsQuestion(q) {
			t.Errorf("%q is not taken for a question", q)
		}
	}
	for _, q := range []string{"thanks!", "hello there", "merci !", "ok cool", "I pushed the slides to the drive", "", "谢谢"} {
		if s.IsQuestion(q) {
			t.Errorf("%q is taken for a question", q)
		}
	}
}
