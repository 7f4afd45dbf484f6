package llm

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateCitations(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		n         int
		wantClean string
		wantUsed  []int
	}{
		{"no citations", "Nothing to cite.", 3, "Nothing to cite.", nil},
		{"valid kept", "Istio is GA [1]. Cilium too [2].", 2, "Istio is GA [1]. Cilium too [2].", []int{1, 2}},
		{"out of range removed with its space", "Istio is GA [4].", 3, "Istio is GA.", nil},
		{"zero removed", "Istio is GA [0], really.", 3, "Istio is GA, really.", nil},
		{"removed mid sentence", "Istio [9] is GA [1].", 3, "Istio is GA [1].", []int{1}},
		{"no citations allowed", "Istio is GA [1].", 0, "Istio is GA.", nil},
		{"comma list", "Both [1, 2].", 3, "Both [1][2].", []int{1, 2}},
		{"comma list with a bad number", "Both [1, 7, 2].", 3, "Both [1][2].", []int{1, 2}},
		{"comma list all bad", "Both [7, 8].", 3, "Both.", nil},
		{"adjacent markers", "Both [2][1].", 3, "Both [2][1].", []int{2, 1}},
		{"adjacent with a bad one", "Both [1][5][2].", 3, "Both [1][2].", []int{1, 2}},
		{"adjacent duplicates", "Both [1][1] and [1].", 3, "Both [1] and [1].", []int{1}},
		{"duplicates inside a list", "Both [2, 2].", 3, "Both [2].", []int{2}},
		{"full-width lenticular", "イスティオはGAです【1】。", 2, "イスティオはGAです[1]。", []int{1}},
		{"full-width lenticular bad", "イスティオはGAです【3】。", 2, "イスティオはGAです。", nil},
		{"full-width brackets and digits", "Istio［１，２］.", 2, "Istio[1][2].", []int{1, 2}},
		{"ideographic comma", "Istio【1、2】.", 2, "Istio[1][2].", []int{1, 2}},
		{"spaces inside", "Istio [ 2 ].", 2, "Istio [2].", []int{2}},
		{"range", "All of them [1-3].", 4, "All of them [1][2][3].", []int{1, 2, 3}},
		{"range clipped", "All of them [2–5].", 3, "All of them [2][3].", []int{2, 3}},
		{"order of first appearance", "A [3]. B [1]. C [3].", 3, "A [3]. B [1]. C [3].", []int{3, 1}},
		{"non-numeric brackets untouched", "See [the docs] and [v2] [1].", 1, "See [the docs] and [v2] [1].", []int{1}},
		{"huge number", "Odd [99999999999999999999999].", 3, "Odd.", nil},
		{"nested forms a new marker", "x [[9]1] y", 0, "x y", nil},
		{"nested forms a valid marker", "x [[9]1] y", 1, "x [1] y", []int{1}},
		{"newline after removed marker", "Istio [7]\nnext", 3, "Istio\nnext", nil},
		{"marker at start", "[5] Istio [1].", 3, " Istio [1].", []int{1}},
		{"empty", "", 3, "", nil},
		{"range ending at the largest int", "x [9223372036854775802-9223372036854775807] y", 3, "x y", nil},
		{"range past the cap", "x [1048570-1048580] y", 1 << 30, "x [1048570] y", []int{1048570}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean, used := ValidateCitations(tt.text, tt.n)
			if clean != tt.wantClean {
				t.Errorf("clean = %q, want %q", clean, tt.wantClean)
			}
			if !slices.Equal(used, tt.wantUsed) {
				t.Errorf("used = %v, want %v", used, tt.wantUsed)
			}
		})
	}
}

func TestValidateCitationsDeepNesting(t *testing.T) {
	// Each pass peels one level; past maxPasses the leftovers become parentheses.
	for _, depth := range []int{3, maxPasses + 10} {
		t.Run(itoa(depth), func(t *testing.T) {
			text := strings.Repeat("[", depth) + "9]" + strings.Repeat("1]", depth-1) + " ok"
			clean, used := ValidateCitations(text, 0)
			if citationRE.MatchString(clean) || used != nil || !strings.HasSuffix(clean, " ok") {
				t.Errorf("ValidateCitations = %q, %v", clean, used)
			}
			if again, _ := ValidateCitations(clean, 0); again != clean {
				t.Errorf("not idempotent: %q → %q", clean, again)
			}
		})
	}
}

func FuzzValidateCitations(f *testing.F) {
	for _, s := range []string{
		"Istio is GA [1]. Cilium [2, 3] and [4][5].",
		"【1】【12】［１，２］[0] [-1] [1-3] [3-1] [1–100]",
		"x [[9]1] y [1 [9]] z [ 2 ]",
		"claim [9]. claim [1] [9] [2].",
		"\xff[1]\xfe",
	} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, text string, n int) {
		if n > 1000 || n < -5 {
			n %= 1000
		}
		clean, used := ValidateCitations(text, n)

		// Every remaining marker is valid and canonical.
		for _, m := range citationRE.FindAllString(clean, -1) {
			nums := markerNumbers(m, n)
			if len(nums) != 1 || m != "["+itoa(nums[0])+"]" {
				t.Fatalf("marker %q left in %q (from %q, n=%d)", m, clean, text, n)
			}
		}
		// used is distinct, in range, and exactly what clean cites.
		seen := map[int]bool{}
		for _, k := range used {
			if k < 1 || k > n || seen[k] {
				t.Fatalf("used = %v for n=%d", used, n)
			}
			seen[k] = true
			if !strings.Contains(clean, "["+itoa(k)+"]") {
				t.Fatalf("used %d not in %q", k, clean)
			}
		}
		// Idempotent.
		clean2, used2 := ValidateCitations(clean, n)
		if clean2 != clean || !slices.Equal(used2, used) {
			t.Fatalf("not idempotent: %q → %q (%v → %v)", clean, clean2, used, used2)
		}
		// Never grows invalid UTF-8 out of valid input.
		if utf8.ValidString(text) && !utf8.ValidString(clean) {
			t.Fatalf("invalid UTF-8 %q from %q", clean, text)
		}
	})
}

func itoa(k int) string {
	var b []byte
	for k > 0 {
		b = append([]byte{byte('0' + k%10)}, b...)
		k /= 10
	}
	if len(b) == 0 {
		return "0"
	}
	return string(b)
}
