package alerts

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

func TestGeneratedFilesUpToDate(t *testing.T) {
	for _, f := range Generated {
		t.Run(f.Path, func(t *testing.T) {
			var want bytes.Buffer
			if err := f.Render(&want, DefaultOptions()); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.FromSlash(f.Path))
			if err != nil {
				t.Fatalf("%v: run go generate ./alerts", err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%s is stale (the catalogue in mib/ or the generator changed): run go generate ./alerts", f.Path)
			}
		})
	}
}

func readRuleFile(t *testing.T, path string) ruleFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rf ruleFile
	if err := yaml.Unmarshal(b, &rf); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rf
}

func ruleFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.rules.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule files: %v", err)
	}
	return files
}

func alertRules(t *testing.T) []rule {
	t.Helper()
	var rules []rule
	for _, f := range ruleFiles(t) {
		for _, g := range readRuleFile(t, f).Groups {
			for _, r := range g.Rules {
				if r.Alert != "" {
					rules = append(rules, r)
				}
			}
		}
	}
	return rules
}

// The checked-in rules, not the generator's output, are what users load, so
// these tests read the files.
func TestEveryGroupHasOneAlertWithItsRemediation(t *testing.T) {
	byGroup := map[string][]rule{}
	for _, r := range readRuleFile(t, "ipsec_negotiation_failures.rules.yml").Groups[0].Rules {
		byGroup[r.Labels["remediation_group"]] = append(byGroup[r.Labels["remediation_group"]], r)
	}
	for _, g := range mib.Groups() {
		t.Run(g.Name, func(t *testing.T) {
			rs := byGroup[g.Name]
			if len(rs) != 1 {
				t.Fatalf("%d alerts for group %s, want 1", len(rs), g.Name)
			}
			r := rs[0]
			rem := r.Annotations["remediation"]
			if rem != RemediationText(g) {
				t.Errorf("remediation = %q, want %q", rem, RemediationText(g))
			}
			if !strings.Contains(rem, g.Remediation) || !strings.HasSuffix(rem, mib.EscalationProcedure) {
				t.Errorf("remediation %q lacks the group's procedure or the escalation step", rem)
			}
			if g.Vendor == strings.HasPrefix(rem, ProjectGuidancePrefix) {
				t.Errorf("vendor=%v but remediation %q", g.Vendor, rem)
			}
			wantSeverity := map[mib.Class]string{mib.ClassCapacityLimit: "critical"}[g.Class]
			if wantSeverity == "" {
				wantSeverity = "warning"
			}
			if r.Labels["severity"] != wantSeverity || r.Labels["class"] != string(g.Class) {
				t.Errorf("labels %v, want severity %s and class %s", r.Labels, wantSeverity, g.Class)
			}
			for _, reason := range ReasonsOf(g.Name) {
				if !regexp.MustCompile(`reason=~"([^"|]+\|)*` + regexp.QuoteMeta(reason.Slug) + `(\|[^"]+)?"`).MatchString(r.Expr) {
					t.Errorf("expr does not select reason %s:\n%s", reason.Slug, r.Expr)
				}
			}
			if !strings.Contains(r.Expr, "max by ("+FailureSeriesKey+")") {
				t.Errorf("expr does not take the max across instances:\n%s", r.Expr)
			}
		})
	}
}

// The vendor reference's procedures, word for word, each reach an alert of
// a reason it names; the two that name no reason code (EAP/XAuth, license
// limits) reach the authentication and the capacity alerts.
func TestEveryVendorProcedureReachesAnAlert(t *testing.T) {
	remediation := map[string]string{}
	for _, r := range readRuleFile(t, "ipsec_negotiation_failures.rules.yml").Groups[0].Rules {
		remediation[r.Labels["remediation_group"]] = r.Annotations["remediation"]
	}
	f, err := os.Open("../mib/testdata/reference_procedures.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	noCode := map[string][]string{
		"eap authentication timeout":       {"authentication_failure"},
		"license or specification limited": {"route_limit", "ipsec_tunnel_limit", "dynamic_peer_limit"},
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		causes, procedure, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		var groups []string
		for _, c := range strings.Split(causes, ", ") {
			if r, ok := mib.ReasonBySlug(mib.Slug(c)); ok {
				groups = append(groups, r.Group)
			}
			groups = append(groups, noCode[c]...)
		}
		if len(groups) == 0 {
			t.Errorf("procedure for %q reaches no alert", causes)
		}
		for _, g := range slices.Compact(groups) {
			if !strings.Contains(remediation[g], procedure) {
				t.Errorf("alert of group %s (%s) lacks the procedure %q", g, causes, procedure)
			}
		}
	}
}

