package trapin

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

var (
	// errUnsupportedPDU is a packet that is SNMP but not a notification
	// (a GetRequest to the trap port, a response, a report).
	errUnsupportedPDU = errors.New("not a trap or inform PDU")
	// errNoTrapOID is an SNMPv2 notification without snmpTrapOID.0, which
	// RFC 3416 requires as the second varbind.
	errNoTrapOID = errors.New("notification without snmpTrapOID.0")
)

// maxLabelBytes bounds every label value taken from a packet: the MIBs'
// label-bearing text objects are at most 128 octets, so anything longer is
// not a real device's value and must not grow memory.
const maxLabelBytes = 128

// maxTextBytes bounds text that is shown but never a label (the router's DPD
// failure description is up to 256 octets).
const maxTextBytes = 256

// Decoder turns an authenticated SNMP packet into an Event. Everything it
// knows about notifications and their objects comes from the mib catalogue.
type Decoder struct {
	// Devices names senders: agent address -> device label.
	Devices map[string]string
	// Status maps the status of hwIPSecTunnelStatusChange to up or down;
	// nil means DefaultTunnelStatus.
	Status TunnelStatusMap
	// Superseding remembers which devices send the notifications that
	// supersede others; nil counts every notification by its kind.
	Superseding *Superseding
}

// carried is what a notification's bytes say, before the catalogue gives it
// meaning: both decode paths (gosnmp's packet, the lean BER walk) fill it,
// and build turns it into an Event, so the two cannot disagree on meaning.
type carried struct {
	notificationOID string
	agent           string // v1 agent-addr, when set
	trapAddress     string // snmpTrapAddress.0, set by a proxy
	values          [mib.FieldCount]string
}

// Decode maps pkt, received from source, to an Event. It never fails for a
// well-formed notification it does not know: that becomes a
// KindNotification event named mib.NotifOther.
func (d *Decoder) Decode(pkt *gosnmp.SnmpPacket, source netip.Addr, now time.Time) (Event, error) {
	var c carried
	switch pkt.PDUType {
	case gosnmp.Trap:
		c.notificationOID = v1NotificationOID(strings.TrimPrefix(pkt.Enterprise, "."), pkt.GenericTrap, pkt.SpecificTrap)
		if pkt.AgentAddress != "" && pkt.AgentAddress != "0.0.0.0" {
			c.agent = pkt.AgentAddress
		}
	case gosnmp.SNMPv2Trap, gosnmp.InformRequest:
	default:
		return Event{}, fmt.Errorf("%w: %s", errUnsupportedPDU, pkt.PDUType)
	}
	for i := range pkt.Variables {
		vb := &pkt.Variables[i]
		name := strings.TrimPrefix(vb.Name, ".")
		switch name {
		case mib.OIDSnmpTrapOID:
			if oid, ok := vb.Value.(string); ok && vb.Type == gosnmp.ObjectIdentifier {
				c.notificationOID = strings.TrimPrefix(oid, ".")
			}
			continue
		case mib.OIDSnmpTrapAddress:
			if addr, ok := vb.Value.(string); ok && vb.Type == gosnmp.IPAddress {
				c.trapAddress = addr
			}
			continue
		}
		o, ok := mib.ObjectOf(name)
		if !ok || o.Field == mib.FieldNone || c.values[o.Field] != "" {
			continue
		}
		c.values[o.Field] = varbindText(vb, o.Field)
	}
	return d.build(&c, source, now)
}

// build gives carried values their meaning: the device label, the
// notification's kind from the catalogue, and the reason labels.
func (d *Decoder) build(c *carried, source netip.Addr, now time.Time) (Event, error) {
	if c.notificationOID == "" {
		return Event{}, errNoTrapOID
	}
	agent := c.agent
	if agent == "" {
		agent = c.trapAddress
	}
	if agent == "" {
		agent = source.Unmap().String()
	}
	device := agent
	if name, ok := d.Devices[agent]; ok {
		device = name
	}

	ev := Event{Kind: KindNotification, Notification: mib.NotifOther, Device: device, Time: now}
	ev.SetFields(&c.values)
	n, known := mib.NotificationByOID(c.notificationOID)
	if !known {
		return ev, nil
	}
	ev.Notification = n.Name
	ev.Kind = n.Kind
	if ev.Kind == mib.KindTunnelStatusChange {
		ev.Kind = d.Status.kind(ev.Status)
	}
	if d.Superseding != nil && !d.Superseding.counts(n, device) {
		ev.Kind = KindNotification
	}
	ClassifyReason(&ev, c.values[mib.FieldReasonCode])
	return ev, nil
}

