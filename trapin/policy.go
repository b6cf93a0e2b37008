package trapin

import (
	"crypto/subtle"
	"fmt"
	"net/netip"
	"unsafe"

	"github.com/gosnmp/gosnmp"
)

// Policy is what the receiver accepts and how it names senders. It is
// replaced whole on reload; a Policy is never changed after it is handed to
// the receiver.
type Policy struct {
	// Communities accepted from v1 and v2c senders.
	Communities []string
	// Users are the SNMPv3 USM credentials; several may share a name.
	Users []*gosnmp.UsmSecurityParameters
	// EngineID is the local authoritative engine ID (raw bytes as a
	// string): v3 engine discovery learns it, and a v3 inform is accepted
	// only when its keys were localized for it.
	EngineID string
	// AllowedSources lists the networks packets may come from; empty
	// allows any.
	AllowedSources []netip.Prefix
	// Devices names senders: agent address -> device label.
	Devices map[string]string
	// TunnelStatus maps hwIPSecTunnelStatusChange's status values to up
	// and down; nil means DefaultTunnelStatus.
	TunnelStatus TunnelStatusMap
}

// sourceAllowed reports whether a packet from addr may be looked at.
func (p *Policy) sourceAllowed(addr netip.Addr) bool { return SourceAllowed(p.AllowedSources, addr) }

// SourceAllowed reports whether addr is in one of the allowed networks;
// an empty list allows any. Every input checks its senders with it, before
// anything is parsed.
func SourceAllowed(allowed []netip.Prefix, addr netip.Addr) bool {
	if len(allowed) == 0 {
		return true
	}
	addr = addr.Unmap()
	for _, prefix := range allowed {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}

// communityAccepted compares against every configured community in
// constant time, so that the time taken does not tell an attacker how much
// of a guess was right or which entry matched.
func (p *Policy) communityAccepted(community string) bool {
	match := 0
	for _, c := range p.Communities {
		match |= subtle.ConstantTimeCompare([]byte(c), []byte(community))
	}
	return match == 1
}

// communityAcceptedBytes is communityAccepted for a community still in the
// datagram, so the lean path compares without copying it.
func (p *Policy) communityAcceptedBytes(community []byte) bool {
	match := 0
	for _, c := range p.Communities {
		match |= subtle.ConstantTimeCompare(unsafe.Slice(unsafe.StringData(c), len(c)), community)
	}
	return match == 1
}

// newSNMP builds the gosnmp decoder for this policy. Each decode worker owns
// one, so that no gosnmp state is shared between goroutines.
func (p *Policy) newSNMP() (*gosnmp.GoSNMP, error) {
	x := &gosnmp.GoSNMP{Version: gosnmp.Version2c}
	if len(p.Users) == 0 {
		return x, nil
	}
	x.Version = gosnmp.Version3
	x.SecurityModel = gosnmp.UserSecurityModel
	table := gosnmp.NewSnmpV3SecurityParametersTable(gosnmp.Logger{})
	for _, u := range p.Users {
		if err := table.Add(u.UserName, u.Copy()); err != nil {
			return nil, fmt.Errorf("user %q: %w", u.UserName, err)
		}
	}
	x.SetTrapSecurityParametersTable(table)
	return x, nil
}
