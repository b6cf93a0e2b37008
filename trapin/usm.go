package trapin

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// The USM statistics a Report carries (RFC 3414 section 5): the OID tells
// the sender what went wrong, the value is the receiver's counter.
const (
	usmStatsNotInTimeWindows = ".1.3.6.1.6.3.15.1.1.2.0"
	usmStatsUnknownEngineIDs = ".1.3.6.1.6.3.15.1.1.4.0"
)

const (
	// timeWindow is how far a message's engine time may be from the
	// receiver's (RFC 3414 section 2.2.3).
	timeWindow = 150
	// maxEngineBoots latches: an engine whose boots reached it accepts no
	// authenticated message (RFC 3414 section 2.2.2).
	maxEngineBoots = 2147483647
	// maxEngineTime is where snmpEngineTime stops (RFC 3411 snmpEngineTime
	// is 0..2147483647); an exporter would have to run 68 years to get here.
	maxEngineTime = 2147483647
)

var (
	// errNoEngineID is an engine discovery request the receiver cannot answer.
	errNoEngineID = errors.New("engine discovery request, but no local engine ID")
	// errOtherEngine is an authentic message addressed to an engine ID that
	// is not this receiver's.
	errOtherEngine = errors.New("authenticated message for another engine ID")
	// errNotInTimeWindow is an authentic message whose engine boots or time
	// are not this receiver's: a replay, or a sender that lost track.
	errNotInTimeWindow = errors.New("authenticated message outside the time window")
)

// localEngine is the receiver's SNMP engine, authoritative for the informs
// sent to it (RFC 3414 section 3.2.7): a boot count that the caller keeps
// across restarts and a clock that starts with the receiver.
type localEngine struct {
	boots   uint32
	started time.Time
	// now is the clock, replaced in tests to step past the time window.
	now func() time.Time

	// The usmStats counters the Reports carry.
	notInTimeWindows atomic.Uint32
	unknownEngineIDs atomic.Uint32
}

func newLocalEngine(boots uint32, now func() time.Time) *localEngine {
	switch {
	case boots == 0:
		boots = 1
	case boots > maxEngineBoots:
		boots = maxEngineBoots
	}
	return &localEngine{boots: boots, started: now(), now: now}
}

// time is snmpEngineTime: whole seconds since the receiver started.
func (e *localEngine) time() uint32 {
	s := e.now().Sub(e.started) / time.Second
	if s < 0 {
		return 0
	}
	if s > maxEngineTime {
		return maxEngineTime
	}
	return uint32(s)
}

// inTimeWindow is the check of RFC 3414 3.2.7 (a) for an authoritative
// receiver: the message must carry this engine's boots, and a time no more
// than 150 seconds away from this engine's.
func (e *localEngine) inTimeWindow(boots, engineTime uint32) bool {
	if e.boots == maxEngineBoots || boots != e.boots {
		return false
	}
	now := int64(e.time())
	diff := int64(engineTime) - now
	return -timeWindow <= diff && diff <= timeWindow
}

// isConfirmedClass tells the PDUs whose receiver is the authoritative engine
// (RFC 3411 section 2.8): those that expect an answer. For a trap the sender
// is authoritative.
func isConfirmedClass(t gosnmp.PDUType) bool {
	switch t {
	case gosnmp.GetRequest, gosnmp.GetNextRequest, gosnmp.GetBulkRequest, gosnmp.SetRequest, gosnmp.InformRequest:
		return true
	}
	return false
}

// newDiscoverySNMP decodes only what needs no credentials: it is tried on a
// v3 packet the users' credentials refused, to find engine discovery
// requests (RFC 3414 section 4), which carry no user and no engine ID.
func newDiscoverySNMP() *gosnmp.GoSNMP {
	return &gosnmp.GoSNMP{
		Version:       gosnmp.Version3,
		SecurityModel: gosnmp.UserSecurityModel,
		// gosnmp wants a user name to decode with; the packet's own
		// replaces it, and isDiscoveryRequest wants that one empty.
		SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: "discovery"},
	}
}

