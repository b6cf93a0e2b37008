package mib

import "slices"

// UnknownReason is the reason label for a code not in the catalogue; the
// code itself is still kept, as the reason_code label.
const UnknownReason = "unknown"

// Reason is one negotiation-failure reason code.
type Reason struct {
	Code  int
	Slug  string // Slug(Text): the reason label value
	Text  string // as the vendor reference lists it under ReasonCode
	Cause string // the reference's "Possible Causes" entry, or the project's own for codes it does not list
	Group string // Group.Name
}

// reasonTable holds Code, Text, Cause and Group; Slug is derived so that it
// can never drift from the rule. Texts and causes of codes 1-51 are the
// reference's, word for word (typos included, e.g. code 40's "NAT detailed
// failed"), so that they can be searched for in the vendor documentation.
// Codes 52-54 are sent by some product lines but absent from the reference;
// their causes are the project's.
var reasonTable = []Reason{
	{Code: 1, Text: "phase1 proposal mismatch", Group: "phase1_proposal_mismatch",
		Cause: "IKE proposal parameters of the two ends do not match."},
	{Code: 2, Text: "phase2 proposal or pfs mismatch", Group: "phase2_proposal_or_pfs_mismatch",
		Cause: "IPSec proposal parameters, pfs algorithm, or security ACL of the two ends do not match."},
	{Code: 3, Text: "encapsulation mode mismatch", Group: "encapsulation_mode_mismatch",
		Cause: "The encapsulation mode does not match."},
	{Code: 4, Text: "flow or peer mismatch", Group: "flow_or_peer_mismatch",
		Cause: "The security ACL or IKE peer address of the two ends does not match."},
	{Code: 5, Text: "version mismatch", Group: "ike_version_mismatch",
		Cause: "The IKE version number of the two ends does not match."},
	{Code: 6, Text: "responder dh mismatch", Group: "dh_mismatch",
		Cause: "The DH algorithm of the responder does not match."},
	{Code: 7, Text: "initiator dh mismatch", Group: "dh_mismatch",
		Cause: "The DH algorithm of the initiator does not match."},
	{Code: 10, Text: "ip assigned fail", Group: "ip_assignment_failure",
		Cause: "IP address allocation fails."},
	{Code: 12, Text: "peer address mismatch", Group: "peer_address_mismatch",
		Cause: "The IKE peer address of the two ends does not match, or the VPN instance name specified during IKE negotiation is different from the VPN instance bound to the physical interface for IPSec tunnel negotiation."},
	{Code: 13, Text: "config ID mismatch", Group: "config_id_mismatch",
		Cause: "The IKE peer of the specified ID is not found."},
	{Code: 14, Text: "construct local ID fail", Group: "local_id_construction_failure",
		Cause: "The local ID fails to be constructed."},
	{Code: 15, Text: "authentication fail", Group: "authentication_failure",
		Cause: "Identity authentication fails."},
	{Code: 16, Text: "rekey no find old sa", Group: "rekey_failure",
		Cause: "The old SA is not found during re-negotiation."},
	{Code: 17, Text: "rekey fail", Group: "rekey_failure",
		Cause: "The old SA is going offline during re-negotiation."},
	{Code: 18, Text: "first packet limited", Group: "first_packet_limited",
		Cause: "The rate of the first packet is limited."},
	{Code: 21, Text: "invalid cookie", Group: "malformed_or_invalid_ike_packet",
		Cause: "Invalid cookie."},
	{Code: 24, Text: "invalid length", Group: "malformed_or_invalid_ike_packet",
		Cause: "Invalid packet length."},
	{Code: 26, Text: "unsupported version", Group: "ike_version_mismatch",
		Cause: "The IKE version number is not supported."},
	{Code: 28, Text: "malformed payload", Group: "malformed_or_invalid_ike_packet",
		Cause: "Malformed payload."},
	{Code: 30, Text: "malformed message", Group: "malformed_or_invalid_ike_packet",
		Cause: "Malformed message."},
	{Code: 31, Text: "cookie mismatch", Group: "malformed_or_invalid_ike_packet",
		Cause: "Cookie mismatch."},
	{Code: 32, Text: "exchange mode mismatch", Group: "exchange_mode_mismatch",
		Cause: "The negotiation mode of the two ends does not match."},
	{Code: 33, Text: "unknown exchange type", Group: "malformed_or_invalid_ike_packet",
		Cause: "Unknown negotiation mode."},
	{Code: 34, Text: "critical drop", Group: "unrecognized_ike_payload",
		Cause: "Unidentified critical payload."},
	{Code: 35, Text: "uncritical drop", Group: "unrecognized_ike_payload",
		Cause: "Unidentified non-critical payload."},
	{Code: 36, Text: "route limit", Group: "route_limit",
		Cause: "The number of injected routes has reached the upper limit."},
	{Code: 39, Text: "local address mismatch", Group: "local_address_mismatch",
		Cause: "The local IP address in IKE negotiation and interface IP address do not match."},
	{Code: 40, Text: "nat detection fail", Group: "nat_detection_failure",
		Cause: "NAT detailed failed."},
	{Code: 41, Text: "ipsec tunnel number reaches limitation", Group: "ipsec_tunnel_limit",
		Cause: "The number of IPSec tunnels reaches the upper limit."},
	{Code: 42, Text: "dynamic peers number reaches limitation", Group: "dynamic_peer_limit",
		Cause: "The number of IKE peers reaches the upper limit."},
	{Code: 43, Text: "none of user's interface is selected", Group: "ike_user_interface_not_selected",
		Cause: "Failed to select the tunnel interface in the user table based on the remote ID."},
	{Code: 44, Text: "in disconnect state", Group: "disconnect_state",
		Cause: "The IPSec tunnel is torn down in disconnect state."},
	{Code: 45, Text: "proposal mismatch or use sm in ikev2", Group: "proposal_mismatch_or_sm_in_ikev2",
		Cause: "IPSec proposals at both ends of the IPSec tunnel do not match or IKEv2 uses the SM algorithm."},
	{Code: 46, Text: "flow conflict", Group: "flow_conflict",
		Cause: "A data flow conflict occurs."},
	// The reference's cause list names this one "ikev2 not support sm in
	// ipsec proposal ikev2", a duplication; the ReasonCode list, which is
	// what devices send, has the text below.
	{Code: 47, Text: "ikev2 not support sm in ipsec proposal", Group: "proposal_mismatch_or_sm_in_ikev2",
		Cause: "IKEv2 does not support the SM algorithm used in the IPSec proposal."},
	{Code: 48, Text: "netmask mismatch", Group: "netmask_mismatch",
		Cause: "The mask does not match the configured mask after the IPSec mask filtering function is enabled."},
	{Code: 49, Text: "no policy applied on interface", Group: "no_policy_on_interface",
		Cause: "No policy is applied to an interface."},
	{Code: 50, Text: "fragment packet limit", Group: "fragment_limit",
		Cause: "Fragment packets exceed the limit."},
	{Code: 51, Text: "fragment packet reassemble timeout", Group: "fragment_reassembly_timeout",
		Cause: "Fragment packet reassembly times out."},
	{Code: 52, Text: "form cert payload fail", Group: "local_certificate_unusable",
		Cause: "The device could not build the certificate payload of the IKE exchange, typically because its local certificate or the certificate's private key is missing or unusable."},
	{Code: 53, Text: "max transmit reached", Group: "peer_not_responding",
		Cause: "An IKE message was retransmitted the maximum number of times without a valid reply from the peer."},
	{Code: 54, Text: "no valid local cert", Group: "local_certificate_unusable",
		Cause: "No valid local certificate is available for certificate authentication: none is loaded, or it has expired or is not yet valid."},
}

var reasons = func() []Reason {
	rs := slices.Clone(reasonTable)
	for i := range rs {
		rs[i].Slug = Slug(rs[i].Text)
	}
	slices.SortFunc(rs, func(a, b Reason) int { return a.Code - b.Code })
	return rs
}()

var reasonsByCode = func() map[int]Reason {
	m := make(map[int]Reason, len(reasons))
	for _, r := range reasons {
		m[r.Code] = r
	}
	return m
}()

var reasonsBySlug = func() map[string]Reason {
	m := make(map[string]Reason, len(reasons))
	for _, r := range reasons {
		m[r.Slug] = r
	}
	return m
}()

// Reasons returns the whole catalogue sorted by code.
func Reasons() []Reason {
	return slices.Clone(reasons)
}

// ReasonByCode looks a reason up by the code a device sends.
func ReasonByCode(code int) (Reason, bool) {
	r, ok := reasonsByCode[code]
	return r, ok
}

// ReasonBySlug looks a reason up by slug, which is how a reason that arrives
// as free text only (router traps) is matched: ReasonBySlug(Slug(text)).
func ReasonBySlug(slug string) (Reason, bool) {
	r, ok := reasonsBySlug[slug]
	return r, ok
}
