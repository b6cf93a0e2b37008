// Command gen writes THIRD_PARTY_LICENSES at the module root for the release
// platforms (go generate ./internal/licenses). With -check it writes nothing
// and fails unless the checked-in file is what it would write and covers
// every module the -platforms compile in (scripts/release.sh runs it so for
// the platforms it builds).
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
	check := flag.Bool("check", false, "only check that the file is up to date and covers -platforms")
	platformList := flag.String("platforms", "", "with -check: GOOS/GOARCH list, space-separated, the file must cover")
	flag.Parse()

	var b bytes.Buffer
	if err := licenses.Generate(&b, *root, licenses.ReleasePlatforms); err != nil {
		fail(err)
	}
	path := filepath.Join(*root, licenses.File)
	if !*check {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			fail(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		fail(fmt.Errorf("%s is stale: run go generate ./internal/licenses and commit it", path))
	}
	var platforms []licenses.Platform
	for _, s := range strings.Fields(*platformList) {
		p, err := licenses.ParsePlatform(s)
		if err != nil {
			fail(err)
		}
		platforms = append(platforms, p)
	}
	if err := licenses.Covers(got, *root, platforms); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "licenses:", err)
	os.Exit(1)
}
