#!/usr/bin/env bash
# Soak run: the exporter's binary for DURATION (default 60m) under every
# kind of traffic it takes (v1, v2c with bursts, v3 authPriv traps and
# informs from net-snmp and pysnmp, syslog over UDP, TCP and TLS, tunnels
# going up and down), a reload every 30 s (some broken on purpose), a
# SIGTERM every 5 minutes, a kill -9 every 10, and one full state disk,
# while Prometheus scrapes it every 5 s. At the end an oracle compares what
# was sent with what Prometheus recorded, and the exporter's memory,
# goroutines, descriptors, state file and /metrics latency are checked for
# growth. The test is e2e/soak (TestSoak); the full suite runs its
# three-minute form. See docs/benchmarks.md for results.
#
#   scripts/soak.sh [DURATION] [REPORT]
#
# DURATION is a Go duration (60m, 20m, 3m); the report (Markdown) goes to
# REPORT, default soak-report.md in the current directory. Run it as root
# for the full disk to be a real one (a small tmpfs filled up); otherwise
# the state directory is made read-only instead. Needs what the end-to-end
# tests need (scripts/test.sh installs it): net-snmp, pysnmp, util-linux
# logger, openssl and Prometheus.
set -euo pipefail
duration=${1:-60m}
report=$(realpath -m "${2:-soak-report.md}")
cd "$(dirname "$0")/.."

# go test's own timeout: the run, plus start, the oracle and slack.
minutes=$(python3 -c 'import re,sys
d=sys.argv[1]; parts=re.findall(r"([0-9.]+)(h|m|s)", d)
if not parts or "".join(a+b for a,b in parts)!=d: sys.exit("DURATION: want a Go duration such as 60m or 1h30m, got "+d)
print(int(sum(float(a)*{"h":60,"m":1,"s":1/60}[b] for a,b in parts))+1)' "$duration")
timeout="$((minutes + 15))m"
echo "soak: $duration of traffic (go test timeout $timeout); load: $(cut -d' ' -f1-3 /proc/loadavg)"
go test ./e2e/soak -run '^TestSoak$' -count=1 -v -timeout "$timeout" \
  -soak.duration="$duration" -soak.report="$report"
echo "soak: report in $report"
