package mib

import "strconv"

func fw(n int) string { return OIDFirewallNotifications + "." + strconv.Itoa(n) }
func rt(n int) string { return OIDRouterNotifications + "." + strconv.Itoa(n) }
func rtTrap(n int) string {
	return OIDRouterResourceNotifications + "." + strconv.Itoa(n)
}

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

	rtCrlByURL   = []string{OIDRtPkiGetCertURL, OIDRtVrfName}
	rtCrlByLDAP  = []string{OIDRtPkiGetCertIP, OIDRtPkiGetCertPort, OIDRtPkiCertAttr, OIDRtPkiCertDiffName, OIDRtPkiLdapVersion, OIDRtVrfName}
	rtCertByURL  = []string{OIDRtPkiGetCertURL, OIDRtPkiSaveCAName, OIDRtVrfName}
	rtCertByLDAP = []string{OIDRtPkiGetCertIP, OIDRtPkiGetCertPort, OIDRtPkiCertAttr, OIDRtPkiCertDiffName, OIDRtPkiLdapVersion,
		OIDRtPkiSaveCAName, OIDRtVrfName}
	// Certificate and CRL validity alarms. Newer firmware appends the
	// certificate file name and, to the "invalid" alarms, the reason; V2.46
	// devices send only the first four (three for a CRL).
	rtCert        = []string{OIDRtPkiStartTime, OIDRtPkiExpiredTime, OIDRtPkiCAIssuer, OIDRtPkiCASubject, OIDRtPkiCertFileName}
	rtCertInvalid = concat(rtCert, []string{OIDRtPkiInvalidReason})
	rtCrl         = []string{OIDRtPkiStartTime, OIDRtPkiExpiredTime, OIDRtPkiCrlIssuer, OIDRtPkiCertFileName}
	rtCrlInvalid  = concat(rtCrl, []string{OIDRtPkiInvalidReason})
	// The RSA key and key update alarms carry the CRL issuer in V2.46; that
	// is what the MIB says, odd as it is.
	rtKeyUpdate      = []string{OIDRtPkiStartTime, OIDRtPkiExpiredTime, OIDRtPkiCrlIssuer}
	rtNamedCert      = []string{OIDRtPkiCAName, OIDRtPkiStartTime, OIDRtPkiExpiredTime, OIDRtPkiCAIssuer, OIDRtPkiCASubject}
	rtWhitelistCount = []string{OIDRtPkiThreshold, OIDRtPkiConfiguredCnt}
	rtLicense        = []string{OIDRtSvcType, OIDRtPAFCapacity}
	rtCmp            = []string{OIDRtPkiCmpSession, OIDRtPkiCmpRequireType}
	rtCrlCheck       = []string{OIDRtPkiCertIssuer, OIDRtPkiCertSubject}
	rtCertChain      = []string{OIDRtCertChainReason, OIDRtPkiCertIssuer, OIDRtPkiCertSubject, OIDRtPkiCertFileName, OIDRtCertDomainName}
	rtServiceFault   = []string{OIDRtServiceFaultCode, OIDRtServiceFaultKey, OIDRtServiceFaultReason, OIDRtServiceFaultBoard, OIDRtServiceFaultCPU}
	rtXsecFault      = []string{OIDRtXsecFaultCode, OIDRtXsecFaultReason, OIDRtXsecFaultBoard, OIDRtXsecFaultCPU}
	rtXsecLicense    = []string{OIDRtXsecSvcType, OIDRtXsecPAFCapacity}
	rtMhResources    = []string{OIDRtMhUserTotal, OIDRtMhTriggerSuccess, OIDRtMhTriggerFail, OIDRtMhReason}
	rtMhPool         = []string{OIDRtMhVpnName, OIDRtMhIPTotal, OIDRtMhIPUsed}
	rtXsecNego       = []string{OIDRtXsecNegoReason, OIDRtXsecRemoteRouter, OIDRtXsecRemoteConnID, OIDRtXsecPolicyName, OIDRtXsecNegoCode}
	rtXsecPlain      = []string{OIDRtXsecSlotID, OIDRtXsecEngineID, OIDRtXsecPlainDetail, OIDRtXsecPlainReasonID}
	rtSaCount        = []string{OIDRtSaSlotID, OIDRtSessionNumber}

	rtSession       = []string{OIDRtTrapSlotID, OIDRtTrapCPUID, OIDRtSaNumber}
	rtBandwidth     = []string{OIDRtVSUThreshold, OIDRtVSUBpsInUse, OIDRtVSUMbpsRate, OIDRtLicenseBandwidth, OIDRtVSUSlot}
	rtBandwidthUsed = rtBandwidth[1:]
	rtLicenseLack   = []string{OIDRtLicenseItem, OIDRtLicenseDescription, OIDRtVSUSlot}
	rtXsecBandwidth = []string{OIDRtXsecVSUThreshold, OIDRtXsecVSUBpsInUse, OIDRtXsecVSUMbpsRate, OIDRtXsecLicenseBandwidth, OIDRtXsecVSUSlot, OIDRtXsecVSUCPUID}
	rtXsecBandUsed  = rtXsecBandwidth[1:]
	rtBoardMatch    = []string{OIDRtVSUSlot, OIDRtLicenseDescription}
)

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// What an operator does about a certificate before it expires; shared by
// the several alarms that announce the same expiry.
const (
	certExpiryAction = "Renew or re-enroll the certificate (pki enroll-certificate, CMP/SCEP, or import a new one) and check that the device uses it, before then."
	caExpiryAction   = "Obtain the CA's renewed certificate, import it on the device, and check that peers' certificates chain to it, before then."
)

