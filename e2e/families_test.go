package e2e_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv/families"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// familyDevices names the families' devices as the promtool fixture
// alerts/tests/ipsec_slo_families.test.yml does.
var familyDevices = map[string]string{"firewall": "fw-a", "older router": "rt-old", "newer router": "rt-new"}

// TestEndToEndFamiliesSameSLI sends the same real sequence (fail, fail,
// up, a rekey, a teardown) as a firewall, an older router and a newer
// router send it, with net-snmp's snmptrap, to the binary; reads /metrics
// after each event; and runs the checks of
// alerts/tests/ipsec_slo_families.test.yml on those series, in promtool of
// each supported Prometheus release: the three devices get the same SLIs
// and the same alerts. Events are 10 minutes apart on promtool's clock.
func TestEndToEndFamiliesSameSLI(t *testing.T) {
	testenv.Need(t, "snmptrap")
	var cfg strings.Builder
	cfg.WriteString("communities: [public]\ndevices:\n")
	for _, f := range families.Devices() {
		fmt.Fprintf(&cfg, "  %s: %s\n", f.Address, familyDevices[f.Family])
	}
	e := testenv.StartExporter(t, "--config.file="+testenv.WriteFile(t, "config.yml", cfg.String()))

	var scrapes []map[string]*dto.MetricFamily
	sent := 0
	for i := range families.Events {
		for _, f := range families.Devices() {
			for _, trap := range f.Steps[i] {
				args, err := families.NetSNMPArgs(trap)
				if err != nil {
					t.Fatal(err)
				}
				// A proxy's snmpTrapAddress.0 names the device, as the
				// three come from one host here.
				args = append([]string{"-v", "2c", "-c", "public", e.TrapAddr, "", args[0],
					mib.OIDSnmpTrapAddress, "a", f.Address}, args[1:]...)
				testenv.SNMPTrap(t, args...)
				sent++
			}
		}
		e.WaitValue(t, "ipsec_notifications_total", nil, float64(sent))
		scrapes = append(scrapes, e.Scrape(t))
	}

	file := familiesTestFile(t, scrapes)
	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		out, err := testenv.Run(time.Minute, p.Promtool, "test", "rules", file)
		if err != nil {
			t.Fatalf("promtool %s test rules: %v\n%s", p.Version, err, out)
		}
	})
}

// familiesTestFile is the promtool fixture of the three families with its
// input series replaced by the series of the scrapes, scrape i at minute
// 10*(i+1) and held until the next one.
func familiesTestFile(t *testing.T, scrapes []map[string]*dto.MetricFamily) string {
	t.Helper()
	fixture := filepath.Join(testenv.RepoRoot(), "alerts", "tests", "ipsec_slo_families.test.yml")
	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", fixture, err)
	}
	var files []any
	for _, f := range doc["rule_files"].([]any) {
		abs, err := filepath.Abs(filepath.Join(testenv.RepoRoot(), "alerts", "tests", f.(string)))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, abs)
	}
	doc["rule_files"] = files
	tests := doc["tests"].([]any)
	if len(tests) != 1 {
		t.Fatalf("%s: %d test groups, want the one of the three families", fixture, len(tests))
	}
	series := scrapedSeries(t, scrapes)
	if len(series) < 3*7 {
		t.Fatalf("only %d series of the three devices in /metrics", len(series))
	}
	tests[0].(map[string]any)["input_series"] = series
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "families.test.yml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("promtool input from /metrics:\n%s", out)
	return path
}

// scrapedSeries are the ipsec_ series of the families' devices, as
// promtool input series on a one-minute grid.
func scrapedSeries(t *testing.T, scrapes []map[string]*dto.MetricFamily) []map[string]string {
	t.Helper()
	values := map[string][]string{} // series -> value at each scrape, "_" when absent
	devices := slices.Collect(maps.Values(familyDevices))
	for i, families := range scrapes {
		for name, mf := range families {
			if !strings.HasPrefix(name, "ipsec_") {
				continue
			}
			for _, m := range mf.GetMetric() {
				labels := []string{}
				device := ""
				for _, l := range m.GetLabel() {
					labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
					if l.GetName() == "device" {
						device = l.GetValue()
					}
				}
				if !slices.Contains(devices, device) {
					continue
				}
				key := name + "{" + strings.Join(append(labels, `job="ipsec_trap_exporter"`, `instance="exporter-a:9163"`), ",") + "}"
				if values[key] == nil {
					values[key] = slices.Repeat([]string{"_"}, len(scrapes))
				}
				values[key][i] = strconv.FormatFloat(m.GetCounter().GetValue()+m.GetGauge().GetValue(), 'f', -1, 64)
			}
		}
	}
	var out []map[string]string
	for _, key := range slices.Sorted(maps.Keys(values)) {
		// Minutes 0-9 before the first event; each value for 10 minutes;
		// the last one held past the first 6-hour bucket of the 30d SLIs
		// (6h). "vxN" is N+1 samples, "_xN" N.
		v := []string{"_x10"}
		for i, s := range values[key] {
			n := 10
			if i == len(scrapes)-1 {
				n = 6*60 - 10*len(scrapes) + 11
			}
			if s == "_" {
				v = append(v, fmt.Sprintf("_x%d", n))
			} else {
				v = append(v, fmt.Sprintf("%sx%d", s, n-1))
			}
		}
		out = append(out, map[string]string{"series": key, "values": strings.Join(v, " ")})
	}
	return out
}
