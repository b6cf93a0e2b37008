package collector

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

// maxLabelBytes bounds every label value taken from a packet: the MIB's
// longest text object is 128 octets, so anything longer is not a real
// device's value and must not grow memory.
const maxLabelBytes = 128

// field is a piece of an Event that a varbind can carry.
type field uint8

const (
	fieldNone field = iota
	fieldPeer
	fieldPeerPort
	fieldInterface
	fieldVsys
	fieldReasonCode
	fieldReasonText
	fieldOfflineReason
	fieldCount
)

// objectRoot groups the trap objects of one MIB family so that a varbind is
// matched with one prefix test and one map lookup, instead of a prefix test
// per known object.
type objectRoot struct {
	prefix string // with trailing dot
	fields map[string]field
	// arcs says how many arcs below the root name an object: the rest of
	// the OID is its instance (".0", or a table index).
	arcs func(rest string) int
}

// objectRoots maps every object the exporter reads, of both families, to
// the Event field it fills. Objects are matched by prefix, so a scalar with
// or without ".0" and a table column with any index both match.
var objectRoots = []objectRoot{
	newObjectRoot("1.3.6.1.4.1.2011.6.122.26", func(rest string) int {
		if strings.HasPrefix(rest, "2.1.") {
			return 3 // tunnel table column: 2.1.C
		}
		return 2 // trap scalar: 5.N
	}, map[string]field{
		mib.OIDFwPeerAddress:      fieldPeer,
		mib.OIDFwPeerPort:         fieldPeerPort,
		mib.OIDFwReason:           fieldReasonText,
		mib.OIDFwReasonCode:       fieldReasonCode,
		mib.OIDFwOfflineReason:    fieldOfflineReason,
		mib.OIDFwVsysName:         fieldVsys,
		mib.OIDFwIfName:           fieldInterface,
		mib.OIDFwTunnelDstIP:      fieldPeer,
		mib.OIDFwTunnelRemotePort: fieldPeerPort,
	}),
	newObjectRoot("1.3.6.1.4.1.2011.5.25.224.1.19", func(string) int { return 1 }, map[string]field{
		mib.OIDRtRemoteIP:       fieldPeer,
		mib.OIDRtRemotePort:     fieldPeerPort,
		mib.OIDRtInterface:      fieldInterface,
		mib.OIDRtVrfName:        fieldVsys,
		mib.OIDRtNegoFailReason: fieldReasonText,
	}),
}

func newObjectRoot(root string, arcs func(string) int, objects map[string]field) objectRoot {
	r := objectRoot{prefix: root + ".", arcs: arcs, fields: make(map[string]field, len(objects))}
	for oid, f := range objects {
		rel, ok := strings.CutPrefix(oid, r.prefix)
		if !ok || strings.Count(rel, ".")+1 != arcs(rel+".") {
			panic(fmt.Sprintf("object %s is not an object under %s", oid, root))
		}
		r.fields[rel] = f
	}
	return r
}

// lookupField finds the field an object OID (without leading dot) carries.
func lookupField(oid string) field {
	for i := range objectRoots {
		r := &objectRoots[i]
		if rest, ok := strings.CutPrefix(oid, r.prefix); ok {
			if key, ok := firstArcs(rest, r.arcs(rest)); ok {
				return r.fields[key]
			}
			return fieldNone
		}
	}
	return fieldNone
}

// firstArcs returns the first n arcs of a dotted OID.
func firstArcs(oid string, n int) (string, bool) {
	end := 0
	for i := 0; i < n; i++ {
		if end > 0 {
			end++ // skip the dot
		}
		if end >= len(oid) {
			return "", false
		}
		next := strings.IndexByte(oid[end:], '.')
		if next < 0 {
			if i == n-1 {
				return oid, true
			}
			return "", false
		}
		end += next
	}
	return oid[:end], true
}

// notificationKinds says what each catalogued notification means; those not
// listed are counted by name only.
var notificationKinds = map[string]Kind{
	mib.NotifNegoFail:          KindNegotiationFailure,
	mib.NotifTunnelStart:       KindTunnelUp,
	mib.NotifTunnelStop:        KindTunnelDown,
	mib.NotifRouterTunnelUp:    KindTunnelUp,
	mib.NotifRouterTunnelDown:  KindTunnelDown,
	mib.NotifRouterNegoFail:    KindNegotiationFailure,
	mib.NotifRouterNegoSuccess: KindNegotiationSuccess,
}

// Decoder turns an authenticated SNMP packet into an Event.
type Decoder struct {
	// Devices names senders: agent address -> device label.
	Devices map[string]string
}

