package e2e_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// TestEndToEndFidelity sends, with net-snmp's snmptrap as the device, the
// notifications newer firewalls and older routers send, with their whole
// object lists, and checks what they do to the series.
func TestEndToEndFidelity(t *testing.T) {
	testenv.Need(t, "snmptrap")
	e := testenv.StartExporter(t)
	// A relayed trap names its device in snmpTrapAddress.0: two routers
	// through one sender.
	from := func(device string) []string { return []string{"1.3.6.1.6.3.18.1.3.0", "a", device} }

	// hwIPSecTunnelStatusChange (firewall MIB V1.22+): status 2 with a
	// teardown reason is a down, status 1 an up.
	tunnel := map[string]string{"device": "127.0.0.1", "peer": "203.0.113.21"}
	status := func(code, reason string) {
		e.TrapV2c(t, "public", fw+".6.19", fw+".5.13.0", "s", "Public", fw+".5.14.0", "s", "GigabitEthernet0/0/1",
			fw+".2.1.27.3.10.1", "s", "to-branch", fw+".2.1.2.3.10.1", "u", "10", fw+".5.7.0", "s", "203.0.113.21",
			fw+".2.1.18.3.10.1", "u", "4500", fw+".5.22.0", "s", reason, fw+".5.21.0", "u", code)
	}
	status("1", "")
	e.WaitValue(t, "ipsec_tunnel_up", tunnel, 1)
	status("2", "dpd timeout")
	e.WaitValue(t, "ipsec_tunnel_up", tunnel, 0)
	e.WaitValue(t, "ipsec_tunnel_state_changes_total", map[string]string{"device": "127.0.0.1", "peer": "203.0.113.21", "state": "down", "reason": "dpd_timeout"}, 1)
	status("9", "dpd timeout") // unmapped: counted by name only
	e.WaitValue(t, "ipsec_device_notifications_total", map[string]string{"device": "127.0.0.1", "notification": "hwIPSecTunnelStatusChange"}, 3)
	e.WaitValue(t, "ipsec_tunnel_up", tunnel, 0)
	status("1", "")
	e.WaitValue(t, "ipsec_tunnel_up", tunnel, 1)

	// A rekey's teardown leaves the tunnel up; an operator's is planned.
	stop := func(reason string) {
		e.TrapV2c(t, "public", fw+".6.2", fw+".2.1.5.3.10.1", "s", "203.0.113.21", fw+".2.1.7.3.10.1", "u", "500", fw+".5.12.0", "s", reason)
	}
	stop("phase2 sa replace")
	e.WaitValue(t, "ipsec_tunnel_state_changes_total", map[string]string{"device": "127.0.0.1", "peer": "203.0.113.21", "state": "down", "reason": "phase2_sa_replace"}, 1)
	e.WaitValue(t, "ipsec_tunnel_up", tunnel, 1)
	stop("config modify or manual offline")
	e.WaitValue(t, "ipsec_tunnel_up", tunnel, 0)
	e.WaitValue(t, "ipsec_tunnel_down_planned", tunnel, 1)

	// An older router reports failures only as IKE SA / IPSec SA failures.
	oldRouter := append(from("192.0.2.10"), rt+".1.19.23.0", "s", "vrf1", rt+".1.19.5.0", "s", "198.51.100.40", rt+".1.19.3.0", "s", "Tunnel0/0/1", rt+".1.19.25.0", "i", "1")
	e.TrapV2c(t, "public", append([]string{rt + ".2.1.35"}, oldRouter...)...)
	e.TrapV2c(t, "public", append([]string{rt + ".2.1.37"}, oldRouter...)...)
	e.WaitValue(t, "ipsec_negotiation_failures_total", failures("192.0.2.10", "198.51.100.40", "Tunnel0/0/1", "vrf1", "unknown", ""), 2)

	// A newer router sends hwIPSecNegotiationFail and the SA failure for
	// one negotiation: counted once.
	newRouter := append(from("192.0.2.20"), rt+".1.19.5.0", "s", "198.51.100.41", rt+".1.19.23.0", "s", "vrf1", rt+".1.19.3.0", "s", "Tunnel0/0/2")
	e.TrapV2c(t, "public", append([]string{rt + ".2.1.57", rt + ".1.19.49.0", "s", "phase1 proposal mismatch"}, newRouter...)...)
	e.TrapV2c(t, "public", append([]string{rt + ".2.1.37"}, newRouter...)...)
	e.WaitValue(t, "ipsec_device_notifications_total", map[string]string{"device": "192.0.2.20", "notification": "hwIPSECSANegotiationFail"}, 1)
	e.WaitValue(t, "ipsec_negotiation_failures_total", failures("192.0.2.20", "198.51.100.41", "Tunnel0/0/2", "vrf1", "phase1_proposal_mismatch", "1"), 1)
	if v, ok := testenv.Value(e.Scrape(t), "ipsec_negotiation_failures_total", failures("192.0.2.20", "198.51.100.41", "Tunnel0/0/2", "vrf1", "unknown", "")); ok {
		t.Errorf("the superseded SA failure was counted too (%v)", v)
	}

	// The router's DPD failure keeps its description; the PKI whitelist
	// failure names its peer in its own object; /events shows both.
	e.TrapV2c(t, "public", rt+".2.1.33", rt+".1.19.5.0", "s", "198.51.100.42", rt+".1.19.26.0", "s", "no reply to 5 DPD requests", rt+".1.19.25.0", "i", "2")
	e.TrapV2c(t, "public", rt+".2.1.32", rt+".1.19.19.0", "s", "198.51.100.43", rt+".1.19.20.0", "s", "CN=branch-43")
	e.TrapV2c(t, "public", rt+".5.3", rt+".1.22.2.0", "i", "4096", rt+".1.22.3.0", "i", "4096")
	e.WaitValue(t, "ipsec_device_notifications_total", map[string]string{"device": "127.0.0.1", "notification": "hwIPsecSessionExhaustAlarm"}, 1)
	resp, err := http.Get(e.WebURL + "/api/v1/events?limit=3")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var events []map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&events); err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 || events[2]["reason_text"] != "no reply to 5 DPD requests" || events[2]["ike_version"] != "2" ||
		events[1]["peer"] != "198.51.100.43" || events[1]["certificate"] != "CN=branch-43" || events[0]["notification"] != "hwIPsecSessionExhaustAlarm" {
		t.Errorf("/api/v1/events = %v", events)
	}
}
