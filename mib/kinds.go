package mib

// Kind says what a notification means for a tunnel; it decides which series
// an event of it updates. The decoder resolves KindTunnelStatusChange into
// KindTunnelUp, KindTunnelDown or (for an unmapped status) KindNotification,
// so events never carry it.
type Kind uint8

const (
	// KindNotification is counted by name only: capacity warnings, phase 1
	// established, certificate alarms, DPD probe results, policy changes,
	// and traps of other MIBs.
	KindNotification Kind = iota
	// KindNegotiationFailure is a tunnel negotiation that failed, with a
	// reason.
	KindNegotiationFailure
	// KindTunnelUp is a tunnel that came up; it is also the one successful
	// negotiation. There is no other kind of success: the notifications
	// named "...Success" of the router family (hwIkeSANegotiationSuccess,
	// hwIPSECSANegotiationSuccess, hwIPSecNegotiationSuccess) are the
	// clears of failure alarms, sent beside the tunnel's up for the same
	// negotiation (see Notification.Clears).
	KindTunnelUp
	// KindTunnelDown is a tunnel that went down, with a teardown reason.
	KindTunnelDown
	// KindTunnelStatusChange carries the new status in an object
	// (FieldStatus) and the reason in another: it becomes up or down by the
	// status mapping.
	KindTunnelStatusChange
)

func (k Kind) String() string {
	switch k {
	case KindNegotiationFailure:
		return "negotiation_failure"
	case KindTunnelUp:
		return "tunnel_up"
	case KindTunnelDown:
		return "tunnel_down"
	case KindTunnelStatusChange:
		return "tunnel_status_change"
	default:
		return "notification"
	}
}

// Field is a piece of an event that an object can carry.
type Field uint8

const (
	FieldNone         Field = iota // carried, but not kept
	FieldPeer                      // the remote address, as text
	FieldPeerPort                  // the remote port (NAT traversal)
	FieldInterface                 // interface name
	FieldVsys                      // virtual system (firewall) or VPN instance / VRF (router)
	FieldReasonCode                // negotiation-failure reason code
	FieldReasonText                // failure reason, teardown reason, status-change reason, DPD failure description: as sent
	FieldStatus                    // new tunnel status of a status change
	FieldSeqNum                    // IPSec policy sequence number
	FieldPolicyName                // IPSec policy name
	FieldLocalAddress              // the local address of the tunnel
	FieldIKEVersion                // IKE version (router family)
	FieldTunnelVPN                 // VPN instance of the tunnel (status change)
	FieldFlowVPN                   // VPN instance of the protected flow (status change)
	FieldCertificate               // certificate subject or CN of a PKI notification
	FieldCount                     // number of fields; not a field
)

var fieldNames = [FieldCount]string{
	FieldNone: "", FieldPeer: "peer", FieldPeerPort: "peer_port", FieldInterface: "interface",
	FieldVsys: "vsys", FieldReasonCode: "reason_code", FieldReasonText: "reason_text",
	FieldStatus: "status", FieldSeqNum: "seq_num", FieldPolicyName: "policy_name",
	FieldLocalAddress: "local_address", FieldIKEVersion: "ike_version",
	FieldTunnelVPN: "tunnel_vpn", FieldFlowVPN: "flow_vpn", FieldCertificate: "certificate",
}

// String is the field's name in /events and in documentation.
func (f Field) String() string {
	if f < FieldCount {
		return fieldNames[f]
	}
	return ""
}

// Numeric tells whether the field holds a number: a number field that
// arrives as text is not trusted, and a text field never takes a number.
func (f Field) Numeric() bool {
	switch f {
	case FieldPeerPort, FieldReasonCode, FieldStatus, FieldSeqNum, FieldIKEVersion:
		return true
	}
	return false
}
