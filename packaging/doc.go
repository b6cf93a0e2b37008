// Package packaging holds what turns a build into something a user installs,
// and its tests: nfpm.yaml (the .deb and .rpm), the maintainer scripts in
// deb/ and rpm/, Debian's copyright and lintian overrides. scripts/release.sh
// uses them; the tests here run that script and check its archives, SBOMs
// and packages with real tools: tar, go version -m, lintian, dpkg (install,
// upgrade, remove, purge, as root), rpm, and podman for the Containerfile.
// There is no Go code to import.
package packaging
