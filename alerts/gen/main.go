// Command gen writes the files of alerts/ and docs/ that derive from the
// reason catalogue. It runs from alerts/ (go generate ./alerts).
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
)

func main() {
	for _, f := range alerts.Generated {
		var b bytes.Buffer
		if err := f.Render(&b, alerts.DefaultOptions()); err != nil {
			fail(f.Path, err)
		}
		path := filepath.FromSlash(f.Path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fail(f.Path, err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			fail(f.Path, err)
		}
	}
}

func fail(path string, err error) {
	fmt.Fprintf(os.Stderr, "gen: %s: %v\n", path, err)
	os.Exit(1)
}
