package mib

// OIDs are dotted, without a leading dot, because that is how gosnmp and the
// net-snmp tools print them once the leading dot is trimmed; callers
// normalise before comparing.

// Standard SNMP objects that frame a notification.
const (
	// OIDSnmpTrapOID carries the notification OID in v2c/v3 traps and informs.
	OIDSnmpTrapOID = "1.3.6.1.6.3.1.1.4.1.0"
	// OIDSnmpTrapAddress is set by a proxy to the original agent's address,
	// which must win over the proxy's own address for the device label.
	OIDSnmpTrapAddress = "1.3.6.1.6.3.18.1.3.0"
	OIDSysUpTime       = "1.3.6.1.2.1.1.3.0"
)

// Notification subtrees. In SNMPv1 (RFC 3584 mapping) these are the
// enterprise field and the last arc of the notification OID is the
// specific-trap number.
const (
	OIDFirewallNotifications = "1.3.6.1.4.1.2011.6.122.26.6"
	OIDRouterNotifications   = "1.3.6.1.4.1.2011.5.25.224.2.1"
	// OIDRouterResourceNotifications (hwIPsecTraps) holds the router
	// family's SA-session, bandwidth, license and IKEv1-support alarms.
	OIDRouterResourceNotifications = "1.3.6.1.4.1.2011.5.25.224.5"
)

// Firewall family (HUAWEI-SECURITY-IPSEC-MIB) trap objects. They are scalars
// under hwIpsec.5, so the MIB says they are sent with a ".0" instance suffix,
// but some firmware omits it: decoders match them as prefixes.
const (
	OIDFwTrapPolicyNum  = "1.3.6.1.4.1.2011.6.122.26.5.1" // SeqNum
	OIDFwTrapIfIndex    = "1.3.6.1.4.1.2011.6.122.26.5.2" // Ifindex
	OIDFwTrapPolicyName = "1.3.6.1.4.1.2011.6.122.26.5.3"
	OIDFwTrapAuthMethod = "1.3.6.1.4.1.2011.6.122.26.5.4"
	OIDFwTrapAuthID     = "1.3.6.1.4.1.2011.6.122.26.5.5"
	OIDFwTrapAuthIDType = "1.3.6.1.4.1.2011.6.122.26.5.6"
	OIDFwPeerAddress    = "1.3.6.1.4.1.2011.6.122.26.5.7" // hwIPSecTrapTunnelDstIP: the address as text, not IpAddress
	OIDFwLocalAddress   = "1.3.6.1.4.1.2011.6.122.26.5.8"
	OIDFwPeerPort       = "1.3.6.1.4.1.2011.6.122.26.5.9"  // hwIPSecTrapTunnelRemotePort
	OIDFwReason         = "1.3.6.1.4.1.2011.6.122.26.5.10" // free text; may be finer than the code's catalogue text
	OIDFwReasonCode     = "1.3.6.1.4.1.2011.6.122.26.5.11" // the key into the reason catalogue
	OIDFwOfflineReason  = "1.3.6.1.4.1.2011.6.122.26.5.12" // tunnel stop only: free text, the teardown catalogue's vocabulary
	OIDFwVsysName       = "1.3.6.1.4.1.2011.6.122.26.5.13"
	OIDFwIfName         = "1.3.6.1.4.1.2011.6.122.26.5.14"
	OIDFwInitiator      = "1.3.6.1.4.1.2011.6.122.26.5.15" // hwIPSecInitiator: which side started the negotiation
	// Route injection (hwIPSecOPRRouteMissed): the route's destination is
	// hwIPSecTrapTunnelDstIP (5.7) with this mask.
	OIDFwDstIPMask        = "1.3.6.1.4.1.2011.6.122.26.5.16"
	OIDFwRouteNextHop     = "1.3.6.1.4.1.2011.6.122.26.5.17" // hwIPSecTrapRouteNextHope (sic)
	OIDFwOprPriority      = "1.3.6.1.4.1.2011.6.122.26.5.18" // hwIPSecTrapOprPri: the injected route's preference
	OIDFwTunnelVPNName    = "1.3.6.1.4.1.2011.6.122.26.5.19"
	OIDFwFlowVPNName      = "1.3.6.1.4.1.2011.6.122.26.5.20"
	OIDFwTunnelStatus     = "1.3.6.1.4.1.2011.6.122.26.5.21" // status change: new status, values not enumerated by the MIB
	OIDFwStatusChangeText = "1.3.6.1.4.1.2011.6.122.26.5.22" // status change: reason, teardown vocabulary
)

