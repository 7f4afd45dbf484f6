package answer

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var calibrate = flag.String("calibrate", "", "print the coverage of each case of this JSONL file and of testdata/offtopic.txt")

// TestCalibrate prints the coverage the not-found threshold is chosen from. It is a tool, not a
// check: run it with -calibrate ../../../shared/eval/dev_qa.jsonl -v.
func TestCalibrate(t *testing.T) {
	if *calibrate == "" {
		t.Skip("run with -calibrate FILE")
	}
	svc := newTestService(t)
	ctx := context.Background()
	show := func(label, q string) {
		qq := Question{Text: q}
		lang := svc.Language(qq)
		hits, err := svc.Retrieve(ctx, qq, lang, 6)
		if err != nil {
			t.Fatal(err)
		}
		concepts := svc.search.Concepts(q, lang)
		chosen, cov := extract(svc.passages, q, lang, hits, concepts)
		verdict := covered(chosen, cov, concepts)
		var cs []string
		for _, c := range concepts {
			cs = append(cs, fmt.Sprintf("%s(%.1f,%v,%v)", c.Term, c.IDF, c.Name, c.Known))
		}
		fmt.Printf("%-8s %.3f %-5v %s  %s\n", label, cov, verdict, q, strings.Join(cs, " "))
	}
	f, err := os.Open(*calibrate)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c struct{ ID, Q string }
		if json.Unmarshal(sc.Bytes(), &c) == nil {
			show(c.ID, c.Q)
		}
	}
	for _, q := range offTopic(t) {
		show("offtopic", q)
	}
}

func offTopic(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/offtopic.txt")
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			qs = append(qs, l)
		}
	}
	return qs
}
