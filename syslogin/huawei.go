package syslogin

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// Huawei is the Format of Huawei's information centre (VRP, USG, NE, AR,
// S-series): a header, an optional prefix, a description with a field
// list.
type Huawei struct{}

// Parse is ParseMessage.
func (Huawei) Parse(text string) (pipeline.Event, error) { return ParseMessage(text) }

// ErrNotHuawei is a message without a Huawei information-centre header; it
// is an ErrForeign.
var ErrNotHuawei = fmt.Errorf("%w: no information-centre header (MODULE/SEVERITY/BRIEF:)", ErrForeign)

// Header is the information-centre header that starts every Huawei log
// message's text: %%01IPSEC/4/IPSECNEGOFAIL(t)[3]: is module IPSEC,
// severity 4, brief IPSECNEGOFAIL, flag t (a log written for a trap) and
// count 3. The %% and version digits, the flag and the count are optional.
type Header struct {
	Module   string
	Severity int
	Brief    string
	Flag     byte // l (log), t (trap), d (debug), s (security); 0 when absent
	Count    int  // -1 when absent
}

// Limits that keep parsing cheap and bounded whatever the input.
const (
	maxModule = 32
	maxBrief  = 64
	maxKey    = 64
	maxFields = 64
	// headerSearch is how far into the text the header may start: after a
	// relay's or logger's tag at most.
	headerSearch = 256
)

// briefs maps the information-centre brief names (lower-case) of the
// messages the exporter reads to the catalogue notification whose event
// they report. IPSEC_TUNNEL_TEARED_DOWN (module IPSEC-VPN) is the
// firewall's log of the same teardown hwIPSecTunnelStop reports.
var briefs = func() map[string]mib.Notification {
	m := map[string]mib.Notification{}
	for brief, name := range map[string]string{
		"ipsecnegofail":            mib.NotifNegoFail,
		"ipsectunnelstart":         mib.NotifTunnelStart,
		"ipsectunnelstop":          mib.NotifTunnelStop,
		"ipsec_tunnel_teared_down": mib.NotifTunnelStop,
	} {
		n, ok := mib.NotificationByName(name)
		if !ok {
			panic("syslogin: " + name + " is not in the notification catalogue")
		}
		m[brief] = n
	}
	return m
}()

// keyFields maps the field names of the log descriptions (lower-case) to
// the event fields they fill: the negotiation failure's names (Ifindex,
// SeqNum, Reason, ReasonCode, PeerAddress, PeerPort, VsysName,
// InterfaceName), the tunnel start and stop logs' trap names (DstIP,
// RemotePort, SrcIP, PolicyNum, OfflineReason, ...) and the teardown log's
// (PolicyName, SeqNum, SrcIP, DstIP, OfflineReason, State). Fields not
// listed (Ifindex, ConnID, RuleNum, InboundSPI, Slot, CpuID, ...) are read
// past.
var keyFields = map[string]mib.Field{
	"peeraddress":   mib.FieldPeer,
	"dstip":         mib.FieldPeer,
	"peerport":      mib.FieldPeerPort,
	"remoteport":    mib.FieldPeerPort,
	"interfacename": mib.FieldInterface,
	"ifname":        mib.FieldInterface,
	"vsysname":      mib.FieldVsys,
	"reason":        mib.FieldReasonText,
	"offlinereason": mib.FieldReasonText,
	"reasoncode":    mib.FieldReasonCode,
	"seqnum":        mib.FieldSeqNum,
	"policynum":     mib.FieldSeqNum,
	"policyname":    mib.FieldPolicyName,
	"srcip":         mib.FieldLocalAddress,
}

