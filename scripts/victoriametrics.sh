#!/usr/bin/env bash
# Builds the VictoriaMetrics single node (victoria-metrics), vmalert and
# vmalert-tool from the Go module github.com/VictoriaMetrics/VictoriaMetrics,
# so that the rule tests and the alert end-to-end tests also run on
# VictoriaMetrics, which many operators run instead of Prometheus. Prints the
# directory holding the three binaries.
#
# The build happens in a temporary module directory with `go install
# pkg@version` and CGO off, so this project's go.mod never requires
# VictoriaMetrics. It is cached per version under
# ${XDG_CACHE_HOME:-~/.cache}/ipsec_trap_exporter/, as scripts/prometheus3.sh
# caches Prometheus 3: the first run takes several minutes, later runs none.
#
#   scripts/victoriametrics.sh         build if needed, print the directory
#   scripts/victoriametrics.sh --dir   print the directory only (the Go tests
#                                      use this to find a build scripts/test.sh
#                                      made)
set -euo pipefail

version=${VICTORIAMETRICS_VERSION:-v1.151.0}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ipsec_trap_exporter/victoriametrics-$version
apps="victoria-metrics vmalert vmalert-tool"

if [ "${1:-}" = "--dir" ]; then
  echo "$cache"
  exit 0
fi
built=1
for app in $apps; do
  [ -x "$cache/$app" ] || built=0
done
if [ "$built" = 1 ]; then
  echo "$cache"
  exit 0
fi

echo "Building VictoriaMetrics $version ($apps) into $cache; this takes several minutes once" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
module=github.com/VictoriaMetrics/VictoriaMetrics
pkgs=()
for app in $apps; do
  pkgs+=("$module/app/$app@$version")
done
(
  cd "$tmp"
  CGO_ENABLED=0 GOBIN="$tmp/bin" GOFLAGS=-buildvcs=false go install \
    -ldflags "-s -w -X $module/lib/buildinfo.Version=$version" "${pkgs[@]}"
) >&2
# Move into place only once all three are built, so an interrupted build is
# never taken for a finished one.
mkdir -p "$cache"
for app in $apps; do
  mv "$tmp/bin/$app" "$cache/"
done
echo "$cache"
