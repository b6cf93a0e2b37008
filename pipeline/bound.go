package pipeline

import (
	"strings"
	"unicode/utf8"
)

// MaxLabelBytes bounds every label value taken from a packet: the MIBs'
// label-bearing text objects are at most 128 octets, so anything longer is
// not a real device's value and must not grow memory.
const MaxLabelBytes = 128

// maxTextBytes bounds text that is shown but never a label (the router's DPD
// failure description is up to 256 octets).
const maxTextBytes = 256

// BoundLabel makes s safe as a label value: valid UTF-8, at most
// MaxLabelBytes, no trailing NULs (some firmware sends C strings). Every
// input (traps, syslog) bounds what it takes from the network with it.
func BoundLabel(s string) string { return boundText(s, MaxLabelBytes) }

func boundText(s string, limit int) string {
	s = strings.TrimRight(s, "\x00")
	// Replace first, then cut: each replacement is 3 bytes, so cutting
	// first could let the replacements grow the value past the limit.
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) > limit {
		s = s[:limit]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

// BoundText makes s safe to keep as shown-but-never-a-label text (a reason
// text as sent): valid UTF-8, at most maxTextBytes.
func BoundText(s string) string { return boundText(s, maxTextBytes) }
