package alerts

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// VMAlertTestDir holds the vmalert-tool form of every promtool unit test
// file of tests/, so that the rules are tested the same way on
// VictoriaMetrics (`vmalert-tool unittest`) as on Prometheus (`promtool
// test rules`). The files are written from the promtool ones, never by hand.
const VMAlertTestDir = "tests/vmalert"

// promtoolTest is a promtool unit test file of tests/ and where it comes
// from: a generator, or (render nil) a hand-written file.
type promtoolTest struct {
	path   string // relative to alerts/
	render func(io.Writer, Options) error
}

// promtoolTests are every promtool unit test file; a test checks that the
// list and tests/ agree.
var promtoolTests = []promtoolTest{
	{"tests/ipsec_incidents.test.yml", RenderIncidentTests},
	{"tests/ipsec_negotiation_failures.test.yml", RenderFailureTests},
	{"tests/ipsec_tunnel_generated.test.yml", RenderTunnelTests},
	{"tests/ipsec_slo.test.yml", nil},
	{"tests/ipsec_slo_families.test.yml", nil},
	{"tests/ipsec_trap_exporter.test.yml", nil},
	{"tests/ipsec_tunnels.test.yml", nil},
}

// The vmalert-tool forms are generated files too; they are added here
// rather than in Generated's literal because rendering one reads the rule
// files from Generated.
func init() { Generated = append(Generated, vmalertTestFiles()...) }

// vmalertTestFiles are the generated files of VMAlertTestDir, one per
// promtool test file.
func vmalertTestFiles() []GeneratedFile {
	var files []GeneratedFile
	for _, pt := range promtoolTests {
		files = append(files, GeneratedFile{
			Path:   VMAlertTestDir + "/" + path.Base(pt.path),
			Render: vmalertForm(pt),
		})
	}
	return files
}

// vmalertForm renders the vmalert-tool form of a promtool test file.
func vmalertForm(pt promtoolTest) func(io.Writer, Options) error {
	return func(w io.Writer, o Options) error {
		var src bytes.Buffer
		if pt.render != nil {
			if err := pt.render(&src, o); err != nil {
				return err
			}
		} else {
			b, err := os.ReadFile(pt.path)
			if err != nil {
				return fmt.Errorf("reading the promtool tests: %w", err)
			}
			src.Write(b)
		}
		out, err := toVMAlertTests(pt.path, src.Bytes(), o)
		if err != nil {
			return fmt.Errorf("%s: %w", pt.path, err)
		}
		_, err = w.Write(out)
		return err
	}
}

// What vmalert-tool v1.151.0 reads (it refuses unknown keys): promtool's
// format, less what promtool added since (fuzzy_compare, start_timestamp,
// the annotation tests of alerts), with promql_expr_test named
// metricsql_expr_test and every alert test naming its rule group.
var (
	vmalertFileKeys  = []string{"rule_files", "evaluation_interval", "group_eval_order", "tests"}
	vmalertGroupKeys = []string{"name", "interval", "input_series", "alert_rule_test", "metricsql_expr_test", "external_labels"}
	vmalertAlertKeys = []string{"eval_time", "groupname", "alertname", "exp_alerts"}
	vmalertExprKeys  = []string{"expr", "eval_time", "exp_samples"}
)

