#!/usr/bin/env bash
# Builds sloth (github.com/slok/sloth, the SLO rule generator) from its Go
# module at a pinned version, so that a test can run `sloth validate` on the
# Sloth spec that go generate ./alerts writes (alerts/ipsec_slo.sloth.yml).
# Prints the path of the binary.
#
# The build happens in a temporary module directory with `go install
# pkg@version`, so this project's go.mod never requires sloth. It is cached
# per version under ${XDG_CACHE_HOME:-~/.cache}/ipsec_trap_exporter/, as
# scripts/prometheus3.sh caches Prometheus 3: the first run takes a minute or
# two, later runs none.
#
#   scripts/sloth.sh          build if needed, print the binary's path
#   scripts/sloth.sh --path   print the path only (the Go tests use this to
#                             find a build scripts/test.sh made)
set -euo pipefail

version=${SLOTH_VERSION:-v0.16.0}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ipsec_trap_exporter/sloth-$version

if [ "${1:-}" = "--path" ]; then
  echo "$cache/sloth"
  exit 0
fi
if [ -x "$cache/sloth" ]; then
  echo "$cache/sloth"
  exit 0
fi

echo "Building sloth $version into $cache; this takes a minute or two once" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(
  cd "$tmp"
  GOBIN="$tmp/bin" GOFLAGS=-buildvcs=false go install \
    -ldflags "-s -w -X github.com/slok/sloth/internal/info.Version=$version" \
    "github.com/slok/sloth/cmd/sloth@$version"
) >&2
# Move into place only once built, so an interrupted build is never taken
# for a finished one.
mkdir -p "$cache"
mv "$tmp/bin/sloth" "$cache/"
echo "$cache/sloth"
