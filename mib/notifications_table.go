package mib

import "strconv"

func fw(n int) string { return OIDFirewallNotifications + "." + strconv.Itoa(n) }
func rt(n int) string { return OIDRouterNotifications + "." + strconv.Itoa(n) }

// Object lists shared by several notifications, in the MIB's order.
var (
	fwTunnelColumns = []string{OIDFwTunnelIfIndex, OIDFwTunnelPolicyNum, OIDFwTunnelIndex, OIDFwTunnelRuleID,
		OIDFwTunnelDstIP, OIDFwTunnelInsideIP, OIDFwTunnelRemotePort, OIDFwTunnelCpuID, OIDFwTunnelSrcIP,
		OIDFwTunnelFlowInfo}
	fwPolicyChange = []string{OIDFwTrapPolicyNum, OIDFwTrapPolicyName, OIDFwVsysName}
	fwPolicyBind   = []string{OIDFwTrapIfIndex, OIDFwTrapPolicyName, OIDFwVsysName, OIDFwIfName}
	rtTunnelState  = []string{OIDRtPolicyName, OIDRtPolicySeq, OIDRtInterface, OIDRtLocalIP, OIDRtRemoteIP, OIDRtRemotePort}
	rtDPD          = []string{OIDRtVrfName, OIDRtLocalIP, OIDRtRemoteIP, OIDRtPolicyName, OIDRtInterface, OIDRtDPDFailReason, OIDRtIkeVersion}
	rtIKESA        = []string{OIDRtVrfName, OIDRtLocalIP, OIDRtRemoteIP, OIDRtPolicyName, OIDRtInterface, OIDRtIkeVersion}
	rtIPSecSA      = []string{OIDRtVrfName, OIDRtLocalIP, OIDRtRemoteIP, OIDRtPolicyName, OIDRtInterface, OIDRtPolicySeq, OIDRtIkeVersion}
	rtNegotiation  = []string{OIDRtNegoFailReason, OIDRtRemoteIP, OIDRtVrfName, OIDRtInterface, OIDRtIkeVersion}
	rtSession      = []string{OIDRtSessionSlot, OIDRtSessionCurrent, OIDRtSessionMaximum}
)

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// notificationTable is the catalogue; descriptions are the project's words.
var notificationTable = []Notification{
	{Name: NotifTunnelStart, OID: fw(1), Family: FamilyFirewall, Kind: KindTunnelUp,
		Description: "An IPSec tunnel was negotiated and came up.",
		Objects: concat(fwTunnelColumns, []string{OIDFwTunnelLifeSize, OIDFwTunnelLifeTime, OIDFwTunnelSlotID,
			OIDFwVsysName, OIDFwIfName, OIDFwIKERole})},
	{Name: NotifTunnelStop, OID: fw(2), Family: FamilyFirewall, Kind: KindTunnelDown,
		Description: "An IPSec tunnel was deleted; carries the teardown (offline) reason.",
		Objects:     concat(fwTunnelColumns, []string{OIDFwTunnelSlotID, OIDFwOfflineReason, OIDFwVsysName, OIDFwIfName})},
	{Name: NotifPolicyAdd, OID: fw(3), Family: FamilyFirewall,
		Description: "An IPSec policy was added (configuration change).", Objects: fwPolicyChange},
	{Name: NotifPolicyDel, OID: fw(4), Family: FamilyFirewall,
		Description: "An IPSec policy was deleted (configuration change).", Objects: fwPolicyChange},
	{Name: NotifPolicyAttach, OID: fw(5), Family: FamilyFirewall,
		Description: "An IPSec policy was applied to an interface: its tunnels can come up.", Objects: fwPolicyBind},
	{Name: NotifPolicyDetach, OID: fw(6), Family: FamilyFirewall,
		Description: "An IPSec policy was removed from an interface: its tunnels go down.", Objects: fwPolicyBind},
	{Name: NotifIKEReset, OID: fw(7), Family: FamilyFirewall,
		Description: "An operator reset the IKE SAs: a burst of teardowns follows.", Objects: []string{OIDFwVsysName}},
	{Name: NotifIPSecReset, OID: fw(8), Family: FamilyFirewall,
		Description: "An operator reset the IPSec SAs: a burst of teardowns follows.", Objects: []string{OIDFwVsysName}},
	{Name: NotifTunnelReachMax, OID: fw(9), Family: FamilyFirewall,
		Description: "The number of IPSec tunnels is approaching the device's maximum (no varbinds).",
		Predicts:    "What fails next: new IPSec tunnels fail to negotiate with reason code 41 (ipsec tunnel number reaches limitation) once the maximum is reached. Remove unused tunnels or raise the capacity (license) before then."},
	{Name: NotifTunnelReachMaxAtOnce, OID: fw(10), Family: FamilyFirewall,
		Description: "The number of IPSec tunnels reached the maximum in one step (no varbinds)."},
	{Name: NotifIKEPeerReachMax, OID: fw(11), Family: FamilyFirewall,
		Description: "The number of IKE peers is approaching the device's maximum (no varbinds).",
		Predicts:    "What fails next: new dynamic peers fail to negotiate with reason code 42 (dynamic peers number reaches limitation) once the maximum is reached. Remove stale peers or raise the capacity (license) before then."},
	{Name: NotifIKEPeerReachMaxAtOnce, OID: fw(12), Family: FamilyFirewall,
		Description: "The number of IKE peers reached the maximum in one step (no varbinds)."},
	{Name: NotifIKEPhase1Established, OID: fw(13), Family: FamilyFirewall,
		Description: "An IKE phase 1 SA was established.",
		Objects: []string{OIDFwPeerAddress, OIDFwPeerPort, OIDFwLocalAddress, OIDFwTrapAuthMethod, OIDFwTrapAuthID,
			OIDFwTrapAuthIDType, OIDFwVsysName, OIDFwIKERole}},
	{Name: NotifNegoFail, OID: fw(14), Family: FamilyFirewall, Kind: KindNegotiationFailure,
		Description: "IPSec tunnel negotiation failed; carries the reason code (IPSEC/4/IPSECNEGOFAIL).",
		Objects: []string{OIDFwTrapIfIndex, OIDFwTrapPolicyNum, OIDFwReason, OIDFwReasonCode, OIDFwPeerAddress,
			OIDFwPeerPort, OIDFwVsysName, OIDFwIfName}},
	{Name: NotifTunnelHaveReachMax, OID: fw(15), Family: FamilyFirewall,
		Description: "The number of IPSec tunnels has reached the maximum (no varbinds)."},
	{Name: NotifOPRRouteMissed, OID: fw(16), Family: FamilyFirewall,
		Description: "Route injection for an IPSec tunnel failed: traffic for the tunnel's network is not routed into it.",
		Objects:     []string{OIDFwPeerAddress, OIDFwRouteDest, OIDFwRouteMask, OIDFwRouteNextHop, OIDFwTrapIfIndex, OIDFwVsysName}},
	{Name: NotifLowSecurityLevel, OID: fw(17), Family: FamilyFirewall,
		Description: "An IPSec policy uses a low security level (security posture, not stability)."},
	{Name: NotifWeakEncr, OID: fw(18), Family: FamilyFirewall,
		Description: "An IPSec proposal uses a weak encryption algorithm (security posture, not stability)."},
	{Name: NotifTunnelStatusChange, OID: fw(19), Family: FamilyFirewall, Kind: KindTunnelStatusChange,
		Description: "An IPSec tunnel was established or deleted; carries the new status and the reason (MIB V1.22 and later).",
		Objects: []string{OIDFwVsysName, OIDFwIfName, OIDFwTunnelPolicyName, OIDFwTunnelPolicyNum, OIDFwTunnelPolicyAlias,
			OIDFwTunnelVPNName, OIDFwFlowVPNName, OIDFwPeerAddress, OIDFwTunnelDstPort, OIDFwLocalAddress,
			OIDFwTunnelSrcPort, OIDFwTunnelFlowInfo, OIDFwStatusChangeText, OIDFwTunnelStatus}},

	{Name: NotifRouterTunnelUp, OID: rt(1), Family: FamilyRouter, Kind: KindTunnelUp,
		Description: "An IPSec tunnel came up.", Objects: rtTunnelState},
	{Name: NotifRouterTunnelDown, OID: rt(2), Family: FamilyRouter, Kind: KindTunnelDown,
		Description: "An IPSec tunnel went down (the router family sends no reason).", Objects: rtTunnelState},
	{Name: NotifRouterPkiWhitelist, OID: rt(32), Family: FamilyRouter,
		Description: "A negotiation was refused because the peer's certificate is not on the PKI whitelist.",
		Objects:     []string{OIDRtPkiFailedPeer, OIDRtPkiCN, OIDRtVrfName, OIDRtPkiPort}},
	{Name: NotifRouterDPDProbeFail, OID: rt(33), Family: FamilyRouter,
		Description: "IKE dead peer detection failed: the peer stopped answering; carries a failure description.",
		Objects:     rtDPD},
	{Name: NotifRouterDPDProbeOK, OID: rt(34), Family: FamilyRouter, Clears: NotifRouterDPDProbeFail,
		Description: "IKE dead peer detection succeeds again (clears hwIKEDPDProbeFail).", Objects: rtDPD},
	{Name: NotifRouterIKESAFail, OID: rt(35), Family: FamilyRouter, Kind: KindNegotiationFailure,
		SupersededBy: NotifRouterNegoFail,
		Description:  "IKE SA negotiation failed (older routers' only failure notification, without a reason).",
		Objects:      rtIKESA},
	{Name: NotifRouterIKESASuccess, OID: rt(36), Family: FamilyRouter, Clears: NotifRouterIKESAFail,
		Description: "IKE SA negotiation succeeded, or its configuration was deleted (clears hwIkeSANegotiationFail).",
		Objects:     rtIKESA},
	{Name: NotifRouterIPSecSAFail, OID: rt(37), Family: FamilyRouter, Kind: KindNegotiationFailure,
		SupersededBy: NotifRouterNegoFail,
		Description:  "IPSec SA negotiation failed (older routers' only failure notification, without a reason).",
		Objects:      rtIPSecSA},
	{Name: NotifRouterIPSecSASuccess, OID: rt(38), Family: FamilyRouter, Clears: NotifRouterIPSecSAFail,
		Description: "IPSec SA negotiation succeeded, or its configuration was deleted (clears hwIPSECSANegotiationFail).",
		Objects:     rtIPSecSA},
	{Name: NotifRouterNegoConflict, OID: rt(51), Family: FamilyRouter,
		Description: "A negotiation was refused because its ACL range is already used by another tunnel."},
	{Name: NotifRouterNegoFail, OID: rt(57), Family: FamilyRouter, Kind: KindNegotiationFailure,
		Description: "IPSec tunnel negotiation failed; carries the reason as text only (newer routers).",
		Objects:     rtNegotiation},
	{Name: NotifRouterNegoSuccess, OID: rt(58), Family: FamilyRouter, Kind: KindNegotiationSuccess, Clears: NotifRouterNegoFail,
		Description: "IPSec tunnel negotiation succeeded, or its configuration was deleted (clears hwIPSecNegotiationFail).",
		Objects:     rtNegotiation[1:]},
	{Name: NotifRouterSessionThresh, OID: OIDRouterResourceNotifications + ".1", Family: FamilyRouter,
		Description: "IPSec SA session resources reached the alarm threshold.", Objects: rtSession,
		Predicts: "What fails next: new IPSec tunnels fail to negotiate once the SA session resources are used up. Find what holds the sessions (display ipsec sa) and free them, or raise the capacity, before then."},
	{Name: NotifRouterSessionExhaust, OID: OIDRouterResourceNotifications + ".3", Family: FamilyRouter,
		Description: "IPSec SA session resources are used up: new tunnels cannot be set up.", Objects: rtSession,
		Predicts: "What fails next: every new IPSec negotiation on this device, until SA sessions are freed or the capacity is raised. Find what holds the sessions (display ipsec sa) and free them."},
}
