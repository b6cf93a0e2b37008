//go:build ignore

// Command slo-bench is the tool of scripts/slo-bench.sh, which measures the
// cost of the SLO rule groups in a real Prometheus (docs/benchmarks.md). It
// is built by that script in a module of its own, so that this project's
// go.mod never requires Prometheus.
//
//	slo-bench generate -dir DIR -end UNIX ...   synthetic exporter series and the records' history, as TSDB blocks
//	slo-bench serve -final FILE -listen ADDR    the series' last values, as a scrape target
//	slo-bench compare -url URL -rules FILE -end UNIX ...   each window's SLIs from the records and from raw series
//	slo-bench evaltime -url URL -n N GROUP...   evaluation times and cost of rule groups
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "generate":
		err = generate(os.Args[2:])
	case "serve":
		err = serve(os.Args[2:])
	case "compare":
		err = compare(os.Args[2:])
	case "evaltime":
		err = evaltime(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "slo-bench:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: slo-bench generate|serve|compare|evaltime ...")
	os.Exit(2)
}
