package alerts

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{DefaultRunbookURL, true},
		{"https://wiki.example.com/display/NOC/IPSec+runbook", true},
		{"https://trap-host-1.example.com:9983/runbook", true},
		{"https://gitea.example.com/noc/ipsec/src/branch/main/docs/runbook.md", true},
		{"https://wiki.example.com/index.php?title=IPSec", true},
		{"", false},
		{"/runbook", false},                            // relative: useless in a notification
		{"localhost:9983/runbook", false},              // no scheme
		{"ftp://example.com/runbook", false},           // not a web page
		{"https:///runbook", false},                    // no host
		{"https://example.com/runbook#top", false},     // the anchor is appended
		{"https://example.com/run book", false},        // whitespace
		{`https://example.com/"><script>`, false},      // quotes, angle brackets
		{"https://example.com/{{ $labels.x }}", false}, // a Prometheus template
		{"https://example.com/${__value.raw}", false},  // a Grafana variable
	} {
		err := Options{RunbookURL: tc.url}.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("Validate(%q) = %v, want ok=%v", tc.url, err, tc.ok)
		}
	}
}

// Rendered with another runbook URL, every rule file links there and
// nowhere else, and only the runbook_url annotations change.
func TestRuleFilesTakeTheRunbookURL(t *testing.T) {
	const custom = "https://wiki.example.com/noc/ipsec-runbook"
	urlRe := regexp.MustCompile(`https?://[^\s"']+`)
	for _, f := range RuleFiles() {
		t.Run(f.Path, func(t *testing.T) {
			var def, cus bytes.Buffer
			if err := f.Render(&def, DefaultOptions()); err != nil {
				t.Fatal(err)
			}
			if err := f.Render(&cus, Options{RunbookURL: custom}); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, u := range urlRe.FindAllString(cus.String(), -1) {
				if !strings.HasPrefix(u, custom+"#") {
					t.Errorf("link %q is not into %s", u, custom)
				}
				n++
			}
			var a, b ruleFile
			if err := yaml.Unmarshal(def.Bytes(), &a); err != nil {
				t.Fatal(err)
			}
			if err := yaml.Unmarshal(cus.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
			alerts := 0
			for gi, g := range b.Groups {
				for ri, r := range g.Rules {
					d := a.Groups[gi].Rules[ri]
					if r.Alert == "" {
						continue
					}
					alerts++
					if want := strings.Replace(d.Annotations["runbook_url"], DefaultRunbookURL, custom, 1); r.Annotations["runbook_url"] != want {
						t.Errorf("%s: runbook_url %q, want %q", r.Alert, r.Annotations["runbook_url"], want)
					}
					d.Annotations["runbook_url"] = r.Annotations["runbook_url"]
				}
			}
			if n != alerts {
				t.Errorf("%d links for %d alerts", n, alerts)
			}
			if !equalRuleFiles(a, b) {
				t.Error("rendering with another runbook URL changed more than runbook_url")
			}
		})
	}
}

func equalRuleFiles(a, b ruleFile) bool {
	x, err1 := yaml.Marshal(a)
	y, err2 := yaml.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// The mixin hands recording rules out as prometheusRules and alerts as
// prometheusAlerts, group by group: a group must hold one kind only.
func TestNoGroupMixesRecordsAndAlerts(t *testing.T) {
	names := map[string]string{}
	for _, f := range ruleFiles(t) {
		for _, g := range readRuleFile(t, f).Groups {
			if prev, dup := names[g.Name]; dup {
				t.Errorf("group %s is in %s and %s: group names must be unique across the files loaded together", g.Name, prev, f)
			}
			names[g.Name] = f
			records, alerts := 0, 0
			for _, r := range g.Rules {
				if r.Record != "" {
					records++
				} else {
					alerts++
				}
			}
			if records > 0 && alerts > 0 {
				t.Errorf("%s: group %s has %d recording rules and %d alerts; split it", f, g.Name, records, alerts)
			}
		}
	}
}
