#!/usr/bin/env bash
# Builds promtool and prometheus 3.x from the Go module
# github.com/prometheus/prometheus, so that the rule tests and the alert
# end-to-end test also run against Prometheus 3 (Debian ships 2.x). Prints
# the directory holding both binaries.
#
# The build happens in a temporary module directory with `go install
# pkg@version`, so this project's go.mod never requires Prometheus. It is
# cached per version under ${XDG_CACHE_HOME:-~/.cache}/ipsec_trap_exporter/:
# the first run takes several minutes, later runs none.
#
#   scripts/prometheus3.sh         build if needed, print the directory
#   scripts/prometheus3.sh --dir   print the directory only (the Go tests use
#                                  this to find a build scripts/test.sh made)
#
# The module's v0.3XX.Y is Prometheus 3.XX.Y. The binaries are built without
# the builtinassets tag: that tag embeds the web UI, which the module does not
# contain (it is built with npm in Prometheus' own release process). Without
# it the API, rule evaluation and /-/ready work and the UI pages answer 404,
# which the tests do not use.
set -euo pipefail

module_version=${PROMETHEUS3_MODULE_VERSION:-v0.316.0}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ipsec_trap_exporter/prometheus-$module_version

if [ "${1:-}" = "--dir" ]; then
  echo "$cache"
  exit 0
fi
if [ -x "$cache/promtool" ] && [ -x "$cache/prometheus" ]; then
  echo "$cache"
  exit 0
fi

# v0.316.0 -> 3.16.0, for --version and the test names.
minor=${module_version#v0.}
minor=${minor%%.*}
patch=${module_version##*.}
release="3.$((minor - 300)).$patch"

echo "Building Prometheus $release (module $module_version) into $cache; this takes a few minutes once" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pkg=github.com/prometheus/common/version
(
  cd "$tmp"
  GOBIN="$tmp/bin" GOFLAGS=-buildvcs=false go install \
    -ldflags "-s -w -X $pkg.Version=$release -X $pkg.Revision=$module_version -X $pkg.Branch=module" \
    "github.com/prometheus/prometheus/cmd/prometheus@$module_version" \
    "github.com/prometheus/prometheus/cmd/promtool@$module_version"
) >&2
# Move into place only once both are built, so an interrupted build is
# never taken for a finished one.
mkdir -p "$cache"
mv "$tmp/bin/prometheus" "$tmp/bin/promtool" "$cache/"
echo "$cache"
