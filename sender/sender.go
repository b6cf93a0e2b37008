// Package sender builds and sends Huawei-shaped IPSec notifications: the
// test trap a new user sends to see the exporter work, the second sender of
// the end-to-end tests, and the load generator of the benchmarks.
package sender

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// Trap is the content of one notification.
type Trap struct {
	Notification  string // catalogue name
	ReasonCode    int    // <0: leave the varbind out
	ReasonText    string
	Peer          string
	PeerPort      int
	Interface     string
	Vsys          string
	OfflineReason string
}

// Options say where and how to send.
type Options struct {
	Target       string
	Version      string // v1, v2c, v3
	Community    string
	Inform       bool
	Count        int
	Rate         float64 // per second; 0 = as fast as possible
	Peers        int     // spread over this many peer addresses, counting up from Trap.Peer
	AgentAddress string  // v1 agent-addr
	Timeout      time.Duration
	Retries      int

	User           string
	AuthProtocol   string
	AuthPassphrase string
	PrivProtocol   string
	PrivPassphrase string
	EngineID       string // hex; the sender's engine ID for v3 traps

	Trap Trap
}

// Varbinds returns the notification OID and the varbinds of t, laid out as
// the device MIBs define them.
func Varbinds(t Trap) (string, []gosnmp.SnmpPDU, error) {
	var oid string
	for _, n := range mib.Notifications() {
		if strings.EqualFold(n.Name, t.Notification) {
			oid, t.Notification = n.OID, n.Name
		}
	}
	if oid == "" {
		return "", nil, fmt.Errorf("unknown notification %q", t.Notification)
	}
	text := func(o, v string) gosnmp.SnmpPDU {
		return gosnmp.SnmpPDU{Name: o, Type: gosnmp.OctetString, Value: []byte(v)}
	}
	gauge := func(o string, v int) gosnmp.SnmpPDU {
		return gosnmp.SnmpPDU{Name: o, Type: gosnmp.Gauge32, Value: uint(v)} //nolint:gosec // small positive values
	}
	var vbs []gosnmp.SnmpPDU
	switch t.Notification {
	case mib.NotifNegoFail:
		vbs = append(vbs, gauge(mib.OIDFwTrapIfIndex+".0", 3), gauge(mib.OIDFwTrapPolicyNum+".0", 10))
		if t.ReasonText != "" {
			vbs = append(vbs, text(mib.OIDFwReason+".0", t.ReasonText))
		}
		if t.ReasonCode >= 0 {
			vbs = append(vbs, gauge(mib.OIDFwReasonCode+".0", t.ReasonCode))
		}
		vbs = append(vbs, text(mib.OIDFwPeerAddress+".0", t.Peer), gauge(mib.OIDFwPeerPort+".0", t.PeerPort))
		if t.Vsys != "" {
			vbs = append(vbs, text(mib.OIDFwVsysName+".0", t.Vsys))
		}
		vbs = append(vbs, text(mib.OIDFwIfName+".0", t.Interface))
	case mib.NotifTunnelStart, mib.NotifTunnelStop:
		const index = ".1.1" // tunnel table index
		vbs = append(vbs,
			gauge(mib.OIDFwTunnelIfIndex+index, 3),
			gauge(mib.OIDFwTunnelPolicyNum+index, 10),
			text(mib.OIDFwTunnelDstIP+index, t.Peer),
			gauge(mib.OIDFwTunnelRemotePort+index, t.PeerPort),
		)
		if t.Notification == mib.NotifTunnelStop {
			vbs = append(vbs, text(mib.OIDFwOfflineReason+".0", t.OfflineReason))
		}
		vbs = append(vbs, text(mib.OIDFwVsysName+".0", t.Vsys), text(mib.OIDFwIfName+".0", t.Interface))
	case mib.NotifRouterTunnelUp, mib.NotifRouterTunnelDown:
		vbs = append(vbs,
			text(mib.OIDRtPolicyName+".0", "policy1"),
			gauge(mib.OIDRtPolicySeq+".0", 10),
			text(mib.OIDRtInterface+".0", t.Interface),
			text(mib.OIDRtRemoteIP+".0", t.Peer),
			gauge(mib.OIDRtRemotePort+".0", t.PeerPort),
		)
	case mib.NotifRouterNegoFail, mib.NotifRouterNegoSuccess:
		if t.Notification == mib.NotifRouterNegoFail {
			vbs = append(vbs, text(mib.OIDRtNegoFailReason+".0", t.ReasonText))
		}
		vbs = append(vbs,
			text(mib.OIDRtRemoteIP+".0", t.Peer),
			text(mib.OIDRtVrfName+".0", t.Vsys),
			text(mib.OIDRtInterface+".0", t.Interface),
			gosnmp.SnmpPDU{Name: mib.OIDRtIkeVersion + ".0", Type: gosnmp.Integer, Value: 2},
		)
	}
	return oid, vbs, nil
}

