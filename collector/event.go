package collector

import "time"

// Kind says what an Event means for a tunnel; it decides which series the
// event updates.
type Kind uint8

const (
	// KindNotification is a catalogued (or unknown) notification that is
	// only counted by name: capacity warnings, phase-1 established, DPD
	// probe failures, traps of other MIBs.
	KindNotification Kind = iota
	// KindNegotiationFailure is a tunnel negotiation that failed, with a
	// reason.
	KindNegotiationFailure
	// KindNegotiationSuccess is a negotiation that succeeded without saying
	// anything about the tunnel state (router family hwIPSecNegotiationSuccess).
	KindNegotiationSuccess
	// KindTunnelUp is a tunnel that came up; it is also a successful
	// negotiation.
	KindTunnelUp
	// KindTunnelDown is a tunnel that went down, with an offline reason.
	KindTunnelDown
)

func (k Kind) String() string {
	switch k {
	case KindNegotiationFailure:
		return "negotiation_failure"
	case KindNegotiationSuccess:
		return "negotiation_success"
	case KindTunnelUp:
		return "tunnel_up"
	case KindTunnelDown:
		return "tunnel_down"
	default:
		return "notification"
	}
}

// Event is one authenticated, decoded notification. It is vendor-neutral:
// whatever the input (an SNMP trap of either MIB family, later a syslog
// line), the sinks see only this.
type Event struct {
	Kind         Kind
	Notification string // catalogue name, or mib.NotifOther

	Device    string // the sender, as named by the devices map
	Peer      string
	PeerPort  string
	Interface string
	Vsys      string

	// ReasonCode is the decimal reason code, empty when the trap carries
	// none. Reason is a slug that is safe as a label value: a catalogue
	// slug, mib.UnknownReason, or for KindTunnelDown an offline-reason slug.
	// ReasonText is the text as sent; it is never used as a label.
	ReasonCode string
	Reason     string
	ReasonText string

	Time time.Time
}
