package main

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/sender"
)

// addSendFlags declares the send sub-command's flags. The defaults live in
// the struct below, set before parsing, and are echoed to kingpin for
// --help.
func addSendFlags(cmd *kingpin.CmdClause) *sender.Options {
	o := &sender.Options{
		Version: "v2c", Community: "public", Count: 1, Timeout: 2 * time.Second, Retries: 1, Peers: 1,
		Trap: sender.Trap{
			Notification: mib.NotifNegoFail, ReasonCode: 1, Peer: "203.0.113.9", PeerPort: 500,
			Interface: "GigabitEthernet0/0/1", OfflineReason: "dpd timeout", Status: 2,
		},
	}
	str := func(name, help string, v *string) { cmd.Flag(name, help).Default(*v).StringVar(v) }
	num := func(name, help string, v *int) { cmd.Flag(name, help).Default(strconv.Itoa(*v)).IntVar(v) }

	cmd.Flag("target", "Exporter (or any trap receiver) to send to, HOST:PORT.").Required().StringVar(&o.Target)
	cmd.Flag("snmp-version", "SNMP version: v1, v2c or v3.").Default(o.Version).EnumVar(&o.Version, "v1", "v2c", "v3")
	str("community", "v1/v2c community.", &o.Community)
	cmd.Flag("inform", "Send informs (v2c, v3) and wait for each acknowledgement.").BoolVar(&o.Inform)
	num("count", "How many to send.", &o.Count)
	cmd.Flag("rate", "Notifications per second; 0 sends as fast as possible.").Default("0").Float64Var(&o.Rate)
	cmd.Flag("timeout", "How long to wait for an inform acknowledgement.").Default(o.Timeout.String()).DurationVar(&o.Timeout)
	num("retries", "Inform retransmissions.", &o.Retries)
	str("agent-address", "SNMPv1 agent-addr (the device address the exporter labels with); empty sends 0.0.0.0, which means the UDP source.", &o.AgentAddress)

	names := make([]string, 0, len(mib.Notifications()))
	for _, n := range mib.Notifications() {
		names = append(names, n.Name)
	}
	str("notification", "Notification to send, by catalogue name: "+strings.Join(names, ", ")+".", &o.Trap.Notification)
	num("reason-code", "ReasonCode of a negotiation failure; -1 leaves it out.", &o.Trap.ReasonCode)
	str("reason-text", "Reason text (hwIPSecNegoFail's Reason, the router family's NegoFailReason).", &o.Trap.ReasonText)
	str("peer", "PeerAddress.", &o.Trap.Peer)
	num("peers", "Spread the notifications over this many peer addresses, counting up from --peer.", &o.Peers)
	num("peer-port", "PeerPort.", &o.Trap.PeerPort)
	str("interface", "InterfaceName.", &o.Trap.Interface)
	str("vsys", "VsysName (left out when empty).", &o.Trap.Vsys)
	str("offline-reason", "Teardown (offline) reason of a tunnel stop or status change.", &o.Trap.OfflineReason)
	num("status", "New status of hwIPSecTunnelStatusChange (by default 1 means up, 2 down).", &o.Trap.Status)

	str("user", "v3 user name.", &o.User)
	str("auth-protocol", "v3 authentication: MD5 SHA SHA224 SHA256 SHA384 SHA512; empty for noAuthNoPriv.", &o.AuthProtocol)
	str("auth-passphrase", "v3 authentication passphrase.", &o.AuthPassphrase)
	str("priv-protocol", "v3 privacy: DES AES AES192 AES256 AES192C AES256C; empty for authNoPriv.", &o.PrivProtocol)
	str("priv-passphrase", "v3 privacy passphrase.", &o.PrivPassphrase)
	str("engine-id", "v3 sender engine ID in hex (traps; informs discover the receiver's).", &o.EngineID)
	return o
}

func sendTraps(o *sender.Options, out io.Writer) error { return sender.Send(*o, out) }
