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

// Trap is the content of one notification. Which objects it carries and in
// what order comes from the notification catalogue in mib/, so the sender
// and the decoder cannot disagree about a notification's shape.
type Trap struct {
	Notification  string // catalogue name
	ReasonCode    int    // <0: leave the varbind out
	ReasonText    string // a failure's reason text; empty: the catalogue text of ReasonCode
	Peer          string
	PeerPort      int
	Interface     string
	Vsys          string // left out when empty
	OfflineReason string // the teardown reason of a stop or status change
	Status        int    // the new status of a status change
	// Details sets any other field (mib.FieldSeqNum, FieldPolicyName, ...);
	// fields not set get a plausible value, as a device would send.
	Details map[mib.Field]string
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

// sampleDetails are what the sender puts in objects the Trap does not set.
var sampleDetails = map[mib.Field]string{
	mib.FieldSeqNum: "10", mib.FieldPolicyName: "policy1", mib.FieldLocalAddress: "192.0.2.1",
	mib.FieldIKEVersion: "2", mib.FieldCertificate: "CN=peer.example.net",
}

// value is the text of field f in t, and whether to send the object at all.
func (t Trap) value(n mib.Notification, f mib.Field) (string, bool) {
	if v, ok := t.Details[f]; ok {
		return v, true
	}
	switch f {
	case mib.FieldPeer:
		return t.Peer, true
	case mib.FieldPeerPort:
		return strconv.Itoa(t.PeerPort), true
	case mib.FieldInterface:
		return t.Interface, true
	case mib.FieldVsys:
		return t.Vsys, t.Vsys != ""
	case mib.FieldReasonCode:
		return strconv.Itoa(t.ReasonCode), t.ReasonCode >= 0
	case mib.FieldStatus:
		return strconv.Itoa(t.Status), true
	case mib.FieldReasonText:
		switch n.Kind {
		case mib.KindTunnelDown, mib.KindTunnelStatusChange:
			return t.OfflineReason, true
		case mib.KindNegotiationFailure:
			if t.ReasonText == "" {
				if r, ok := mib.ReasonByCode(t.ReasonCode); ok {
					return r.Text, true
				}
			}
			return t.ReasonText, t.ReasonText != ""
		}
		return t.ReasonText, true
	}
	return sampleDetails[f], true
}

// Varbinds returns the notification OID and the varbinds of t: every object
// of the notification's OBJECTS clause, in the MIB's order, with the
// instance suffix and the syntax real devices use.
func Varbinds(t Trap) (string, []gosnmp.SnmpPDU, error) {
	n, ok := mib.NotificationByName(t.Notification)
	if !ok {
		return "", nil, fmt.Errorf("unknown notification %q", t.Notification)
	}
	vbs := make([]gosnmp.SnmpPDU, 0, len(n.Objects()))
	for _, oid := range n.Objects() {
		o, _ := mib.ObjectByOID(oid)
		v, send := t.value(n, o.Field)
		if !send {
			continue
		}
		name := oid + mib.InstanceOf(o)
		switch o.Syntax {
		case mib.SyntaxText:
			vbs = append(vbs, gosnmp.SnmpPDU{Name: name, Type: gosnmp.OctetString, Value: []byte(v)})
		case mib.SyntaxIPAddress:
			if v == "" {
				v = "192.0.2.1"
			}
			vbs = append(vbs, gosnmp.SnmpPDU{Name: name, Type: gosnmp.IPAddress, Value: v})
		case mib.SyntaxGauge, mib.SyntaxInteger:
			num, err := strconv.Atoi(v)
			if v == "" {
				num, err = 1, nil // an object the trap leaves unset: a plausible index
			}
			if err != nil || num < 0 {
				return "", nil, fmt.Errorf("%s: %s must be a non-negative number, not %q", n.Name, o.Name, v)
			}
			if o.Syntax == mib.SyntaxGauge {
				vbs = append(vbs, gosnmp.SnmpPDU{Name: name, Type: gosnmp.Gauge32, Value: uint(num)})
			} else {
				vbs = append(vbs, gosnmp.SnmpPDU{Name: name, Type: gosnmp.Integer, Value: num})
			}
		}
	}
	return n.OID, vbs, nil
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
		return nil, fmt.Errorf("--snmp-version %q: want v1, v2c or v3", o.Version)
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
