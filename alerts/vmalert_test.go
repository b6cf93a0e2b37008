package alerts

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// Every promtool test file has its vmalert-tool form: promtoolTests lists
// exactly the files of tests/, and VMAlertTestDir holds nothing else.
func TestEveryPromtoolTestHasAVMAlertForm(t *testing.T) {
	var listed, forms []string
	for _, pt := range promtoolTests() {
		listed = append(listed, pt.path)
		forms = append(forms, path.Join(VMAlertTestDir, path.Base(pt.path)))
	}
	onDisk, err := filepath.Glob("tests/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	if !slices.Equal(listed, onDisk) {
		t.Errorf("Generated and handWrittenTests (alerts/vmalerttests.go) list %v; tests/ holds %v", listed, onDisk)
	}
	written, err := filepath.Glob(VMAlertTestDir + "/*")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(forms)
	if !slices.Equal(forms, written) {
		t.Errorf("%s holds %v, want %v: run go generate ./alerts, remove what it does not write", VMAlertTestDir, written, forms)
	}
}

// The conversion refuses what vmalert-tool would refuse or misread, rather
// than write a file that fails there.
func TestVMAlertFormRefuses(t *testing.T) {
	const head = "rule_files:\n  - ../ipsec_tunnels.rules.yml\nevaluation_interval: 1m\ntests:\n"
	for _, tc := range []struct{ name, src, want string }{
		{"a promtool-only test key", head + "  - name: x\n    fuzzy_compare: true\n", `vmalert-tool knows no "fuzzy_compare"`},
		{"a promtool-only file key", "rule_files: [../ipsec_tunnels.rules.yml]\nevaluation_interval: 1m\nstart_timestamp: 0\ntests: []\n", `vmalert-tool knows no "start_timestamp"`},
		{"an alert in no rule file", head + "  - name: x\n    alert_rule_test:\n      - eval_time: 1m\n        alertname: NoSuchAlert\n", "alert NoSuchAlert is in none of the rule files"},
		{"a rule file that is not generated", "rule_files: [../other.rules.yml]\ntests: []\n", "not a generated rule file"},
		{"an annotation test of promtool 3", head + "  - name: x\n    alert_rule_test:\n      - eval_time: 1m\n        alertname: IPSecTunnelDown\n        exp_anno: {}\n", `vmalert-tool knows no "exp_anno"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := toVMAlertTests("tests/x.test.yml", []byte(tc.src), DefaultOptions())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// What the conversion changes: the rule files' paths, the name of the
// expression tests, the alert tests' groups. Nothing else.
func TestVMAlertFormChangesOnlyWhatDiffers(t *testing.T) {
	src, err := os.ReadFile("tests/ipsec_tunnels.test.yml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := toVMAlertTests("tests/ipsec_tunnels.test.yml", src, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  - ../../ipsec_tunnels.rules.yml\n", "groupname: ipsec_tunnels\n"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the vmalert-tool form lacks %q", want)
		}
	}
	if n, m := bytes.Count(out, []byte("groupname:")), bytes.Count(src, []byte("alertname:")); n != m {
		t.Errorf("%d groupnames for %d alert tests", n, m)
	}
	src, err = os.ReadFile("tests/ipsec_slo.test.yml")
	if err != nil {
		t.Fatal(err)
	}
	if out, err = toVMAlertTests("tests/ipsec_slo.test.yml", src, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	if n, m := bytes.Count(out, []byte("metricsql_expr_test:")), bytes.Count(src, []byte("promql_expr_test:")); n != m || n == 0 || bytes.Contains(out, []byte("promql_expr_test")) {
		t.Errorf("%d metricsql_expr_test for %d promql_expr_test", n, m)
	}
}

// The rule unit tests pass in vmalert-tool, VictoriaMetrics' promtool: the
// rules compute on VictoriaMetrics what they compute on Prometheus.
func TestVMAlertToolUnitTests(t *testing.T) {
	testenv.Need(t)
	vm := testenv.VictoriaMetrics(t)
	files, err := filepath.Glob(VMAlertTestDir + "/*.test.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no unit tests in %s: %v", VMAlertTestDir, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			out, err := testenv.Run(10*time.Minute, vm.VMAlertTool, "unittest", "--files="+f)
			if err != nil || !strings.Contains(out, "SUCCESS") {
				t.Fatalf("vmalert-tool %s unittest %s: %v\n%s", vm.Version, f, err, out)
			}
		})
	}
}

// Every rule file loads in vmalert, and so does the one file of
// `ipsec_trap_exporter rules`: its MetricsQL parser reads the expressions,
// its template engine the annotations.
func TestVMAlertDryRun(t *testing.T) {
	testenv.Need(t)
	vm := testenv.VictoriaMetrics(t)
	var bundle bytes.Buffer
	if err := RenderRulesBundle(&bundle, DefaultOptions(), "all rules"); err != nil {
		t.Fatal(err)
	}
	for _, f := range append(ruleFiles(t), testenv.WriteFile(t, "bundle.rules.yml", bundle.String())) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, err := testenv.Run(time.Minute, vm.VMAlert, "-dryRun", "-rule="+f)
			if err != nil {
				t.Fatalf("vmalert %s -dryRun -rule=%s: %v\n%s", vm.Version, f, err, out)
			}
		})
	}
}

// A difference replaces exactly the expectation it names, says why, and
// is refused when it names none or changes nothing.
func TestVMDifferencesApply(t *testing.T) {
	const src = `rule_files: [../ipsec_slo.rules.yml]
tests:
  - name: t
    promql_expr_test:
      - expr: slo:objective:ratio{slo="negotiation_success"}
        eval_time: 5m
        exp_samples:
          - labels: 'slo:objective:ratio{slo="negotiation_success"}'
            value: 0.99
`
	cause := vmCause{"a test cause", "because."}
	diff := func(expr, want string) vmDifference {
		return vmDifference{file: "tests/x.test.yml", test: "t", expr: expr, evalTime: "5m", want: want, cause: cause}
	}
	const other = "- labels: 'slo:objective:ratio{slo=\"negotiation_success\"}'\n  value: 0.5\n"
	for _, tc := range []struct {
		name    string
		diff    vmDifference
		want    []string
		wantErr string
	}{
		{"replaces the samples", diff(`slo:objective:ratio{slo="negotiation_success"}`, other), []string{"value: 0.5", "(a test cause, docs/victoriametrics.md): because."}, ""},
		{"names no test", diff(`nothing`, other), nil, "matches 0 expectations"},
		{"changes nothing", diff(`slo:objective:ratio{slo="negotiation_success"}`, "- labels: 'slo:objective:ratio{slo=\"negotiation_success\"}'\n  value: 0.99\n"), nil, "no difference"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saved := vmDifferences
			t.Cleanup(func() { vmDifferences = saved })
			vmDifferences = []vmDifference{tc.diff}
			out, err := toVMAlertTests("tests/x.test.yml", []byte(src), DefaultOptions())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(commentBreaks.ReplaceAllString(string(out), " "), w) {
					t.Errorf("the vmalert-tool form lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// commentBreaks are where a comment wraps onto its next line.
var commentBreaks = regexp.MustCompile(`\n *# `)

// Every cause of a difference has its section in docs/victoriametrics.md.
func TestVMDifferencesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/victoriametrics.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range vmDifferences {
		if !bytes.Contains(doc, []byte("### "+d.cause.name+"\n")) {
			t.Errorf("docs/victoriametrics.md has no section %q, the cause of the difference in %s, test %q", d.cause.name, d.file, d.test)
		}
	}
}
