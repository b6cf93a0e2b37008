package trapin

import (
	"net/netip"
	"strconv"
	"time"
	"unsafe"

	"github.com/gosnmp/gosnmp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// The lean path decodes the common case of a trap storm, a v1 or v2c trap
// in plain definite-length BER, by walking the bytes once and keeping
// slices of the datagram instead of building gosnmp's packet (which costs
// ~140 allocations a trap). It is strict on purpose: anything it does not
// recognise (informs, which need gosnmp to build their response; v3;
// long-form lengths beyond two octets; unusual value types; trailing bytes)
// it leaves to gosnmp, which stays the judge of every packet the lean path
// does not accept. FuzzLeanMatchesGosnmp holds the two to the same verdict
// and the same event.

// leanVerdict is what the lean path made of a datagram.
type leanVerdict uint8

const (
	leanDefer        leanVerdict = iota // not the common case: decode with gosnmp
	leanEvent                           // decoded; the event is valid
	leanBadCommunity                    // well formed, but no configured community
)

// maxLeanVarbinds bounds the varbinds the lean path keeps on the stack; a
// trap with more goes to gosnmp. Huawei's longest notification has 17.
const maxLeanVarbinds = 48

// BER tags the lean path reads.
const (
	tagInteger     = 0x02
	tagOctetString = 0x04
	tagNull        = 0x05
	tagOID         = 0x06
	tagSequence    = 0x30
	tagIPAddress   = 0x40
	tagCounter32   = 0x41
	tagGauge32     = 0x42
	tagTimeTicks   = 0x43
	tagCounter64   = 0x46
	tagV1Trap      = 0xa4
	tagV2Trap      = 0xa7
)

type leanVarbind struct {
	name  []byte // BER content of the OID
	tag   byte
	value []byte
}

// berTLV reads one definite-length TLV at b[0:], returning the tag, the
// contents and the rest. Lengths of more than two octets, the indefinite
// form and anything truncated are not the common case.
func berTLV(b []byte) (tag byte, val, rest []byte, ok bool) {
	if len(b) < 2 {
		return 0, nil, nil, false
	}
	tag = b[0]
	n, hdr := int(b[1]), 2
	switch {
	case n < 0x80:
	case n == 0x81 && len(b) >= 3:
		n, hdr = int(b[2]), 3
	case n == 0x82 && len(b) >= 4:
		n, hdr = int(b[2])<<8|int(b[3]), 4
	default:
		return 0, nil, nil, false
	}
	if len(b)-hdr < n {
		return 0, nil, nil, false
	}
	return tag, b[hdr : hdr+n], b[hdr+n:], true
}

// berInt reads a two's-complement INTEGER of 1 to 8 octets, as gosnmp does.
func berInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 8 {
		return 0, false
	}
	v := int64(int8(b[0])) // sign from the first octet
	for _, x := range b[1:] {
		v = v<<8 | int64(x)
	}
	return v, true
}

// berUint reads an unsigned application integer of up to 4 octets (5 with
// a leading zero), the only sizes Counter32, Gauge32 and TimeTicks have.
func berUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 5 || len(b) == 5 && b[0] != 0 {
		return 0, false
	}
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v, true
}

// appendOID formats the BER content of an OID as dotted text without a
// leading dot. Sub-identifiers beyond 32 bits and a first one of 80 or more
// (arc 2) are left to gosnmp.
func appendOID(dst, b []byte) ([]byte, bool) {
	if len(b) == 0 {
		return dst, false
	}
	first := true
	var v uint64
	for i, x := range b {
		if v == 0 && x == 0x80 {
			return dst, false // non-minimal sub-identifier
		}
		v = v<<7 | uint64(x&0x7f)
		if v > 1<<32-1 {
			return dst, false
		}
		if x&0x80 != 0 {
			if i == len(b)-1 {
				return dst, false // the last sub-identifier does not end
			}
			continue
		}
		if first {
			if v >= 80 {
				return dst, false
			}
			dst = strconv.AppendUint(dst, v/40, 10)
			dst = append(dst, '.')
			dst = strconv.AppendUint(dst, v%40, 10)
			first = false
		} else {
			dst = append(dst, '.')
			dst = strconv.AppendUint(dst, v, 10)
		}
		v = 0
	}
	return dst, true
}

