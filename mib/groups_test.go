package mib_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

type procedure struct {
	causes []string
	text   string
}

func referenceProcedures(t *testing.T) []procedure {
	t.Helper()
	var ps []procedure
	for _, l := range readLines(t, "testdata/reference_procedures.txt") {
		causes, text, ok := strings.Cut(l, "\t")
		if !ok || text == "" {
			t.Fatalf("bad procedure line %q", l)
		}
		ps = append(ps, procedure{strings.Split(causes, ", "), text})
	}
	return ps
}

// Procedures the reference files under causes that are no reason code, and
// the groups that must carry them as Supplementary.
var codelessProcedures = map[string][]string{
	"eap authentication timeout, eap authentication fail, xauth authentication fail, xauth authentication timeout": {"authentication_failure"},
	"license or specification limited": {"route_limit", "ipsec_tunnel_limit", "dynamic_peer_limit"},
}

func TestGroupsWellFormed(t *testing.T) {
	gs := mib.Groups()
	if !slices.IsSortedFunc(gs, func(a, b mib.Group) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("Groups() not sorted by name")
	}
	used := map[string]bool{}
	for _, r := range mib.Reasons() {
		if _, ok := mib.GroupByName(r.Group); !ok {
			t.Errorf("code %d: group %q does not exist", r.Code, r.Group)
		}
		used[r.Group] = true
	}
	seen := map[string]bool{}
	for _, g := range gs {
		if seen[g.Name] {
			t.Errorf("group %q listed twice", g.Name)
		}
		seen[g.Name] = true
		if !used[g.Name] {
			t.Errorf("group %q is used by no reason", g.Name)
		}
		if g.Name != mib.Slug(g.Name) || !slugRE.MatchString(g.Name) {
			t.Errorf("group name %q is not a slug", g.Name)
		}
		if g.Title == "" || g.Remediation == "" {
			t.Errorf("group %q: empty title or remediation", g.Name)
		}
		switch g.Class {
		case mib.ClassCapacityLimit, mib.ClassConfigurationMismatch, mib.ClassProtocolAnomaly, mib.ClassTransient:
		default:
			t.Errorf("group %q: unknown class %q", g.Name, g.Class)
		}
		if strings.Contains(g.Remediation, mib.EscalationProcedure) {
			t.Errorf("group %q: remediation repeats the escalation step", g.Name)
		}
		if got, ok := mib.GroupByName(g.Name); !ok || got.Name != g.Name || got.Remediation != g.Remediation {
			t.Errorf("GroupByName(%q) = %+v, %v", g.Name, got, ok)
		}
	}
	if _, ok := mib.GroupByName("no_such_group"); ok {
		t.Error("GroupByName found a group that does not exist")
	}
}

func TestVendorProceduresWordForWord(t *testing.T) {
	byText := map[string]mib.Reason{}
	for _, r := range mib.Reasons() {
		byText[r.Text] = r
	}
	groupsByRemediation := map[string][]mib.Group{}
	for _, g := range mib.Groups() {
		groupsByRemediation[g.Remediation] = append(groupsByRemediation[g.Remediation], g)
	}
	vendorTexts := map[string]bool{}
	for _, p := range referenceProcedures(t) {
		vendorTexts[p.text] = true
		key := strings.Join(p.causes, ", ")
		if owners, ok := codelessProcedures[key]; ok {
			for _, name := range owners {
				g, _ := mib.GroupByName(name)
				if !slices.Contains(g.Supplementary, p.text) {
					t.Errorf("group %q: Supplementary lacks %q", name, p.text)
				}
			}
			continue
		}
		var members []mib.Reason
		for _, c := range p.causes {
			r, ok := byText[c]
			if !ok {
				t.Errorf("procedure cause %q is no reason text and not a known code-less cause", c)
				continue
			}
			members = append(members, r)
		}
		gs := groupsByRemediation[p.text]
		if len(gs) != 1 {
			t.Errorf("procedure for %q is the remediation of %d groups, want 1", key, len(gs))
			continue
		}
		g := gs[0]
		if !g.Vendor {
			t.Errorf("group %q carries vendor text but Vendor is false", g.Name)
		}
		for _, r := range members {
			if r.Group != g.Name {
				t.Errorf("code %d (%q) is in group %q, want %q (its vendor procedure)", r.Code, r.Text, r.Group, g.Name)
			}
		}
		// A group with a vendor procedure holds only the causes that
		// procedure is filed under.
		for _, r := range mib.Reasons() {
			if r.Group == g.Name && !slices.Contains(p.causes, r.Text) {
				t.Errorf("code %d (%q) is in group %q, whose vendor procedure does not name it", r.Code, r.Text, g.Name)
			}
		}
	}
	for _, g := range mib.Groups() {
		if g.Vendor != vendorTexts[g.Remediation] {
			t.Errorf("group %q: Vendor = %v, but its remediation is%s vendor text", g.Name, g.Vendor, map[bool]string{true: "", false: " not"}[vendorTexts[g.Remediation]])
		}
		for _, s := range g.Supplementary {
			if !vendorTexts[s] {
				t.Errorf("group %q: supplementary %q is not a vendor procedure", g.Name, s)
			}
		}
	}
}

func TestCapacityGroups(t *testing.T) {
	capacityCodes := map[int]bool{36: true, 41: true, 42: true}
	capacityGroups := map[string]bool{}
	for _, r := range mib.Reasons() {
		g, _ := mib.GroupByName(r.Group)
		if capacityCodes[r.Code] {
			capacityGroups[g.Name] = true
			if g.Class != mib.ClassCapacityLimit {
				t.Errorf("code %d: group %q class %q, want %q", r.Code, g.Name, g.Class, mib.ClassCapacityLimit)
			}
		} else if g.Class == mib.ClassCapacityLimit {
			t.Errorf("code %d: group %q is capacity_limit but the code is no capacity limit", r.Code, g.Name)
		}
	}
	if len(capacityGroups) != 3 {
		t.Errorf("capacity codes share groups: %v", capacityGroups)
	}
}

func TestEscalationProcedure(t *testing.T) {
	lines := readLines(t, "testdata/reference_escalation.txt")
	if len(lines) != 1 || lines[0] != mib.EscalationProcedure {
		t.Errorf("EscalationProcedure = %q, reference has %q", mib.EscalationProcedure, lines)
	}
}

func TestGroupsReturnCopies(t *testing.T) {
	gs := mib.Groups()
	for i := range gs {
		gs[i].Remediation = "changed"
		for j := range gs[i].Supplementary {
			gs[i].Supplementary[j] = "changed"
		}
	}
	g, _ := mib.GroupByName("authentication_failure")
	g.Supplementary[0] = "changed"
	for _, g := range mib.Groups() {
		if g.Remediation == "changed" || slices.Contains(g.Supplementary, "changed") {
			t.Fatalf("group %q was changed through a returned copy", g.Name)
		}
	}
	if g, _ := mib.GroupByName("authentication_failure"); slices.Contains(g.Supplementary, "changed") {
		t.Fatal("GroupByName shares Supplementary")
	}
}
