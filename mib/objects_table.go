package mib

// objectTable lists every object a catalogued notification carries, with
// its MIB name and syntax (HUAWEI-SECURITY-IPSEC-MIB V1.24 for the firewall,
// HUAWEI-IPSEC-MIB V2.46 for the router) and the event field it fills. An
// object fills one field wherever it appears; several objects may fill the
// same field (the first one a trap carries wins), e.g. the peer port of
// tunnel start (2.1.7) and of status change (2.1.18).
//
// Router objects marked "newer" come from a later revision than V2.46 whose
// text was not available, only its notification list (names and OIDs, no
// SYNTAX). Their syntax is OCTET STRING unless the name says number (port,
// count, total, capacity, threshold, code, CPU). Only the sender uses the
// syntax: the decoder reads every object by OID, and a number field accepts
// any integer type while a text field takes only strings.
var objectTable = []Object{
	// Firewall trap scalars (hwIpsec.5, hwIPSecTrapObject).
	{OIDFwTrapPolicyNum, "hwIPSecTrapTunnelPolicyNum", SyntaxGauge, FieldSeqNum},
	{OIDFwTrapIfIndex, "hwIPSecTrapIfIndex", SyntaxGauge, FieldNone},
	{OIDFwTrapPolicyName, "hwIPSecTrapTunnelPolicyName", SyntaxText, FieldPolicyName},
	{OIDFwTrapAuthMethod, "hwIPSecTrapAuthenticationMethod", SyntaxText, FieldNone},
	{OIDFwTrapAuthID, "hwIPSecTrapAuthenticationID", SyntaxText, FieldNone},
	{OIDFwTrapAuthIDType, "hwIPSecTrapAuthenticationIDType", SyntaxText, FieldNone},
	{OIDFwPeerAddress, "hwIPSecTrapTunnelDstIP", SyntaxText, FieldPeer},
	{OIDFwLocalAddress, "hwIPSecTrapTunnelSrcIP", SyntaxText, FieldLocalAddress},
	{OIDFwPeerPort, "hwIPSecTrapTunnelRemotePort", SyntaxGauge, FieldPeerPort},
	{OIDFwReason, "hwIPSecReason", SyntaxText, FieldReasonText},
	{OIDFwReasonCode, "hwIPSecReasonCode", SyntaxGauge, FieldReasonCode},
	{OIDFwOfflineReason, "hwIPSecTrapTunnelOfflineReason", SyntaxText, FieldReasonText},
	{OIDFwVsysName, "hwIPSecVsysName", SyntaxText, FieldVsys},
	{OIDFwIfName, "hwIPSecTrapIfName", SyntaxText, FieldInterface},
	{OIDFwInitiator, "hwIPSecInitiator", SyntaxText, FieldNone},
	{OIDFwDstIPMask, "hwIPSecTrapTunnelDstIPMask", SyntaxGauge, FieldNone},
	{OIDFwRouteNextHop, "hwIPSecTrapRouteNextHope", SyntaxText, FieldNone},
	{OIDFwOprPriority, "hwIPSecTrapOprPri", SyntaxGauge, FieldNone},
	{OIDFwTunnelVPNName, "hwIPSecTunnelVpnName", SyntaxText, FieldTunnelVPN},
	{OIDFwFlowVPNName, "hwIPSecTunnelFlowVpnName", SyntaxText, FieldFlowVPN},
	{OIDFwTunnelStatus, "hwIPSecTunnelStatus", SyntaxGauge, FieldStatus},
	{OIDFwStatusChangeText, "hwIPSecTunnelStatusChangeReason", SyntaxText, FieldReasonText},

	// Firewall tunnel table columns (hwIpsec.2.1, hwIPSecTunnelConfigEntry).
	// The 2009 revision typed DstIP, InsideIP and SrcIP as IpAddress; the
	// decoder takes an IpAddress for the peer and local address as well.
	{OIDFwTunnelIfIndex, "hwIPSecIfIndex", SyntaxGauge, FieldNone},
	{OIDFwTunnelPolicyNum, "hwIPSecTunnelPolicyNum", SyntaxGauge, FieldSeqNum},
	{OIDFwTunnelIndex, "hwIPSecTunnelIndex", SyntaxGauge, FieldNone},
	{OIDFwTunnelRuleID, "hwIPSecTunnelRuleId", SyntaxGauge, FieldNone},
	{OIDFwTunnelDstIP, "hwIPSecTunnelDstIP", SyntaxText, FieldPeer},
	{OIDFwTunnelInsideIP, "hwIPSecTunnelInsideIP", SyntaxText, FieldNone},
	{OIDFwTunnelRemotePort, "hwIPSecTunnelRemotePort", SyntaxGauge, FieldPeerPort},
	{OIDFwTunnelCpuID, "hwIPSecTunnelCpuID", SyntaxGauge, FieldNone},
	{OIDFwTunnelSrcPort, "hwIPSecTunnelSrcPort", SyntaxGauge, FieldNone},
	{OIDFwTunnelDstPort, "hwIPSecTunnelDstPort", SyntaxGauge, FieldPeerPort},
	{OIDFwTunnelSrcIP, "hwIPSecTunnelSrcIP", SyntaxText, FieldLocalAddress},
	{OIDFwTunnelLifeSize, "hwIPSecTunnelLifeSize", SyntaxGauge, FieldNone},
	{OIDFwTunnelLifeTime, "hwIPSecTunnelLifeTime", SyntaxGauge, FieldNone},
	{OIDFwTunnelPolicyName, "hwIPSecTunnelPolicyName", SyntaxText, FieldPolicyName},
	{OIDFwTunnelSlotID, "hwIPSecTunnelSlotID", SyntaxGauge, FieldNone},
	{OIDFwTunnelFlowInfo, "hwIPSecTunnelFlowInfo", SyntaxText, FieldNone},
	{OIDFwTunnelPolicyAlias, "hwIPSecTunnelPolicyAlias", SyntaxText, FieldNone},

	// Router status objects (hwIPSecMIB.1.19). Numbers are Integer32;
	// addresses are OCTET STRING.
	{OIDRtPolicyName, "hwIPSecPolicyName", SyntaxText, FieldPolicyName},
	{OIDRtPolicySeq, "hwIPSecPolicySeq", SyntaxInteger, FieldSeqNum},
	{OIDRtInterface, "hwIPSecInterface", SyntaxText, FieldInterface},
	{OIDRtLocalIP, "hwIPSecLocalIp", SyntaxText, FieldLocalAddress},
	{OIDRtRemoteIP, "hwIPSecRemoteIp", SyntaxText, FieldPeer},
	{OIDRtRemotePort, "hwIPSecRemotePort", SyntaxInteger, FieldPeerPort},
	{OIDRtPkiGetCertURL, "hwIPSecPkiGetCertUrl", SyntaxText, FieldNone},
	// The MIB types hwIPSecPkiGetCertIp as IpAddress, the one IpAddress a
	// router notification carries. It is listed as text because the sender
	// has no IpAddress syntax yet; it fills no field, so decoding does not
	// depend on it.
	{OIDRtPkiGetCertIP, "hwIPSecPkiGetCertIp", SyntaxText, FieldNone},
	{OIDRtPkiGetCertPort, "hwIPSecPkiGetCertPort", SyntaxInteger, FieldNone},
	{OIDRtPkiLdapVersion, "hwIPSecPkiGetCertLdapVersion", SyntaxInteger, FieldNone},
	{OIDRtPkiCertAttr, "hwIPSecPkiCertAttr", SyntaxText, FieldNone},
	{OIDRtPkiCertDiffName, "hwIPSecPkiCertDiffName", SyntaxText, FieldNone},
	{OIDRtPkiCAIssuer, "hwIPSecPkiCAIssuer", SyntaxText, FieldNone},
	{OIDRtPkiCASubject, "hwIPSecPkiCASubject", SyntaxText, FieldCertificate},
	// A CRL alarm names its CRL by the issuer only.
	{OIDRtPkiCrlIssuer, "hwIPSecPkiCrlIssuer", SyntaxText, FieldCertificate},
	{OIDRtPkiStartTime, "hwIPSecPkiStartValidTime", SyntaxText, FieldNone},
	{OIDRtPkiExpiredTime, "hwIPSecPkiExpiredTime", SyntaxText, FieldNone},
	{OIDRtPkiFailedPeer, "hwIPSecPkiIkeFailedIP", SyntaxText, FieldPeer},
	{OIDRtPkiCN, "hwIPSecPkiIkeFailedCN", SyntaxText, FieldCertificate},
	{OIDRtPkiThreshold, "hwIPSecPkiThrehold", SyntaxInteger, FieldNone},
	{OIDRtPkiConfiguredCnt, "hwIPSecPkiConfigureCnt", SyntaxInteger, FieldNone},
	{OIDRtVrfName, "hwIPSecPkiIkeFailedVrfName", SyntaxText, FieldVsys},
	{OIDRtPkiPort, "hwIPSecPkiIkeFailedPort", SyntaxInteger, FieldPeerPort},
	{OIDRtIkeVersion, "hwIpsecIkeVersion", SyntaxInteger, FieldIKEVersion},
	{OIDRtDPDFailReason, "hwIpsecIkeSaNegoFailDesc", SyntaxText, FieldReasonText},
	{OIDRtPkiCAName, "hwIPSecPkiCAName", SyntaxText, FieldNone},
	{OIDRtPkiSaveCAName, "hwIPSecPkiSaveDwLdCaName", SyntaxText, FieldNone},
	{OIDRtSvcType, "hwIPSecSvcType", SyntaxText, FieldNone},
	{OIDRtPAFCapacity, "hwIPSecPAFCapacity", SyntaxInteger, FieldNone},
	{OIDRtPkiCmpSession, "hwIPSecPkiGetCmpSessionName", SyntaxText, FieldNone},
	{OIDRtPkiCmpRequireType, "hwIPSecPkiGetCmpRequireType", SyntaxText, FieldNone},
	{OIDRtPkiCertIssuer, "hwIPSecPkiGetCertIssuer", SyntaxText, FieldNone},
	{OIDRtPkiCertSubject, "hwIPSecPkiGetCertSubject", SyntaxText, FieldCertificate},
	// Newer (syntax chosen, see above) from here to the end of 1.19.
	{OIDRtPkiCertFileName, "hwIPSecPkiGetCertFileName", SyntaxText, FieldNone},
	{OIDRtPkiInvalidReason, "hwIPSecPkiGetCertInvalidReason", SyntaxText, FieldReasonText},
	{OIDRtNewPeerAddress, "hwIPSecNewTunnelPeerAddress", SyntaxText, FieldPeer},
	{OIDRtNewPeerPort, "hwIPSecNewTunnelPeerPort", SyntaxInteger, FieldPeerPort},
	{OIDRtNewVrfName, "hwIPSecNewTunnelVrfName", SyntaxText, FieldVsys},
	{OIDRtNewACLSource, "hwIPSecNewAclSourceAddress", SyntaxText, FieldNone},
	{OIDRtNewACLDestination, "hwIPSecNewAclDestinationAddress", SyntaxText, FieldNone},
	{OIDRtNewACLVrfName, "hwIPSecNewACLVrfName", SyntaxText, FieldNone},
	{OIDRtOldPeerAddress, "hwIPSecExistTunnelPeerAddress", SyntaxText, FieldNone},
	{OIDRtOldPeerPort, "hwIPSecExistTunnelPeerPort", SyntaxInteger, FieldNone},
	{OIDRtOldVrfName, "hwIPSecExistTunnelVrfName", SyntaxText, FieldNone},
	{OIDRtOldACLSource, "hwIPSecExistAclSourceAddress", SyntaxText, FieldNone},
	{OIDRtOldACLDestination, "hwIPSecExistAclDestinationAddress", SyntaxText, FieldNone},
	{OIDRtOldACLVrfName, "hwIPSecExistACLVrfName", SyntaxText, FieldNone},
	{OIDRtNegoFailReason, "hwIPSecNegoFailReason", SyntaxText, FieldReasonText},
	{OIDRtCertChainReason, "hwPkiCertChainInValidReason", SyntaxText, FieldReasonText},
	{OIDRtCertDomainName, "hwPkiCertDomainName", SyntaxText, FieldNone},
	{OIDRtXsecSvcType, "hwXsecSvcType", SyntaxText, FieldNone},
	{OIDRtXsecPAFCapacity, "hwXsecPAFCapacity", SyntaxInteger, FieldNone},
	{OIDRtMhUserTotal, "hwIPSecMhUserTotal", SyntaxInteger, FieldNone},
	{OIDRtMhTriggerSuccess, "hwIPSecMhTriggerSuccess", SyntaxInteger, FieldNone},
	{OIDRtMhTriggerFail, "hwIPSecMhTriggerFail", SyntaxInteger, FieldNone},
	{OIDRtMhReason, "hwIPSecMhReason", SyntaxText, FieldReasonText},
	{OIDRtMhVpnName, "hwIPSecMhVpnName", SyntaxText, FieldVsys},
	{OIDRtMhIPTotal, "hwIPSecMhIPTotal", SyntaxInteger, FieldNone},
	{OIDRtMhIPUsed, "hwIPSecMhIPUsed", SyntaxInteger, FieldNone},
	{OIDRtXsecNegoReason, "hwXsecNegoFailReason", SyntaxText, FieldReasonText},
	{OIDRtXsecRemoteRouter, "hwXsecRemoteRouterId", SyntaxText, FieldNone},
	{OIDRtXsecRemoteConnID, "hwXsecRemoteConnectionId", SyntaxText, FieldNone},
	{OIDRtXsecPolicyName, "hwXsecPolicyName", SyntaxText, FieldPolicyName},
	// An xSEC code, not a key into the IPSec reason catalogue.
	{OIDRtXsecNegoCode, "hwXsecNegoFailReasonCode", SyntaxInteger, FieldNone},
	{OIDRtXsecSlotID, "hwXsecSlotID", SyntaxText, FieldNone},
	{OIDRtXsecEngineID, "hwXsecEngineID", SyntaxText, FieldNone},
	{OIDRtXsecPlainDetail, "hwXsecPlainSwitchReasonDetail", SyntaxText, FieldReasonText},
	{OIDRtXsecPlainReasonID, "hwXsecPlainSwitchReasonID", SyntaxInteger, FieldNone},
	{OIDRtSaSlotID, "hwIPSecSaSlotID", SyntaxText, FieldNone},
	{OIDRtSessionNumber, "hwIPSecSessionNumber", SyntaxInteger, FieldNone},

	// Router trap objects (hwIPSecMIB.1.22). Named without the IPSec infix
	// (hwVSUSlotStr, ...) before V2.44; same OIDs.
	{OIDRtTrapSlotID, "hwIPSecTrapSlotID", SyntaxText, FieldNone},
	{OIDRtTrapCPUID, "hwIPSecTrapCpuID", SyntaxInteger, FieldNone},
	{OIDRtSaNumber, "hwIPSecSaNumber", SyntaxInteger, FieldNone},
	{OIDRtVSUThreshold, "hwIPSecVSUAlarmThreshold", SyntaxInteger, FieldNone},
	{OIDRtVSUBpsInUse, "hwIPSecVSUAlarmbpsRateInUse", SyntaxInteger, FieldNone},
	{OIDRtVSUMbpsRate, "hwIPSecVSUAlarmMbpsRate", SyntaxInteger, FieldNone},
	{OIDRtLicenseBandwidth, "hwIPSecLicenseBandwidth", SyntaxInteger, FieldNone},
	{OIDRtVSUSlot, "hwIPSecVSUSlotStr", SyntaxText, FieldNone},
	{OIDRtLicenseItem, "hwIPSecLicenseItemName", SyntaxText, FieldNone},
	{OIDRtLicenseDescription, "hwIPSecLicenseDescription", SyntaxText, FieldNone},
	// Newer, 1.22.11-16: the xSEC twins of 1.22.4-8 (syntax chosen to match them).
	{OIDRtXsecVSUThreshold, "hwxSECVSUAlarmThreshold", SyntaxInteger, FieldNone},
	{OIDRtXsecVSUBpsInUse, "hwxSECVSUAlarmbpsRateInUse", SyntaxInteger, FieldNone},
	{OIDRtXsecVSUMbpsRate, "hwxSECVSUAlarmMbpsRate", SyntaxInteger, FieldNone},
	{OIDRtXsecLicenseBandwidth, "hwxSECLicenseBandwidth", SyntaxInteger, FieldNone},
	{OIDRtXsecVSUSlot, "hwxSECVSUSlotStr", SyntaxText, FieldNone},
	{OIDRtXsecVSUCPUID, "hwxSECVSUCpuId", SyntaxInteger, FieldNone},

	// Router scalars (hwIPSecMIB.1.1, hwIPSecScalar), all newer.
	{OIDRtServiceFaultCode, "hwIPsecServiceFaultCode", SyntaxInteger, FieldNone},
	{OIDRtServiceFaultKey, "hwIPsecServiceFaultKey", SyntaxText, FieldNone},
	{OIDRtServiceFaultReason, "hwIPsecReasonDescription", SyntaxText, FieldReasonText},
	{OIDRtServiceFaultBoard, "hwIPsecAlarmBoardName", SyntaxText, FieldNone},
	{OIDRtServiceFaultCPU, "hwIPsecAlarmCpu", SyntaxInteger, FieldNone},
	{OIDRtXsecFaultCode, "hwxSECServiceFaultCode", SyntaxInteger, FieldNone},
	{OIDRtXsecFaultReason, "hwxSECReasonDescription", SyntaxText, FieldReasonText},
	{OIDRtXsecFaultBoard, "hwxSECAlarmBoardName", SyntaxText, FieldNone},
	{OIDRtXsecFaultCPU, "hwxSECAlarmCpu", SyntaxInteger, FieldNone},
	{OIDRtHotStandbyInstance, "hwIPSecHotStandbyConfigInstance", SyntaxText, FieldNone},
	{OIDRtHotStandbyPolicy, "hwIPSecHotStandbyConfigPolicy", SyntaxText, FieldPolicyName},
	{OIDRtHotStandbyErrCode, "hwIPSecHotStandbyConfigErrorCode", SyntaxInteger, FieldNone},
	{OIDRtHotStandbyErrText, "hwIPSecHotStandbyConfigErrorDescription", SyntaxText, FieldReasonText},
}
