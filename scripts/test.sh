#!/usr/bin/env bash
# Runs every test: lint (gofmt, go vet, staticcheck), unit, fixture,
# end-to-end (net-snmp, pysnmp and npm net-snmp as senders, util-linux
# logger, rsyslog over TLS, openssl s_client, Prometheus 2.x and 3.x,
# VictoriaMetrics, Alertmanager, headless Chromium, the C++ jsonnet,
# sloth), the release (scripts/release.sh, lintian, dpkg install and
# purge, rpm, podman) and the generated-file staleness checks. Installs the Debian packages and the npm
# packages the end-to-end tests need when they are missing, and builds
# Prometheus 3, sloth and VictoriaMetrics once (scripts/prometheus3.sh,
# scripts/sloth.sh, scripts/victoriametrics.sh).
# `go test -short ./...` is the fast loop: unit and fixture tests only.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v snmptrap >/dev/null 2>&1 || missing+=(snmp)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
# systemd-analyze verify and systemd-sysusers check the example unit; they
# work without systemd running as PID 1.
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
# pysnmp 4.4 for Debian's own python3, which the tests run by its path.
/usr/bin/python3 -c 'import pysnmp.hlapi' >/dev/null 2>&1 || missing+=(python3-pysnmp4)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v logger >/dev/null 2>&1 || missing+=(bsdutils) # util-linux logger(1), the syslog sender
# rsyslog with its GnuTLS driver (the TLS relay) and openssl s_client: the
# syslog-over-TLS senders.
command -v rsyslogd >/dev/null 2>&1 || missing+=(rsyslog)
dpkg -s rsyslog-gnutls >/dev/null 2>&1 || missing+=(rsyslog-gnutls)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# The C++ jsonnet, which the mixin must evaluate in as it does in go-jsonnet.
command -v jsonnet >/dev/null 2>&1 || missing+=(jsonnet)
# The release tests (packaging/): lintian on the .deb, rpm to read the .rpm,
# podman with runc to build and run the image (netavark and iptables give
# its containers a network and published ports). dpkg and setpriv are part
# of every Debian system.
command -v lintian >/dev/null 2>&1 || missing+=(lintian)
command -v rpm >/dev/null 2>&1 || missing+=(rpm)
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
[ -x /usr/lib/podman/netavark ] || missing+=(netavark)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "Installing ${missing[*]} for the end-to-end tests"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm net-snmp, at the versions of the committed lock file.
senders=internal/testenv/senders
if [ ! -d "$senders/node_modules" ]; then
  echo "Installing the npm test senders in $senders"
  (cd "$senders" && npm ci --no-audit --no-fund --loglevel=error)
fi

./scripts/lint.sh

# Prometheus 3, built from its Go module and cached (minutes the first time,
# nothing after): the rule tests, the alert end-to-end test and the
# /metrics lint run on Debian's 2.x and on 3.x.
prometheus3=$(./scripts/prometheus3.sh)
export PROMTOOL3=$prometheus3/promtool PROMETHEUS3=$prometheus3/prometheus

# Sloth, built from its Go module at a pinned version and cached the same
# way: the Sloth spec of alerts/ is checked with sloth validate.
SLOTH=$(./scripts/sloth.sh)
export SLOTH

# VictoriaMetrics (single node, vmalert, vmalert-tool), built from its Go
# module and cached the same way: the rule unit tests also run in
# vmalert-tool, and the alert end-to-end tests also on VictoriaMetrics.
VICTORIAMETRICS_DIR=$(./scripts/victoriametrics.sh)
export VICTORIAMETRICS_DIR

# The packages with concurrency of their own, under the race detector: web
# (the pages read the pipeline while events arrive, the drop sampler) and
# the root package (the exporter's wiring) included.
go test -race -count=1 . ./web ./pipeline ./trapin ./internal/udpsock ./metricdef ./config ./sender ./mib ./state ./syslogin
# Each package's end-to-end tests run on Prometheus 2, 3 and VictoriaMetrics:
# the alerts package alone takes over 10 minutes on two cores, past go
# test's default timeout.
go test -count=1 -timeout 60m ./...