// decodeProbe parses a v3 message without checking anything. gosnmp's trap
// decoder refuses an unauthenticated message unless it is an empty
// GetRequest, but RFC 3414 section 4 lets a sender probe with any
// confirmed-class PDU, and some (pysnmp) probe with the inform itself,
// emptied; isDiscoveryRequest decides what the result may be.
func decodeProbe(x *gosnmp.GoSNMP, b []byte) (*gosnmp.SnmpPacket, error) {
	// gosnmp's parsers change the buffer they are given.
	return x.SnmpDecodePacket(append([]byte(nil), b...))
}

// isDiscoveryRequest is all that is accepted without credentials: a
// confirmed-class PDU with an empty variable-binding list, reportable,
// noAuthNoPriv, with neither user nor engine ID. Anything else without
// credentials is an auth failure.
func isDiscoveryRequest(pkt *gosnmp.SnmpPacket) bool {
	usm, ok := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	return ok && pkt.Version == gosnmp.Version3 &&
		pkt.SecurityModel == gosnmp.UserSecurityModel &&
		isConfirmedClass(pkt.PDUType) && len(pkt.Variables) == 0 &&
		pkt.MsgFlags&gosnmp.Reportable != 0 && pkt.MsgFlags&gosnmp.AuthPriv == gosnmp.NoAuthNoPriv &&
		usm.UserName == "" && usm.AuthoritativeEngineID == ""
}

// answerDiscovery sends the Report that tells an inform sender our engine
// ID, boots and time, so that it can localize its keys and send the inform.
func (r *Input) answerDiscovery(d *datagram, pkt *gosnmp.SnmpPacket, engineID string) error {
	if engineID == "" {
		return errNoEngineID
	}
	if err := r.sendReport(d, pkt, engineID, usmStatsUnknownEngineIDs, r.engine.unknownEngineIDs.Add(1), false); err != nil {
		return fmt.Errorf("engine discovery: %w", err)
	}
	r.self.discoveryAnswered()
	return nil
}

// checkAuthoritative runs the checks of RFC 3414 3.2.3 and 3.2.7 on an
// authenticated confirmed-class message, for which this receiver is the
// authoritative engine. When done, the message has been answered with the
// Report that lets an honest sender recover and goes no further; reason is
// then its drop reason, or "" for the second step of engine discovery.
func (r *Input) checkAuthoritative(d *datagram, pkt *gosnmp.SnmpPacket, engineID string) (done bool, reason pipeline.DropReason, err error) {
	usm, ok := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if !ok {
		return true, DropUnsupportedSec, nil
	}
	if engineID == "" || usm.AuthoritativeEngineID != engineID {
		// The sender localized its keys for another engine: a stale engine
		// ID after engine_id changed, or a message meant for someone else.
		// The Report, unauthenticated as RFC 3414 3.2.3 has it, tells it
		// ours.
		if engineID != "" && pkt.MsgFlags&gosnmp.Reportable != 0 {
			if err := r.sendReport(d, pkt, engineID, usmStatsUnknownEngineIDs, r.engine.unknownEngineIDs.Add(1), false); err != nil {
				return true, DropUnknownEngineID, fmt.Errorf("%w: %w", errOtherEngine, err)
			}
		}
		return true, DropUnknownEngineID, fmt.Errorf("%w: %x", errOtherEngine, usm.AuthoritativeEngineID)
	}
	if r.engine.inTimeWindow(usm.AuthoritativeEngineBoots, usm.AuthoritativeEngineTime) {
		return false, "", nil
	}
	// Boots and time 0 is the second step of discovery (RFC 3414 section
	// 4): a sender that trusts only authenticated engine times asks for
	// them with this message, and this Report is the answer it waits for.
	// Anything else is a replay or a sender that lost track of our clock;
	// the Report lets the honest one resynchronise and send again.
	timeSync := usm.AuthoritativeEngineBoots == 0 && usm.AuthoritativeEngineTime == 0
	if pkt.MsgFlags&gosnmp.Reportable != 0 {
		if err := r.sendReport(d, pkt, engineID, usmStatsNotInTimeWindows, r.engine.notInTimeWindows.Add(1), true); err != nil {
			return true, DropNotInTimeWindow, fmt.Errorf("%w: %w", errNotInTimeWindow, err)
		}
		if timeSync {
			r.self.discoveryAnswered()
			return true, "", nil
		}
	}
	return true, DropNotInTimeWindow, fmt.Errorf("%w: boots %d time %d, ours %d %d", errNotInTimeWindow,
		usm.AuthoritativeEngineBoots, usm.AuthoritativeEngineTime, r.engine.boots, r.engine.time())
}

