package collector

import (
	"errors"
	"fmt"
	"time"

	"github.com/gosnmp/gosnmp"
)

// usmStatsUnknownEngineIDs is the counter a Report carries to tell an
// inform sender the local engine ID (RFC 3414 3.2.3).
const usmStatsUnknownEngineIDs = ".1.3.6.1.6.3.15.1.1.4.0"

// errNoEngineID is an engine discovery request the receiver cannot answer.
var errNoEngineID = errors.New("engine discovery request, but no local engine ID")

// newDiscoverySNMP decodes only what needs no credentials: it is tried on a
// v3 packet the users' credentials refused, to find engine discovery
// requests (RFC 3414 4), which carry no user and no engine ID.
func newDiscoverySNMP() *gosnmp.GoSNMP {
	return &gosnmp.GoSNMP{
		Version:            gosnmp.Version3,
		SecurityModel:      gosnmp.UserSecurityModel,
		SecurityParameters: &gosnmp.UsmSecurityParameters{},
	}
}

// isDiscoveryRequest is stricter than what gosnmp lets through without
// credentials: an empty GetRequest, reportable, noAuthNoPriv, with neither
// user nor engine ID. Anything else without credentials is an auth failure.
func isDiscoveryRequest(pkt *gosnmp.SnmpPacket) bool {
	usm, ok := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	return ok && pkt.Version == gosnmp.Version3 &&
		pkt.SecurityModel == gosnmp.UserSecurityModel &&
		pkt.PDUType == gosnmp.GetRequest && len(pkt.Variables) == 0 &&
		pkt.MsgFlags&gosnmp.Reportable != 0 && pkt.MsgFlags&gosnmp.AuthPriv == gosnmp.NoAuthNoPriv &&
		usm.UserName == "" && usm.AuthoritativeEngineID == ""
}

// answerDiscovery sends the Report that tells an inform sender our engine
// ID, boots and time, so that it can localize its keys and send the inform.
func (r *Receiver) answerDiscovery(d *datagram, pkt *gosnmp.SnmpPacket, engineID string) error {
	if engineID == "" {
		return errNoEngineID
	}
	count := r.discoveries.Add(1)
	report := &gosnmp.SnmpPacket{
		Version:       gosnmp.Version3,
		MsgFlags:      gosnmp.NoAuthNoPriv,
		SecurityModel: gosnmp.UserSecurityModel,
		MsgID:         pkt.MsgID,
		MsgMaxSize:    pkt.MsgMaxSize,
		RequestID:     pkt.RequestID,
		PDUType:       gosnmp.Report,
		SecurityParameters: &gosnmp.UsmSecurityParameters{
			AuthoritativeEngineID:    engineID,
			AuthoritativeEngineBoots: 1,
			AuthoritativeEngineTime:  uint32(time.Since(r.started) / time.Second), //nolint:gosec // uptime fits for 136 years
		},
		ContextEngineID: engineID,
		Variables: []gosnmp.SnmpPDU{
			{Name: usmStatsUnknownEngineIDs, Type: gosnmp.Counter32, Value: uint32(count)}, //nolint:gosec // wraps like the MIB counter
		},
	}
	out, err := report.MarshalMsg()
	if err != nil {
		return fmt.Errorf("marshal engine discovery report: %w", err)
	}
	if _, err := d.conn.WriteToUDPAddrPort(out, d.src); err != nil {
		return fmt.Errorf("send engine discovery report: %w", err)
	}
	r.metrics.discoveryAnswered()
	return nil
}