// Firewall tunnel table columns. Tunnel start/stop and status change send
// them with the table index appended (column.IfIndex.PolicyNum.TunnelIndex),
// so decoders match the column as a prefix and ignore the index.
const (
	OIDFwTunnelIfIndex     = "1.3.6.1.4.1.2011.6.122.26.2.1.1"
	OIDFwTunnelPolicyNum   = "1.3.6.1.4.1.2011.6.122.26.2.1.2"
	OIDFwTunnelIndex       = "1.3.6.1.4.1.2011.6.122.26.2.1.3"
	OIDFwTunnelRuleID      = "1.3.6.1.4.1.2011.6.122.26.2.1.4"
	OIDFwTunnelDstIP       = "1.3.6.1.4.1.2011.6.122.26.2.1.5" // the peer address, as text
	OIDFwTunnelInsideIP    = "1.3.6.1.4.1.2011.6.122.26.2.1.6"
	OIDFwTunnelRemotePort  = "1.3.6.1.4.1.2011.6.122.26.2.1.7"
	OIDFwTunnelCpuID       = "1.3.6.1.4.1.2011.6.122.26.2.1.8"
	OIDFwTunnelSrcPort     = "1.3.6.1.4.1.2011.6.122.26.2.1.17"
	OIDFwTunnelDstPort     = "1.3.6.1.4.1.2011.6.122.26.2.1.18" // the peer port under NAT traversal
	OIDFwTunnelSrcIP       = "1.3.6.1.4.1.2011.6.122.26.2.1.21"
	OIDFwTunnelLifeSize    = "1.3.6.1.4.1.2011.6.122.26.2.1.25"
	OIDFwTunnelLifeTime    = "1.3.6.1.4.1.2011.6.122.26.2.1.26"
	OIDFwTunnelPolicyName  = "1.3.6.1.4.1.2011.6.122.26.2.1.27"
	OIDFwTunnelSlotID      = "1.3.6.1.4.1.2011.6.122.26.2.1.29"
	OIDFwTunnelFlowInfo    = "1.3.6.1.4.1.2011.6.122.26.2.1.30"
	OIDFwTunnelPolicyAlias = "1.3.6.1.4.1.2011.6.122.26.2.1.31"
)

