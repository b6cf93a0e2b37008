package mib

import (
	"slices"
	"strings"
)

// Class is the severity class of a failure reason; it drives alert severity.
type Class string

const (
	// ClassCapacityLimit: a device limit is reached, so no new tunnel can come
	// up at all until someone acts (alerts: critical).
	ClassCapacityLimit Class = "capacity_limit"
	// ClassConfigurationMismatch: the two ends disagree (proposals, DH, ACLs,
	// IDs, keys...); it persists until one end is corrected (warning).
	ClassConfigurationMismatch Class = "configuration_mismatch"
	// ClassProtocolAnomaly: packets the device cannot parse or match, from a
	// broken, incompatible or hostile peer (warning).
	ClassProtocolAnomaly Class = "protocol_anomaly"
	// ClassTransient: races and rate limits that usually heal by themselves
	// (warning or info).
	ClassTransient Class = "transient"
)

// EscalationProcedure is the reference's closing step, common to every
// cause. It is kept out of Group.Remediation so that it is stated once, after
// the cause-specific steps.
const EscalationProcedure = "If the fault persists, collect related information and contact technical support personnel."

// Group gathers the reasons that share one remediation procedure: alerts,
// runbook sections and dashboards work per group, not per code.
type Group struct {
	Name  string // slug; stable, used in alert names and runbook anchors
	Title string
	Class Class
	// Remediation is the vendor's procedure word for word when the reference
	// has one for these causes, else the project's own guidance.
	Remediation string
	// Vendor tells which of the two Remediation is, so that generated text
	// never presents the project's guidance as the vendor's.
	Vendor bool
	// Supplementary holds further vendor procedures, word for word, that the
	// reference files under causes without a reason code of their own.
	Supplementary []string
}

// Vendor procedures the reference files under causes that are not reason
// codes; they are attached to the groups where they apply.
const (
	// "eap authentication timeout, eap authentication fail, xauth
	// authentication fail, xauth authentication timeout": remote-access
	// clients report these as authentication failures.
	eapXauthProcedure = "Ensure that the client's user name and password as well as user access configuration are correct."
	// "license or specification limited": every capacity limit is one.
	licenseProcedure = "Apply for a license or expand the capacity as required."
)

