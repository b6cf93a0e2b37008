#!/usr/bin/env bash
# gofmt, go vet and staticcheck: `make lint`, and the first step of
# scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# staticcheck runs at a pinned version straight from the Go module proxy,
# so it is no dependency of this module; bump it here. The first run
# downloads and builds it (seconds), later runs use the Go build cache.
staticcheck_version=v0.8.2

unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi
go vet ./...
go run "honnef.co/go/tools/cmd/staticcheck@$staticcheck_version" ./...
