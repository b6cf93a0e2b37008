package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// shippedFile maps what `rules --output-dir` writes to the file the
// repository ships.
func shippedFile(name string) string {
	switch {
	case strings.HasPrefix(name, "rules"+string(filepath.Separator)):
		return filepath.Join("alerts", filepath.Base(name))
	case name == "runbook.md":
		return filepath.Join("docs", "runbook.md")
	}
	return name // dashboards/*.json
}

func rulesOutput(t *testing.T, runbookURL string) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	var out bytes.Buffer
	if err := writeRules(&rulesOptions{runbookURL: runbookURL, outputDir: dir}, &out); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// With the default URL, the sub-command writes exactly the shipped files:
// what a user regenerates without Go is what the repository tests.
func TestRulesCommandDefaultIsShipped(t *testing.T) {
	files := rulesOutput(t, alerts.DefaultRunbookURL)
	shipped, _ := filepath.Glob(filepath.Join("alerts", "*.rules.yml"))
	dashboards, _ := filepath.Glob(filepath.Join("dashboards", "*.json"))
	if want := len(shipped) + len(dashboards) + 1; len(files) != want {
		t.Errorf("wrote %d files, want %d (every rule file, every dashboard, the runbook)", len(files), want)
	}
	for name, got := range files {
		want, err := os.ReadFile(shippedFile(name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the shipped %s: run go generate ./alerts ./dashboards", name, shippedFile(name))
		}
	}
}

var anyURL = regexp.MustCompile(`https?://[^\s"'<>)]+`)

// With another URL, every link of the rules and dashboards goes there and
// the default appears nowhere; nothing but the links changes.
func TestRulesCommandCustomURL(t *testing.T) {
	const custom = "https://wiki.example.com/display/NOC/IPSec+runbook"
	def := rulesOutput(t, alerts.DefaultRunbookURL)
	got := rulesOutput(t, custom)
	for name, b := range got {
		if name == "runbook.md" {
			if !bytes.Equal(b, def[name]) {
				t.Errorf("runbook.md depends on the URL it is published at")
			}
			continue
		}
		links := anyURL.FindAllString(string(b), -1)
		if len(links) == 0 {
			t.Errorf("%s: no runbook link", name)
		}
		for _, u := range links {
			if !strings.HasPrefix(u, custom+"#") {
				t.Errorf("%s: link %q does not go to %s", name, u, custom)
			}
		}
		if bytes.Contains(b, []byte(alerts.DefaultRunbookURL)) {
			t.Errorf("%s still names the default %s", name, alerts.DefaultRunbookURL)
		}
		if !bytes.Equal(bytes.ReplaceAll(b, []byte(custom), []byte(alerts.DefaultRunbookURL)), def[name]) {
			t.Errorf("%s: more than the links changed", name)
		}
	}
}

// Printed, the rules are one rule file holding every group of the shipped
// files, in order, with the same rules.
func TestRulesCommandPrintsOneRuleFile(t *testing.T) {
	const custom = "https://trap-host-1.example.com:9983/runbook"
	var out bytes.Buffer
	if err := writeRules(&rulesOptions{runbookURL: custom}, &out); err != nil {
		t.Fatal(err)
	}
	type ruleFile struct {
		Groups []map[string]any `yaml:"groups"`
	}
	var bundle ruleFile
	if err := yaml.Unmarshal(out.Bytes(), &bundle); err != nil {
		t.Fatalf("output is not YAML: %v", err)
	}
	var want []map[string]any
	for _, f := range alerts.RuleFiles() {
		var b bytes.Buffer
		if err := f.Render(&b, alerts.Options{RunbookURL: custom}); err != nil {
			t.Fatal(err)
		}
		var rf ruleFile
		if err := yaml.Unmarshal(b.Bytes(), &rf); err != nil {
			t.Fatal(err)
		}
		want = append(want, rf.Groups...)
	}
	g, _ := json.Marshal(bundle.Groups)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Errorf("the printed rules are not the groups of the rule files")
	}
	if n := strings.Count(out.String(), "runbook_url: "+custom+"#"); n == 0 || n != strings.Count(out.String(), "runbook_url:") {
		t.Errorf("%d of %d runbook_url annotations go to %s", n, strings.Count(out.String(), "runbook_url:"), custom)
	}

	t.Run("promtool", func(t *testing.T) {
		testenv.Need(t, "promtool")
		path := testenv.WriteFile(t, "ipsec.rules.yml", out.String())
		if res, err := testenv.Run(time.Minute, "promtool", "check", "rules", path); err != nil {
			t.Fatalf("promtool check rules on the printed rules: %v\n%s", err, res)
		}
	})
}

func TestRulesCommandRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "runbook", "/runbook", "https://example.com/runbook#x", "https://example.com/{{ $labels.peer }}"} {
		var out bytes.Buffer
		err := writeRules(&rulesOptions{runbookURL: u, outputDir: t.TempDir()}, &out)
		if err == nil || !strings.Contains(err.Error(), "runbook URL") {
			t.Errorf("--runbook-url=%q: error %v, want one about the runbook URL", u, err)
		}
	}
	if code := run([]string{"rules", "--runbook-url=ftp://example.com/x"}); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

// Every runbook link of the shipped rules and dashboards lands on an anchor
// of docs/runbook.md, which the exporter's runbook page renders with the
// same anchors. Dashboard links that end in a Grafana variable are expanded
// over every value the column can show: the display texts of its value
// mapping (${__value.text}) or the label values it maps (${__value.raw}).
func TestShippedRunbookLinksResolve(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("docs", "runbook.md"))
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`<a id="([^"]+)"></a>`).FindAllStringSubmatch(string(b), -1) {
		anchors[m[1]] = true
	}
	check := func(where, u string) {
		t.Helper()
		anchor, ok := strings.CutPrefix(u, alerts.DefaultRunbookURL+"#")
		if !ok {
			t.Errorf("%s: link %q is not into %s", where, u, alerts.DefaultRunbookURL)
		} else if !anchors[anchor] {
			t.Errorf("%s: link %q: docs/runbook.md has no anchor %q", where, u, anchor)
		}
	}

	rules, _ := filepath.Glob(filepath.Join("alerts", "*.rules.yml"))
	n := 0
	for _, f := range rules {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rf struct {
			Groups []struct {
				Rules []struct {
					Alert       string            `yaml:"alert"`
					Annotations map[string]string `yaml:"annotations"`
				} `yaml:"rules"`
			} `yaml:"groups"`
		}
		if err := yaml.Unmarshal(b, &rf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" {
					continue
				}
				n++
				if r.Annotations["runbook_url"] == "" {
					t.Errorf("%s: %s has no runbook_url", f, r.Alert)
					continue
				}
				check(f+": "+r.Alert, r.Annotations["runbook_url"])
			}
		}
	}
	if n == 0 {
		t.Fatal("no alerts found")
	}

	dashboards, _ := filepath.Glob(filepath.Join("dashboards", "*.json"))
	for _, f := range dashboards {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d any
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, l := range runbookLinks(d, nil) {
			switch {
			case strings.HasSuffix(l.url, "${__value.text}"):
				if len(l.texts) == 0 {
					t.Errorf("%s: %s ends in ${__value.text} without a value mapping", f, l.url)
				}
				for _, v := range l.texts {
					check(f, strings.TrimSuffix(l.url, "${__value.text}")+v)
				}
			case strings.HasSuffix(l.url, "${__value.raw}"):
				if len(l.raws) == 0 {
					t.Errorf("%s: %s ends in ${__value.raw} without a value mapping", f, l.url)
				}
				for _, v := range l.raws {
					if v != "" { // no value: the link opens the runbook's top
						check(f, strings.TrimSuffix(l.url, "${__value.raw}")+v)
					}
				}
			case strings.Contains(l.url, "$"):
				t.Errorf("%s: link %q has a variable the test cannot expand", f, l.url)
			default:
				check(f, l.url)
			}
		}
	}
}

type runbookLink struct {
	url         string
	texts, raws []string // of the value mapping beside the link
}

// runbookLinks walks a dashboard's JSON for data links into the runbook.
// A link inside a field override comes with the override's value mapping.
func runbookLinks(v any, found []runbookLink) []runbookLink {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			found = runbookLinks(e, found)
		}
	case map[string]any:
		if props, ok := v["properties"].([]any); ok {
			var texts, raws []string
			var urls []string
			for _, p := range props {
				p, _ := p.(map[string]any)
				switch p["id"] {
				case "mappings":
					for _, m := range p["value"].([]any) {
						for raw, res := range m.(map[string]any)["options"].(map[string]any) {
							raws = append(raws, raw)
							texts = append(texts, res.(map[string]any)["text"].(string))
						}
					}
				case "links":
					for _, l := range p["value"].([]any) {
						urls = append(urls, l.(map[string]any)["url"].(string))
					}
				}
			}
			sort.Strings(texts)
			sort.Strings(raws)
			for _, u := range urls {
				if strings.HasPrefix(u, alerts.DefaultRunbookURL) {
					found = append(found, runbookLink{url: u, texts: texts, raws: raws})
				}
			}
			return found
		}
		if u, ok := v["url"].(string); ok && strings.HasPrefix(u, alerts.DefaultRunbookURL) {
			found = append(found, runbookLink{url: u})
		}
		for _, e := range v {
			found = runbookLinks(e, found)
		}
	}
	return found
}
