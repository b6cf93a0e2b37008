package trapin

import (
	"errors"
	"fmt"

	"github.com/go-kit/log/level"
	"github.com/gosnmp/gosnmp"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// workerDecoders are one worker's gosnmp instances, so that no gosnmp state
// is shared between goroutines.
type workerDecoders struct {
	snmp      *gosnmp.GoSNMP
	discovery *gosnmp.GoSNMP
}

// work decodes queued datagrams until the queue is closed and empty.
func (r *Input) work() {
	defer r.workers.Done()
	dec := &workerDecoders{discovery: newDiscoverySNMP()}
	var generation uint64
	for d := range r.queue {
		state := r.policy.Load()
		if state.generation != generation {
			snmp, err := state.policy.newSNMP()
			if err != nil {
				// SetPolicy refuses such a policy, so this cannot happen;
				// keep the old decoder rather than none.
				level.Error(r.logger).Log("msg", "Building the SNMP decoder failed", "err", err)
			} else {
				dec.snmp = snmp
			}
			generation = state.generation
		}
		r.handle(d, state, dec)
		r.release(d)
	}
}

// handle runs one datagram through authentication, decoding and the sinks.
// A panic in gosnmp on hostile bytes costs that packet, never the process.
func (r *Input) handle(d *datagram, state *policyState, dec *workerDecoders) {
	defer func() {
		if p := recover(); p != nil {
			r.self.Drop(pipeline.DropMalformed)
			level.Debug(r.logger).Log("msg", "Decoding panicked; packet dropped", "source", d.src, "panic", fmt.Sprint(p))
		}
	}()
	reason, err := r.process(d, state, dec)
	if reason != "" {
		r.self.Drop(reason)
		level.Debug(r.logger).Log("msg", "Packet dropped", "source", d.src, "reason", reason, "err", err)
	}
}

// process returns the drop reason of a packet it did not turn into an
// event, or "".
func (r *Input) process(d *datagram, state *policyState, dec *workerDecoders) (pipeline.DropReason, error) {
	version, ok := peekVersion(d.buf)
	if !ok {
		return pipeline.DropMalformed, errNotSNMP
	}
	r.self.countReceived(version)

	if version != gosnmp.Version3 {
		// The common case of a storm, v1 and v2c traps, walked in place;
		// what the lean path does not take (informs, odd encodings) goes on
		// to gosnmp below.
		ev, _, verdict := state.decoder.leanDecode(d.buf, d.src.Addr(), r.engine.now(), state.policy.communityAcceptedBytes)
		switch verdict {
		case leanBadCommunity:
			return DropUnknownCommunity, nil
		case leanEvent:
			return r.feed.Record(&ev), nil
		}
	}

	var pkt *gosnmp.SnmpPacket
	var err error
	if version == gosnmp.Version3 && len(state.policy.Users) == 0 {
		err = errNoUsers
	} else {
		pkt, err = dec.snmp.UnmarshalTrap(d.buf, true)
	}
	if err != nil {
		if version != gosnmp.Version3 {
			return pipeline.DropMalformed, err
		}
		// Credentials refused it; the one v3 message that needs none is an
		// engine discovery request from an inform sender.
		probe, perr := decodeProbe(dec.discovery, d.buf)
		if perr != nil || !isDiscoveryRequest(probe) {
			return DropAuthFailure, err
		}
		if err := r.answerDiscovery(d, probe, state.policy.EngineID); err != nil {
			return DropUnsupportedPDU, err
		}
		return "", nil
	}
	if version != gosnmp.Version3 && !state.policy.communityAccepted(pkt.Community) {
		return DropUnknownCommunity, nil
	}
	if version == gosnmp.Version3 {
		if done, reason, err := r.checkV3(d, pkt, state.policy.EngineID); done {
			return reason, err
		}
	}

	ev, err := state.decoder.Decode(pkt, d.src.Addr(), r.engine.now())
	switch {
	case errors.Is(err, errUnsupportedPDU):
		return DropUnsupportedPDU, err
	case err != nil:
		return pipeline.DropMalformed, err
	}
	if pkt.PDUType == gosnmp.InformRequest && !r.informs.firstSeen(newInformKey(pkt, d.src), r.engine.now()) {
		// A retransmission: the device did not get our response. Answer
		// again; the event was counted the first time.
		r.answerInform(d, pkt)
		return DropDuplicateInform, nil
	}
	drop := r.feed.Record(&ev)
	if pkt.PDUType == gosnmp.InformRequest {
		// The inform was authenticated and recorded (or already counted
		// from the device's log line). A series-limit refusal is this
		// exporter's policy, not a lost packet: withholding the response
		// would only make the device retransmit into the same limit.
		r.answerInform(d, pkt)
	}
	return drop, nil
}

// checkV3 refuses a v3 message outside the user-based security model and,
// for an inform, one this receiver, its authoritative engine, must refuse.
// For a trap the sender is the authoritative engine and nothing here knows
// its clock.
func (r *Input) checkV3(d *datagram, pkt *gosnmp.SnmpPacket, engineID string) (done bool, reason pipeline.DropReason, err error) {
	if pkt.SecurityModel != gosnmp.UserSecurityModel {
		return true, DropUnsupportedSec, nil
	}
	if isConfirmedClass(pkt.PDUType) {
		return r.checkAuthoritative(d, pkt, engineID)
	}
	return false, "", nil
}

// answerInform acknowledges an accepted inform; a failure to answer costs
// the sender a retransmission, not the event.
func (r *Input) answerInform(d *datagram, pkt *gosnmp.SnmpPacket) {
	if err := r.acknowledge(d, pkt); err != nil {
		level.Warn(r.logger).Log("msg", "Acknowledging an inform failed", "source", d.src, "err", err)
		return
	}
	r.self.informAcknowledged()
}

// acknowledge answers an inform with a response carrying the same
// request ID and varbinds (RFC 3416 4.2.7), at the inform's security level.
func (r *Input) acknowledge(d *datagram, pkt *gosnmp.SnmpPacket) error {
	pkt.PDUType = gosnmp.GetResponse
	pkt.Error = gosnmp.NoError
	pkt.ErrorIndex = 0
	if pkt.Version == gosnmp.Version3 {
		if err := r.prepareV3Response(pkt); err != nil {
			return err
		}
	}
	out, err := pkt.MarshalMsg()
	if err != nil {
		return fmt.Errorf("marshal response: %w", err)
	}
	if _, err := d.conn.WriteToUDPAddrPort(out, d.src); err != nil {
		return fmt.Errorf("send response: %w", err)
	}
	return nil
}

// peekVersion reads the SNMP version field of a message without decoding
// the rest: SEQUENCE { INTEGER version, ... }. It lets the receiver count
// packets by version and tell a v3 packet that fails authentication from
// bytes that are not SNMP at all.
func peekVersion(b []byte) (gosnmp.SnmpVersion, bool) {
	if len(b) < 2 || b[0] != 0x30 {
		return 0, false
	}
	i := 2
	if b[1]&0x80 != 0 { // long-form length: skip its octets
		i += int(b[1] & 0x7f)
	}
	if i+3 > len(b) || b[i] != 0x02 || b[i+1] != 1 {
		return 0, false
	}
	switch v := gosnmp.SnmpVersion(b[i+2]); v {
	case gosnmp.Version1, gosnmp.Version2c, gosnmp.Version3:
		return v, true
	}
	return 0, false
}