// notificationTable is the catalogue; descriptions are the project's words.
var notificationTable = []Notification{
	{Name: NotifTunnelStart, OID: fw(1), Family: FamilyFirewall, Kind: KindTunnelUp,
		Description: "An IPSec tunnel was negotiated and came up.",
		objects: concat(fwTunnelColumns, []string{OIDFwTunnelLifeSize, OIDFwTunnelLifeTime,
			OIDFwVsysName, OIDFwIfName, OIDFwTunnelSlotID, OIDFwInitiator})},
	{Name: NotifTunnelStop, OID: fw(2), Family: FamilyFirewall, Kind: KindTunnelDown,
		Description: "An IPSec tunnel was deleted; carries the teardown (offline) reason.",
		objects:     concat(fwTunnelColumns, []string{OIDFwOfflineReason, OIDFwVsysName, OIDFwIfName, OIDFwTunnelSlotID})},
	{Name: NotifPolicyAdd, OID: fw(3), Family: FamilyFirewall,
		Description: "An IPSec policy was added (configuration change).", objects: fwPolicyChange},
	{Name: NotifPolicyDel, OID: fw(4), Family: FamilyFirewall,
		Description: "An IPSec policy was deleted (configuration change).", objects: fwPolicyChange},
	{Name: NotifPolicyAttach, OID: fw(5), Family: FamilyFirewall,
		Description: "An IPSec policy was applied to an interface: its tunnels can come up.", objects: fwPolicyBind},
	{Name: NotifPolicyDetach, OID: fw(6), Family: FamilyFirewall,
		Description: "An IPSec policy was removed from an interface: its tunnels go down.", objects: fwPolicyBind},
	{Name: NotifIKEReset, OID: fw(7), Family: FamilyFirewall,
		Description: "An operator reset the IKE SAs: a burst of teardowns follows.", objects: []string{OIDFwVsysName}},
	{Name: NotifIPSecReset, OID: fw(8), Family: FamilyFirewall,
		Description: "An operator reset the IPSec SAs: a burst of teardowns follows.", objects: []string{OIDFwVsysName}},
	{Name: NotifTunnelReachMax, OID: fw(9), Family: FamilyFirewall,
		Description: "The number of IPSec tunnels is approaching the device's maximum (no varbinds).",
		Predicts:    "What fails next: new IPSec tunnels fail to negotiate with reason code 41 (ipsec tunnel number reaches limitation) once the maximum is reached. Remove unused tunnels or raise the capacity (license) before then."},
	{Name: NotifTunnelReachMaxAtOnce, OID: fw(10), Family: FamilyFirewall,
		Description: "The number of IPSec tunnels reached the maximum in one step (no varbinds).",
		Predicts:    "What fails next: every further IPSec tunnel on this device fails to negotiate with reason code 41 (ipsec tunnel number reaches limitation), including tunnels that go down and try to come back. Remove unused tunnels or raise the capacity (license) now."},
	{Name: NotifIKEPeerReachMax, OID: fw(11), Family: FamilyFirewall,
		Description: "The number of IKE peers is approaching the device's maximum (no varbinds).",
		Predicts:    "What fails next: new dynamic peers fail to negotiate with reason code 42 (dynamic peers number reaches limitation) once the maximum is reached. Remove stale peers or raise the capacity (license) before then."},
	{Name: NotifIKEPeerReachMaxAtOnce, OID: fw(12), Family: FamilyFirewall,
		Description: "The number of IKE peers reached the maximum in one step (no varbinds).",
		Predicts:    "What fails next: every further dynamic peer fails to negotiate with reason code 42 (dynamic peers number reaches limitation), including branches that reconnect after an outage. Remove stale peers or raise the capacity (license) now."},
	{Name: NotifIKEPhase1Established, OID: fw(13), Family: FamilyFirewall,
		Description: "An IKE phase 1 SA was established.",
		objects: []string{OIDFwPeerAddress, OIDFwPeerPort, OIDFwLocalAddress, OIDFwTrapAuthMethod, OIDFwTrapAuthID,
			OIDFwTrapAuthIDType, OIDFwVsysName, OIDFwInitiator}},
	{Name: NotifNegoFail, OID: fw(14), Family: FamilyFirewall, Kind: KindNegotiationFailure,
		Description: "IPSec tunnel negotiation failed; carries the reason code (IPSEC/4/IPSECNEGOFAIL).",
		objects: []string{OIDFwTrapIfIndex, OIDFwTrapPolicyNum, OIDFwReason, OIDFwReasonCode, OIDFwPeerAddress,
			OIDFwPeerPort, OIDFwVsysName, OIDFwIfName}},
	{Name: NotifTunnelHaveReachMax, OID: fw(15), Family: FamilyFirewall,
		Description: "The number of IPSec tunnels has reached the maximum (no varbinds).",
		Predicts:    "What fails next: every further IPSec tunnel on this device fails to negotiate with reason code 41 (ipsec tunnel number reaches limitation), including tunnels that go down and try to come back. Remove unused tunnels or raise the capacity (license) now."},
	{Name: NotifOPRRouteMissed, OID: fw(16), Family: FamilyFirewall,
		Description: "Route injection for an IPSec tunnel failed: traffic for the tunnel's network is not routed into it.",
		objects:     []string{OIDFwPeerAddress, OIDFwDstIPMask, OIDFwRouteNextHop, OIDFwTrapIfIndex, OIDFwVsysName, OIDFwOprPriority}},
	{Name: NotifLowSecurityLevel, OID: fw(17), Family: FamilyFirewall,
		Description: "The device uses a weak PKCS#1 security level (security posture, not stability)."},
	{Name: NotifWeakEncr, OID: fw(18), Family: FamilyFirewall,
		Description: "An IPSec SA to a peer uses a weaker, non-GCM encryption algorithm (security posture, not stability).",
		objects:     []string{OIDFwPeerAddress, OIDFwIfName}},
	{Name: NotifTunnelStatusChange, OID: fw(19), Family: FamilyFirewall, Kind: KindTunnelStatusChange,
		Description: "An IPSec tunnel was established or deleted; carries the new status and the reason (MIB V1.22 and later).",
		objects: []string{OIDFwVsysName, OIDFwIfName, OIDFwTunnelPolicyName, OIDFwTunnelPolicyNum, OIDFwTunnelPolicyAlias,
			OIDFwTunnelVPNName, OIDFwFlowVPNName, OIDFwPeerAddress, OIDFwTunnelDstPort, OIDFwLocalAddress,
			OIDFwTunnelSrcPort, OIDFwTunnelFlowInfo, OIDFwStatusChangeText, OIDFwTunnelStatus}},

	// Router family, hwIPSecNotifications (2.1.N).
	{Name: NotifRouterTunnelUp, OID: rt(1), Family: FamilyRouter, Kind: KindTunnelUp,
		Description: "An IPSec tunnel came up.", objects: rtTunnelState},
	{Name: NotifRouterTunnelDown, OID: rt(2), Family: FamilyRouter, Kind: KindTunnelDown,
		Description: "An IPSec tunnel went down (the router family sends no reason).", objects: rtTunnelState},
	{Name: "hwIPSecPkiHttpGetCrlSuccess", OID: rt(3), Family: FamilyRouter,
		Description: "The device fetched a CRL over HTTP.", objects: rtCrlByURL},
	{Name: "hwIPSecPkiHttpGetCrlFail", OID: rt(4), Family: FamilyRouter,
		Description: "The device could not fetch a CRL over HTTP: certificate checks use the CRL it already has.", objects: rtCrlByURL},
	{Name: "hwIPSecPkiLdapGetCrlSuccess", OID: rt(5), Family: FamilyRouter,
		Description: "The device fetched a CRL over LDAP.", objects: rtCrlByLDAP},
	{Name: "hwIPSecPkiLdapGetCrlFail", OID: rt(6), Family: FamilyRouter,
		Description: "The device could not fetch a CRL over LDAP: certificate checks use the CRL it already has.", objects: rtCrlByLDAP},
	{Name: "hwIPSecPkiHttpGetCertSuccess", OID: rt(7), Family: FamilyRouter,
		Description: "The device downloaded a certificate over HTTP.", objects: rtCertByURL},
	{Name: "hwIPSecPkiHttpGetCertFail", OID: rt(8), Family: FamilyRouter,
		Description: "The device could not download a certificate over HTTP.", objects: rtCertByURL},
	{Name: "hwIPSecPkiLdapGetCertSuccess", OID: rt(9), Family: FamilyRouter,
		Description: "The device downloaded a certificate over LDAP.", objects: rtCertByLDAP},
	{Name: "hwIPSecPkiLdapGetCertFail", OID: rt(10), Family: FamilyRouter,
		Description: "The device could not download a certificate over LDAP.", objects: rtCertByLDAP},
	{Name: "hwIPSecPkiCACertInValid", OID: rt(11), Family: FamilyRouter,
		Description: "A CA certificate on the device is not valid (not yet valid, expired or otherwise rejected).", objects: rtCertInvalid},
	{Name: "hwIPSecPkiCACertValid", OID: rt(12), Family: FamilyRouter, Clears: "hwIPSecPkiCACertInValid",
		Description: "A CA certificate on the device is valid again.", objects: rtCert},
	{Name: "hwIPSecPkiCACertExpired", OID: rt(13), Family: FamilyRouter,
		Description: "A CA certificate on the device is about to expire (despite the name, it has not expired yet).", objects: rtCert,
		Predicts: "What fails next: when the CA certificate expires, every IKE negotiation that authenticates with certificates issued by this CA fails, and established tunnels go down at their next re-authentication. " + caExpiryAction},
	{Name: "hwIPSecPkiLocalCertInValid", OID: rt(14), Family: FamilyRouter,
		Description: "The device's own (local) certificate is not valid.", objects: rtCertInvalid},
	{Name: "hwIPSecPkiLocalCertValid", OID: rt(15), Family: FamilyRouter, Clears: "hwIPSecPkiLocalCertInValid",
		Description: "The device's own certificate is valid again.", objects: rtCert},
	{Name: "hwIPSecPkiLocalCertExpired", OID: rt(16), Family: FamilyRouter,
		Description: "The device's own certificate is about to expire (despite the name, it has not expired yet).", objects: rtCert,
		Predicts: "What fails next: when the local certificate expires, peers reject this device's certificate, so every certificate-authenticated IKE negotiation fails and established tunnels go down at their next re-authentication. " + certExpiryAction},
	{Name: "hwIPSecPkiCrlInValid", OID: rt(17), Family: FamilyRouter,
		Description: "A CRL on the device is not valid.", objects: rtCrlInvalid},
	{Name: "hwIPSecPkiCrlValid", OID: rt(18), Family: FamilyRouter, Clears: "hwIPSecPkiCrlInValid",
		Description: "A CRL on the device is valid again.", objects: rtCrl},
	{Name: "hwIPSecPkiCrlExpired", OID: rt(19), Family: FamilyRouter,
		Description: "A CRL on the device is about to expire (despite the name, it has not expired yet).", objects: rtCrl,
		Predicts: "What fails next: when the CRL expires, certificate revocation checks fail, so IKE negotiations with certificate authentication fail where CRL checking is required (and revoked peers are no longer caught where it is optional). Make sure the device can fetch the CA's next CRL (HTTP/LDAP reachability, CRL URL) or import it, before then."},
	{Name: "hwIPSecPkiRsaKeyRemoteInValid", OID: rt(20), Family: FamilyRouter,
		Description: "The RSA key pairs of the master and the backup device differ (hot standby).", objects: rtKeyUpdate},
	{Name: "hwIPSecPkiKeyUpdateInValid", OID: rt(21), Family: FamilyRouter,
		Description: "Automatic certificate (key) renewal failed.", objects: rtKeyUpdate},
	{Name: "hwIPSecPkiKeyUpdateValid", OID: rt(22), Family: FamilyRouter, Clears: "hwIPSecPkiKeyUpdateInValid",
		Description: "Automatic certificate (key) renewal succeeded.", objects: rtKeyUpdate},
	{Name: "hwIPSecPkiCACertUnexpired", OID: rt(23), Family: FamilyRouter, Clears: "hwIPSecPkiCACertExpired",
		Description: "The CA certificate that was about to expire was renewed or removed.", objects: rtCert},
	{Name: "hwIPSecPkiLocalCertUnexpired", OID: rt(24), Family: FamilyRouter, Clears: "hwIPSecPkiLocalCertExpired",
		Description: "The local certificate that was about to expire was renewed or removed.", objects: rtCert},
	{Name: "hwIPSecPkiCrlUnexpired", OID: rt(25), Family: FamilyRouter, Clears: "hwIPSecPkiCrlExpired",
		Description: "The CRL that was about to expire was renewed or removed.", objects: rtCrl},
	{Name: "hwIPSecPKIWriteToCFFail", OID: rt(26), Family: FamilyRouter,
		Description: "Saving a PKI file to the CF card failed (no varbinds)."},
	{Name: "hwIPSecPKIWriteToCFSuccess", OID: rt(27), Family: FamilyRouter, Clears: "hwIPSecPKIWriteToCFFail",
		Description: "Saving a PKI file to the CF card succeeded again (no varbinds)."},
	{Name: "hwIPSecHotStandbyWithoutDpd", OID: rt(28), Family: FamilyRouter,
		Description: "IPSec hot standby runs without DPD, so a failover may leave stale SAs on peers (no varbinds)."},
	{Name: "hwIPSecHotStandbyWithDpd", OID: rt(29), Family: FamilyRouter, Clears: "hwIPSecHotStandbyWithoutDpd",
		Description: "DPD was enabled for hot standby, or hot standby was turned off (no varbinds)."},
	{Name: "hwIPSecPkiWhitelistCnNumberTrap", OID: rt(30), Family: FamilyRouter,
		Description: "The number of CNs in the PKI whitelist reached the alarm threshold.", objects: rtWhitelistCount,
		Predicts: "What fails next: once the whitelist is full no more CNs can be added, so new peers whose certificate CN is not listed are refused (hwIPSecPkiWhitelistNegotiationFail). Remove CNs of retired peers or raise the limit before then."},
	{Name: "hwIPSecPkiWhitelistCnNumberResumeTrap", OID: rt(31), Family: FamilyRouter, Clears: "hwIPSecPkiWhitelistCnNumberTrap",
		Description: "The number of CNs in the PKI whitelist fell below the alarm threshold.", objects: rtWhitelistCount},
	{Name: NotifRouterPkiWhitelist, OID: rt(32), Family: FamilyRouter,
		Description: "A negotiation was refused because the peer's certificate is not on the PKI whitelist.",
		objects:     []string{OIDRtPkiFailedPeer, OIDRtPkiCN, OIDRtVrfName, OIDRtPkiPort}},
	{Name: NotifRouterDPDProbeFail, OID: rt(33), Family: FamilyRouter,
		Description: "IKE dead peer detection failed: the peer stopped answering; carries a failure description.",
		objects:     rtDPD},
	{Name: NotifRouterDPDProbeOK, OID: rt(34), Family: FamilyRouter, Clears: NotifRouterDPDProbeFail,
		Description: "IKE dead peer detection succeeds again (clears hwIKEDPDProbeFail).", objects: rtDPD},
	{Name: NotifRouterIKESAFail, OID: rt(35), Family: FamilyRouter, Kind: KindNegotiationFailure,
		SupersededBy: NotifRouterNegoFail,
		Description:  "IKE SA negotiation failed (older routers' only failure notification, without a reason).",
		objects:      rtIKESA},
	{Name: NotifRouterIKESASuccess, OID: rt(36), Family: FamilyRouter, Clears: NotifRouterIKESAFail,
		Description: "IKE SA negotiation succeeded, or its configuration was deleted (clears hwIkeSANegotiationFail).",
		objects:     rtIKESA},
	{Name: NotifRouterIPSecSAFail, OID: rt(37), Family: FamilyRouter, Kind: KindNegotiationFailure,
		SupersededBy: NotifRouterNegoFail,
		Description:  "IPSec SA negotiation failed (older routers' only failure notification, without a reason).",
		objects:      rtIPSecSA},
	{Name: NotifRouterIPSecSASuccess, OID: rt(38), Family: FamilyRouter, Clears: NotifRouterIPSecSAFail,
		Description: "IPSec SA negotiation succeeded, or its configuration was deleted (clears hwIPSECSANegotiationFail).",
		objects:     rtIPSecSA},
	{Name: "hwIPSecPkiLocalCertAboutToExpire", OID: rt(39), Family: FamilyRouter,
		Description: "A local certificate on the device is about to expire.", objects: rtNamedCert,
		Predicts: "What fails next: when the local certificate expires, peers reject this device's certificate, so every certificate-authenticated IKE negotiation fails and established tunnels go down at their next re-authentication. " + certExpiryAction},
	{Name: "hwIPSecPkiLocalCertAlrValid", OID: rt(40), Family: FamilyRouter, Clears: "hwIPSecPkiLocalCertAboutToExpire",
		Description: "The local certificate that was about to expire was renewed or deleted.", objects: rtNamedCert},
	{Name: "hwIPSecPkiCALocalCertExpired", OID: rt(41), Family: FamilyRouter,
		Description: "A certificate on the device has expired.", objects: rtNamedCert,
		Predicts: "What fails next: new certificate-authenticated IKE negotiations with this certificate fail now, and every established tunnel that uses it goes down at its next re-authentication or after a reboot. " + certExpiryAction},
	{Name: "hwIPSecPkiCALocalCertValid", OID: rt(42), Family: FamilyRouter, Clears: "hwIPSecPkiCALocalCertExpired",
		Description: "The expired certificate was renewed or deleted.", objects: rtNamedCert},
	{Name: "hwIPSecLicenseExhaustAlarm", OID: rt(43), Family: FamilyRouter,
		Description: "The number of IKE peers or tunnels reached the capacity the license (PAF) allows.", objects: rtLicense,
		Predicts: "What fails next: every further IKE negotiation beyond the licensed capacity is refused, including branches that reconnect after an outage. Remove unused peers or load a license with more capacity now."},
	{Name: "hwIPSecLicenseExhaustAlarmResume", OID: rt(44), Family: FamilyRouter, Clears: "hwIPSecLicenseExhaustAlarm",
		Description: "IKE use fell back below the licensed capacity.", objects: rtLicense},
	{Name: "hwIPSecPkiCmpDownloadCertSuc", OID: rt(45), Family: FamilyRouter,
		Description: "A CMP session obtained a certificate.", objects: rtCmp},
	{Name: "hwIPSecPkiCmpDownloadCertFail", OID: rt(46), Family: FamilyRouter,
		Description: "A CMP session failed to obtain a certificate: enrollment or renewal did not happen.", objects: rtCmp},
	{Name: "hwIPSecPkiLocalCertClrFSuc", OID: rt(47), Family: FamilyRouter, Clears: "hwIPSecPkiLocalCertClrFail",
		Description: "The local certificate passed its check against the CRL.", objects: rtCrlCheck},
	{Name: "hwIPSecPkiLocalCertClrFail", OID: rt(48), Family: FamilyRouter,
		Description: "The local certificate failed its check against the CRL (it may be revoked).", objects: rtCrlCheck},
	{Name: "hwIPSecPkiCertExpiredCritical", OID: rt(49), Family: FamilyRouter,
		Description: "A certificate on the device is about to expire, at the critical level (expiry is close).", objects: rtCert,
		Predicts: "What fails next: when the certificate expires, certificate-authenticated IKE negotiations that use it fail, and established tunnels go down at their next re-authentication; little time is left. " + certExpiryAction},
	{Name: "hwIPSecPkiCertUnexpiredCritical", OID: rt(50), Family: FamilyRouter, Clears: "hwIPSecPkiCertExpiredCritical",
		Description: "The certificate that was critically close to expiry was renewed or removed.", objects: rtCert},
	{Name: NotifRouterNegoConflict, OID: rt(51), Family: FamilyRouter,
		Description: "A negotiation was refused because its ACL range is already used by another tunnel.",
		objects: []string{OIDRtNewPeerAddress, OIDRtNewPeerPort, OIDRtNewVrfName, OIDRtNewACLSource, OIDRtNewACLDestination,
			OIDRtNewACLVrfName, OIDRtOldPeerAddress, OIDRtOldPeerPort, OIDRtOldVrfName, OIDRtOldACLSource,
			OIDRtOldACLDestination, OIDRtOldACLVrfName}},
	{Name: "hwIPsecServiceFaultAlarm", OID: rt(52), Family: FamilyRouter,
		Description: "The IPSec service failed on a board or CPU; carries a fault code and description.", objects: rtServiceFault},
	{Name: "hwIPsecServiceFaultResumeAlarm", OID: rt(53), Family: FamilyRouter, Clears: "hwIPsecServiceFaultAlarm",
		Description: "The IPSec service recovered from its fault.", objects: rtServiceFault},
	{Name: "hwxSECServiceFaultAlarm", OID: rt(54), Family: FamilyRouter,
		Description: "The xSEC service failed on a board or CPU; carries a fault code and description.", objects: rtXsecFault},
	{Name: "hwxSECServiceFaultResumeAlarm", OID: rt(55), Family: FamilyRouter, Clears: "hwxSECServiceFaultAlarm",
		Description: "The xSEC service recovered from its fault.", objects: rtXsecFault},
	{Name: "hwIPSecHotStandbyConfigurationInconsistent", OID: rt(56), Family: FamilyRouter,
		Description: "The IPSec configuration of the master and the backup device differs: a failover may not keep the tunnels.",
		objects:     []string{OIDRtHotStandbyInstance, OIDRtHotStandbyPolicy, OIDRtHotStandbyErrCode, OIDRtHotStandbyErrText}},
	{Name: NotifRouterNegoFail, OID: rt(57), Family: FamilyRouter, Kind: KindNegotiationFailure,
		Description: "IPSec tunnel negotiation failed; carries the reason as text only (newer routers).",
		objects:     rtNegotiation},
	// The newer list gives hwIPSecNegotiationSuccess the same objects as the
	// failure, reason included. Like every clear it is counted by name only:
	// the tunnel's up (rt(1)) is the success of the same negotiation.
	{Name: NotifRouterNegoSuccess, OID: rt(58), Family: FamilyRouter, Clears: NotifRouterNegoFail,
		Description: "IPSec tunnel negotiation succeeded, or its configuration was deleted (clears hwIPSecNegotiationFail).",
		objects:     rtNegotiation},
	{Name: "hwIPSecPkiCertChainInValid", OID: rt(59), Family: FamilyRouter,
		Description: "The local certificate's chain is not valid (a missing or bad intermediate or CA certificate).", objects: rtCertChain},
	{Name: "hwIPSecPkiCertChainValid", OID: rt(60), Family: FamilyRouter, Clears: "hwIPSecPkiCertChainInValid",
		Description: "The local certificate's chain is valid again.", objects: rtCertChain},
	{Name: "hwXsecPafExhaustAlarm", OID: rt(61), Family: FamilyRouter,
		Description: "The number of xSEC services reached the capacity the license (PAF) allows.", objects: rtXsecLicense,
		Predicts: "What fails next: every further xSEC service (negotiation) beyond the licensed capacity is refused. Remove unused xSEC services or load a license with more capacity now."},
	{Name: "hwXsecPafExhaustAlarmResume", OID: rt(62), Family: FamilyRouter, Clears: "hwXsecPafExhaustAlarm",
		Description: "xSEC use fell back below the licensed capacity.", objects: rtXsecLicense},
	{Name: "hwIPSecMhOutOfResourcesAlarm", OID: rt(63), Family: FamilyRouter,
		Description: "The mobile-home IPSec policy ran out of resources to trigger more negotiations.", objects: rtMhResources,
		Predicts: "What fails next: further mobile-home users are not connected: their negotiations are not triggered until resources are freed. Remove stale mobile-home users or raise the capacity now."},
	{Name: "hwIPSecMhOutOfResourcesAlarmResume", OID: rt(64), Family: FamilyRouter, Clears: "hwIPSecMhOutOfResourcesAlarm",
		Description: "The mobile-home IPSec policy has resources to trigger negotiations again.", objects: rtMhResources},
	{Name: "hwIPSecMhLocalPoolThresholdAlarm", OID: rt(65), Family: FamilyRouter,
		Description: "Use of the mobile-home local address pool reached its alarm threshold.", objects: rtMhPool,
		Predicts: "What fails next: once the local address pool is used up, new mobile-home users get no address and cannot connect. Enlarge the pool or release addresses of stale users before then."},
	{Name: "hwIPSecMhLocalPoolThresholdAlarmResume", OID: rt(66), Family: FamilyRouter, Clears: "hwIPSecMhLocalPoolThresholdAlarm",
		Description: "Use of the mobile-home local address pool fell below its alarm threshold.", objects: rtMhPool},
	{Name: "hwXsecNegoFailAlarm", OID: rt(67), Family: FamilyRouter,
		Description: "xSEC SA negotiation with a remote router failed; carries an xSEC reason and code.", objects: rtXsecNego},
	{Name: "hwXsecNegoFailAlarmResume", OID: rt(68), Family: FamilyRouter, Clears: "hwXsecNegoFailAlarm",
		Description: "xSEC SA negotiation succeeded, or its configuration was deleted.", objects: rtXsecNego},
	{Name: "hwXsecPlainSwitchAlarm", OID: rt(69), Family: FamilyRouter,
		Description: "xSEC switched to forwarding traffic in plain text (unencrypted) on an engine.", objects: rtXsecPlain},
	{Name: "hwXsecPlainSwitchAlarmResume", OID: rt(70), Family: FamilyRouter, Clears: "hwXsecPlainSwitchAlarm",
		Description: "xSEC stopped forwarding in plain text.", objects: rtXsecPlain},
	{Name: "hwIPsecSaCountThresholdAlarm", OID: rt(71), Family: FamilyRouter,
		Description: "The number of IPSec SAs on a slot went above the alarm threshold.", objects: rtSaCount,
		Predicts: "What fails next: once the SA count reaches the slot's maximum, new IPSec tunnels on it fail to negotiate and rekeys may fail. Find what holds the SAs (display ipsec sa) and free them, or spread tunnels or raise the capacity, before then."},
	{Name: "hwIPsecSaCountThresholdAlarmResume", OID: rt(72), Family: FamilyRouter, Clears: "hwIPsecSaCountThresholdAlarm",
		Description: "The number of IPSec SAs on a slot fell below the alarm threshold.", objects: rtSaCount},
	{Name: "hwIPsecSaCountExhaustAlarm", OID: rt(73), Family: FamilyRouter,
		Description: "The number of IPSec SAs on a slot reached the maximum: no more can be set up.", objects: rtSaCount,
		Predicts: "What fails next: every new IPSec negotiation on this slot, and rekeys of existing tunnels, until SAs are freed. Find what holds the SAs (display ipsec sa) and free them, or raise the capacity, now."},
	{Name: "hwIPsecSaCountExhaustAlarmResume", OID: rt(74), Family: FamilyRouter, Clears: "hwIPsecSaCountExhaustAlarm",
		Description: "The number of IPSec SAs on a slot fell below the maximum.", objects: rtSaCount},

	// Router family, hwIPsecTraps (5.N).
	{Name: NotifRouterSessionThresh, OID: rtTrap(1), Family: FamilyRouter,
		Description: "IPSec SA session resources reached the alarm threshold.", objects: rtSession,
		Predicts: "What fails next: new IPSec tunnels fail to negotiate once the SA session resources are used up. Find what holds the sessions (display ipsec sa) and free them, or raise the capacity, before then."},
	{Name: "hwIPsecSessionThresholdAlarmResume", OID: rtTrap(2), Family: FamilyRouter, Clears: NotifRouterSessionThresh,
		Description: "IPSec SA session resource use fell below the alarm threshold.", objects: rtSession},
	{Name: NotifRouterSessionExhaust, OID: rtTrap(3), Family: FamilyRouter,
		Description: "IPSec SA session resources are used up: new tunnels cannot be set up.", objects: rtSession,
		Predicts: "What fails next: every new IPSec negotiation on this device, until SA sessions are freed or the capacity is raised. Find what holds the sessions (display ipsec sa) and free them."},
	{Name: "hwIPsecSessionExhaustAlarmResume", OID: rtTrap(4), Family: FamilyRouter, Clears: NotifRouterSessionExhaust,
		Description: "IPSec SA session resources are no longer used up.", objects: rtSession},
	{Name: "hwIPSECVSUBBandwidthAlarm", OID: rtTrap(5), Family: FamilyRouter,
		Description: "IPSec bandwidth use of a service board (VSU) went above its alarm threshold.", objects: rtBandwidth,
		Predicts: "What fails next: once the board's licensed IPSec bandwidth is used up, encrypted traffic above it is dropped, so tunnels lose packets under load. Move tunnels to another board or load a bandwidth license before then."},
	{Name: "hwIPSECVSUBBandwidthResumeAlarm", OID: rtTrap(6), Family: FamilyRouter, Clears: "hwIPSECVSUBBandwidthAlarm",
		Description: "IPSec bandwidth use of the service board fell below its alarm threshold.", objects: rtBandwidth},
	{Name: "hwIPSECVSUBBandwidthExhaustAlarm", OID: rtTrap(7), Family: FamilyRouter,
		Description: "The IPSec bandwidth of a service board (VSU) is used up.", objects: rtBandwidthUsed,
		Predicts: "What fails next: encrypted traffic above the board's licensed bandwidth is dropped now, so tunnels on it lose packets whenever load rises. Move tunnels to another board or load a bandwidth license."},
	{Name: "hwIPSECVSUBBandwidthExhaustResumeAlarm", OID: rtTrap(8), Family: FamilyRouter, Clears: "hwIPSECVSUBBandwidthExhaustAlarm",
		Description: "IPSec bandwidth of the service board is available again.", objects: rtBandwidthUsed},
	{Name: "hwIPSecIKEV1UnsupportedAlarm", OID: rtTrap(9), Family: FamilyRouter,
		Description: "The device does not support IKEv1 (patch missing): IKEv1 peers cannot negotiate (no varbinds)."},
	{Name: "hwIPSecIKEV1UnsupportedAlarmResume", OID: rtTrap(10), Family: FamilyRouter, Clears: "hwIPSecIKEV1UnsupportedAlarm",
		Description: "IKEv1 support was installed: IKEv1 peers can negotiate again (no varbinds)."},
	{Name: "hwIPSECBandwidthLicenseResLackAlarm", OID: rtTrap(11), Family: FamilyRouter,
		Description: "The IPSec enhanced-bandwidth license has too few resources for the service boards.", objects: rtLicenseLack,
		Predicts: "What fails next: boards without license resources run at their base IPSec bandwidth, so encrypted traffic above it is dropped under load. Add license resources (or free them from unused boards) before traffic grows."},
	{Name: "hwIPSECBandwidthLicenseResLackResumeAlarm", OID: rtTrap(12), Family: FamilyRouter, Clears: "hwIPSECBandwidthLicenseResLackAlarm",
		Description: "The IPSec enhanced-bandwidth license has enough resources again.", objects: rtLicenseLack},
	{Name: "hwxSECVSUBBandwidthAlarm", OID: rtTrap(13), Family: FamilyRouter,
		Description: "xSEC bandwidth use of a service board went above its alarm threshold.", objects: rtXsecBandwidth,
		Predicts: "What fails next: once the board's licensed xSEC bandwidth is used up, encrypted traffic above it is dropped. Move load to another board or load a bandwidth license before then."},
	{Name: "hwxSECVSUBBandwidthResumeAlarm", OID: rtTrap(14), Family: FamilyRouter, Clears: "hwxSECVSUBBandwidthAlarm",
		Description: "xSEC bandwidth use of the service board fell below its alarm threshold.", objects: rtXsecBandwidth},
	{Name: "hwxSECVSUBBandwidthExhaustAlarm", OID: rtTrap(15), Family: FamilyRouter,
		Description: "The xSEC bandwidth of a service board is used up.", objects: rtXsecBandUsed,
		Predicts: "What fails next: encrypted xSEC traffic above the board's licensed bandwidth is dropped now, whenever load rises. Move load to another board or load a bandwidth license."},
	{Name: "hwxSECVSUBBandwidthExhaustResumeAlarm", OID: rtTrap(16), Family: FamilyRouter, Clears: "hwxSECVSUBBandwidthExhaustAlarm",
		Description: "xSEC bandwidth of the service board is available again.", objects: rtXsecBandUsed},
	{Name: "hwIPSecVsuBoardMatchAlarm", OID: rtTrap(17), Family: FamilyRouter,
		Description: "The license matching a service board (VSU) is not loaded.", objects: rtBoardMatch},
	{Name: "hwIPSecVsuBoardMatchAlarmResume", OID: rtTrap(18), Family: FamilyRouter, Clears: "hwIPSecVsuBoardMatchAlarm",
		Description: "The license matching the service board is loaded.", objects: rtBoardMatch},
}
