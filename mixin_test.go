package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-jsonnet"
	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/dashboards"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// mixinOutput is what a mixin consumer reads.
type mixinOutput struct {
	Alerts     ruleGroups                `json:"prometheusAlerts"`
	Rules      ruleGroups                `json:"prometheusRules"`
	Dashboards map[string]map[string]any `json:"grafanaDashboards"`
}

type ruleGroups struct {
	Groups []map[string]any `json:"groups"`
}

// consumerSnippet is a consumer's file: the mixin imported by path, with a
// _config override, and the three fields a consumer reads.
func consumerSnippet(config string) string {
	return `
local ipsec = (import 'ipsec_trap_exporter/mixin.libsonnet') + { _config+:: ` + config + ` };
{
  prometheusAlerts: ipsec.prometheusAlerts,
  prometheusRules: ipsec.prometheusRules,
  grafanaDashboards: ipsec.grafanaDashboards,
}`
}

// vendorDir makes a directory in which the repository is vendored under its
// name (jb install puts it in vendor/ipsec_trap_exporter) and changes to it
// until back is called: from the repository root, a built binary named
// ipsec_trap_exporter would shadow the vendored directory of the same name.
func vendorDir(t *testing.T) (vendor string, back func()) {
	t.Helper()
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	vendor = t.TempDir()
	if err := os.Symlink(root, filepath.Join(vendor, "ipsec_trap_exporter")); err != nil {
		t.Fatal(err)
	}
	return vendor, chdirFor(t, vendor)
}

// goJsonnet evaluates a consumer's file with go-jsonnet, the library.
func goJsonnet(t *testing.T, config string) string {
	t.Helper()
	vendor, back := vendorDir(t)
	defer back()
	vm := jsonnet.MakeVM()
	vm.Importer(&jsonnet.FileImporter{JPaths: []string{vendor}})
	out, err := vm.EvaluateAnonymousSnippet(filepath.Join(vendor, "consumer.jsonnet"), consumerSnippet(config))
	if err != nil {
		t.Fatalf("jsonnet: %v", err)
	}
	return out
}

