// Package families holds one real sequence of a tunnel's life as each
// family of Huawei device reports it, for the tests that hold the SLIs
// to the same values on every family.
package families

import (
	"fmt"

	"github.com/gosnmp/gosnmp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/sender"
)

// Events is one real sequence of a tunnel's life: two failed
// negotiations, the one that builds the tunnel, a rekey, and a teardown by
// dead peer detection. Every family of device must give it the same SLI.
var Events = []string{"fail", "fail", "up", "rekey", "teardown"}

// Peer is the remote end of the tunnel in every family's sequence.
const Peer = "203.0.113.50"

// Device is one kind of Huawei device and what it sends for each of
// Events, in the order it sends it.
type Device struct {
	Family  string
	Address string          // the device's address (a UDP source, or snmpTrapAddress.0)
	Steps   [][]sender.Trap // one list per entry of Events
}

// Families are a firewall, an older router (HUAWEI-IPSEC-MIB without
// .57/.58: its IKE and IPSec SA notifications are its failures) and a newer
// router, which reports a negotiation both ways: .57 and .35 for a failure,
// .58 and .36 (the clears) beside .1 (the tunnel up) for a success. The
// newer router's .57 comes before its .35 here: the other order counts the
// very first failure twice (docs/metrics.md, "What each notification does").
func Devices() []Device {
	peer := Peer
	fwFail := sender.Trap{Notification: mib.NotifNegoFail, ReasonCode: 6, Peer: peer, Interface: "GigabitEthernet0/0/1", Vsys: "public"}
	fwStart := sender.Trap{Notification: mib.NotifTunnelStart, Peer: peer}
	fwStop := func(reason string) sender.Trap {
		return sender.Trap{Notification: mib.NotifTunnelStop, Peer: peer, OfflineReason: reason}
	}
	rt := func(name string) sender.Trap {
		return sender.Trap{Notification: name, Peer: peer, Interface: "Tunnel7", ReasonCode: -1}
	}
	newFail := sender.Trap{Notification: mib.NotifRouterNegoFail, Peer: peer, Interface: "Tunnel7", ReasonCode: 1}
	return []Device{
		{Family: "firewall", Address: "192.0.2.101", Steps: [][]sender.Trap{
			{fwFail},
			{fwFail},
			{fwStart},
			{fwStop("phase2 sa replace"), fwStart},
			{fwStop("dpd timeout")},
		}},
		{Family: "older router", Address: "192.0.2.102", Steps: [][]sender.Trap{
			{rt(mib.NotifRouterIKESAFail)},
			{rt(mib.NotifRouterIKESAFail)},
			{rt(mib.NotifRouterIKESASuccess), rt(mib.NotifRouterTunnelUp)},
			{rt(mib.NotifRouterTunnelUp)},
			{rt(mib.NotifRouterTunnelDown)},
		}},
		{Family: "newer router", Address: "192.0.2.103", Steps: [][]sender.Trap{
			{newFail, rt(mib.NotifRouterIKESAFail)},
			{newFail, rt(mib.NotifRouterIKESAFail)},
			{rt(mib.NotifRouterNegoSuccess), rt(mib.NotifRouterIKESASuccess), rt(mib.NotifRouterTunnelUp)},
			{rt(mib.NotifRouterNegoSuccess), rt(mib.NotifRouterTunnelUp)},
			{rt(mib.NotifRouterTunnelDown)},
		}},
	}
}

// NetSNMPArgs are the arguments of net-snmp's snmptrap after the
// destination and uptime: the notification OID and each varbind as
// OID, type letter and value, laid out from the catalogue as the send
// sub-command lays them out.
func NetSNMPArgs(trap sender.Trap) ([]string, error) {
	oid, vbs, err := sender.Varbinds(trap)
	if err != nil {
		return nil, err
	}
	args := []string{oid}
	for _, vb := range vbs {
		var typ, value string
		switch vb.Type {
		case gosnmp.OctetString:
			typ, value = "s", string(vb.Value.([]byte))
		case gosnmp.IPAddress:
			typ, value = "a", fmt.Sprint(vb.Value)
		case gosnmp.Gauge32:
			typ, value = "u", fmt.Sprint(vb.Value)
		case gosnmp.Integer:
			typ, value = "i", fmt.Sprint(vb.Value)
		default:
			return nil, fmt.Errorf("%s: varbind %s of type %v has no snmptrap letter", trap.Notification, vb.Name, vb.Type)
		}
		args = append(args, vb.Name, typ, value)
	}
	return args, nil
}