// Send sends o.Count notifications, paced at o.Rate, and reports what it
// did on out.
func Send(o Options, out io.Writer) error {
	if o.Count <= 0 {
		o.Count = 1
	}
	oid, base, err := Varbinds(o.Trap)
	if err != nil {
		return err
	}
	peers, err := peerList(o.Trap.Peer, o.Peers)
	if err != nil {
		return err
	}
	x, err := client(o)
	if err != nil {
		return err
	}
	send := func(i int) error {
		_, err := x.SendTrap(buildTrap(o, oid, withPeer(base, o.Trap.Peer, peers[i%len(peers)])))
		return err
	}
	if o.Inform || o.Version == "v3" {
		// Informs wait for their answer and v3 needs a fresh salt per
		// message: gosnmp does both.
		if err := x.Connect(); err != nil {
			return fmt.Errorf("connecting to %s: %w", o.Target, err)
		}
		defer x.Conn.Close()
	} else {
		// v1/v2c traps: marshal once per peer and only write in the loop, so
		// that the sender, not the receiver under test, is never the
		// bottleneck of a load run.
		packets := make([][]byte, len(peers))
		for i, peer := range peers {
			if packets[i], err = marshalTrap(x, buildTrap(o, oid, withPeer(base, o.Trap.Peer, peer))); err != nil {
				return err
			}
		}
		conn, err := net.Dial("udp", o.Target)
		if err != nil {
			return fmt.Errorf("connecting to %s: %w", o.Target, err)
		}
		defer conn.Close()
		send = func(i int) error {
			_, err := conn.Write(packets[i%len(packets)])
			return err
		}
	}

	start := time.Now()
	var interval time.Duration
	if o.Rate > 0 {
		interval = time.Duration(float64(time.Second) / o.Rate)
	}
	for i := 0; i < o.Count; i++ {
		if interval > 0 {
			// Sleep only when more than a millisecond ahead: the timer cannot
			// pace single microseconds, and catching up keeps the mean rate.
			if ahead := time.Until(start.Add(time.Duration(i) * interval)); ahead > time.Millisecond {
				time.Sleep(ahead)
			}
		}
		if err := send(i); err != nil {
			return fmt.Errorf("trap %d of %d: %w", i+1, o.Count, err)
		}
	}
	elapsed := time.Since(start)
	kind := "traps"
	if o.Inform {
		kind = "informs (acknowledged)"
	}
	fmt.Fprintf(out, "sent %d %s %s to %s in %s (%.0f/s)\n", o.Count, o.Version, kind, o.Target,
		elapsed.Round(time.Millisecond), float64(o.Count)/elapsed.Seconds())
	return nil
}

// marshalTrap encodes a v1 or v2c trap the way gosnmp's SendTrap would.
func marshalTrap(x *gosnmp.GoSNMP, t gosnmp.SnmpTrap) ([]byte, error) {
	pkt := &gosnmp.SnmpPacket{Version: x.Version, Community: x.Community, Variables: t.Variables}
	if x.Version == gosnmp.Version1 {
		pkt.PDUType = gosnmp.Trap
		pkt.Enterprise, pkt.AgentAddress = t.Enterprise, t.AgentAddress
		pkt.GenericTrap, pkt.SpecificTrap = t.GenericTrap, t.SpecificTrap
	} else {
		pkt.PDUType = gosnmp.SNMPv2Trap
		pkt.RequestID = 1
		uptime := gosnmp.SnmpPDU{Name: mib.OIDSysUpTime, Type: gosnmp.TimeTicks, Value: uint32(time.Now().Unix())} //nolint:gosec // wraps like sysUpTime
		pkt.Variables = append([]gosnmp.SnmpPDU{uptime}, t.Variables...)
	}
	b, err := pkt.MarshalMsg()
	if err != nil {
		return nil, fmt.Errorf("encoding trap: %w", err)
	}
	return b, nil
}

