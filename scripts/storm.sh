#!/usr/bin/env bash
# Trap-storm load run: sends the same storm (default 1,000,000 v2c traps at
# 100,000/s across 1,000 peers) to the exporter and to net-snmp's snmptrapd
# on this machine, and prints both side by side: sent, counted, lost, peak
# RSS, CPU seconds. See docs/benchmarks.md for results.
#
#   scripts/storm.sh [COUNT] [RATE] [RUNS]
#
# PEERS (default 1000) spreads the traps over that many peers, so many
# failure series; EXPORTER_FLAGS adds exporter flags (for example
# --storage.path= to run without a state directory).
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-1000000}
rate=${2:-100000}
runs=${3:-1}
# Free ports unless given: a fixed port may belong to someone else's
# exporter, which would then receive the storm.
free_port() { # free_port udp|tcp
  python3 -c 'import socket,sys;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])' "$1"
}
trap_port=${TRAP_PORT:-$(free_port udp)}
web_port=${WEB_PORT:-$(free_port tcp)}
snmptrapd_port=${SNMPTRAPD_PORT:-$(free_port udp)}
peers=${PEERS:-1000}
read -r -a exporter_flags <<<"${EXPORTER_FLAGS:-}"

if ! command -v snmptrapd >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq snmptrapd >/dev/null
fi

work=$(mktemp -d)
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
pids=()
trap cleanup EXIT
go build -o "$work/ipsec_trap_exporter" .
bin=$work/ipsec_trap_exporter
storage_flag=(--storage.path="$work/data")
[[ " ${exporter_flags[*]} " == *" --storage.path="* ]] && storage_flag=()

ticks=$(getconf CLK_TCK)
peak_rss_mib() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
cpu_seconds() { awk -v t="$ticks" '{printf "%.2f", ($14+$15)/t}' "/proc/$1/stat"; }
# settle CMD: wait until CMD's output stops changing (the receiver caught up).
settle() {
  local last="" now
  while :; do
    sleep 1
    now=$("$@")
    [ "$now" = "$last" ] && break
    last=$now
  done
  echo "$now"
}
exporter_counted() {
  curl -s "http://127.0.0.1:$web_port/metrics" |
    awk '/^ipsec_negotiation_failures_total/ {s += $NF} END {printf "%d", s}'
}
exporter_drop() {
  curl -s "http://127.0.0.1:$web_port/metrics" |
    awk -v r="$1" 'index($0, "ipsec_trap_packets_dropped_total{reason=\"" r "\"}") == 1 {printf "%d", $NF}'
}

printf '%-4s %-10s %9s %9s %8s %7s %15s %10s %9s %8s\n' run receiver sent counted lost lost% socket_overflow queue_full peak_RSS CPU_s
for run in $(seq 1 "$runs"); do
  # The exporter.
  "$bin" --trap.listen-address="127.0.0.1:$trap_port" --web.listen-address="127.0.0.1:$web_port" \
    --config.file=/dev/null --log.level=warn "${storage_flag[@]}" "${exporter_flags[@]}" 2>"$work/exporter.log" &
  pid=$!; pids+=("$pid")
  until curl -sf "http://127.0.0.1:$web_port/-/ready" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "exporter did not start:"; cat "$work/exporter.log"; exit 1; }
    sleep 0.1
  done
  "$bin" send --target "127.0.0.1:$trap_port" --count "$count" --rate "$rate" --peers "$peers" --peer 10.0.0.1 >"$work/send.log"
  counted=$(settle exporter_counted)
  overflow=$(exporter_drop socket_overflow)
  queue_full=$(exporter_drop queue_full)
  lost=$((count - counted))
  printf '%-4s %-10s %9d %9d %8d %6.2f%% %15s %10s %6sMiB %8s\n' "$run" exporter "$count" "$counted" "$lost" \
    "$(awk -v l="$lost" -v c="$count" 'BEGIN {print 100*l/c}')" "$overflow" "$queue_full" "$(peak_rss_mib "$pid")" "$(cpu_seconds "$pid")"
  curl -s "http://127.0.0.1:$web_port/metrics" | awk '
    /^ipsec_trap_exporter_state_writes_total/ {w = $NF}
    /^ipsec_trap_exporter_state_size_bytes/ {b = $NF}
    END {printf "     state file: %d writes so far (one at start), %d bytes each\n", w, b}'
  kill "$pid"; wait "$pid" 2>/dev/null || true

  # snmptrapd, numeric output, one short line per trap.
  printf 'disableAuthorization yes\n' >"$work/snmptrapd.conf"
  : >"$work/traps.log"
  snmptrapd -f -C -c "$work/snmptrapd.conf" -On -Lf "$work/traps.log" -F 'trap\n' \
    "udp:127.0.0.1:$snmptrapd_port" 2>"$work/snmptrapd.err" &
  pid=$!; pids+=("$pid")
  until grep -q "NET-SNMP version" "$work/traps.log" 2>/dev/null; do sleep 0.1; done
  "$bin" send --target "127.0.0.1:$snmptrapd_port" --count "$count" --rate "$rate" --peers "$peers" --peer 10.0.0.1 >"$work/send.log"
  counted=$(settle sh -c "grep -c '^trap$' '$work/traps.log' || true")
  lost=$((count - counted))
  printf '%-4s %-10s %9d %9d %8d %6.2f%% %15s %10s %6sMiB %8s\n' "$run" snmptrapd "$count" "$counted" "$lost" \
    "$(awk -v l="$lost" -v c="$count" 'BEGIN {print 100*l/c}')" "-" "-" "$(peak_rss_mib "$pid")" "$(cpu_seconds "$pid")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