// ParseMessage turns the text of a Huawei log message (the syslog MSG,
// possibly after a tag) into the event the equivalent trap decodes to:
// same kind, notification name, fields and reason classification. Device
// and Time are the caller's. It returns ErrNotHuawei or ErrOtherMessage
// (wrapped, naming the message) for messages it does not count. Every value
// taken from text is bounded as the trap decoder bounds varbinds.
func ParseMessage(text string) (pipeline.Event, error) {
	h, desc, ok := FindHeader(text)
	if !ok {
		return pipeline.Event{}, ErrNotHuawei
	}
	var lower [maxBrief]byte
	n, ok := briefs[string(toLower(lower[:], h.Brief))]
	if !ok {
		return pipeline.Event{}, fmt.Errorf("%w: %s/%d/%s", ErrOtherMessage, h.Module, h.Severity, h.Brief)
	}

	desc, vsys := stripPrefix(desc)
	var values [mib.FieldCount]string
	backup := false
	eachField(desc, func(key, value string) {
		var buf [maxKey]byte
		lower := toLower(buf[:], key)
		if string(lower) == "state" {
			backup = strings.EqualFold(value, "backup")
			return
		}
		f, ok := keyFields[string(lower)]
		if !ok || values[f] != "" {
			return // the first of a repeated field wins, as in traps
		}
		values[f] = fieldValue(f, value)
	})

	if values[mib.FieldVsys] == "" && vsys != "" {
		values[mib.FieldVsys] = fieldValue(mib.FieldVsys, vsys)
	}
	splitPeerPort(&values)
	ev := pipeline.Event{Kind: n.Kind, Notification: n.Name}
	ev.SetFields(&values)
	if backup {
		// The standby device of a hot-standby pair logs the teardown of
		// the SA it mirrors (State=Backup); the tunnel is the active
		// device's, so the standby's copy is counted by name only.
		ev.Kind = mib.KindNotification
	}
	pipeline.ClassifyReason(&ev, values[mib.FieldReasonCode])
	return ev, nil
}

// maxPrefix bounds how far into the text a prefix's end is looked for.
const maxPrefix = 128

// stripPrefix removes the context some products write between the header
// and the text, and returns the rest and the virtual system a firewall
// names there ("" if none):
//
//	VS=Admin-VS-CID=0x81d80420-OID=1.3.6.1.4.1.2011.6.8.2.2.0.3;text   NE and ME routers (VRP V8)
//	CID=0x80cb000c-OID=1.3.6.1.4.1.2011.6.10.2.17;text                  the same without a VS
//	slot=1;text                                                          S-series switches
//	Slot=2,Vcpu=0;text                                                   some firewalls
//	Vsys public:text                                                     USG firewalls
//
// The VS of a router is its virtual system, not a firewall's vsys, so only
// the last one names one. Without the prefix gone, a description without a
// parenthesised field list would read the prefix as its first fields.
func stripPrefix(desc string) (rest, vsys string) {
	head := desc[:min(len(desc), maxPrefix)]
	switch {
	case strings.HasPrefix(head, "Vsys "):
		name := head[len("Vsys "):]
		if end := strings.IndexByte(name, ':'); end > 0 && !strings.ContainsAny(name[:end], " ,;=()") {
			return strings.TrimLeft(desc[len("Vsys ")+end+1:], " "), name[:end]
		}
	case strings.HasPrefix(head, "VS=") || strings.HasPrefix(head, "CID=0x"):
		if end := strings.IndexByte(head, ';'); end > 0 && strings.Contains(head[:end], "CID=0x") && !strings.Contains(head[:end], " ") {
			return strings.TrimLeft(desc[end+1:], " "), ""
		}
	case len(head) > 5 && strings.EqualFold(head[:5], "slot="):
		if end := slotPrefixEnd(head); end > 0 {
			return strings.TrimLeft(desc[end:], " "), ""
		}
	}
	return desc, ""
}

// slotPrefixEnd returns the length of "slot=N;" or "Slot=N,Vcpu=N;" at the
// start of s, or 0.
func slotPrefixEnd(s string) int {
	i := 5
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 5 || i >= len(s) {
		return 0
	}
	if s[i] == ';' {
		return i + 1
	}
	if !strings.HasPrefix(s[i:], ",Vcpu=") {
		return 0
	}
	i += len(",Vcpu=")
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j == i || j >= len(s) || s[j] != ';' {
		return 0
	}
	return j + 1
}

