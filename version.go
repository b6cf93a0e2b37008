package main

import (
	"runtime/debug"

	"github.com/prometheus/common/version"
)

// stampVersion fills the version fields that a release build sets with
// -ldflags (see the Makefile) from what the Go toolchain records in every
// binary, so that a plain `go build` or `go install …@v1.2.3` still says
// what it is: the module version (a tag, or a pseudo-version made from the
// commit), and the commit time. prometheus/common/version already reads the
// revision (with "-modified" for a dirty tree) the same way. A build with
// -buildvcs=false records no commit: the version then reads "(devel)" and
// the revision "unknown".
func stampVersion() {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	applyBuildInfo(info)
}

func applyBuildInfo(info *debug.BuildInfo) {
	if version.Version == "" && info.Main.Version != "" {
		version.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.time" && version.BuildDate == "" {
			version.BuildDate = s.Value
		}
	}
}