func buildTrap(o Options, oid string, vbs []gosnmp.SnmpPDU) gosnmp.SnmpTrap {
	if o.Version == "v1" {
		cut := strings.LastIndexByte(oid, '.')
		specific, _ := strconv.Atoi(oid[cut+1:])
		agent := o.AgentAddress
		if agent == "" {
			agent = "0.0.0.0"
		}
		return gosnmp.SnmpTrap{Variables: vbs, Enterprise: oid[:cut], AgentAddress: agent, GenericTrap: 6, SpecificTrap: specific}
	}
	all := make([]gosnmp.SnmpPDU, 0, len(vbs)+1)
	all = append(all, gosnmp.SnmpPDU{Name: mib.OIDSnmpTrapOID, Type: gosnmp.ObjectIdentifier, Value: oid})
	all = append(all, vbs...)
	return gosnmp.SnmpTrap{Variables: all, IsInform: o.Inform}
}

// withPeer returns vbs with the peer address replaced, sharing nothing with
// vbs that SendTrap could change.
func withPeer(vbs []gosnmp.SnmpPDU, from, to string) []gosnmp.SnmpPDU {
	out := make([]gosnmp.SnmpPDU, len(vbs))
	copy(out, vbs)
	if from == to {
		return out
	}
	for i := range out {
		if b, ok := out[i].Value.([]byte); ok && string(b) == from {
			out[i].Value = []byte(to)
		}
	}
	return out
}

// peerList counts n addresses up from first.
func peerList(first string, n int) ([]string, error) {
	if n <= 1 {
		return []string{first}, nil
	}
	a, err := netip.ParseAddr(first)
	if err != nil {
		return nil, fmt.Errorf("--peers needs --peer to be an IP address: %w", err)
	}
	peers := make([]string, n)
	for i := range peers {
		peers[i] = a.String()
		a = a.Next()
	}
	return peers, nil
}

func client(o Options) (*gosnmp.GoSNMP, error) {
	host, portText, err := net.SplitHostPort(o.Target)
	if err != nil {
		return nil, fmt.Errorf("--target %q: want HOST:PORT: %w", o.Target, err)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("--target %q: bad port", o.Target)
	}
	x := &gosnmp.GoSNMP{
		Target:    host,
		Port:      uint16(port),
		Transport: "udp",
		Community: o.Community,
		Timeout:   o.Timeout,
		Retries:   o.Retries,
		MaxOids:   gosnmp.MaxOids,
	}
	switch o.Version {
	case "v1":
		x.Version = gosnmp.Version1
		if o.Inform {
			return nil, errors.New("SNMPv1 has no informs")
		}
	case "v2c", "":
		x.Version = gosnmp.Version2c
	case "v3":
		x.Version = gosnmp.Version3
		x.SecurityModel = gosnmp.UserSecurityModel
		usm, flags, err := usmParams(o)
		if err != nil {
			return nil, err
		}
		x.MsgFlags = flags
		x.SecurityParameters = usm
	default:
		return nil, fmt.Errorf("--version %q: want v1, v2c or v3", o.Version)
	}
	return x, nil
}

func usmParams(o Options) (*gosnmp.UsmSecurityParameters, gosnmp.SnmpV3MsgFlags, error) {
	if o.User == "" {
		return nil, 0, errors.New("v3 needs --user")
	}
	usm := &gosnmp.UsmSecurityParameters{UserName: o.User}
	flags := gosnmp.NoAuthNoPriv
	if o.AuthProtocol != "" {
		p, ok := config.AuthProtocolByName(o.AuthProtocol)
		if !ok {
			return nil, 0, fmt.Errorf("unknown --auth-protocol %q", o.AuthProtocol)
		}
		usm.AuthenticationProtocol, usm.AuthenticationPassphrase = p, o.AuthPassphrase
		flags = gosnmp.AuthNoPriv
	}
	if o.PrivProtocol != "" {
		p, ok := config.PrivProtocolByName(o.PrivProtocol)
		if !ok {
			return nil, 0, fmt.Errorf("unknown --priv-protocol %q", o.PrivProtocol)
		}
		usm.PrivacyProtocol, usm.PrivacyPassphrase = p, o.PrivPassphrase
		flags = gosnmp.AuthPriv
	}
	if !o.Inform {
		// For traps the sender is the authoritative engine.
		id := o.EngineID
		if id == "" {
			id = "0x80001f8880" + "6970736563746573" // "ipsectes": a fixed demo engine ID
		}
		raw, err := config.ParseEngineID(id)
		if err != nil {
			return nil, 0, fmt.Errorf("--engine-id: %w", err)
		}
		usm.AuthoritativeEngineID = string(raw)
		usm.AuthoritativeEngineBoots = 1
		usm.AuthoritativeEngineTime = uint32(time.Now().Unix() % (1 << 30)) //nolint:gosec // bounded
	}
	return usm, flags, nil
}