// Router family (HUAWEI-IPSEC-MIB) trap objects: scalars under
// hwIPSecMIB.1.19 (hwIPSecStatusObjects), 1.22 (hwIPSecTrapObjects) and 1.1
// (hwIPSecScalar), matched as prefixes for the same reason as the
// firewall's. 1.19.18 is not defined in any revision. Objects marked "newer"
// are not in the V2.46 text of the MIB; they are known by name and OID from
// a later revision's notification list only.
const (
	OIDRtPolicyName        = "1.3.6.1.4.1.2011.5.25.224.1.19.1"
	OIDRtPolicySeq         = "1.3.6.1.4.1.2011.5.25.224.1.19.2"
	OIDRtInterface         = "1.3.6.1.4.1.2011.5.25.224.1.19.3"
	OIDRtLocalIP           = "1.3.6.1.4.1.2011.5.25.224.1.19.4"
	OIDRtRemoteIP          = "1.3.6.1.4.1.2011.5.25.224.1.19.5"
	OIDRtRemotePort        = "1.3.6.1.4.1.2011.5.25.224.1.19.6"
	OIDRtPkiGetCertURL     = "1.3.6.1.4.1.2011.5.25.224.1.19.7"
	OIDRtPkiGetCertIP      = "1.3.6.1.4.1.2011.5.25.224.1.19.8"
	OIDRtPkiGetCertPort    = "1.3.6.1.4.1.2011.5.25.224.1.19.9"
	OIDRtPkiLdapVersion    = "1.3.6.1.4.1.2011.5.25.224.1.19.10"
	OIDRtPkiCertAttr       = "1.3.6.1.4.1.2011.5.25.224.1.19.11"
	OIDRtPkiCertDiffName   = "1.3.6.1.4.1.2011.5.25.224.1.19.12"
	OIDRtPkiCAIssuer       = "1.3.6.1.4.1.2011.5.25.224.1.19.13"
	OIDRtPkiCASubject      = "1.3.6.1.4.1.2011.5.25.224.1.19.14" // the certificate's subject, whichever certificate the alarm is about
	OIDRtPkiCrlIssuer      = "1.3.6.1.4.1.2011.5.25.224.1.19.15"
	OIDRtPkiStartTime      = "1.3.6.1.4.1.2011.5.25.224.1.19.16"
	OIDRtPkiExpiredTime    = "1.3.6.1.4.1.2011.5.25.224.1.19.17"
	OIDRtPkiFailedPeer     = "1.3.6.1.4.1.2011.5.25.224.1.19.19" // PKI whitelist failure: the peer (not 1.19.5)
	OIDRtPkiCN             = "1.3.6.1.4.1.2011.5.25.224.1.19.20"
	OIDRtPkiThreshold      = "1.3.6.1.4.1.2011.5.25.224.1.19.21" // hwIPSecPkiThrehold (sic)
	OIDRtPkiConfiguredCnt  = "1.3.6.1.4.1.2011.5.25.224.1.19.22"
	OIDRtVrfName           = "1.3.6.1.4.1.2011.5.25.224.1.19.23" // named hwIPSecPkiIkeFailedVrfName, but the VPN instance of every router notification
	OIDRtPkiPort           = "1.3.6.1.4.1.2011.5.25.224.1.19.24"
	OIDRtIkeVersion        = "1.3.6.1.4.1.2011.5.25.224.1.19.25"
	OIDRtDPDFailReason     = "1.3.6.1.4.1.2011.5.25.224.1.19.26" // hwIpsecIkeSaNegoFailDesc: DPD failure description, free text
	OIDRtPkiCAName         = "1.3.6.1.4.1.2011.5.25.224.1.19.27"
	OIDRtPkiSaveCAName     = "1.3.6.1.4.1.2011.5.25.224.1.19.28"
	OIDRtSvcType           = "1.3.6.1.4.1.2011.5.25.224.1.19.29"
	OIDRtPAFCapacity       = "1.3.6.1.4.1.2011.5.25.224.1.19.30"
	OIDRtPkiCmpSession     = "1.3.6.1.4.1.2011.5.25.224.1.19.31"
	OIDRtPkiCmpRequireType = "1.3.6.1.4.1.2011.5.25.224.1.19.32"
	OIDRtPkiCertIssuer     = "1.3.6.1.4.1.2011.5.25.224.1.19.33"
	OIDRtPkiCertSubject    = "1.3.6.1.4.1.2011.5.25.224.1.19.34"
	OIDRtPkiCertFileName   = "1.3.6.1.4.1.2011.5.25.224.1.19.35" // newer
	OIDRtPkiInvalidReason  = "1.3.6.1.4.1.2011.5.25.224.1.19.36" // newer
	OIDRtNewPeerAddress    = "1.3.6.1.4.1.2011.5.25.224.1.19.37" // newer; 37-48: the two tunnels of a negotiation conflict
	OIDRtNewPeerPort       = "1.3.6.1.4.1.2011.5.25.224.1.19.38"
	OIDRtNewVrfName        = "1.3.6.1.4.1.2011.5.25.224.1.19.39"
	OIDRtNewACLSource      = "1.3.6.1.4.1.2011.5.25.224.1.19.40"
	OIDRtNewACLDestination = "1.3.6.1.4.1.2011.5.25.224.1.19.41"
	OIDRtNewACLVrfName     = "1.3.6.1.4.1.2011.5.25.224.1.19.42"
	OIDRtOldPeerAddress    = "1.3.6.1.4.1.2011.5.25.224.1.19.43"
	OIDRtOldPeerPort       = "1.3.6.1.4.1.2011.5.25.224.1.19.44"
	OIDRtOldVrfName        = "1.3.6.1.4.1.2011.5.25.224.1.19.45"
	OIDRtOldACLSource      = "1.3.6.1.4.1.2011.5.25.224.1.19.46"
	OIDRtOldACLDestination = "1.3.6.1.4.1.2011.5.25.224.1.19.47"
	OIDRtOldACLVrfName     = "1.3.6.1.4.1.2011.5.25.224.1.19.48"
	OIDRtNegoFailReason    = "1.3.6.1.4.1.2011.5.25.224.1.19.49" // newer; free text only: no code
	OIDRtCertChainReason   = "1.3.6.1.4.1.2011.5.25.224.1.19.50" // newer from here on
	OIDRtCertDomainName    = "1.3.6.1.4.1.2011.5.25.224.1.19.51"
	OIDRtXsecSvcType       = "1.3.6.1.4.1.2011.5.25.224.1.19.52"
	OIDRtXsecPAFCapacity   = "1.3.6.1.4.1.2011.5.25.224.1.19.53"
	OIDRtMhUserTotal       = "1.3.6.1.4.1.2011.5.25.224.1.19.54"
	OIDRtMhTriggerSuccess  = "1.3.6.1.4.1.2011.5.25.224.1.19.55"
	OIDRtMhTriggerFail     = "1.3.6.1.4.1.2011.5.25.224.1.19.56"
	OIDRtMhReason          = "1.3.6.1.4.1.2011.5.25.224.1.19.57"
	OIDRtMhVpnName         = "1.3.6.1.4.1.2011.5.25.224.1.19.58"
	OIDRtMhIPTotal         = "1.3.6.1.4.1.2011.5.25.224.1.19.59"
	OIDRtMhIPUsed          = "1.3.6.1.4.1.2011.5.25.224.1.19.60"
	OIDRtXsecNegoReason    = "1.3.6.1.4.1.2011.5.25.224.1.19.61"
	OIDRtXsecRemoteRouter  = "1.3.6.1.4.1.2011.5.25.224.1.19.62"
	OIDRtXsecRemoteConnID  = "1.3.6.1.4.1.2011.5.25.224.1.19.63"
	OIDRtXsecPolicyName    = "1.3.6.1.4.1.2011.5.25.224.1.19.64"
	OIDRtXsecNegoCode      = "1.3.6.1.4.1.2011.5.25.224.1.19.65"
	OIDRtXsecSlotID        = "1.3.6.1.4.1.2011.5.25.224.1.19.66"
	OIDRtXsecEngineID      = "1.3.6.1.4.1.2011.5.25.224.1.19.67"
	OIDRtXsecPlainDetail   = "1.3.6.1.4.1.2011.5.25.224.1.19.68"
	OIDRtXsecPlainReasonID = "1.3.6.1.4.1.2011.5.25.224.1.19.69"
	OIDRtSaSlotID          = "1.3.6.1.4.1.2011.5.25.224.1.19.70"
	OIDRtSessionNumber     = "1.3.6.1.4.1.2011.5.25.224.1.19.71"

	// hwIPSecTrapObjects: resource, bandwidth and license alarms.
	OIDRtTrapSlotID           = "1.3.6.1.4.1.2011.5.25.224.1.22.1"
	OIDRtTrapCPUID            = "1.3.6.1.4.1.2011.5.25.224.1.22.2"
	OIDRtSaNumber             = "1.3.6.1.4.1.2011.5.25.224.1.22.3"
	OIDRtVSUThreshold         = "1.3.6.1.4.1.2011.5.25.224.1.22.4"
	OIDRtVSUBpsInUse          = "1.3.6.1.4.1.2011.5.25.224.1.22.5"
	OIDRtVSUMbpsRate          = "1.3.6.1.4.1.2011.5.25.224.1.22.6"
	OIDRtLicenseBandwidth     = "1.3.6.1.4.1.2011.5.25.224.1.22.7"
	OIDRtVSUSlot              = "1.3.6.1.4.1.2011.5.25.224.1.22.8"
	OIDRtLicenseItem          = "1.3.6.1.4.1.2011.5.25.224.1.22.9"
	OIDRtLicenseDescription   = "1.3.6.1.4.1.2011.5.25.224.1.22.10"
	OIDRtXsecVSUThreshold     = "1.3.6.1.4.1.2011.5.25.224.1.22.11" // newer, 11-16
	OIDRtXsecVSUBpsInUse      = "1.3.6.1.4.1.2011.5.25.224.1.22.12"
	OIDRtXsecVSUMbpsRate      = "1.3.6.1.4.1.2011.5.25.224.1.22.13"
	OIDRtXsecLicenseBandwidth = "1.3.6.1.4.1.2011.5.25.224.1.22.14"
	OIDRtXsecVSUSlot          = "1.3.6.1.4.1.2011.5.25.224.1.22.15"
	OIDRtXsecVSUCPUID         = "1.3.6.1.4.1.2011.5.25.224.1.22.16"

	// hwIPSecScalar: service fault and hot-standby objects, all newer.
	OIDRtServiceFaultCode   = "1.3.6.1.4.1.2011.5.25.224.1.1.16"
	OIDRtServiceFaultKey    = "1.3.6.1.4.1.2011.5.25.224.1.1.17"
	OIDRtServiceFaultReason = "1.3.6.1.4.1.2011.5.25.224.1.1.18"
	OIDRtServiceFaultBoard  = "1.3.6.1.4.1.2011.5.25.224.1.1.19"
	OIDRtServiceFaultCPU    = "1.3.6.1.4.1.2011.5.25.224.1.1.20"
	OIDRtXsecFaultCode      = "1.3.6.1.4.1.2011.5.25.224.1.1.21"
	OIDRtXsecFaultReason    = "1.3.6.1.4.1.2011.5.25.224.1.1.22"
	OIDRtXsecFaultBoard     = "1.3.6.1.4.1.2011.5.25.224.1.1.23"
	OIDRtXsecFaultCPU       = "1.3.6.1.4.1.2011.5.25.224.1.1.24"
	OIDRtHotStandbyInstance = "1.3.6.1.4.1.2011.5.25.224.1.1.25"
	OIDRtHotStandbyPolicy   = "1.3.6.1.4.1.2011.5.25.224.1.1.26"
	OIDRtHotStandbyErrCode  = "1.3.6.1.4.1.2011.5.25.224.1.1.27"
	OIDRtHotStandbyErrText  = "1.3.6.1.4.1.2011.5.25.224.1.1.28"
)