func TestRunbookAnchorsExist(t *testing.T) {
	runbook, err := os.ReadFile("../docs/runbook.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range alertRules(t) {
		u := r.Annotations["runbook_url"]
		base, anchor, ok := strings.Cut(u, "#")
		if !ok || base != DefaultRunbookURL {
			t.Errorf("%s: runbook_url %q, want %s#anchor", r.Alert, u, DefaultRunbookURL)
			continue
		}
		if !bytes.Contains(runbook, []byte(`<a id="`+anchor+`"></a>`)) {
			t.Errorf("%s: docs/runbook.md has no anchor %q", r.Alert, anchor)
		}
	}
}

func TestEveryAlertHasAnnotations(t *testing.T) {
	for _, r := range alertRules(t) {
		for _, a := range []string{"summary", "description", "remediation", "runbook_url"} {
			if r.Annotations[a] == "" {
				t.Errorf("%s has no %s annotation", r.Alert, a)
			}
		}
		s := r.Labels["severity"]
		if r.Alert == TunnelDownInhibitorName {
			if s != InhibitorSeverity {
				t.Errorf("%s: severity %q, want %s (it must never notify)", r.Alert, s, InhibitorSeverity)
			}
			continue
		}
		if s != "critical" && s != "warning" {
			t.Errorf("%s: severity %q, want critical or warning (the routes know no other)", r.Alert, s)
		}
	}
}

// Every alert must have a unit test in which it fires.
func TestEveryAlertHasAFiringUnitTest(t *testing.T) {
	type testFile struct {
		Tests []struct {
			AlertRuleTest []struct {
				Alertname string `yaml:"alertname"`
				ExpAlerts []any  `yaml:"exp_alerts"`
			} `yaml:"alert_rule_test"`
		} `yaml:"tests"`
	}
	fired := map[string]bool{}
	files, _ := filepath.Glob("tests/*.yml")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var tf testFile
		if err := yaml.Unmarshal(b, &tf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, tg := range tf.Tests {
			for _, at := range tg.AlertRuleTest {
				if len(at.ExpAlerts) > 0 {
					fired[at.Alertname] = true
				}
			}
		}
	}
	for _, r := range alertRules(t) {
		if !fired[r.Alert] {
			t.Errorf("alert %s has no unit test in tests/ in which it fires", r.Alert)
		}
	}
}

// Every rule that reads a tunnel's state merges an HA pair with
// NewestTunnelState (the state of the exporter that heard the tunnel
// last), never with max alone, which keeps a tunnel up while one exporter
// missed its down. The promtool tests check what the merge does.
func TestTunnelStateMergedByLastNotification(t *testing.T) {
	merge := "group_left () max by (" + TunnelKey + ") ("
	found := 0
	for _, f := range ruleFiles(t) {
		for _, g := range readRuleFile(t, f).Groups {
			for _, r := range g.Rules {
				if !strings.Contains(r.Expr, metricdef.TunnelUp.Name) && !strings.Contains(r.Expr, metricdef.TunnelDownPlanned.Name) {
					continue
				}
				found++
				if !strings.Contains(r.Expr, merge) || !strings.Contains(r.Expr, metricdef.TunnelLastNotification.Name) {
					t.Errorf("%s: %s%s reads a tunnel's state without NewestTunnelState:\n%s", f, r.Record, r.Alert, r.Expr)
				}
			}
		}
	}
	if found < 2 {
		t.Errorf("only %d rules read a tunnel's state; IPSecTunnelDown and %s do", found, TunnelAvailableRecord)
	}
}
