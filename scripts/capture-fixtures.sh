#!/usr/bin/env bash
# Regenerates trapin/testdata/*.bin: real packets from net-snmp's
# snmptrap/snmpinform, captured on a loopback UDP port. The decode tests and
# the fuzz seed corpus use them. Needs snmptrap (Debian package snmp) and
# python3.
set -euo pipefail
cd "$(dirname "$0")/../trapin/testdata"

port=$(python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
capture() { # capture NAME -- COMMAND...: run COMMAND, save the first datagram it sends
  local name=$1; shift 2
  python3 - "$port" "$name.bin" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(10)
data, _ = s.recvfrom(65535)
open(sys.argv[2], "wb").write(data)
PY
  local pid=$!
  sleep 1
  "$@" >/dev/null 2>&1 || true
  wait "$pid"
  echo "captured $name.bin"
}

T="127.0.0.1:$port"
FW=1.3.6.1.4.1.2011.6.122.26
RT=1.3.6.1.4.1.2011.5.25.224
snmptrap() { command snmptrap -On -M /dev/null "$@"; }
snmpinform() { command snmpinform -On -M /dev/null -t 1 -r 0 "$@"; }
full=( $FW.5.2.0 u 3 $FW.5.1.0 u 10 $FW.5.10.0 s "phase1 proposal mismatch" $FW.5.11.0 u 1
       $FW.5.7.0 s 203.0.113.9 $FW.5.9.0 u 500 $FW.5.13.0 s Public $FW.5.14.0 s GigabitEthernet0/0/1 )

capture v2c_negofail -- snmptrap -v 2c -c public "$T" '' $FW.6.14 "${full[@]}"
capture v1_negofail -- snmptrap -v 1 -c public "$T" $FW.6 10.1.1.1 6 14 '' "${full[@]}"
capture v1_negofail_no_agent -- snmptrap -v 1 -c public "$T" $FW.6 0.0.0.0 6 14 '' $FW.5.11.0 u 6 $FW.5.7.0 s 198.51.100.7
capture v2c_missing_fields -- snmptrap -v 2c -c public "$T" '' $FW.6.14 $FW.5.11.0 u 15
capture v2c_odd_integer_types -- snmptrap -v 2c -c public "$T" '' $FW.6.14 $FW.5.11.0 i 7 $FW.5.9.0 c 4500 $FW.5.7.0 s 203.0.113.10 $FW.5.14.0 s Tunnel1
capture v2c_no_suffix -- snmptrap -v 2c -c public "$T" '' $FW.6.14 $FW.5.11 u 2 $FW.5.7 s 203.0.113.11 $FW.5.14 s GigabitEthernet0/0/2 $FW.5.13 s vsys1
capture v2c_reordered_extra -- snmptrap -v 2c -c public "$T" '' $FW.6.14 $FW.5.14.0 s GigabitEthernet0/0/3 1.3.6.1.2.1.1.5.0 s fw-01 $FW.5.99.0 u 77 $FW.5.7.0 s 203.0.113.12 $FW.5.11.0 u 36 $FW.5.10.0 s "route limit"
capture v2c_unknown_code -- snmptrap -v 2c -c public "$T" '' $FW.6.14 $FW.5.11.0 u 99 $FW.5.7.0 s 203.0.113.13 $FW.5.14.0 s GigabitEthernet0/0/1
capture v2c_proxied -- snmptrap -v 2c -c public "$T" '' $FW.6.14 1.3.6.1.6.3.18.1.3.0 a 192.0.2.50 $FW.5.11.0 u 4 $FW.5.7.0 s 203.0.113.14 $FW.5.14.0 s GigabitEthernet0/0/1
capture v2c_linkdown -- snmptrap -v 2c -c public "$T" '' 1.3.6.1.6.3.1.1.5.3 1.3.6.1.2.1.2.2.1.1.2 i 2
capture v2c_wrong_community -- snmptrap -v 2c -c wrong "$T" '' $FW.6.14 "${full[@]}"
capture v2c_inform -- snmpinform -v 2c -c public "$T" '' $FW.6.14 "${full[@]}"
capture v2c_tunnel_start -- snmptrap -v 2c -c public "$T" '' $FW.6.1 $FW.2.1.1.3.7 u 3 $FW.2.1.2.3.7 u 10 $FW.2.1.5.3.7 s 203.0.113.20 $FW.2.1.7.3.7 u 500 $FW.5.13.0 s Public $FW.5.14.0 s GigabitEthernet0/0/1
capture v2c_tunnel_stop -- snmptrap -v 2c -c public "$T" '' $FW.6.2 $FW.2.1.5.3.7 s 203.0.113.20 $FW.2.1.7.3.7 u 500 $FW.5.12.0 s "dpd timeout" $FW.5.14.0 s GigabitEthernet0/0/1
capture v2c_tunnel_stop_other -- snmptrap -v 2c -c public "$T" '' $FW.6.2 $FW.2.1.5.3.7 s 203.0.113.20 $FW.5.12.0 s "cosmic rays"
capture v2c_tunnel_reach_max -- snmptrap -v 2c -c public "$T" '' $FW.6.9
capture v2c_router_up -- snmptrap -v 2c -c public "$T" '' $RT.2.1.1 $RT.1.19.1.0 s policy1 $RT.1.19.2.0 u 10 $RT.1.19.3.0 s GigabitEthernet0/0/4 $RT.1.19.4.0 a 192.0.2.1 $RT.1.19.5.0 a 198.51.100.30 $RT.1.19.6.0 u 500
capture v2c_router_down -- snmptrap -v 2c -c public "$T" '' $RT.2.1.2 $RT.1.19.3.0 s GigabitEthernet0/0/4 $RT.1.19.5.0 a 198.51.100.30
capture v2c_router_negofail_text -- snmptrap -v 2c -c public "$T" '' $RT.2.1.57 $RT.1.19.49.0 s "phase2 proposal or pfs mismatch" $RT.1.19.5.0 s 198.51.100.31 $RT.1.19.23.0 s vrf1 $RT.1.19.3.0 s GigabitEthernet0/0/5 $RT.1.19.25.0 i 2
capture v2c_router_negofail_freetext -- snmptrap -v 2c -c public "$T" '' $RT.2.1.57 $RT.1.19.49.0 s "peer <script> sent garbage" $RT.1.19.5.0 s 198.51.100.32
capture v2c_router_negosuccess -- snmptrap -v 2c -c public "$T" '' $RT.2.1.58 $RT.1.19.5.0 s 198.51.100.31 $RT.1.19.3.0 s GigabitEthernet0/0/5
capture v2c_getrequest -- snmpget -v 2c -c public -t 1 -r 0 "$T" 1.3.6.1.2.1.1.1.0
capture v3_sha256_aes256 -- snmptrap -v 3 -e 0x80001f8880aabbccdd -u noc -l authPriv -a SHA-256 -A authpass123 -x AES-256 -X privpass123 "$T" '' $FW.6.14 "${full[@]}"
capture v3_md5_des -- snmptrap -v 3 -e 0x80001f8880aabbccdd -u legacy -l authPriv -a MD5 -A authpass123 -x DES -X privpass123 "$T" '' $FW.6.14 "${full[@]}"
capture v3_sha512_authnopriv -- snmptrap -v 3 -e 0x80001f8880aabbccdd -u audit -l authNoPriv -a SHA-512 -A authpass123 "$T" '' $FW.6.14 "${full[@]}"
capture v3_noauth -- snmptrap -v 3 -e 0x80001f8880aabbccdd -u noc -l noAuthNoPriv "$T" '' $FW.6.14 "${full[@]}"
capture v3_discovery -- snmpinform -v 3 -u noc -l authPriv -a SHA-256 -A authpass123 -x AES-256 -X privpass123 "$T" '' $FW.6.14 "${full[@]}"
# Shapes of the whole catalogue as real devices send them: three-arc tunnel
# table index, full object lists, Integer32 router numbers.
capture v2c_status_change_down -- snmptrap -v 2c -c public "$T" '' $FW.6.19 $FW.5.13.0 s Public $FW.5.14.0 s GigabitEthernet0/0/1 $FW.2.1.27.3.10.1 s to-branch $FW.2.1.2.3.10.1 u 10 $FW.2.1.31.3.10.1 s branch-7 $FW.5.19.0 s vpn-t $FW.5.20.0 s vpn-f $FW.5.7.0 s 203.0.113.21 $FW.2.1.18.3.10.1 u 4500 $FW.5.8.0 s 192.0.2.1 $FW.2.1.17.3.10.1 u 4500 $FW.2.1.30.3.10.1 s "10.1.0.0/16-10.2.0.0/16" $FW.5.22.0 s "dpd timeout" $FW.5.21.0 u 2
capture v2c_status_change_up -- snmptrap -v 2c -c public "$T" '' $FW.6.19 $FW.5.7.0 s 203.0.113.21 $FW.2.1.18.3.10.1 u 4500 $FW.5.22.0 s "" $FW.5.21.0 u 1
capture v2c_status_change_unmapped -- snmptrap -v 2c -c public "$T" '' $FW.6.19 $FW.5.7.0 s 203.0.113.21 $FW.5.22.0 s "dpd timeout" $FW.5.21.0 u 9
capture v2c_tunnel_stop_rekey -- snmptrap -v 2c -c public "$T" '' $FW.6.2 $FW.2.1.1.3.10.1 u 3 $FW.2.1.2.3.10.1 u 10 $FW.2.1.3.3.10.1 u 1 $FW.2.1.5.3.10.1 s 203.0.113.22 $FW.2.1.7.3.10.1 u 500 $FW.5.12.0 s "phase2 sa replace" $FW.5.13.0 s Public $FW.5.14.0 s GigabitEthernet0/0/1
capture v1_tunnel_stop_invalid_spi -- snmptrap -v 1 -c public "$T" $FW.6 10.1.1.1 6 2 '' $FW.2.1.5.3.10.1 s 203.0.113.23 $FW.5.12.0 s "receive invalid spi notify"
capture v2c_router_ike_sa_fail -- snmptrap -v 2c -c public "$T" '' $RT.2.1.35 $RT.1.19.23.0 s vrf1 $RT.1.19.4.0 s 192.0.2.1 $RT.1.19.5.0 s 198.51.100.40 $RT.1.19.1.0 s policy1 $RT.1.19.3.0 s Tunnel0/0/1 $RT.1.19.25.0 i 1
capture v2c_router_ipsec_sa_fail -- snmptrap -v 2c -c public "$T" '' $RT.2.1.37 $RT.1.19.23.0 s vrf1 $RT.1.19.4.0 s 192.0.2.1 $RT.1.19.5.0 s 198.51.100.40 $RT.1.19.1.0 s policy1 $RT.1.19.3.0 s Tunnel0/0/1 $RT.1.19.2.0 i 10 $RT.1.19.25.0 i 2
capture v2c_router_dpd_fail -- snmptrap -v 2c -c public "$T" '' $RT.2.1.33 $RT.1.19.23.0 s vrf1 $RT.1.19.4.0 s 192.0.2.1 $RT.1.19.5.0 s 198.51.100.41 $RT.1.19.1.0 s policy1 $RT.1.19.3.0 s Tunnel0/0/1 $RT.1.19.26.0 s "no reply to 5 DPD requests" $RT.1.19.25.0 i 2
capture v2c_router_pki_whitelist -- snmptrap -v 2c -c public "$T" '' $RT.2.1.32 $RT.1.19.19.0 s 198.51.100.42 $RT.1.19.20.0 s "CN=branch-42" $RT.1.19.23.0 s vrf1 $RT.1.19.24.0 i 500
capture v2c_router_session_exhausted -- snmptrap -v 2c -c public "$T" '' $RT.5.3 $RT.1.22.1.0 s "0" $RT.1.22.2.0 i 4096 $RT.1.22.3.0 i 4096