var groupTable = []Group{
	// Vendor procedures.
	{Name: "phase1_proposal_mismatch", Title: "IKE proposal mismatch", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Check IKE proposal parameters at both ends of the IPSec tunnel and ensure that the parameters are consistent at both ends."},
	{Name: "phase2_proposal_or_pfs_mismatch", Title: "IPSec proposal or PFS mismatch", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Check IPSec proposal parameters or PFS algorithms at both ends of the IPSec tunnel and ensure that the parameters or algorithms are consistent at both ends."},
	{Name: "dh_mismatch", Title: "Diffie-Hellman group mismatch", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Check DH algorithms at both ends of the IPSec tunnel and ensure that the algorithms are consistent at both ends."},
	{Name: "encapsulation_mode_mismatch", Title: "Encapsulation mode mismatch", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Check encapsulation modes at both ends of the IPSec tunnel and ensure that the encapsulation modes are consistent at both ends."},
	{Name: "ip_assignment_failure", Title: "IP address assignment failure", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Ensure that the AAA and IPSec configurations, such as the IP pool, AAA service scheme, and IP addresses assigned to IKE users, are correct."},
	{Name: "peer_address_mismatch", Title: "IKE peer address mismatch", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Check the IP addresses of IKE peers at both ends and ensure that the IP addresses match each other."},
	{Name: "config_id_mismatch", Title: "IKE identity mismatch", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Check identity authentication parameters, such as the ID type and ID value, and ensure that the parameters match each other."},
	{Name: "authentication_failure", Title: "Identity authentication failure", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation:   "Check IKE proposal parameters or IKE peer parameters at both ends of the IPSec tunnel and ensure that the parameters are consistent at both ends.",
		Supplementary: []string{eapXauthProcedure}},
	{Name: "exchange_mode_mismatch", Title: "IKEv1 exchange mode mismatch", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Check the IKEv1 phase 1 negotiation modes at both ends and ensure that the negotiation modes are consistent at both ends."},
	{Name: "route_limit", Title: "Injected route limit reached", Class: ClassCapacityLimit, Vendor: true,
		Remediation:   "Replace the device with the one that has a higher route specification and plan the network properly.",
		Supplementary: []string{licenseProcedure}},
	{Name: "local_address_mismatch", Title: "Local address mismatch", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Check the local IP address and interface IP address used in IKE negotiation and ensure that the IP addresses are consistent."},
	{Name: "ipsec_tunnel_limit", Title: "IPSec tunnel limit reached", Class: ClassCapacityLimit, Vendor: true,
		Remediation:   "Delete unnecessary IPSec tunnels or expand the capacity.",
		Supplementary: []string{licenseProcedure}},
	{Name: "dynamic_peer_limit", Title: "Dynamic IKE peer limit reached", Class: ClassCapacityLimit, Vendor: true,
		Remediation:   "Expand the capacity and plan the network properly.",
		Supplementary: []string{licenseProcedure}},
	{Name: "ike_user_interface_not_selected", Title: "No tunnel interface selected from the IKE user table", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Check the ID type and ID value in the IKE user table as well as the interface associated with the IKE user, and ensure that these parameters match each other."},
	{Name: "disconnect_state", Title: "Tunnel torn down in disconnect state", Class: ClassTransient, Vendor: true,
		Remediation: "Check whether the link or device is working properly based on the IPSec link detection result."},
	{Name: "proposal_mismatch_or_sm_in_ikev2", Title: "IPSec proposal mismatch or SM algorithm with IKEv2", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Check the algorithm used by IKEv2 in the IPSec proposal and ensure that the algorithm is correct."},
	{Name: "flow_conflict", Title: "Protected data flow conflict", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Check ACL rules at both ends of the IPSec tunnel and ensure that the ACLs are correct."},
	{Name: "netmask_mismatch", Title: "Protected data flow mask mismatch", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Change the IPSec-protected data flow range of the branch or headquarters to ensure that the data flow ranges negotiated by the branch and headquarters do not overlap."},
	{Name: "no_policy_on_interface", Title: "No IPSec policy applied on the interface", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "Apply the required IPSec policy to the interface."},
	// The vendor's fix is the peer's MTU, so it persists until someone acts:
	// a configuration problem, not a transient one.
	{Name: "fragment_limit", Title: "Fragment limit exceeded", Class: ClassConfigurationMismatch, Vendor: true,
		Remediation: "The number of received fragmented packets exceeds the limit. Adjust the MTU of the peer device correctly."},
	{Name: "fragment_reassembly_timeout", Title: "Fragment reassembly timeout", Class: ClassTransient, Vendor: true,
		Remediation: "Ensure that the links at both ends are normal and the device status is normal."},

	// The project's own guidance, for causes the reference gives no
	// procedure for.
	{Name: "flow_or_peer_mismatch", Title: "Protected flow or peer address mismatch", Class: ClassConfigurationMismatch,
		Remediation: "Compare the protected data flows and the peer addresses of the two ends. On both devices, display the IPSec policy and the ACL it references (display ipsec policy, display acl) and check that each end's rules mirror the other's exactly: source and destination swapped, same protocol and ports, no subnet missing on one side. Then display the IKE peer on both ends (display ike peer) and check that the remote address configured on each end is the address the other end really sends from, after any NAT. On a hub that uses a policy template, check that the template's ACL covers the branch's flows."},
	{Name: "ike_version_mismatch", Title: "IKE version mismatch or unsupported version", Class: ClassConfigurationMismatch,
		Remediation: "Display the IKE peer on both ends (display ike peer) and make them agree on the IKE version: both IKEv1 or both IKEv2, or both versions enabled on the responder while a migration is under way. For an unsupported version (code 26) the peer offered a version this device does not run or has disabled: check the peer's configuration first, then whether this device's software supports that version."},
	{Name: "local_id_construction_failure", Title: "Local IKE ID cannot be built", Class: ClassConfigurationMismatch,
		Remediation: "Check the local ID type and value configured for this peer on the reporting device (display ike peer). The device must be able to build that ID from what it has: a DN ID needs a loaded local certificate, an FQDN or user-FQDN ID needs the name configured, and an IP-address ID needs an address on the outbound interface or a configured local address. Supply the missing value or certificate, or change the ID type, then check that the result is the remote ID the peer expects."},
	{Name: "rekey_failure", Title: "Re-negotiation (rekey) failure", Class: ClassTransient,
		Remediation: "Usually self-healing: the re-negotiation raced with the deletion of the old SA, and the next attempt builds new SAs from scratch. If it repeats for the same peer, compare the IKE SA and IPSec SA lifetimes on both ends (display ike sa, display ipsec sa, and the proposals and policies behind them) and make them consistent, check that both ends use the same DPD settings, and check whether the peer restarted or cleared its SAs. Clearing the SAs for that peer on both ends (reset ike sa and reset ipsec sa for the remote address) forces a clean negotiation."},
	{Name: "first_packet_limited", Title: "First-packet rate limit", Class: ClassTransient,
		Remediation: "The device is rate-limiting the first packets of new negotiations, which happens when many peers negotiate at once, such as on a hub after a restart or an uplink flap; the failures stop once the burst has drained. If they persist, find the source: one peer or an unknown address starting negotiations in a loop (compare failures per peer, display ike statistics) points to a misconfigured or hostile peer, while a hub that legitimately serves many branches needs its new-negotiation rate limit reviewed against the number of branches."},
	{Name: "malformed_or_invalid_ike_packet", Title: "Malformed or invalid IKE packet", Class: ClassProtocolAnomaly,
		Remediation: "The peer sent IKE packets this device cannot parse or cannot match to a negotiation. First check whether the peer address belongs to a configured peer: if it does not, treat it as scanning or an attack and filter UDP 500 and 4500 from it. If it does, look for something in the path that alters or truncates UDP (NAT devices, load balancers, a path MTU too small for large IKE messages), for a peer that restarted mid-negotiation and still sends old cookies, and for an interoperability problem between the two IKE implementations or software versions. A packet capture of UDP 500 and 4500 on the reporting device shows which."},
	{Name: "unrecognized_ike_payload", Title: "Unrecognized IKE payload", Class: ClassProtocolAnomaly,
		Remediation: "The peer sent a payload type this device does not recognize: a critical one aborts the negotiation, a non-critical one is dropped. This is usually an interoperability gap between IKE implementations or software versions rather than a configuration error. Find which feature the peer uses that this device lacks (for example IKE fragmentation, EAP, a vendor extension or a newer notification type), then disable it on the peer or upgrade this device. If the peer address is not a configured peer, treat it as probing."},
	{Name: "nat_detection_failure", Title: "NAT detection failure", Class: ClassConfigurationMismatch,
		Remediation: "NAT detection (the exchange of NAT-D hashes) failed. Display the IKE peer on both ends (display ike peer) and check that NAT traversal is enabled on both when a NAT device sits between them, that each end's configured local address is the address its packets really leave from, and that nothing in the path translates UDP 500 and UDP 4500 differently. Compare the addresses and ports each end sees in its IKE SA (display ike sa) with the configuration."},
	{Name: "local_certificate_unusable", Title: "Local certificate missing or unusable", Class: ClassConfigurationMismatch,
		Remediation: "The reporting device has no usable local certificate for certificate authentication. Display the local certificates (display pki certificate local) and check that the certificate the IKE peer or PKI realm refers to is loaded, that it is within its validity period by the device's clock (check the clock and NTP too), that its private key is on the device, and that it matches the configured local ID. Re-enroll or re-import it, and renew certificates on every tunnel end before they expire."},
	{Name: "peer_not_responding", Title: "Peer not responding (retransmissions exhausted)", Class: ClassTransient,
		Remediation: "The device gave up after resending an IKE message the maximum number of times. Check that the peer address is reachable from the reporting device using the tunnel's source address, that UDP 500 and 4500 pass in both directions through every firewall and NAT device on the path, that the peer is up and has IKE configured for this device's address, and that large IKE messages (with certificates) are not lost as IP fragments. If only some peers are affected, compare their paths; if all are, check this device's uplink."},
}

var groups = func() []Group {
	gs := make([]Group, len(groupTable))
	for i, g := range groupTable {
		gs[i] = copyGroup(g)
	}
	slices.SortFunc(gs, func(a, b Group) int { return strings.Compare(a.Name, b.Name) })
	return gs
}()

var groupsByName = func() map[string]Group {
	m := make(map[string]Group, len(groups))
	for _, g := range groups {
		m[g.Name] = g
	}
	return m
}()

// copyGroup makes sure no caller shares a Supplementary backing array with
// the catalogue.
func copyGroup(g Group) Group {
	g.Supplementary = slices.Clone(g.Supplementary)
	return g
}

// Groups returns every group sorted by name.
func Groups() []Group {
	gs := make([]Group, len(groups))
	for i, g := range groups {
		gs[i] = copyGroup(g)
	}
	return gs
}

// GroupByName looks a group up by its Name (a Reason's Group).
func GroupByName(name string) (Group, bool) {
	g, ok := groupsByName[name]
	if !ok {
		return Group{}, false
	}
	return copyGroup(g), true
}
