package collector

import (
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// Kind says what an Event means for a tunnel; the catalogue in mib/ is its
// home, these names keep the collector's code short.
type Kind = mib.Kind

const (
	KindNotification       = mib.KindNotification
	KindNegotiationFailure = mib.KindNegotiationFailure
	KindTunnelUp           = mib.KindTunnelUp
	KindTunnelDown         = mib.KindTunnelDown
)

// Event is one authenticated, decoded notification. It is vendor-neutral:
// whatever the input (an SNMP trap of either MIB family, a syslog line), the
// sinks see only this.
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
	// slug, mib.UnknownReason, or for KindTunnelDown a teardown slug
	// (mib.OtherOfflineReason for text outside the catalogue, "" for none).
	// ReasonText is the text as sent; it is never used as a label.
	ReasonCode string
	Reason     string
	ReasonText string

	// Details the notification carried that never become labels; /events
	// shows them. Numbers are decimal text, empty when not sent.
	SeqNum       string // IPSec policy sequence number
	PolicyName   string
	LocalAddress string
	IKEVersion   string
	Status       string // the raw status of a status change
	TunnelVPN    string
	FlowVPN      string
	Certificate  string

	Time time.Time
}

// SetFields fills every field the catalogue knows from values, indexed by
// mib.Field, as each input collects them (the reason code is not an event
// field of its own: ClassifyReason turns it into the reason labels).
func (e *Event) SetFields(values *[mib.FieldCount]string) {
	e.Peer, e.PeerPort, e.Interface, e.Vsys = values[mib.FieldPeer], values[mib.FieldPeerPort], values[mib.FieldInterface], values[mib.FieldVsys]
	e.ReasonText, e.SeqNum, e.PolicyName = values[mib.FieldReasonText], values[mib.FieldSeqNum], values[mib.FieldPolicyName]
	e.LocalAddress, e.IKEVersion, e.Status = values[mib.FieldLocalAddress], values[mib.FieldIKEVersion], values[mib.FieldStatus]
	e.TunnelVPN, e.FlowVPN, e.Certificate = values[mib.FieldTunnelVPN], values[mib.FieldFlowVPN], values[mib.FieldCertificate]
}

// Field returns the event's value for a catalogue field, so that code that
// walks the catalogue (the /events page, tests) needs no switch of its own.
func (e *Event) Field(f mib.Field) string {
	switch f {
	case mib.FieldPeer:
		return e.Peer
	case mib.FieldPeerPort:
		return e.PeerPort
	case mib.FieldInterface:
		return e.Interface
	case mib.FieldVsys:
		return e.Vsys
	case mib.FieldReasonCode:
		return e.ReasonCode
	case mib.FieldReasonText:
		return e.ReasonText
	case mib.FieldStatus:
		return e.Status
	case mib.FieldSeqNum:
		return e.SeqNum
	case mib.FieldPolicyName:
		return e.PolicyName
	case mib.FieldLocalAddress:
		return e.LocalAddress
	case mib.FieldIKEVersion:
		return e.IKEVersion
	case mib.FieldTunnelVPN:
		return e.TunnelVPN
	case mib.FieldFlowVPN:
		return e.FlowVPN
	case mib.FieldCertificate:
		return e.Certificate
	}
	return ""
}
