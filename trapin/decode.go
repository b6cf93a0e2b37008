package trapin

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

var (
	// errUnsupportedPDU is a packet that is SNMP but not a notification
	// (a GetRequest to the trap port, a response, a report).
	errUnsupportedPDU = errors.New("not a trap or inform PDU")
	// errNoTrapOID is an SNMPv2 notification without snmpTrapOID.0, which
	// RFC 3416 requires as the second varbind.
	errNoTrapOID = errors.New("notification without snmpTrapOID.0")
)

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
func (d *Decoder) Decode(pkt *gosnmp.SnmpPacket, source netip.Addr, now time.Time) (pipeline.Event, error) {
	var c carried
	switch pkt.PDUType {
	case gosnmp.Trap:
		c.notificationOID = v1NotificationOID(strings.TrimPrefix(pkt.Enterprise, "."), pkt.GenericTrap, pkt.SpecificTrap)
		if pkt.AgentAddress != "" && pkt.AgentAddress != "0.0.0.0" {
			c.agent = pkt.AgentAddress
		}
	case gosnmp.SNMPv2Trap, gosnmp.InformRequest:
	default:
		return pipeline.Event{}, fmt.Errorf("%w: %s", errUnsupportedPDU, pkt.PDUType)
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
func (d *Decoder) build(c *carried, source netip.Addr, now time.Time) (pipeline.Event, error) {
	if c.notificationOID == "" {
		return pipeline.Event{}, errNoTrapOID
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

	ev := pipeline.Event{Kind: mib.KindNotification, Notification: mib.NotifOther, Device: device, Time: now}
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
		ev.Kind = mib.KindNotification
	}
	pipeline.ClassifyReason(&ev, c.values[mib.FieldReasonCode])
	return ev, nil
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
			return pipeline.BoundText(string(v))
		}
		return pipeline.BoundLabel(string(v))
	case string:
		if vb.Type == gosnmp.IPAddress && (f == mib.FieldPeer || f == mib.FieldLocalAddress) {
			return pipeline.BoundLabel(v)
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