// toVMAlertTests rewrites the promtool test file src (at srcPath) into
// vmalert-tool's form: the rule files relative to VMAlertTestDir,
// promql_expr_test renamed, the group of each alert test named (vmalert
// labels every alert with its group, alertgroup). The comments stay.
func toVMAlertTests(srcPath string, src []byte, o Options) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a mapping")
	}
	top := doc.Content[0]
	if err := onlyKeys(top, vmalertFileKeys, "the file"); err != nil {
		return nil, err
	}
	ruleFilesNode := mappingValue(top, "rule_files")
	if ruleFilesNode == nil {
		return nil, fmt.Errorf("no rule_files")
	}
	groupOf, err := alertGroups(ruleFilesNode, o)
	if err != nil {
		return nil, err
	}
	from := path.Dir(srcPath)
	for _, rf := range ruleFilesNode.Content {
		// Relative to the test file, as both tools read them.
		rel, err := relPath(VMAlertTestDir, path.Join(from, rf.Value))
		if err != nil {
			return nil, err
		}
		rf.Value = rel
	}
	tests := mappingValue(top, "tests")
	if tests == nil || tests.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("no tests")
	}
	for _, tg := range tests.Content {
		name := scalarValue(tg, "name")
		for i := 0; i+1 < len(tg.Content); i += 2 {
			if tg.Content[i].Value == "promql_expr_test" {
				tg.Content[i].Value = "metricsql_expr_test"
			}
		}
		if err := onlyKeys(tg, vmalertGroupKeys, "test "+name); err != nil {
			return nil, err
		}
		if at := mappingValue(tg, "alert_rule_test"); at != nil {
			for _, c := range at.Content {
				if err := nameGroup(c, groupOf); err != nil {
					return nil, fmt.Errorf("test %s: %w", name, err)
				}
				if err := onlyKeys(c, vmalertAlertKeys, "test "+name); err != nil {
					return nil, err
				}
			}
		}
		if et := mappingValue(tg, "metricsql_expr_test"); et != nil {
			for _, c := range et.Content {
				if err := onlyKeys(c, vmalertExprKeys, "test "+name); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := applyVMDifferences(srcPath, tests, vmDifferences); err != nil {
		return nil, err
	}
	header := comment(fmt.Sprintf("Code generated by go generate ./alerts from %s, the promtool form of these tests. DO NOT EDIT.", srcPath)) +
		comment(fmt.Sprintf("The same unit tests for VictoriaMetrics; run: vmalert-tool unittest --files=alerts/%s/*.test.yml", VMAlertTestDir))
	doc.HeadComment = strings.TrimSuffix(header, "\n")
	if c := top.HeadComment; c != "" {
		// The promtool file's own opening comment stays below ours.
		top.HeadComment = ""
		doc.HeadComment += "\n\n" + c
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// alertGroups maps each alert of the rule files a test file names (paths
// relative to tests/) to its rule group, reading the rule files from their
// generators.
func alertGroups(ruleFilesNode *yaml.Node, o Options) (map[string]string, error) {
	groupOf := map[string]string{}
	for _, rf := range ruleFilesNode.Content {
		name := path.Base(rf.Value)
		var gf *GeneratedFile
		for _, f := range RuleFiles() {
			if f.Path == name {
				gf = &f
			}
		}
		if gf == nil || path.Join("tests", rf.Value) != name {
			return nil, fmt.Errorf("rule file %s is not a generated rule file of alerts/", rf.Value)
		}
		var b bytes.Buffer
		if err := gf.Render(&b, o); err != nil {
			return nil, err
		}
		var parsed ruleFile
		if err := yaml.Unmarshal(b.Bytes(), &parsed); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, g := range parsed.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" {
					continue
				}
				if other, ok := groupOf[r.Alert]; ok && other != g.Name {
					return nil, fmt.Errorf("alert %s is in groups %s and %s: an alert test cannot name one", r.Alert, other, g.Name)
				}
				groupOf[r.Alert] = g.Name
			}
		}
	}
	return groupOf, nil
}

// nameGroup adds groupname after the alertname of an alert test.
func nameGroup(test *yaml.Node, groupOf map[string]string) error {
	for i := 0; i+1 < len(test.Content); i += 2 {
		if test.Content[i].Value != "alertname" {
			continue
		}
		alert := test.Content[i+1].Value
		g, ok := groupOf[alert]
		if !ok {
			return fmt.Errorf("alert %s is in none of the rule files", alert)
		}
		kv := []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: "groupname"},
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: g},
		}
		test.Content = slices.Insert(test.Content, i+2, kv...)
		return nil
	}
	return fmt.Errorf("an alert test without alertname")
}