// splitPeerPort splits a peer written with its port, "203.0.113.9:4500"
// (USG IKE logs), into the address and, unless the message has its own
// port field, the port: the series are keyed by the address alone, as for
// traps.
func splitPeerPort(values *[mib.FieldCount]string) {
	if strings.Count(values[mib.FieldPeer], ":") != 1 {
		return // no port, or IPv6 (checked first: a parse error allocates)
	}
	ap, err := netip.ParseAddrPort(values[mib.FieldPeer])
	if err != nil {
		return
	}
	values[mib.FieldPeer] = ap.Addr().String()
	if values[mib.FieldPeerPort] == "" {
		values[mib.FieldPeerPort] = strconv.Itoa(int(ap.Port()))
	}
}

// fieldValue bounds a value like the trap decoder does: label text to
// pipeline.BoundLabel, reason text to pipeline.BoundText, and numbers to
// their canonical decimal form (a number field that is not a number is
// left empty, not trusted).
func fieldValue(f mib.Field, v string) string {
	// Replace invalid UTF-8 before bounding: replacing after cutting to
	// the bound could grow the value past it (U+FFFD is three bytes).
	v = strings.ToValidUTF8(v, "\uFFFD")
	switch {
	case f.Numeric():
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return ""
		}
		return strconv.FormatUint(n, 10)
	case f == mib.FieldReasonText:
		return pipeline.BoundText(v)
	default:
		return pipeline.BoundLabel(v)
	}
}

// FindHeader finds the information-centre header at the start of a word in
// the first bytes of text, and returns it with the description after its
// colon.
func FindHeader(text string) (Header, string, bool) {
	limit := min(len(text), headerSearch)
	for i := 0; i < limit; i++ {
		if i > 0 && text[i-1] != ' ' {
			continue
		}
		if h, n, ok := parseHeader(text[i:]); ok {
			return h, strings.TrimLeft(text[i+n:], " "), true
		}
	}
	return Header{}, "", false
}

// parseHeader reads [%%][dd]MODULE/S/BRIEF[(f)][[count]]: at the start of
// s and returns it and its length, colon included.
func parseHeader(s string) (Header, int, bool) {
	h := Header{Count: -1}
	i := 0
	if strings.HasPrefix(s, "%%") {
		i = 2
	}
	// Two version digits, when a module name follows them.
	if i+2 < len(s) && isDigit(s[i]) && isDigit(s[i+1]) && isLetter(s[i+2]) {
		i += 2
	}
	start := i
	if i >= len(s) || !isLetter(s[i]) {
		return h, 0, false
	}
	for i < len(s) && i-start <= maxModule && (isLetter(s[i]) || isDigit(s[i]) || s[i] == '_' || s[i] == '-') {
		i++
	}
	if i-start > maxModule || i+3 > len(s) || s[i] != '/' || s[i+1] < '0' || s[i+1] > '7' || s[i+2] != '/' {
		return h, 0, false
	}
	h.Module = s[start:i]
	h.Severity = int(s[i+1] - '0')
	i += 3
	start = i
	for i < len(s) && i-start <= maxBrief && (isLetter(s[i]) || isDigit(s[i]) || s[i] == '_') {
		i++
	}
	if i == start || i-start > maxBrief {
		return h, 0, false
	}
	h.Brief = s[start:i]
	// The flag, attached or after one space (NE and ME routers write
	// "hwAllocUserIPFailAlarm (t):").
	j := i
	if j < len(s) && s[j] == ' ' {
		j++
	}
	if j+2 < len(s) && s[j] == '(' && isLetter(s[j+1]) && s[j+2] == ')' {
		h.Flag = s[j+1]
		i = j + 3
	}
	if i < len(s) && s[i] == '[' {
		j := i + 1
		for j < len(s) && j-i <= 10 && isDigit(s[j]) {
			j++
		}
		if j == i+1 || j >= len(s) || s[j] != ']' {
			return h, 0, false
		}
		n, err := strconv.Atoi(s[i+1 : j])
		if err != nil {
			return h, 0, false
		}
		h.Count = n
		i = j + 1
	}
	if i >= len(s) || s[i] != ':' {
		return h, 0, false
	}
	return h, i + 1, true
}

