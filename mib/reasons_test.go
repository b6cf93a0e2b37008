package mib_test

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// The testdata/reference_*.txt fixtures are copied mechanically from the
// vendor reference (ALM-4285734925): the catalogue is checked against them,
// never against itself.

func readLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 {
		t.Fatalf("%s: empty fixture", name)
	}
	return lines
}

// bullet strips the reference's list bullet.
func bullet(t *testing.T, line string) string {
	t.Helper()
	s, ok := strings.CutPrefix(line, "• ")
	if !ok {
		t.Fatalf("fixture line without bullet: %q", line)
	}
	return s
}

// referenceCodes returns code -> text from the reference's ReasonCode list.
func referenceCodes(t *testing.T) map[int]string {
	t.Helper()
	codes := map[int]string{}
	for _, l := range readLines(t, "testdata/reference_codes.txt") {
		num, text, ok := strings.Cut(bullet(t, l), ": ")
		if !ok {
			t.Fatalf("bad code line %q", l)
		}
		code, err := strconv.Atoi(num)
		if err != nil {
			t.Fatalf("bad code line %q: %v", l, err)
		}
		codes[code] = text
	}
	return codes
}

// Codes some product lines send that the reference does not list.
var extraCodes = map[int]string{
	52: "form cert payload fail",
	53: "max transmit reached",
	54: "no valid local cert",
}

func TestReasonsMatchReference(t *testing.T) {
	ref := referenceCodes(t)
	if len(ref) != 39 {
		t.Fatalf("fixture has %d codes, the reference lists 39", len(ref))
	}
	want := map[int]string{}
	for c, s := range ref {
		want[c] = s
	}
	for c, s := range extraCodes {
		want[c] = s
	}
	for code, text := range want {
		r, ok := mib.ReasonByCode(code)
		if !ok {
			t.Errorf("code %d (%q) missing", code, text)
			continue
		}
		if r.Code != code || r.Text != text {
			t.Errorf("code %d: got %d %q, want %q", code, r.Code, r.Text, text)
		}
	}
	rs := mib.Reasons()
	if len(rs) != len(want) {
		t.Errorf("catalogue has %d reasons, want %d", len(rs), len(want))
	}
	for _, r := range rs {
		if _, ok := want[r.Code]; !ok {
			t.Errorf("code %d (%q) is in neither the reference nor the known extras", r.Code, r.Text)
		}
	}
	if !slices.IsSortedFunc(rs, func(a, b mib.Reason) int { return a.Code - b.Code }) {
		t.Error("Reasons() not sorted by code")
	}
	for _, code := range []int{0, 8, 11, 55, -1} {
		if r, ok := mib.ReasonByCode(code); ok {
			t.Errorf("code %d unexpectedly found: %+v", code, r)
		}
	}
}

func TestCausesMatchReference(t *testing.T) {
	byText := map[string]mib.Reason{}
	for _, r := range mib.Reasons() {
		byText[r.Text] = r
	}
	// The reference's cause list repeats "ikev2" after the text of code 47.
	oddities := map[string]string{
		"ikev2 not support sm in ipsec proposal ikev2": "ikev2 not support sm in ipsec proposal",
	}
	seen := map[int]bool{}
	for _, l := range readLines(t, "testdata/reference_causes.txt") {
		key, cause, ok := strings.Cut(bullet(t, l), ": ")
		if !ok {
			t.Fatalf("bad cause line %q", l)
		}
		if fixed, ok := oddities[key]; ok {
			key = fixed
		}
		r, ok := byText[key]
		if !ok {
			t.Errorf("cause for %q matches no reason text", key)
			continue
		}
		seen[r.Code] = true
		if r.Cause != cause {
			t.Errorf("code %d cause:\n got %q\nwant %q", r.Code, r.Cause, cause)
		}
	}
	for code := range referenceCodes(t) {
		if !seen[code] {
			t.Errorf("code %d has no cause in the reference fixture", code)
		}
	}
	for _, r := range mib.Reasons() {
		if strings.TrimSpace(r.Cause) == "" || !strings.HasSuffix(r.Cause, ".") {
			t.Errorf("code %d: cause %q should be a sentence", r.Code, r.Cause)
		}
	}
}

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"responder dh mismatch", "responder_dh_mismatch"},
		{"none of user's interface is selected", "none_of_users_interface_is_selected"},
		{"none of user’s interface is selected", "none_of_users_interface_is_selected"},
		{"  A--B  ", "a_b"},
		{"phase1 proposal mismatch", "phase1_proposal_mismatch"},
		{"config ID mismatch", "config_id_mismatch"},
		{"re-auth timeout", "re_auth_timeout"},
		{"DPD Timeout", "dpd_timeout"},
		{"a'b", "ab"},
		{"a ' b", "a_b"},
		{"'quoted'", "quoted"},
		{"x\ty\nz", "x_y_z"},
		{"naïve café", "na_ve_caf"},
		{"", ""},
		{"---", ""},
		{"'", ""},
		{"abc123", "abc123"},
	} {
		if got := mib.Slug(tc.in); got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

func TestReasonSlugs(t *testing.T) {
	seen := map[string]int{}
	for _, r := range mib.Reasons() {
		if r.Slug != mib.Slug(r.Text) {
			t.Errorf("code %d: slug %q, want Slug(%q) = %q", r.Code, r.Slug, r.Text, mib.Slug(r.Text))
		}
		if !slugRE.MatchString(r.Slug) {
			t.Errorf("code %d: slug %q breaks the rule", r.Code, r.Slug)
		}
		if r.Slug == mib.UnknownReason {
			t.Errorf("code %d: slug collides with UnknownReason", r.Code)
		}
		if prev, dup := seen[r.Slug]; dup {
			t.Errorf("slug %q used by codes %d and %d", r.Slug, prev, r.Code)
		}
		seen[r.Slug] = r.Code
		if got, ok := mib.ReasonBySlug(r.Slug); !ok || got != r {
			t.Errorf("ReasonBySlug(%q) = %+v, %v; want %+v", r.Slug, got, ok, r)
		}
		if got, ok := mib.ReasonByCode(r.Code); !ok || got != r {
			t.Errorf("ReasonByCode(%d) = %+v, %v; want %+v", r.Code, got, ok, r)
		}
	}
	for code, slug := range map[int]string{
		6:  "responder_dh_mismatch",
		43: "none_of_users_interface_is_selected",
		47: "ikev2_not_support_sm_in_ipsec_proposal",
	} {
		if r, _ := mib.ReasonByCode(code); r.Slug != slug {
			t.Errorf("code %d: slug %q, want %q", code, r.Slug, slug)
		}
	}
	// Router traps carry only the text; it must find its code through Slug.
	if r, ok := mib.ReasonBySlug(mib.Slug("Responder DH Mismatch")); !ok || r.Code != 6 {
		t.Errorf("free-text lookup: got %+v, %v", r, ok)
	}
	for _, s := range []string{"", mib.UnknownReason, "phase1 proposal mismatch", "phase1_proposal_encryption_algorithm_mismatch"} {
		if r, ok := mib.ReasonBySlug(s); ok {
			t.Errorf("ReasonBySlug(%q) unexpectedly found %+v", s, r)
		}
	}
}

func TestReasonsReturnsCopy(t *testing.T) {
	rs := mib.Reasons()
	rs[0].Text = "changed"
	rs[0].Group = "changed"
	if r := mib.Reasons()[0]; r.Text == "changed" || r.Group == "changed" {
		t.Error("Reasons() shares its backing array")
	}
}