// Decode maps pkt, received from source, to an Event. It never fails for a
// well-formed notification it does not know: that becomes a
// KindNotification event named mib.NotifOther.
func (d *Decoder) Decode(pkt *gosnmp.SnmpPacket, source netip.Addr, now time.Time) (Event, error) {
	var notificationOID, agent string
	switch pkt.PDUType {
	case gosnmp.Trap:
		notificationOID = v1NotificationOID(pkt)
		if pkt.AgentAddress != "" && pkt.AgentAddress != "0.0.0.0" {
			agent = pkt.AgentAddress
		}
	case gosnmp.SNMPv2Trap, gosnmp.InformRequest:
	default:
		return Event{}, fmt.Errorf("%w: %s", errUnsupportedPDU, pkt.PDUType)
	}

	var values [fieldCount]string
	var trapAddress string
	for i := range pkt.Variables {
		vb := &pkt.Variables[i]
		name := strings.TrimPrefix(vb.Name, ".")
		switch name {
		case mib.OIDSnmpTrapOID:
			if oid, ok := vb.Value.(string); ok && vb.Type == gosnmp.ObjectIdentifier {
				notificationOID = strings.TrimPrefix(oid, ".")
			}
			continue
		case mib.OIDSnmpTrapAddress:
			if addr, ok := vb.Value.(string); ok && vb.Type == gosnmp.IPAddress {
				trapAddress = addr
			}
			continue
		}
		f := lookupField(name)
		if f == fieldNone || values[f] != "" {
			continue
		}
		values[f] = varbindText(vb, f)
	}
	if notificationOID == "" {
		return Event{}, errNoTrapOID
	}

	if agent == "" {
		agent = trapAddress
	}
	if agent == "" {
		agent = source.Unmap().String()
	}
	device := agent
	if name, ok := d.Devices[agent]; ok {
		device = name
	}

	ev := Event{
		Kind:         KindNotification,
		Notification: mib.NotifOther,
		Device:       device,
		Peer:         values[fieldPeer],
		PeerPort:     values[fieldPeerPort],
		Interface:    values[fieldInterface],
		Vsys:         values[fieldVsys],
		ReasonText:   values[fieldReasonText],
		Time:         now,
	}
	n, known := mib.NotificationByOID(notificationOID)
	if !known {
		return ev, nil
	}
	ev.Notification = n.Name
	ev.Kind = notificationKinds[n.Name]

	switch ev.Kind {
	case KindNegotiationFailure:
		ev.ReasonCode, ev.Reason = failureReason(values[fieldReasonCode], values[fieldReasonText])
	case KindTunnelDown:
		ev.ReasonText = values[fieldOfflineReason]
		ev.Reason = mib.OfflineReasonSlug(ev.ReasonText)
	}
	return ev, nil
}

// failureReason picks the reason labels of a negotiation failure. The code
// is the key when present; a text-only failure (router family) maps to the
// catalogue entry with the same slug, and free text never becomes a label.
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
func v1NotificationOID(pkt *gosnmp.SnmpPacket) string {
	enterprise := strings.TrimPrefix(pkt.Enterprise, ".")
	if pkt.GenericTrap != 6 {
		// coldStart(0) .. egpNeighborLoss(5) are snmpTraps.1 .. snmpTraps.6.
		return "1.3.6.1.6.3.1.1.5." + strconv.Itoa(pkt.GenericTrap+1)
	}
	specific := strconv.Itoa(pkt.SpecificTrap)
	direct := enterprise + "." + specific
	if _, ok := mib.NotificationByOID(direct); ok {
		return direct
	}
	return enterprise + ".0." + specific
}

// varbindText renders a varbind as a bounded, valid UTF-8 label value.
// Numeric fields accept every integer type, because firmware differs
// (Gauge32 in the MIB, Integer32 on the wire).
func varbindText(vb *gosnmp.SnmpPDU, f field) string {
	switch v := vb.Value.(type) {
	case []byte:
		if f == fieldReasonCode || f == fieldPeerPort {
			return "" // a number field that carries text is not trusted
		}
		return boundLabel(string(v))
	case string:
		if vb.Type == gosnmp.IPAddress && (f == fieldPeer) {
			return boundLabel(v)
		}
		return ""
	case int:
		return numberText(f, int64(v), v >= 0)
	case int64:
		return numberText(f, v, v >= 0)
	case int32:
		return numberText(f, int64(v), v >= 0)
	case uint:
		return numberText(f, int64(v), v <= 1<<62)
	case uint32:
		return numberText(f, int64(v), true)
	case uint64:
		return numberText(f, int64(v), v <= 1<<62)
	}
	return ""
}

func numberText(f field, v int64, ok bool) string {
	if !ok || (f != fieldReasonCode && f != fieldPeerPort) {
		return ""
	}
	return strconv.FormatInt(v, 10)
}

// boundLabel makes s safe as a label value: valid UTF-8, at most
// maxLabelBytes, no trailing NULs (some firmware sends C strings).
func boundLabel(s string) string {
	s = strings.TrimRight(s, "\x00")
	if len(s) > maxLabelBytes {
		s = s[:maxLabelBytes]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}
