package answer

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/takeaway-bot/takeaway/internal/eval"
)

// TestTranslationGain measures what translating the question (as a configured model does)
// brings to retrieval, with a scripted model: human translations of the development questions
// into the corpus languages. It logs recall@5 and MRR with and without, and fails if
// translations make retrieval worse.
func TestTranslationGain(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "eval", "testdata", "dev_qa.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := eval.ReadCases(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "dev_translations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var script map[string]map[string]string
	if err := json.Unmarshal(data, &script); err != nil {
		t.Fatal(err)
	}
	svc := newTestService(t)
	measure := func(translate bool) (recall, mrr float64) {
		for _, c := range cases {
			q := Question{Text: c.Q}
			if translate {
				q.translations = script[c.Q]
				if q.translations == nil {
					t.Fatalf("no scripted translation for %q", c.Q)
				}
			}
			hits, err := svc.Retrieve(context.Background(), q, svc.Language(q), 10)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range hits {
				if containsAnyFold(h.Passage.Section+"\n"+h.Passage.Text, c.Needles) {
					if i < 5 {
						recall++
					}
					mrr += 1 / float64(i+1)
					break
				}
			}
		}
		n := float64(len(cases))
		return recall / n, mrr / n
	}
	r0, m0 := measure(false)
	r1, m1 := measure(true)
	t.Logf("dev cases: recall@5 %.3f → %.3f, MRR %.3f → %.3f with scripted translations", r0, r1, m0, m1)
	if r1 < r0 {
		t.Errorf("translations lowered recall@5 from %.3f to %.3f", r0, r1)
	}
}

func containsAnyFold(text string, needles []string) bool {
	lt := strings.ToLower(text)
	for _, n := range needles {
		if strings.Contains(lt, strings.ToLower(n)) {
			return true
		}
	}
	return false
}
