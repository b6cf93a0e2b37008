package alerts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
	"github.com/prometheus/common/model"
)

func TestSmokeTestenv(t *testing.T) {
	st := time.Now()
	defer func() { t.Logf("end %v", time.Since(st)) }()
	e := testenv.StartExporter(t)
	amcfg := filepath.Join(t.TempDir(), "am.yml")
	os.WriteFile(amcfg, []byte("route:\n  receiver: r\nreceivers:\n  - name: r\n"), 0o644)
	t.Logf("exp %v", time.Since(st))
	am := testenv.StartAlertmanager(t, amcfg)
	rules := filepath.Join(t.TempDir(), "r.yml")
	os.WriteFile(rules, []byte("groups:\n- name: g\n  rules:\n  - alert: Always\n    expr: vector(1)\n    annotations:\n      remediation: hi\n"), 0o644)
	t.Logf("am %v", time.Since(st))
	p := testenv.StartPrometheus(t, []string{strings.TrimPrefix(e.WebURL, "http://")}, []string{rules}, am.URL)
	t.Logf("prom %v", time.Since(st))
	p.WaitQuery(t, `up{job="ipsec_trap_exporter"}`, func(v model.Value) bool { vec := v.(model.Vector); return len(vec) == 1 && vec[0].Value == 1 })
	t.Logf("up %v", time.Since(st))
	a := am.WaitAlert(t, 60e9, func(a testenv.Alert) bool { return a.Labels["alertname"] == "Always" })
	t.Logf("%+v", a)
}
