package alerts

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
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
	for _, pt := range promtoolTests {
		listed = append(listed, pt.path)
		forms = append(forms, path.Join(VMAlertTestDir, path.Base(pt.path)))
	}
	onDisk, err := filepath.Glob("tests/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	if !slices.Equal(listed, onDisk) {
		t.Errorf("promtoolTests (alerts/vmalerttests.go) lists %v; tests/ holds %v", listed, onDisk)
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
