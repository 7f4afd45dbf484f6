package corpus

// blockKind says what a block of a document is, before passages are formed.
type blockKind int

const (
	blockPara blockKind = iota
	blockHeading
	blockItem
)

// block is one structural unit of a document: a heading, a paragraph or a list item.
type block struct {
	kind  blockKind
	text  string
	links []Link
	// level is the heading level when known (1–6), 0 otherwise; for a list item, its depth
	// (0 for a top-level item, 1 for an item of a nested list…).
	level int
	// marked is true for a heading the markup declares (Markdown #, HTML <h2>), false for a
	// plain-text line that only looks like one.
	marked bool
}