// sendReport answers pkt with a Report carrying one usmStats counter, with
// this engine's ID, boots and time. An authenticated Report (notInTimeWindow,
// RFC 3414 3.2.7) is signed with the user's key, at authNoPriv; the others
// go without credentials, to a sender whose keys this engine cannot use.
func (r *Input) sendReport(d *datagram, pkt *gosnmp.SnmpPacket, engineID, oid string, count uint32, authenticated bool) error {
	sp := &gosnmp.UsmSecurityParameters{}
	flags := gosnmp.NoAuthNoPriv
	if usm, ok := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters); ok && authenticated {
		// The copy keeps the user's name and its keys, localized for
		// engineID, which the message was authenticated with.
		sp = usm.Copy().(*gosnmp.UsmSecurityParameters)
		sp.AuthenticationParameters = ""
		sp.PrivacyParameters = nil
		flags = gosnmp.AuthNoPriv
	}
	sp.AuthoritativeEngineID = engineID
	sp.AuthoritativeEngineBoots = r.engine.boots
	sp.AuthoritativeEngineTime = r.engine.time()
	report := &gosnmp.SnmpPacket{
		Version:            gosnmp.Version3,
		MsgFlags:           flags,
		SecurityModel:      gosnmp.UserSecurityModel,
		MsgID:              pkt.MsgID,
		MsgMaxSize:         pkt.MsgMaxSize,
		RequestID:          pkt.RequestID,
		PDUType:            gosnmp.Report,
		SecurityParameters: sp,
		ContextEngineID:    engineID,
		ContextName:        pkt.ContextName,
		Variables:          []gosnmp.SnmpPDU{{Name: oid, Type: gosnmp.Counter32, Value: count}},
	}
	out, err := report.MarshalMsg()
	if err != nil {
		return fmt.Errorf("marshal report: %w", err)
	}
	if _, err := d.conn.WriteToUDPAddrPort(out, d.src); err != nil {
		return fmt.Errorf("send report: %w", err)
	}
	return nil
}

// prepareV3Response makes an authenticated inform into its response, in
// place: this engine's boots and time (the response comes from the
// authoritative engine) and, when encrypted, a salt of its own, so that the
// response never reuses the inform's IV under the same key.
func (r *Input) prepareV3Response(pkt *gosnmp.SnmpPacket) error {
	usm, ok := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if !ok {
		return fmt.Errorf("security parameters %T, want USM", pkt.SecurityParameters)
	}
	pkt.MsgFlags &^= gosnmp.Reportable
	usm.AuthoritativeEngineBoots = r.engine.boots
	usm.AuthoritativeEngineTime = r.engine.time()
	usm.AuthenticationParameters = ""
	if pkt.MsgFlags&gosnmp.AuthPriv != gosnmp.AuthPriv {
		usm.PrivacyParameters = nil
		return nil
	}
	salt := make([]byte, 8)
	if _, err := rand.Read(salt); err != nil {
		return fmt.Errorf("privacy salt: %w", err)
	}
	if usm.PrivacyProtocol == gosnmp.DES {
		// RFC 3414 8.1.1.1: the DES salt starts with the engine boots.
		binary.BigEndian.PutUint32(salt, r.engine.boots)
	}
	usm.PrivacyParameters = salt
	return nil
}
