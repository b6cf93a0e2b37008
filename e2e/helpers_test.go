package e2e_test

// What several end-to-end tests share that is about this exporter's traps,
// log lines and labels; what any test of a binary could use is in
// internal/testenv.

// The Huawei MIB subtrees the tests' traps are written under, as a device
// sends them: the firewall family (HUAWEI-SECURITY-IPSEC-MIB) and the router
// family (HUAWEI-IPSEC-MIB). The tests spell OIDs out rather than take them
// from mib/, so that a wrong OID there cannot pass here.
const (
	fw = "1.3.6.1.4.1.2011.6.122.26"
	rt = "1.3.6.1.4.1.2011.5.25.224"
)

// failures is the label set of one ipsec_negotiation_failures_total series.
func failures(device, peer, iface, vsys, reason, code string) map[string]string {
	return map[string]string{"device": device, "peer": peer, "interface": iface, "vsys": vsys, "reason": reason, "reason_code": code}
}

// Values an attacker who can reach UDP 162 puts into traps. Each one tries
// to run script in the on-call engineer's browser; if any does, it sets
// window.pwned or opens a dialog.
const (
	hostilePeer      = `<script>window.pwned=1;alert(1)</script>`
	hostileInterface = `<img src=x onerror="window.pwned=2;alert(2)">`
	hostileVsys      = `"><svg onload="window.pwned=3">`
	hostileReason    = `<b onmouseover="window.pwned=4">phase1 proposal mismatch</b>`
)

// tunnelStory is what a firewall reports about one peer: a failed
// negotiation, the tunnel coming up, going down (DPD), up again, and torn
// down at the peer's request. Each step is a trap (net-snmp snmptrap
// arguments after the notification OID) and the log line the firewall's
// information centre writes for the same event.
func tunnelStory(peer string) (traps [][]string, logs []string) {
	add := func(trap []string, log string) {
		traps = append(traps, trap)
		logs = append(logs, log)
	}
	add([]string{fw + ".6.14", fw + ".5.2.0", "u", "5", fw + ".5.1.0", "u", "10", fw + ".5.10.0", "s", "responder dh mismatch",
		fw + ".5.11.0", "u", "6", fw + ".5.7.0", "s", peer, fw + ".5.9.0", "u", "500", fw + ".5.13.0", "s", "public",
		fw + ".5.14.0", "s", "GigabitEthernet0/0/1"},
		"%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:OID 1.3.6.1.4.1.2011.6.122.26.6.14 IPSec tunnel negotiation fails. (Ifindex=5, SeqNum=10, "+
			"Reason=responder dh mismatch, ReasonCode=6, PeerAddress="+peer+", PeerPort=500, VsysName=public, InterfaceName=GigabitEthernet0/0/1)")
	start := []string{fw + ".6.1", fw + ".2.1.5.3.10.1", "s", peer, fw + ".2.1.7.3.10.1", "u", "500", fw + ".5.13.0", "s", "public",
		fw + ".5.14.0", "s", "GigabitEthernet0/0/1"}
	startLog := "%%01IPSEC/4/IPSECTUNNELSTART(t)[4]:OID 1.3.6.1.4.1.2011.6.122.26.6.1 The IPSec tunnel is established. (Ifindex=5, SeqNum=10, " +
		"DstIP=" + peer + ", RemotePort=500, VsysName=public, InterfaceName=GigabitEthernet0/0/1)"
	add(start, startLog)
	add([]string{fw + ".6.2", fw + ".2.1.5.3.10.1", "s", peer, fw + ".5.12.0", "s", "dpd timeout", fw + ".5.14.0", "s", "GigabitEthernet0/0/1"},
		"IPSEC/4/IPSECTUNNELSTOP(l):The IPSec tunnel is deleted. (DstIP=["+peer+"], OfflineReason=[dpd timeout], InterfaceName=[GigabitEthernet0/0/1])")
	add(start, startLog)
	add([]string{fw + ".6.2", fw + ".2.1.5.3.10.1", "s", peer, fw + ".5.12.0", "s", "peer request"},
		"IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN:An IPSec tunnel is teared down. (PolicyName=map1, IfIndex=5, SeqNum=10, RuleNum=5, "+
			"SrcIP=192.0.2.1, DstIP="+peer+", InboundSPI=305419896, Slot=1, CpuID=0, OfflineReason=peer request, State=Normal)")
	return traps, logs
}

// with is labels plus one more label.
func with(labels map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for k, v := range labels {
		out[k] = v
	}
	return out
}
