// Command gen writes THIRD_PARTY_LICENSES at the module root (go generate
// ./internal/licenses), or with -check says whether the checked-in file is
// what it would write for the given platforms (scripts/release.sh runs it so
// for the platforms it builds).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/licenses"
)

func main() {
	root := flag.String("root", "../..", "module root, where the file is")
	check := flag.Bool("check", false, "only check that the file is up to date")
	platformList := flag.String("platforms", "", "GOOS/GOARCH list, space-separated (default: the release platforms)")
	flag.Parse()

	platforms := licenses.ReleasePlatforms
	if *platformList != "" {
		platforms = nil
		for _, s := range strings.Fields(*platformList) {
			p, err := licenses.ParsePlatform(s)
			if err != nil {
				fail(err)
			}
			platforms = append(platforms, p)
		}
	}
	var b bytes.Buffer
	if err := licenses.Generate(&b, *root, platforms); err != nil {
		fail(err)
	}
	path := filepath.Join(*root, licenses.File)
	if *check {
		got, err := os.ReadFile(path)
		if err != nil {
			fail(err)
		}
		if !bytes.Equal(got, b.Bytes()) {
			fail(fmt.Errorf("%s is stale for %s: run go generate ./internal/licenses and commit it", path, *platformList))
		}
		return
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "licenses:", err)
	os.Exit(1)
}
