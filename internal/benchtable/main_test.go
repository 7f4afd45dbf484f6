package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/takeaway-bot/takeaway/retrieval
cpu: AMD EPYC
BenchmarkSearch100kFlat-2      	     768	   7448828 ns/op	         7.433 p50-ms	        12.47 p99-ms	  900.0 rss-MB	 60.5 build-s	   18442 B/op	      32 allocs/op
BenchmarkSearch100k-2          	     768	  13997866 ns/op	        12.26 p50-ms	        31.53 p99-ms	  0.6622 recall@10	  900.0 rss-MB	 60.5 build-s	  922981 B/op	    8818 allocs/op
BenchmarkSearch100kDense-2     	     768	  83138425 ns/op	        82.28 p50-ms	       114.5 p99-ms	  835702 B/op	     842 allocs/op
BenchmarkSearch100kLexical-2   	     768	   3069724 ns/op	         2.827 p50-ms	         9.110 p99-ms	  0.6488 recall@10	  829239 B/op	    7854 allocs/op
BenchmarkStartup100k-2   	       3	2878466124 ns/op
PASS
`

func TestTableFromBenchmarkOutput(t *testing.T) {
	res, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	table := render(res, "2026-12-03", "bench/search.txt")
	for _, want := range []string{
		"AMD EPYC, 2 cores",
		"| 100k | 12.3 / 31.5 ms | 7.43 / 12.5 ms | 82.3 / 114 ms | 2.83 / 9.11 ms | 6.7× (p50) | 0.662 / 0.649 | 60.5 s | 900 MB |",
		"100k passages 2.88 s",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(table, "| 1M |") {
		t.Error("a size that was not run has a row")
	}
	doc := []byte("a\n" + startMarker + "\nold\n" + endMarker + "\nb\n")
	out, err := replaceBetween(doc, table)
	if err != nil || strings.Contains(string(out), "old") || !strings.HasSuffix(string(out), endMarker+"\nb\n") {
		t.Errorf("replace: %v\n%s", err, out)
	}
	if _, err := replaceBetween([]byte("no markers"), table); err == nil {
		t.Error("a README without markers is accepted")
	}
	if _, err := parse(strings.NewReader("PASS\n")); err == nil {
		t.Error("output without benchmarks is accepted")
	}
}
