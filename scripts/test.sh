#!/usr/bin/env bash
# Runs every test: unit, fixture, end-to-end (net-snmp, Prometheus,
# Alertmanager) and the generated-file staleness checks. Installs the Debian
# packages the end-to-end tests need when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v snmptrap >/dev/null 2>&1 || missing+=(snmp)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "Installing ${missing[*]} for the end-to-end tests"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi
go vet ./...
# The packages with concurrency of their own, under the race detector.
go test -race -count=1 ./collector ./config ./sender ./mib
go test -count=1 ./...
