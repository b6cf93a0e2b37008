package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
)

// TestReferenceIsCurrent fails when the flag or metrics reference in docs/
// is not what go generate . writes from the command line and metricdef.
func TestReferenceIsCurrent(t *testing.T) {
	for _, p := range referenceParts() {
		b, err := os.ReadFile(filepath.Join("docs", p.file))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := part(string(b), p.name), p.render(); got != want {
			t.Errorf("docs/%s: the generated %s are stale; run go generate .", p.file, p.name)
		}
	}
}

// TestReferenceCoversEverything: every flag and every family is in the
// reference, so that the generator cannot leave one out quietly.
func TestReferenceCoversEverything(t *testing.T) {
	flags := flagReference(newCLI().app.Model())
	for _, f := range newCLI().app.Model().Flags {
		if !f.Hidden && f.Name != "help" && f.Name != "version" && !strings.Contains(flags, f.Name+"` |") {
			t.Errorf("the flag reference lacks --%s", f.Name)
		}
	}
	metrics := metricReference()
	for _, f := range metricdef.All() {
		if !strings.Contains(metrics, "`"+f.Name+"`") {
			t.Errorf("the metrics reference lacks %s", f.Name)
		}
	}
	if strings.Contains(flags, "reference") {
		t.Error("the hidden reference command is in the flag reference")
	}
}

func TestReplacePart(t *testing.T) {
	begin, end := markers("x")
	doc := "head\n" + begin + "\nold\n" + end + "\ntail\n"
	got, err := replacePart(doc, "x", "new\n")
	if err != nil || got != "head\n"+begin+"\nnew\n"+end+"\ntail\n" {
		t.Errorf("replacePart = %q, %v", got, err)
	}
	if _, err := replacePart("no markers", "x", ""); err == nil {
		t.Error("a document without markers was accepted")
	}
}
