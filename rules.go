package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/version"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/dashboards"
)

// rulesOptions are the flags of the rules sub-command.
type rulesOptions struct {
	runbookURL string
	outputDir  string
}

// addRulesFlags declares the rules sub-command: the shipped rule files and
// dashboards, generated again with the user's runbook URL, from the binary
// alone (no Go toolchain, no repository checkout).
func addRulesFlags(cmd *kingpin.CmdClause) *rulesOptions {
	o := &rulesOptions{}
	cmd.Flag("runbook-url", "Page the runbook_url annotations and dashboard runbook links point at; each link appends #anchor, an anchor of docs/runbook.md. The default is the runbook page of an exporter on this host.").
		Default(alerts.DefaultRunbookURL).StringVar(&o.runbookURL)
	cmd.Flag("output-dir", "Write rules/*.rules.yml, dashboards/*.json and runbook.md under this directory instead of printing the rules as one rule file.").
		StringVar(&o.outputDir)
	return o
}

// writeRules prints every rule file as one rule file to out, or writes the
// rule files, the dashboards and the runbook under o.outputDir.
func writeRules(o *rulesOptions, out io.Writer) error {
	opts := alerts.Options{RunbookURL: o.runbookURL}
	if err := opts.Validate(); err != nil {
		return err
	}
	if o.outputDir == "" {
		v := version.Version
		if v == "" {
			v = "(development build)"
		}
		header := fmt.Sprintf("The rules of ipsec_trap_exporter %s as one Prometheus rule file, written by: ipsec_trap_exporter rules --runbook-url=%s",
			v, o.runbookURL)
		return alerts.RenderRulesBundle(out, opts, header)
	}

	files := map[string][]byte{}
	for _, f := range alerts.RuleFiles() {
		var b bytes.Buffer
		if err := f.Render(&b, opts); err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		files[filepath.Join("rules", filepath.Base(f.Path))] = b.Bytes()
	}
	for _, d := range dashboards.All(o.runbookURL) {
		b, err := dashboards.Marshal(d)
		if err != nil {
			return err
		}
		files[filepath.Join("dashboards", d.File)] = b
	}
	var runbook bytes.Buffer
	if err := alerts.RenderRunbook(&runbook); err != nil {
		return err
	}
	files["runbook.md"] = runbook.Bytes()

	for name, b := range files {
		path := filepath.Join(o.outputDir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "wrote %d files under %s: rules/ for Prometheus' rule_files, dashboards/ for Grafana, runbook.md for %s\n",
		len(files), o.outputDir, o.runbookURL)
	return nil
}
