package bot

import (
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestImports keeps the dependencies pointing one way: bot knows Slack and the plain
// answer, digest (whose Poster it implements) and i18n packages, and reaches everything else
// through its own interfaces.
func TestImports(t *testing.T) {
	const module = "github.com/takeaway-bot/takeaway/"
	allowed := map[string]bool{module + "internal/answer": true, module + "internal/digest": true, module + "internal/i18n": true}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if strings.HasPrefix(path, module) && !allowed[path] {
				t.Errorf("%s imports %s; declare an interface in bot instead", name, path)
			}
		}
	}
}