// eachField calls fn for every Key=value and Key=[value] of a description:
// "IPSec tunnel negotiation fails. (Ifindex=5, Reason=[dpd timeout], ...)".
// The list is the parenthesised one whose first word is Key=, up to the
// last ')'; without one, it is every Key=value from the first on. A plain
// value runs to the next ", Key=" or the list's end, so it may hold commas
// and parentheses; a bracketed value runs to the ']' that is followed by a
// separator. At most maxFields fields are read.
func eachField(desc string, fn func(key, value string)) {
	list, ok := fieldList(desc)
	if !ok {
		return
	}
	for n := 0; n < maxFields; n++ {
		list = strings.TrimLeft(list, " ,;")
		eq := keyLen(list)
		if eq == 0 {
			return
		}
		key := list[:eq]
		rest := list[eq+1:]
		var value string
		if strings.HasPrefix(rest, "[") {
			end := bracketEnd(rest)
			value, rest = rest[1:end], rest[min(end+1, len(rest)):]
		} else {
			end := plainEnd(rest)
			value, rest = rest[:end], rest[end:]
		}
		fn(key, strings.TrimSpace(value))
		list = rest
	}
}

// fieldList returns the text of the field list of desc.
func fieldList(desc string) (string, bool) {
	for i := 0; i < len(desc); i++ {
		if desc[i] == '(' && keyLen(strings.TrimLeft(desc[i+1:], " ")) > 0 {
			list := desc[i+1:]
			if end := strings.LastIndexByte(list, ')'); end >= 0 {
				list = list[:end]
			}
			return list, true
		}
	}
	for i := 0; i < len(desc); i++ {
		if (i == 0 || desc[i-1] == ' ') && keyLen(desc[i:]) > 0 {
			return strings.TrimRight(desc[i:], " ."), true
		}
	}
	return "", false
}

// keyLen returns the length of the Key in a "Key=" at the start of s, or 0.
func keyLen(s string) int {
	i := 0
	for i < len(s) && i < maxKey && (isLetter(s[i]) || isDigit(s[i]) || s[i] == '_' || s[i] == '-') {
		i++
	}
	if i == 0 || !isLetter(s[0]) || i >= len(s) || s[i] != '=' {
		return 0
	}
	return i
}

// plainEnd returns where a plain value at the start of s ends: at a comma
// (or semicolon) followed by another Key=, else at the end.
func plainEnd(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' || s[i] == ';' {
			if keyLen(strings.TrimLeft(s[i+1:], " ")) > 0 {
				return i
			}
		}
	}
	return len(s)
}

// bracketEnd returns the index of the ']' closing the bracketed value at
// the start of s: the first one followed by a separator or the end, else
// the last one, else the end.
func bracketEnd(s string) int {
	last := -1
	for i := 1; i < len(s); i++ {
		if s[i] != ']' {
			continue
		}
		last = i
		rest := strings.TrimLeft(s[i+1:], " ")
		if rest == "" || rest[0] == ',' || rest[0] == ';' {
			return i
		}
	}
	if last < 0 {
		return len(s)
	}
	return last
}

// toLower writes the ASCII lower case of s into buf (as much as fits), so
// that map lookups on it allocate nothing.
func toLower(buf []byte, s string) []byte {
	n := copy(buf, s)
	for i, c := range buf[:n] {
		if c >= 'A' && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	return buf[:n]
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
