package corpus

import (
	"flag"
	"fmt"
	"testing"
)

var dump = flag.Bool("dump", false, "print the default corpus passages")

func TestDumpDefault(t *testing.T) {
	if !*dump {
		t.Skip("run with -dump to print the passages")
	}
	c, err := NewLoader([]string{"en", "fr", "sv", "zh", "de", "es"}).Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Reports {
		fmt.Printf("REPORT %s %q lang=%s event=%s\n", r.ID, r.Title, r.Lang, r.Event.Name)
	}
	for _, p := range c.Passages {
		fmt.Printf("--- %s [%s] take=%v\n%s\n", p.ID, p.Section, p.Takeaway, p.Text)
	}
	fmt.Println(len(c.Passages))
}
