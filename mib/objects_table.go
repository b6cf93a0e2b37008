package mib

// objectTable lists every object a catalogued notification carries, with
// the event field it fills. An object fills one field wherever it appears;
// several objects may fill the same field (the first one a trap carries
// wins), e.g. the peer port of tunnel start (2.1.7) and of status change
// (2.1.18).
var objectTable = []Object{
	// Firewall trap scalars (hwIpsec.5).
	{OIDFwTrapPolicyNum, "hwIPSecTrapTunnelPolicyNum", SyntaxGauge, FieldSeqNum},
	{OIDFwTrapIfIndex, "hwIPSecTrapIfIndex", SyntaxGauge, FieldNone},
	{OIDFwTrapPolicyName, "hwIPSecTrapPolicyName", SyntaxText, FieldPolicyName},
	{OIDFwTrapAuthMethod, "hwIPSecTrapAuthMethod", SyntaxText, FieldNone},
	{OIDFwTrapAuthID, "hwIPSecTrapAuthID", SyntaxText, FieldNone},
	{OIDFwTrapAuthIDType, "hwIPSecTrapAuthIDType", SyntaxText, FieldNone},
	{OIDFwPeerAddress, "hwIPSecTrapTunnelDstIP", SyntaxText, FieldPeer},
	{OIDFwLocalAddress, "hwIPSecTrapTunnelSrcIP", SyntaxText, FieldLocalAddress},
	{OIDFwPeerPort, "hwIPSecTrapTunnelRemotePort", SyntaxGauge, FieldPeerPort},
	{OIDFwReason, "hwIPSecReason", SyntaxText, FieldReasonText},
	{OIDFwReasonCode, "hwIPSecReasonCode", SyntaxGauge, FieldReasonCode},
	{OIDFwOfflineReason, "hwIPSecTrapTunnelOfflineReason", SyntaxText, FieldReasonText},
	{OIDFwVsysName, "hwIPSecVsysName", SyntaxText, FieldVsys},
	{OIDFwIfName, "hwIPSecTrapIfName", SyntaxText, FieldInterface},
	{OIDFwIKERole, "hwIPSecTrapIKERole", SyntaxText, FieldNone},
	{OIDFwRouteDest, "hwIPSecTrapRouteDest", SyntaxText, FieldNone},
	{OIDFwRouteMask, "hwIPSecTrapRouteMask", SyntaxText, FieldNone},
	{OIDFwRouteNextHop, "hwIPSecTrapRouteNextHop", SyntaxText, FieldNone},
	{OIDFwTunnelVPNName, "hwIPSecTrapTunnelVpnName", SyntaxText, FieldTunnelVPN},
	{OIDFwFlowVPNName, "hwIPSecTrapFlowVpnName", SyntaxText, FieldFlowVPN},
	{OIDFwTunnelStatus, "hwIPSecTrapTunnelStatus", SyntaxGauge, FieldStatus},
	{OIDFwStatusChangeText, "hwIPSecTrapTunnelStatusChangeReason", SyntaxText, FieldReasonText},

	// Firewall tunnel table columns (hwIpsec.2.1).
	{OIDFwTunnelIfIndex, "hwIPSecTunIfIndex", SyntaxGauge, FieldNone},
	{OIDFwTunnelPolicyNum, "hwIPSecTunPolicyNum", SyntaxGauge, FieldSeqNum},
	{OIDFwTunnelIndex, "hwIPSecTunIndex", SyntaxGauge, FieldNone},
	{OIDFwTunnelRuleID, "hwIPSecTunRuleId", SyntaxGauge, FieldNone},
	{OIDFwTunnelDstIP, "hwIPSecTunDstIP", SyntaxText, FieldPeer},
	{OIDFwTunnelInsideIP, "hwIPSecTunInsideIP", SyntaxText, FieldNone},
	{OIDFwTunnelRemotePort, "hwIPSecTunRemotePort", SyntaxGauge, FieldPeerPort},
	{OIDFwTunnelCpuID, "hwIPSecTunCpuID", SyntaxGauge, FieldNone},
	{OIDFwTunnelSrcPort, "hwIPSecTunSrcPort", SyntaxGauge, FieldNone},
	{OIDFwTunnelDstPort, "hwIPSecTunDstPort", SyntaxGauge, FieldPeerPort},
	{OIDFwTunnelSrcIP, "hwIPSecTunSrcIP", SyntaxText, FieldLocalAddress},
	{OIDFwTunnelLifeSize, "hwIPSecTunLifeSize", SyntaxGauge, FieldNone},
	{OIDFwTunnelLifeTime, "hwIPSecTunLifeTime", SyntaxGauge, FieldNone},
	{OIDFwTunnelPolicyName, "hwIPSecTunPolicyName", SyntaxText, FieldPolicyName},
	{OIDFwTunnelSlotID, "hwIPSecTunSlotID", SyntaxGauge, FieldNone},
	{OIDFwTunnelFlowInfo, "hwIPSecTunFlowInfo", SyntaxText, FieldNone},
	{OIDFwTunnelPolicyAlias, "hwIPSecTunPolicyAlias", SyntaxText, FieldNone},

	// Router trap scalars (hwIPSecMIB.1.19 and 1.22). Numbers are Integer32.
	{OIDRtPolicyName, "hwIPSecPolicyName", SyntaxText, FieldPolicyName},
	{OIDRtPolicySeq, "hwIPSecPolicySequenceNumber", SyntaxInteger, FieldSeqNum},
	{OIDRtInterface, "hwIPSecInterfaceName", SyntaxText, FieldInterface},
	{OIDRtLocalIP, "hwIPSecLocalAddress", SyntaxText, FieldLocalAddress},
	{OIDRtRemoteIP, "hwIPSecRemoteAddress", SyntaxText, FieldPeer},
	{OIDRtRemotePort, "hwIPSecRemotePort", SyntaxInteger, FieldPeerPort},
	{OIDRtPkiFailedPeer, "hwIPSecPkiWhitelistFailedPeer", SyntaxText, FieldPeer},
	{OIDRtPkiCN, "hwIPSecPkiWhitelistCN", SyntaxText, FieldCertificate},
	{OIDRtVrfName, "hwIPSecPkiIkeFailedVrfName", SyntaxText, FieldVsys},
	{OIDRtPkiPort, "hwIPSecPkiIkeFailedPort", SyntaxInteger, FieldPeerPort},
	{OIDRtIkeVersion, "hwIPSecIkeVersion", SyntaxInteger, FieldIKEVersion},
	{OIDRtDPDFailReason, "hwIPSecDPDFailReason", SyntaxText, FieldReasonText},
	{OIDRtNegoFailReason, "hwIPSecNegoFailReason", SyntaxText, FieldReasonText},
	{OIDRtSessionSlot, "hwIPSecSessionSlot", SyntaxText, FieldNone},
	{OIDRtSessionCurrent, "hwIPSecSessionCurrent", SyntaxInteger, FieldNone},
	{OIDRtSessionMaximum, "hwIPSecSessionMaximum", SyntaxInteger, FieldNone},
}