// oidValid is appendOID's verdict without the text: the walk checks every
// name before the community is known, and formatting is most of its cost.
func oidValid(b []byte) bool {
	if len(b) == 0 || b[len(b)-1]&0x80 != 0 {
		return false
	}
	first := true
	var v uint64
	for _, x := range b {
		if v == 0 && x == 0x80 {
			return false
		}
		v = v<<7 | uint64(x&0x7f)
		if v > 1<<32-1 {
			return false
		}
		if x&0x80 == 0 {
			if first && v >= 80 {
				return false
			}
			first, v = false, 0
		}
	}
	return true
}

// view is a string over b for a lookup that does not keep it: no copy.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// leanDecode decodes a v1 or v2c trap. accepted says whether a community
// may be looked at further; it is asked only once the whole message has
// been walked, so a forged community costs no more than the walk. The steps
// keep slices of b on the stack and convert nothing before then.
func (d *Decoder) leanDecode(b []byte, source netip.Addr, now time.Time, accepted func(community []byte) bool) (pipeline.Event, gosnmp.SnmpVersion, leanVerdict) {
	m, ok := readLeanMessage(b)
	if !ok {
		return pipeline.Event{}, m.version, leanDefer
	}
	var c carried
	var list []byte
	if m.pduTag == tagV1Trap {
		list, ok = readV1TrapHeader(m.pdu, &c)
	} else {
		list, ok = skipV2TrapHeader(m.pdu)
	}
	if !ok {
		return pipeline.Event{}, m.version, leanDefer
	}
	var vbs [maxLeanVarbinds]leanVarbind
	n, ok := walkVarbinds(list, &vbs)
	if !ok {
		return pipeline.Event{}, m.version, leanDefer
	}
	if !accepted(m.community) {
		return pipeline.Event{}, m.version, leanBadCommunity
	}
	c.takeVarbinds(vbs[:n])
	ev, err := d.build(&c, source, now)
	if err != nil {
		return pipeline.Event{}, m.version, leanDefer // gosnmp says why
	}
	return ev, m.version, leanEvent
}

// leanMessage is the outer layer of a v1 or v2c message, in place.
type leanMessage struct {
	version   gosnmp.SnmpVersion // set once read, also when ok is false
	community []byte
	pduTag    byte // tagV1Trap (v1) or tagV2Trap (v2c)
	pdu       []byte
}

// readLeanMessage reads the message's sequence, version and community and
// the PDU that ends it; anything but a v1 Trap-PDU or a v2c SNMPv2-Trap-PDU
// (informs included) is not the lean path's.
func readLeanMessage(b []byte) (m leanMessage, ok bool) {
	tag, msg, rest, ok := berTLV(b)
	if !ok || tag != tagSequence || len(rest) != 0 {
		return m, false
	}
	tag, ver, msg, ok := berTLV(msg)
	if !ok || tag != tagInteger || len(ver) != 1 || ver[0] > 1 {
		return m, false
	}
	m.version = gosnmp.SnmpVersion(ver[0])
	if tag, m.community, msg, ok = berTLV(msg); !ok || tag != tagOctetString {
		return m, false
	}
	if m.pduTag, m.pdu, msg, ok = berTLV(msg); !ok || len(msg) != 0 {
		return m, false
	}
	v1 := m.version == gosnmp.Version1
	if v1 != (m.pduTag == tagV1Trap) || m.pduTag != tagV1Trap && m.pduTag != tagV2Trap {
		return m, false
	}
	return m, true
}

// readV1TrapHeader reads a Trap-PDU's enterprise, agent address, generic
// and specific trap and time stamp, gives c the notification OID (RFC 3584's
// mapping) and the agent, and returns the rest: the varbind list.
func readV1TrapHeader(pdu []byte, c *carried) ([]byte, bool) {
	var enterprise, agent, generic, specific, ticks []byte
	var t [5]byte
	var ok bool
	for i, p := range []*[]byte{&enterprise, &agent, &generic, &specific, &ticks} {
		if t[i], *p, pdu, ok = berTLV(pdu); !ok {
			return nil, false
		}
	}
	if t != [5]byte{tagOID, tagIPAddress, tagInteger, tagInteger, tagTimeTicks} || len(agent) != 4 {
		return nil, false
	}
	var oidBuf [160]byte
	g, okG := berInt(generic)
	s, okS := berInt(specific)
	_, okT := berUint(ticks)
	ent, okE := appendOID(oidBuf[:0], enterprise)
	if !okG || !okS || !okT || !okE || g != int64(int(g)) || s != int64(int(s)) {
		return nil, false
	}
	c.notificationOID = v1NotificationOID(string(ent), int(g), int(s))
	if a := netip.AddrFrom4([4]byte(agent)); a != netip.IPv4Unspecified() {
		c.agent = a.String()
	}
	return pdu, true
}