// onlyKeys fails when mapping m has a key vmalert-tool would refuse.
func onlyKeys(m *yaml.Node, allowed []string, where string) error {
	if m.Kind != yaml.MappingNode {
		return fmt.Errorf("%s: not a mapping", where)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !slices.Contains(allowed, m.Content[i].Value) {
			return fmt.Errorf("%s: vmalert-tool knows no %q (it knows %s)", where, m.Content[i].Value, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// scalarValue is the value of key in mapping m, or "".
func scalarValue(m *yaml.Node, key string) string {
	if v := mappingValue(m, key); v != nil {
		return v.Value
	}
	return ""
}

// relPath is target relative to the directory dir, both slash paths
// relative to alerts/.
func relPath(dir, target string) (string, error) {
	d := strings.Split(path.Clean(dir), "/")
	tp := strings.Split(path.Clean(target), "/")
	n := 0
	for n < len(d) && n < len(tp) && d[n] == tp[n] {
		n++
	}
	for _, s := range d[n:] {
		if s == ".." {
			return "", fmt.Errorf("cannot make %s relative to %s", target, dir)
		}
	}
	return strings.Repeat("../", len(d)-n) + strings.Join(tp[n:], "/"), nil
}

// A vmDifference is an expectation of a promtool test that VictoriaMetrics
// does not meet because it computes the value otherwise, where no rule
// form computes it alike on both: the vmalert-tool form expects
// VictoriaMetrics' answer instead and says why above it, so that the
// difference is tested on both (promtool holds Prometheus to its answer,
// vmalert-tool VictoriaMetrics to its own). docs/victoriametrics.md
// explains each cause and its effect.
type vmDifference struct {
	file string // the promtool test file, relative to alerts/
	test string // the test's name
	// expr names a metricsql_expr_test (promql_expr_test in promtool's
	// form), alert an alert_rule_test; evalTime is the test's eval_time.
	expr, alert, evalTime string
	// want is VictoriaMetrics' answer in the test file's YAML: the
	// exp_samples of an expression, the exp_alerts of an alert.
	want  string
	cause vmCause
}

// vmCause is why VictoriaMetrics answers otherwise: its name is a heading
// of docs/victoriametrics.md.
type vmCause struct{ name, why string }

// vmDifferences are every expectation the vmalert-tool forms change.
var vmDifferences []vmDifference

// applyVMDifferences replaces the expectations of the tests of srcPath
// that diffs name. Each must name exactly one expectation and change it:
// one that matches nothing or changes nothing is stale.
func applyVMDifferences(srcPath string, tests *yaml.Node, diffs []vmDifference) error {
	for _, d := range diffs {
		if d.file != srcPath {
			continue
		}
		seqKey, idKey, id, wantKey := "metricsql_expr_test", "expr", d.expr, "exp_samples"
		if d.alert != "" {
			seqKey, idKey, id, wantKey = "alert_rule_test", "alertname", d.alert, "exp_alerts"
		}
		var matched []*yaml.Node
		for _, tg := range tests.Content {
			if scalarValue(tg, "name") != d.test {
				continue
			}
			if seq := mappingValue(tg, seqKey); seq != nil {
				for _, c := range seq.Content {
					if scalarValue(c, idKey) == id && scalarValue(c, "eval_time") == d.evalTime {
						matched = append(matched, c)
					}
				}
			}
		}
		where := fmt.Sprintf("VictoriaMetrics difference %q at %s in test %q", id, d.evalTime, d.test)
		if len(matched) != 1 {
			return fmt.Errorf("%s: matches %d expectations, want 1", where, len(matched))
		}
		var want yaml.Node
		if err := yaml.Unmarshal([]byte(d.want), &want); err != nil || len(want.Content) != 1 || want.Content[0].Kind != yaml.SequenceNode {
			return fmt.Errorf("%s: want is not a YAML sequence: %v", where, err)
		}
		var old, repl any
		if err := mappingValue(matched[0], wantKey).Decode(&old); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if err := want.Content[0].Decode(&repl); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if reflect.DeepEqual(old, repl) {
			return fmt.Errorf("%s: VictoriaMetrics' answer is Prometheus', so it is no difference", where)
		}
		for i := 0; i+1 < len(matched[0].Content); i += 2 {
			if matched[0].Content[i].Value == wantKey {
				matched[0].Content[i+1] = want.Content[0]
			}
		}
		note := strings.TrimSuffix(comment(fmt.Sprintf("VictoriaMetrics answers otherwise than Prometheus here (%s, docs/victoriametrics.md): %s", d.cause.name, d.cause.why)), "\n")
		if c := matched[0].HeadComment; c != "" {
			note = c + "\n" + note
		}
		matched[0].HeadComment = note
	}
	return nil
}
