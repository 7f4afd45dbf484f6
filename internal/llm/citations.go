package llm

import (
	"regexp"
	"strconv"
	"strings"
)

// citationRE matches a citation marker: ASCII, full-width or lenticular brackets around
// numbers (ASCII or full-width digits) separated by commas, semicolons or dashes, such as
// "[1]", "[1, 2]", "[1-3]", "【1】" or "［１，２］".
var citationRE = regexp.MustCompile(
	`[\[［【][ \t\x{3000}]*[0-9０-９]+(?:[ \t\x{3000}]*[,，、;；\-–~][ \t\x{3000}]*[0-9０-９]+)*[ \t\x{3000}]*[\]］】]`)

var numberRE = regexp.MustCompile(`[0-9０-９]+`)

// maxRange bounds the expansion of a range such as [1-3].
const maxRange = 20

// maxCitation is the largest number read as a citation; larger ones are out of range anyway.
const maxCitation = 1 << 20

// maxPasses bounds the rewriting passes of ValidateCitations.
const maxPasses = 64

var bracketsToParens = strings.NewReplacer("[", "(", "]", ")", "［", "（", "］", "）", "【", "（", "】", "）")

// ValidateCitations removes citation markers that point to no passage (numbers below 1 or
// above n) and writes the others in the canonical form "[k]": "[1, 2]" becomes "[1][2]",
// "【3】" becomes "[3]" and "[2-4]" becomes "[2][3][4]". A marker mixing good and bad
// numbers keeps the good ones. used lists the distinct numbers cited in clean, in order of
// first appearance. Other bracketed text, such as "[see below]", is left alone.
func ValidateCitations(text string, n int) (clean string, used []int) {
	clean = text
	// Removing a marker can join its neighbours into a new one ("[[9]1]" → "[1]"),
	// so repeat until nothing changes: one pass per level of such nesting.
	converged := false
	for range maxPasses {
		next := citationPass(clean, n)
		if next == clean {
			converged = true
			break
		}
		clean = next
	}
	if !converged {
		// Absurdly deep nesting: turn the brackets of what is left into parentheses,
		// which removes those markers without joining anything.
		clean = citationRE.ReplaceAllStringFunc(clean, func(m string) string {
			if nums := markerNumbers(m, n); len(nums) == 1 && m == "["+strconv.Itoa(nums[0])+"]" {
				return m
			}
			return bracketsToParens.Replace(m)
		})
	}
	seen := map[int]bool{}
	for _, m := range citationRE.FindAllString(clean, -1) {
		for _, k := range markerNumbers(m, n) {
			if !seen[k] {
				seen[k] = true
				used = append(used, k)
			}
		}
	}
	return clean, used
}

// citationPass rewrites every marker of s once.
func citationPass(s string, n int) string {
	locs := citationRE.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prev := 0      // end of the previous marker in s
	runEnd := -1   // end of the last marker written, to join adjacent markers
	run := []int{} // numbers already written in the current run of adjacent markers
	for _, loc := range locs {
		start, end := loc[0], loc[1]
		between := s[prev:start]
		if start != runEnd {
			run = run[:0]
		}
		nums := markerNumbers(s[start:end], n)
		var kept []int
		for _, k := range nums {
			if !containsInt(run, k) && !containsInt(kept, k) {
				kept = append(kept, k)
			}
		}
		if len(kept) == 0 {
			if len(nums) == 0 && start != runEnd && isSpaceEnd(between) && followedByBreak(s[end:]) {
				// "claim [9]." → "claim."
				between = strings.TrimRight(between, " \t\u3000")
			}
			b.WriteString(between)
			prev = end
			if start == runEnd {
				runEnd = end // a duplicate inside a run keeps the run going
			}
			continue
		}
		b.WriteString(between)
		for _, k := range kept {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(k))
			b.WriteByte(']')
		}
		run = append(run, kept...)
		prev = end
		runEnd = end
	}
	b.WriteString(s[prev:])
	return b.String()
}

// markerNumbers returns the valid numbers of one marker, ranges expanded, in order.
func markerNumbers(marker string, n int) []int {
	var out []int
	parts := numberRE.FindAllStringIndex(marker, -1)
	for i := 0; i < len(parts); i++ {
		k := atoiWide(marker[parts[i][0]:parts[i][1]])
		if i+1 < len(parts) && isRangeSep(marker[parts[i][1]:parts[i+1][0]]) {
			hi := atoiWide(marker[parts[i+1][0]:parts[i+1][1]])
			if k >= 1 && hi > k && hi-k <= maxRange {
				for d := 0; d <= hi-k; d++ { // not j <= hi: hi may be the largest int
					if j := k + d; j <= n {
						out = append(out, j)
					}
				}
				i++
				continue
			}
		}
		if k >= 1 && k <= n {
			out = append(out, k)
		}
	}
	return out
}

// atoiWide parses ASCII or full-width digits; it returns -1 beyond maxCitation.
func atoiWide(s string) int {
	var b strings.Builder
	for _, r := range s {
		if r >= '０' && r <= '９' {
			r = r - '０' + '0'
		}
		b.WriteRune(r)
	}
	k, err := strconv.Atoi(b.String())
	if err != nil || k > maxCitation {
		return -1
	}
	return k
}

func isRangeSep(s string) bool { return strings.ContainsAny(s, "-–~") }

func isSpaceEnd(s string) bool {
	return strings.HasSuffix(s, " ") || strings.HasSuffix(s, "\t") || strings.HasSuffix(s, "\u3000")
}

// followedByBreak reports whether rest starts with the end of text, a space or punctuation
// that should not be preceded by a space.
func followedByBreak(rest string) bool {
	if rest == "" {
		return true
	}
	switch rest[0] {
	case ' ', '\t', '\n', '\r', '.', ',', ';', ':', '!', '?', ')':
		return true
	}
	return strings.HasPrefix(rest, "。") || strings.HasPrefix(rest, "、") || strings.HasPrefix(rest, "\u3000")
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