// skipV2TrapHeader passes over an SNMPv2-Trap-PDU's request-id,
// error-status and error-index, which say nothing about the event, and
// returns the rest: the varbind list.
func skipV2TrapHeader(pdu []byte) ([]byte, bool) {
	for range 3 {
		tag, v, rest, ok := berTLV(pdu)
		if !ok || tag != tagInteger {
			return nil, false
		}
		if _, ok := berInt(v); !ok {
			return nil, false
		}
		pdu = rest
	}
	return pdu, true
}

// walkVarbinds checks the varbind list, the last thing in the PDU, and
// keeps each name and value in vbs as slices of the datagram; n is how many.
// Nothing is converted: the community has not been looked at yet.
func walkVarbinds(pdu []byte, vbs *[maxLeanVarbinds]leanVarbind) (n int, ok bool) {
	tag, list, pdu, ok := berTLV(pdu)
	if !ok || tag != tagSequence || len(pdu) != 0 {
		return 0, false
	}
	for len(list) > 0 {
		var vb []byte
		if tag, vb, list, ok = berTLV(list); !ok || tag != tagSequence || n == maxLeanVarbinds {
			return 0, false
		}
		v := &vbs[n]
		if tag, v.name, vb, ok = berTLV(vb); !ok || tag != tagOID {
			return 0, false
		}
		if v.tag, v.value, vb, ok = berTLV(vb); !ok || len(vb) != 0 || !leanValueOK(v.tag, v.value) {
			return 0, false
		}
		if !oidValid(v.name) {
			return 0, false
		}
		n++
	}
	return n, true
}

// takeVarbinds gives c what the walked varbinds mean: the notification OID
// (snmpTrapOID.0), a proxy's snmpTrapAddress.0, and the first value of each
// object the catalogue maps to a field.
func (c *carried) takeVarbinds(vbs []leanVarbind) {
	// oidBuf holds each varbind's name while it is looked up.
	var oidBuf [160]byte
	for i := range vbs {
		v := &vbs[i]
		name, _ := appendOID(oidBuf[:0], v.name)
		switch view(name) {
		case mib.OIDSnmpTrapOID:
			if v.tag == tagOID {
				oid, _ := appendOID(oidBuf[:0], v.value)
				// A catalogued OID is kept as the catalogue's own string,
				// so the common case copies nothing.
				if n, ok := mib.NotificationByOID(view(oid)); ok {
					c.notificationOID = n.OID
				} else {
					c.notificationOID = string(oid)
				}
			}
			continue
		case mib.OIDSnmpTrapAddress:
			if v.tag == tagIPAddress {
				c.trapAddress = netip.AddrFrom4([4]byte(v.value)).String()
			}
			continue
		}
		o, ok := mib.ObjectOf(view(name))
		if !ok || o.Field == mib.FieldNone || c.values[o.Field] != "" {
			continue
		}
		c.values[o.Field] = leanValueText(v, o.Field)
	}
}

// leanValueOK accepts the value encodings whose meaning the lean path
// knows exactly as gosnmp decodes them.
func leanValueOK(tag byte, v []byte) bool {
	switch tag {
	case tagOctetString:
		return true
	case tagNull:
		return len(v) == 0
	case tagInteger:
		_, ok := berInt(v)
		return ok
	case tagCounter32, tagGauge32, tagTimeTicks:
		_, ok := berUint(v)
		return ok
	case tagIPAddress:
		return len(v) == 4
	case tagOID:
		return oidValid(v)
	}
	return false
}

// leanValueText is varbindText for a walked varbind: the same rules per
// gosnmp value type.
func leanValueText(v *leanVarbind, f mib.Field) string {
	switch v.tag {
	case tagOctetString:
		if f.Numeric() {
			return ""
		}
		if f == mib.FieldReasonText {
			return pipeline.BoundText(string(v.value))
		}
		return pipeline.BoundLabel(string(v.value))
	case tagIPAddress:
		if f == mib.FieldPeer || f == mib.FieldLocalAddress {
			return netip.AddrFrom4([4]byte(v.value)).String()
		}
	case tagInteger:
		x, _ := berInt(v.value)
		return numberText(f, x, x >= 0)
	case tagCounter32, tagGauge32, tagTimeTicks:
		x, _ := berUint(v.value)
		return numberText(f, int64(x), true)
	}
	return ""
}
