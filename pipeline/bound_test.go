package pipeline

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBoundLabelStaysBounded(t *testing.T) {
	for _, in := range []string{strings.Repeat("\xff0", 64), strings.Repeat("\xff", 300), strings.Repeat("é", 100) + "\xff"} {
		out := BoundLabel(in)
		if len(out) > MaxLabelBytes || !utf8.ValidString(out) {
			t.Errorf("BoundLabel(%q) = %d bytes, valid %v", in, len(out), utf8.ValidString(out))
		}
	}
}
