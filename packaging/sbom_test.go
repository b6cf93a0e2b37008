package packaging

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/licenses"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

type cycloneDX struct {
	BOMFormat   string `json:"bomFormat"`
	SpecVersion string `json:"specVersion"`
	Metadata    struct {
		Component component `json:"component"`
	} `json:"metadata"`
	Components []component `json:"components"`
}

type component struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	PURL    string `json:"purl"`
}

// goVersionM is what the Go toolchain records in a binary: its Go version
// and the modules compiled in (path version), read with `go version -m`,
// independently of the release script and the licence generator.
func goVersionM(t *testing.T, bin string) (goVersion string, modules []string) {
	t.Helper()
	out, err := testenv.Run(time.Minute, "go", "version", "-m", bin)
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, out)
	}
	first, rest, _ := strings.Cut(out, "\n")
	_, goVersion, _ = strings.Cut(first, ": ")
	sc := bufio.NewScanner(strings.NewReader(rest))
	for sc.Scan() {
		f := strings.Split(strings.TrimSpace(sc.Text()), "\t")
		switch {
		case f[0] == "dep" && len(f) >= 3:
			modules = append(modules, f[1]+" "+f[2])
		case f[0] == "=>" && len(f) >= 3 && len(modules) > 0: // replaced: the version built
			last := &modules[len(modules)-1]
			*last = strings.Fields(*last)[0] + " " + f[2]
		}
	}
	slices.Sort(modules)
	return goVersion, modules
}

// listedModules are the modules THIRD_PARTY_LICENSES lists at its top.
func listedModules(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), licenses.File))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^  (\S+) (v\S+) \(`).FindAllStringSubmatch(string(b), -1) {
		out = append(out, m[1]+" "+m[2])
	}
	return out
}

// Each platform's SBOM is a CycloneDX document of the release's binary: the
// main module at the release's tag, and as components exactly the modules
// the Go toolchain recorded in that binary, for that platform, plus the
// standard library of the Go that built it. Every one of those modules has
// its licence in THIRD_PARTY_LICENSES: the generator, which reads go.mod,
// and the binary agree.
func TestReleaseSBOMsAndLicencesMatchTheBinaries(t *testing.T) {
	testenv.Need(t)
	r := fullRelease(t)
	listed := listedModules(t)
	if len(listed) < 10 {
		t.Fatalf("THIRD_PARTY_LICENSES lists %d modules", len(listed))
	}
	for _, platform := range r.platforms {
		t.Run(platform, func(t *testing.T) {
			goVersion, modules := goVersionM(t, r.binary(t, platform))
			if len(modules) < 10 || goVersion == "" {
				t.Fatalf("go version -m: go %q, modules %v", goVersion, modules)
			}
			for _, m := range modules {
				if !slices.Contains(listed, m) {
					t.Errorf("%s is compiled in but has no licence in THIRD_PARTY_LICENSES", m)
				}
			}

			b, err := os.ReadFile(r.sbom(platform))
			if err != nil {
				t.Fatal(err)
			}
			var bom cycloneDX
			if err := json.Unmarshal(b, &bom); err != nil {
				t.Fatal(err)
			}
			main := bom.Metadata.Component
			if bom.BOMFormat != "CycloneDX" || bom.SpecVersion == "" ||
				main.Name != "github.com/ipsec-trap-exporter/ipsec_trap_exporter" || main.Version != r.tag {
				t.Errorf("SBOM: %s %s of %s %s, want CycloneDX of the module at %s", bom.BOMFormat, bom.SpecVersion, main.Name, main.Version, r.tag)
			}
			goos, goarch, _ := strings.Cut(platform, "/")
			var got []string
			std := false
			for _, c := range bom.Components {
				if c.Name == "std" {
					std = c.Version == goVersion
					continue
				}
				got = append(got, c.Name+" "+c.Version)
				if !strings.Contains(c.PURL, "goos="+goos) || !strings.Contains(c.PURL, "goarch="+goarch) {
					t.Errorf("%s: purl %s is not for %s", c.Name, c.PURL, platform)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, modules) {
				t.Errorf("SBOM components\n%s\nthe binary's modules\n%s", strings.Join(got, "\n"), strings.Join(modules, "\n"))
			}
			if !std {
				t.Errorf("SBOM has no std component of %s", goVersion)
			}
		})
	}
}
