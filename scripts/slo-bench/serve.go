//go:build ignore

package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
)

// serve exposes the series' last values, so that Prometheus keeps
// scraping them after the generated history: the live rules see series
// that go on, as an exporter's do.
func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	final := fs.String("final", "", "exposition written by generate -final")
	listen := fs.String("listen", "127.0.0.1:0", "address")
	fs.Parse(args)
	body, err := os.ReadFile(*final)
	if err != nil {
		return err
	}
	http.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		w.Write(body)
	})
	fmt.Fprintf(os.Stderr, "serve: %d bytes on %s\n", len(body), *listen)
	return http.ListenAndServe(*listen, nil)
}
