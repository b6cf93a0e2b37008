// Command gen writes the Grafana dashboards of package dashboards as JSON
// files. It runs from `go generate ./dashboards`, in that directory.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/dashboards"
)

func main() {
	out := flag.String("out", ".", "directory to write the dashboards to")
	flag.Parse()
	for _, d := range dashboards.All(alerts.DefaultRunbookURL) {
		b, err := dashboards.Marshal(d)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := os.WriteFile(filepath.Join(*out, d.File), b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
