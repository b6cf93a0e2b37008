package alerts

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// The generated promtool tests (tests/ipsec_negotiation_failures.test.yml)
// take their thresholds, windows and for: from Policies, as the rules do: a
// wrong value there changes rule and test together. The tests of this file
// hold the rules to the README's table instead, a statement written by hand,
// and test every reason of the catalogue, not one per group: a reason left
// out of its group's rule, or put into another group, fails here.

// statedPolicy is one row of the README's table of failure alert policies.
type statedPolicy struct {
	severity  string
	threshold int
	window    time.Duration
	forDur    time.Duration
}

// readmePolicies parses the table under "| class | severity | fires at |
// within | for |" in README.md.
func readmePolicies(t *testing.T) map[mib.Class]statedPolicy {
	t.Helper()
	f, err := os.Open(filepath.Join(testenv.RepoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[mib.Class]statedPolicy{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "| class | severity | fires at | within | for |" {
			in = true
			continue
		}
		if !in || strings.HasPrefix(line, "|---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 5 {
			t.Fatalf("README policy row %q: want 5 cells", line)
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		n, _, _ := strings.Cut(cells[2], " ")
		th, err := strconv.Atoi(n)
		if err != nil {
			t.Fatalf("README policy row %q: fires at %q: %v", line, cells[2], err)
		}
		out[mib.Class(cells[0])] = statedPolicy{severity: cells[1], threshold: th, window: statedDuration(t, cells[3]), forDur: statedDuration(t, cells[4])}
	}
	if len(out) == 0 {
		t.Fatal("no failure alert policy table in README.md")
	}
	return out
}

func statedDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("README policy table: %q: %v", s, err)
	}
	return d
}

// Policies says what the README says: a change of a threshold is a change
// of the documented contract, made in both places.
func TestPoliciesAreTheREADMEs(t *testing.T) {
	stated := readmePolicies(t)
	if len(stated) != len(Policies) {
		t.Errorf("README states %d classes, Policies has %d", len(stated), len(Policies))
	}
	for class, p := range Policies {
		s, ok := stated[class]
		if !ok {
			t.Errorf("class %s: not in the README's table", class)
			continue
		}
		got := statedPolicy{severity: p.Severity, threshold: p.Threshold, window: statedDuration(t, p.Window), forDur: statedDuration(t, p.For)}
		if got != s {
			t.Errorf("class %s: Policies %+v, README %+v", class, got, s)
		}
	}
}

// reasonCase is one reason's test: the alert of its group, the class of
// its group in mib/ (the facts), the policy the README states for it.
type reasonCase struct {
	slug, code, alert string
	class             mib.Class
	p                 statedPolicy
}

func reasonCases(t *testing.T) []reasonCase {
	t.Helper()
	stated := readmePolicies(t)
	var cases []reasonCase
	add := func(slug, code, group string, class mib.Class) {
		p, ok := stated[class]
		if !ok {
			t.Fatalf("reason %s: class %s is not in the README's table", slug, class)
		}
		cases = append(cases, reasonCase{slug: slug, code: code, alert: FailureAlertName(group), class: class, p: p})
	}
	for _, r := range mib.Reasons() {
		g, ok := mib.GroupByName(r.Group)
		if !ok {
			t.Fatalf("reason %d: no group %q", r.Code, r.Group)
		}
		add(r.Slug, strconv.Itoa(r.Code), g.Name, g.Class)
	}
	// A code from newer software; the README says how it counts.
	add(mib.UnknownReason, "99", UnknownGroup.Name, mib.ClassConfigurationMismatch)
	return cases
}

// group is the promtool test of one reason. Two peers fail from minute
// start on, one failure a minute, on both exporters of an HA pair: one
// reaches the threshold, the other stops one short. Checked: the alert is
// pending, not firing, a minute before for: has passed and firing a minute
// after; it fires for the peer at the threshold only, once for the pair,
// with the stated severity and the class of mib/; it still fires while the
// failures are within the window, and not once the first has left it.
func (c reasonCase) group() unitTestGroup {
	win, forM, th := int(c.p.window.Minutes()), int(c.p.forDur.Minutes()), c.p.threshold
	// The series exist, at 0, for longer than the window before the
	// first failure: only increase() counts them.
	start := win + 10
	tg := unitTestGroup{Name: fmt.Sprintf("%s: reason %s (%s)", c.alert, c.slug, c.class), Interval: "1m"}
	for _, peer := range []struct {
		addr     string
		failures int
	}{{"203.0.113.9", th}, {"203.0.113.10", th - 1}} {
		values := fmt.Sprintf("0x%d", start-1)
		if peer.failures > 0 {
			values += fmt.Sprintf(" 1+1x%d", peer.failures-1)
		}
		values += fmt.Sprintf(" %dx%d", peer.failures, win+forM+30)
		for _, inst := range testInstances {
			tg.InputSeries = append(tg.InputSeries, inputSeries{
				Series: fmt.Sprintf(`%s{device="fw-hq-01",instance=%q,interface="GigabitEthernet0/0/1",job="ipsec_trap_exporter",peer=%q,reason=%q,reason_code=%q,vsys="public"}`,
					metricdef.NegotiationFailures.Name, inst, peer.addr, c.slug, c.code),
				Values: values,
			})
		}
	}
	firing := fmt.Sprintf(`count by (peer) (ALERTS{alertname=%q,alertstate="firing",reason=%q,severity=%q,class=%q})`, c.alert, c.slug, c.p.severity, c.class)
	fires := []expSample{{Labels: `{peer="203.0.113.9"}`, Value: 1}}
	crossed := start + th - 1 // the minute of the threshold's failure
	check := func(minute int, want []expSample) {
		tg.PromQLExprTest = append(tg.PromQLExprTest, promqlExprTest{Expr: firing, EvalTime: fmt.Sprintf("%dm", minute), ExpSamples: want})
	}
	check(crossed+forM-1, nil)      // pending: for: has not passed
	check(crossed+forM+1, fires)    // firing
	check(start+win-2, fires)       // every failure within the window
	check(start+win+1, nil)         // the first failure has left it
	check(crossed+win+forM+10, nil) // long after
	return tg
}

// The failure alerts as the README states them, for every reason, in each
// supported Prometheus release's promtool.
func TestFailureAlertsFollowTheREADME(t *testing.T) {
	testenv.Need(t)
	rules, err := filepath.Abs("ipsec_negotiation_failures.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	f := unitTestFile{RuleFiles: []string{rules}, EvaluationInterval: "1m"}
	cases := reasonCases(t)
	for _, c := range cases {
		f.Tests = append(f.Tests, c.group())
	}
	b, err := yaml.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	file := testenv.WriteFile(t, "readme_policies.test.yml", string(b))
	t.Logf("%d reasons", len(cases))
	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		out, err := testenv.Run(5*time.Minute, p.Promtool, "test", "rules", file)
		if err != nil {
			t.Fatalf("promtool %s test rules: %v\n%s", p.Version, err, out)
		}
	})
}
