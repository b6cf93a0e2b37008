package mib

import "strings"

// Slug turns a reason text into a label value: lower-case, apostrophes
// dropped (so "user's" reads "users", not "user_s"), every run of other
// characters outside [a-z0-9] replaced by one "_", and "_" trimmed from both
// ends. Label values, alert names and runbook anchors all rely on this exact
// rule (the README's label contract), so it must not change.
func Slug(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	pending := false // a separator run is waiting to be written
	for _, r := range strings.ToLower(text) {
		switch {
		case r == '\'' || r == '\u2019':
			// Dropped without ending a word.
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if pending && b.Len() > 0 {
				b.WriteByte('_')
			}
			pending = false
			b.WriteRune(r)
		default:
			pending = true
		}
	}
	return b.String()
}
