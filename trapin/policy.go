package trapin

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"os"
	"unsafe"

	"github.com/gosnmp/gosnmp"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
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
	// AllowedSources lists the networks packets may come from.
	AllowedSources config.Sources
	// Devices names senders: agent address -> device label.
	Devices map[string]string
	// TunnelStatus maps hwIPSecTunnelStatusChange's status values to up
	// and down; nil means DefaultTunnelStatus.
	TunnelStatus TunnelStatusMap
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

// PolicyFrom maps a config to what the trap input enforces: the one place
// where the config's words become the receiver's. communities are the
// flag's, used when the config lists none; the engine ID, when none is
// configured and v3 users are, is derived from the host name (derived is
// then true, so that the caller can say so).
func PolicyFrom(cfg *config.Config, communities []string) (p *Policy, derived bool) {
	p = &Policy{
		Communities:    cfg.Communities,
		Devices:        cfg.Devices,
		EngineID:       string(cfg.EngineID),
		AllowedSources: cfg.AllowedSources,
	}
	if len(p.Communities) == 0 {
		p.Communities = communities
	}
	if ts := cfg.TunnelStatus; ts != nil {
		p.TunnelStatus = TunnelStatusMap{}
		for _, v := range ts.Up {
			p.TunnelStatus[v] = mib.KindTunnelUp
		}
		for _, v := range ts.Down {
			p.TunnelStatus[v] = mib.KindTunnelDown
		}
	}
	for i := range cfg.Users {
		p.Users = append(p.Users, cfg.Users[i].USM())
	}
	if p.EngineID == "" && len(p.Users) > 0 {
		p.EngineID, derived = derivedEngineID(), true
	}
	return p, derived
}

// derivedEngineID is stable across restarts on one host, so devices need
// not rediscover it after every restart: engineIDOf the host name.
func derivedEngineID() string {
	host, _ := os.Hostname()
	return engineIDOf(host)
}

// engineIDOf is the engine ID derived from a host name, in the RFC 3411
// SnmpEngineID layout: the first bit set, enterprise 8072 (net-snmp, as a
// generic receiver: 0x80001f88), format 5 (octets, administratively
// assigned; not format 4, text: the octets are a hash), then the first 8
// octets of a SHA-256 of the host name. 13 octets, within the 5 to 32
// RFC 3411 allows.
func engineIDOf(host string) string {
	sum := sha256.Sum256([]byte("ipsec_trap_exporter\x00" + host))
	id := []byte{0x80, 0x00, 0x1f, 0x88, 0x05}
	id = append(id, sum[:8]...)
	return string(id)
}
