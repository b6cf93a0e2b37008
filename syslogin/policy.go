package syslogin

import (
	"errors"
	"net/netip"
	"strings"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// Policy is what the listener accepts and how it names senders; it comes
// from the config file and is replaced whole on reload.
type Policy struct {
	// AllowedSources lists the networks messages may come from; checked
	// before anything is parsed.
	AllowedSources config.Sources
	// Devices names senders: address -> device label, as for traps.
	Devices map[string]string
	// DeviceFromHostname names the device after the message's HOSTNAME
	// field instead of the sender's address (logs forwarded by a relay).
	DeviceFromHostname bool
	// TLS is the TLS listener's certificate; required with
	// Options.TLSListenAddresses.
	TLS *TLS
}

// PolicyFrom maps a config to what the syslog input enforces: the same
// allow-list and device names as traps, and the TLS certificate.
func PolicyFrom(cfg *config.Config) *Policy {
	p := &Policy{AllowedSources: cfg.AllowedSources, Devices: cfg.Devices, DeviceFromHostname: cfg.Syslog.DeviceFromHostname}
	if t := cfg.Syslog.TLS; t != nil {
		p.TLS = &TLS{Certificate: t.Certificate, ClientCAs: t.ClientCAs}
	}
	return p
}

// device names the sender of a message as the trap path names a trap's
// sender: the devices map's name for the address, else the address. With
// DeviceFromHostname the HOSTNAME field stands for the address when it is
// present: looked up in the devices map when it is an address, used as it
// is (bounded) when it is a name, such as the device's sysname.
func (p *Policy) device(src netip.Addr, hostname string) string {
	key := src.Unmap().String()
	if p.DeviceFromHostname && hostname != "" && hostname != "-" {
		if a, err := netip.ParseAddr(hostname); err == nil {
			key = a.Unmap().String()
		} else {
			return pipeline.BoundLabel(strings.ToValidUTF8(hostname, "\uFFFD"))
		}
	}
	if name, ok := p.Devices[key]; ok {
		return name
	}
	return key
}

// checkPolicy reports whether p can be the policy: TLS listeners need a
// certificate.
func (s *Input) checkPolicy(p *Policy) error {
	if p.TLS == nil && len(s.opts.TLSListenAddresses) > 0 {
		return errors.New("--syslog.tls-listen-address needs syslog.tls (cert_file and key_file) in the config file")
	}
	return nil
}