// ClassifyReason fills Reason (and, for failures, ReasonCode) from the code
// and the reason text as sent, by the rules every input shares: the code is
// the key of a failure when present; a text-only failure maps to the
// catalogue entry with the same slug; a teardown text maps to its teardown
// slug; free text never becomes a label.
func ClassifyReason(ev *Event, code string) {
	switch ev.Kind {
	case KindNegotiationFailure:
		ev.ReasonCode, ev.Reason = failureReason(code, ev.ReasonText)
	case KindTunnelDown:
		ev.Reason = mib.OfflineReasonSlug(ev.ReasonText)
	}
}

func failureReason(code, text string) (reasonCode, reason string) {
	if code != "" {
		n, err := strconv.Atoi(code)
		if err == nil {
			if r, ok := mib.ReasonByCode(n); ok {
				return code, r.Slug
			}
		}
		return code, mib.UnknownReason
	}
	if r, ok := mib.ReasonBySlug(mib.Slug(text)); ok {
		return strconv.Itoa(r.Code), r.Slug
	}
	return "", mib.UnknownReason
}

// v1NotificationOID maps an SNMPv1 trap to its SNMPv2 notification OID
// (RFC 3584 section 3.1). Huawei defines its notifications as
// enterprise.N, not enterprise.0.N, so the catalogue form is tried first.
func v1NotificationOID(enterprise string, generic, specificTrap int) string {
	if generic != 6 {
		// coldStart(0) .. egpNeighborLoss(5) are snmpTraps.1 .. snmpTraps.6.
		return "1.3.6.1.6.3.1.1.5." + strconv.Itoa(generic+1)
	}
	specific := strconv.Itoa(specificTrap)
	direct := enterprise + "." + specific
	if _, ok := mib.NotificationByOID(direct); ok {
		return direct
	}
	return enterprise + ".0." + specific
}

// varbindText renders a varbind as bounded, valid UTF-8 text. Numeric
// fields accept every integer type, because firmware differs (Gauge32 in
// the MIB, Integer32 on the wire); a number field that carries text is not
// trusted, and a text field never takes a number.
func varbindText(vb *gosnmp.SnmpPDU, f mib.Field) string {
	switch v := vb.Value.(type) {
	case []byte:
		if f.Numeric() {
			return ""
		}
		if f == mib.FieldReasonText {
			return boundText(string(v), maxTextBytes)
		}
		return BoundLabel(string(v))
	case string:
		if vb.Type == gosnmp.IPAddress && (f == mib.FieldPeer || f == mib.FieldLocalAddress) {
			return BoundLabel(v)
		}
		return ""
	case int:
		return numberText(f, int64(v), v >= 0)
	case int64:
		return numberText(f, v, v >= 0)
	case int32:
		return numberText(f, int64(v), v >= 0)
	case uint:
		return numberText(f, int64(v), uint64(v) <= 1<<62)
	case uint32:
		return numberText(f, int64(v), true)
	case uint64:
		return numberText(f, int64(v), uint64(v) <= 1<<62)
	}
	return ""
}

func numberText(f mib.Field, v int64, ok bool) string {
	if !ok || !f.Numeric() {
		return ""
	}
	return strconv.FormatInt(v, 10)
}

// BoundLabel makes s safe as a label value: valid UTF-8, at most
// maxLabelBytes, no trailing NULs (some firmware sends C strings). Every
// input (traps, syslog) bounds what it takes from the network with it.
func BoundLabel(s string) string { return boundText(s, maxLabelBytes) }

func boundText(s string, limit int) string {
	s = strings.TrimRight(s, "\x00")
	// Replace first, then cut: each replacement is 3 bytes, so cutting
	// first could let the replacements grow the value past the limit.
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) > limit {
		s = s[:limit]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}