// evalMixin evaluates the mixin as a consumer does, with go-jsonnet;
// TestMixinSameInCppJsonnet holds the C++ jsonnet to the same output.
func evalMixin(t *testing.T, config string) mixinOutput {
	t.Helper()
	var m mixinOutput
	if err := json.Unmarshal([]byte(goJsonnet(t, config)), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// renderedGroups are the groups of every rule file rendered with o, as
// generic values (what YAML and JSON consumers see).
func renderedGroups(t *testing.T, o alerts.Options) []map[string]any {
	t.Helper()
	var groups []map[string]any
	for _, f := range alerts.RuleFiles() {
		var b bytes.Buffer
		if err := f.Render(&b, o); err != nil {
			t.Fatal(err)
		}
		var rf struct {
			Groups []map[string]any `yaml:"groups"`
		}
		if err := yaml.Unmarshal(b.Bytes(), &rf); err != nil {
			t.Fatal(err)
		}
		groups = append(groups, rf.Groups...)
	}
	return normalize(t, groups)
}

// normalize passes v through JSON, so that values decoded from YAML and
// from jsonnet's JSON compare equal when they are.
func normalize[T any](t *testing.T, v T) T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkGroups: the mixin's alerts and rules together are exactly want,
// group for group, alerts only in prometheusAlerts and recording rules only
// in prometheusRules.
func checkGroups(t *testing.T, m mixinOutput, want []map[string]any) {
	t.Helper()
	got := map[string]map[string]any{}
	for kind, gs := range map[string][]map[string]any{"alert": m.Alerts.Groups, "record": m.Rules.Groups} {
		for _, g := range gs {
			name, _ := g["name"].(string)
			if _, dup := got[name]; dup {
				t.Errorf("group %s appears twice", name)
			}
			got[name] = g
			for _, r := range g["rules"].([]any) {
				if _, ok := r.(map[string]any)[kind]; !ok {
					t.Errorf("group %s, in the %ss, has a rule that is not one: %v", name, kind, r)
				}
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("the mixin has %d groups, the rule files %d", len(got), len(want))
	}
	for _, w := range want {
		name := w["name"].(string)
		if !reflect.DeepEqual(got[name], w) {
			gb, _ := json.MarshalIndent(got[name], "", "  ")
			wb, _ := json.MarshalIndent(w, "", "  ")
			t.Errorf("group %s differs from the rule files:\nmixin: %.2000s\nfiles: %.2000s", name, gb, wb)
		}
	}
}

// With the default _config the mixin yields exactly the shipped rule files
// and dashboards.
func TestMixinYieldsTheShippedFiles(t *testing.T) {
	m := evalMixin(t, `{}`)
	var shipped []map[string]any
	files, _ := filepath.Glob(filepath.Join("alerts", "*.rules.yml"))
	if len(files) != len(alerts.RuleFiles()) {
		t.Fatalf("%d rule files in alerts/, %d generated: the mixin reads the generated ones", len(files), len(alerts.RuleFiles()))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rf struct {
			Groups []map[string]any `yaml:"groups"`
		}
		if err := yaml.Unmarshal(b, &rf); err != nil {
			t.Fatal(err)
		}
		shipped = append(shipped, rf.Groups...)
	}
	checkGroups(t, m, normalize(t, shipped))

	jsonFiles, _ := filepath.Glob(filepath.Join("dashboards", "*.json"))
	if len(m.Dashboards) != len(jsonFiles) {
		t.Errorf("the mixin has %d dashboards, dashboards/ %d", len(m.Dashboards), len(jsonFiles))
	}
	for _, f := range jsonFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(m.Dashboards[filepath.Base(f)], want) {
			t.Errorf("dashboard %s differs from %s", filepath.Base(f), f)
		}
	}
}

// _config.runbookURL gives the rules and dashboards the generators make
// with that URL (what `ipsec_trap_exporter rules --runbook-url` writes), and
// the selector reaches the exporter alerts and nothing else.
func TestMixinConfigTakesEffect(t *testing.T) {
	const url = "https://wiki.example.com/display/NOC/IPSec+runbook"
	const selector = `job="ipsec-trap-exporter",namespace="monitoring"`
	m := evalMixin(t, `{ runbookURL: '`+url+`', ipsecTrapExporterSelector: '`+selector+`' }`)

	want := renderedGroups(t, alerts.Options{RunbookURL: url})
	changed := 0
	for _, g := range want {
		for _, r := range g["rules"].([]any) {
			r := r.(map[string]any)
			expr := r["expr"].(string)
			if e := strings.ReplaceAll(expr, alerts.ExporterJobSelector, selector); e != expr {
				r["expr"] = e
				changed++
			}
		}
	}
	if changed != 2 {
		t.Errorf("the job selector is in %d rules, want 2 (exporter down, reception down)", changed)
	}
	checkGroups(t, m, want)

	for _, d := range dashboards.All(url) {
		b, err := dashboards.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(m.Dashboards[d.File], want) {
			t.Errorf("dashboard %s with runbookURL differs from the generator's with that URL", d.File)
		}
	}

	all, _ := json.Marshal(m)
	if strings.Contains(string(all), alerts.DefaultRunbookURL) {
		t.Errorf("the default runbook URL is still in the output")
	}
	if strings.Contains(string(all), strings.ReplaceAll(alerts.ExporterJobSelector, `"`, `\"`)) {
		t.Errorf("the default job selector is still in the output")
	}
}

func TestMixinRefusesBadRunbookURLs(t *testing.T) {
	for _, u := range []string{"wiki/runbook", "https://example.com/runbook#top"} {
		vm := jsonnet.MakeVM()
		_, err := vm.EvaluateAnonymousSnippet("bad.jsonnet",
			`local m = (import 'mixin.libsonnet') + { _config+:: { runbookURL: '`+u+`' } }; m.prometheusAlerts`)
		if err == nil || !strings.Contains(err.Error(), "runbookURL") {
			t.Errorf("runbookURL %q: %v, want an error about runbookURL", u, err)
		}
	}
}

// The mixin's rules, written as a rule file the way kube-prometheus and
// mixtool write them, load in Prometheus' own checker.
func TestMixinRulesPassPromtool(t *testing.T) {
	testenv.Need(t, "promtool")
	m := evalMixin(t, `{ runbookURL: 'https://wiki.example.com/ipsec' }`)
	for name, groups := range map[string]ruleGroups{"alerts.yaml": m.Alerts, "rules.yaml": m.Rules} {
		b, err := yaml.Marshal(groups)
		if err != nil {
			t.Fatal(err)
		}
		path := testenv.WriteFile(t, name, string(b))
		if out, err := testenv.Run(time.Minute, "promtool", "check", "rules", path); err != nil {
			t.Errorf("promtool check rules %s: %v\n%s", name, err, out)
		}
	}
}

// The README's example, evaluated as written, writes rule files and
// dashboards with the _config it sets.
func TestMixinReadmeExample(t *testing.T) {
	files := goJsonnetMulti(t, readmeExample(t))
	var names []string
	for name, s := range files {
		names = append(names, name)
		if strings.Contains(s, alerts.DefaultRunbookURL) {
			t.Errorf("%s keeps the default runbook URL", name)
		}
		if strings.HasSuffix(name, ".yaml") {
			var rf ruleGroups
			if err := yaml.Unmarshal([]byte(s), &rf); err != nil || len(rf.Groups) == 0 {
				t.Errorf("%s is not a rule file: %v", name, err)
			}
		}
	}
	if want := 2 + len(dashboards.All(alerts.DefaultRunbookURL)); len(files) != want {
		t.Errorf("the example writes %v, want %d files", names, want)
	}
}

func readmeExample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```jsonnet\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no jsonnet example in README.md")
	}
	return example
}

// goJsonnetMulti evaluates a file of several outputs, each a string, as
// `jsonnet -S -m DIR` does: file name -> content.
func goJsonnetMulti(t *testing.T, snippet string) map[string]string {
	t.Helper()
	vendor, back := vendorDir(t)
	defer back()
	vm := jsonnet.MakeVM()
	vm.Importer(&jsonnet.FileImporter{JPaths: []string{vendor}})
	files, err := vm.EvaluateAnonymousSnippetMulti(filepath.Join(vendor, "ipsec.jsonnet"), snippet)
	if err != nil {
		t.Fatalf("jsonnet: %v", err)
	}
	out := map[string]string{}
	for name, content := range files {
		var s string // -S: each file is a string
		if err := json.Unmarshal([]byte(content), &s); err != nil {
			t.Fatalf("%s is not a string: %v", name, err)
		}
		out[name] = s
	}
	return out
}

// cppJsonnet runs the jsonnet command, the C++ implementation (Debian's
// package jsonnet, which its callers Need as testenv.CppJsonnet), on a file
// of snippet in a vendor directory.
// With multi, it writes one file per field as -S -m does and returns them.
func cppJsonnet(t *testing.T, snippet string, multi bool) map[string]string {
	t.Helper()
	vendor, back := vendorDir(t)
	defer back()
	file := filepath.Join(vendor, "consumer.jsonnet")
	if err := os.WriteFile(file, []byte(snippet), 0o644); err != nil {
		t.Fatal(err)
	}
	if !multi {
		out, err := exec.Command("jsonnet", "-J", vendor, file).Output()
		if err != nil {
			t.Fatalf("jsonnet: %v\n%s", err, stderrOf(err))
		}
		return map[string]string{"": string(out)}
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "dashboards"), 0o755); err != nil {
		t.Fatal(err)
	}
	list, err := exec.Command("jsonnet", "-J", vendor, "-S", "-m", dir, file).Output()
	if err != nil {
		t.Fatalf("jsonnet -S -m: %v\n%s", err, stderrOf(err))
	}
	out := map[string]string{}
	for _, path := range strings.Fields(string(list)) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = string(b)
	}
	return out
}

func stderrOf(err error) []byte {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.Stderr
	}
	return nil
}

// The C++ jsonnet (0.18 in Debian 12) evaluates the mixin to the same bytes
// as go-jsonnet, with the default and with an overriding _config; and the
// README's example writes the same files. Those files are compared as
// values, not bytes, for the dashboards: std.manifestJsonEx prints numbers
// with 17 significant digits in the C++ implementation (0.90000000000000002
// for 0.9), the same double either way.
func TestMixinSameInCppJsonnet(t *testing.T) {
	testenv.Need(t, testenv.CppJsonnet)
	for _, config := range []string{`{}`, `{ runbookURL: 'https://wiki.example.com/ipsec', ipsecTrapExporterSelector: 'job="ipsec"' }`} {
		want := goJsonnet(t, config)
		got := cppJsonnet(t, consumerSnippet(config), false)[""]
		if strings.TrimSuffix(got, "\n") != strings.TrimSuffix(want, "\n") {
			t.Errorf("_config %s: C++ jsonnet's output (%d bytes) differs from go-jsonnet's (%d bytes)", config, len(got), len(want))
		}
	}

	example := readmeExample(t)
	want := goJsonnetMulti(t, example)
	got := cppJsonnet(t, example, true)
	if len(got) != len(want) {
		t.Errorf("the README's example: C++ jsonnet writes %d files, go-jsonnet %d", len(got), len(want))
	}
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("the README's example: C++ jsonnet does not write %s", name)
		case strings.HasSuffix(name, ".json"):
			var gv, wv any
			if err := json.Unmarshal([]byte(g), &gv); err != nil {
				t.Fatalf("%s from C++ jsonnet: %v", name, err)
			}
			if err := json.Unmarshal([]byte(w), &wv); err != nil {
				t.Fatalf("%s from go-jsonnet: %v", name, err)
			}
			if !reflect.DeepEqual(gv, wv) {
				t.Errorf("%s: C++ jsonnet's differs from go-jsonnet's", name)
			}
		case strings.TrimSuffix(g, "\n") != strings.TrimSuffix(w, "\n"):
			t.Errorf("%s: C++ jsonnet's differs from go-jsonnet's", name)
		}
	}
}

// chdirFor changes to dir until the returned function is called. Not
// t.Chdir: the callers read repository files after evaluating.
func chdirFor(t *testing.T, dir string) func() {
	t.Helper()
	old, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := os.Chdir(old); err != nil {
			t.Fatal(err)
		}
	}
}

// The mixin and the README name the retention the SLO rules need.
func TestMixinNamesTheRetentionNeeded(t *testing.T) {
	vm := jsonnet.MakeVM()
	out, err := vm.EvaluateAnonymousSnippet("retention.jsonnet", `(import 'mixin.libsonnet').prometheusRetention`)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got != alerts.RetentionNeeded() {
		t.Errorf("mixin prometheusRetention = %q, want %q (alerts.RetentionNeeded)", got, alerts.RetentionNeeded())
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if w := "--storage.tsdb.retention.time=" + got; !strings.Contains(string(readme), w) {
		t.Errorf("README.md does not say %q", w)
	}
}

// The README's Prometheus 3 scrape configuration is the mixin's.
func TestReadmeScrapeConfigIsTheMixins(t *testing.T) {
	vm := jsonnet.MakeVM()
	out, err := vm.EvaluateAnonymousSnippet("scrape.jsonnet",
		`local m = import 'mixin.libsonnet'; { protocols: m.prometheusScrapeConfig.scrape_protocols, features: m.prometheusEnableFeatures }`)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Protocols, Features []string }
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"scrape_protocols: [" + strings.Join(v.Protocols, ", ") + "]"}
	for _, f := range v.Features {
		want = append(want, "--enable-feature="+f)
	}
	for _, w := range want {
		if !strings.Contains(string(readme), w) {
			t.Errorf("README.md does not say %q, which the mixin recommends", w)
		}
	}
}
