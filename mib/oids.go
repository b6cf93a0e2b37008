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
	// OIDRouterResourceNotifications holds the router family's SA-session
	// resource alarms.
	OIDRouterResourceNotifications = "1.3.6.1.4.1.2011.5.25.224.5"
)

// Firewall family (HUAWEI-SECURITY-IPSEC-MIB) trap objects. They are scalars
// under hwIpsec.5, so the MIB says they are sent with a ".0" instance suffix,
// but some firmware omits it: decoders match them as prefixes.
const (
	OIDFwTrapPolicyNum    = "1.3.6.1.4.1.2011.6.122.26.5.1" // SeqNum
	OIDFwTrapIfIndex      = "1.3.6.1.4.1.2011.6.122.26.5.2" // Ifindex
	OIDFwTrapPolicyName   = "1.3.6.1.4.1.2011.6.122.26.5.3"
	OIDFwTrapAuthMethod   = "1.3.6.1.4.1.2011.6.122.26.5.4"
	OIDFwTrapAuthID       = "1.3.6.1.4.1.2011.6.122.26.5.5"
	OIDFwTrapAuthIDType   = "1.3.6.1.4.1.2011.6.122.26.5.6"
	OIDFwPeerAddress      = "1.3.6.1.4.1.2011.6.122.26.5.7" // hwIPSecTrapTunnelDstIP: the address as text, not IpAddress
	OIDFwLocalAddress     = "1.3.6.1.4.1.2011.6.122.26.5.8"
	OIDFwPeerPort         = "1.3.6.1.4.1.2011.6.122.26.5.9"  // hwIPSecTrapTunnelRemotePort
	OIDFwReason           = "1.3.6.1.4.1.2011.6.122.26.5.10" // free text; may be finer than the code's catalogue text
	OIDFwReasonCode       = "1.3.6.1.4.1.2011.6.122.26.5.11" // the key into the reason catalogue
	OIDFwOfflineReason    = "1.3.6.1.4.1.2011.6.122.26.5.12" // tunnel stop only: free text, the teardown catalogue's vocabulary
	OIDFwVsysName         = "1.3.6.1.4.1.2011.6.122.26.5.13"
	OIDFwIfName           = "1.3.6.1.4.1.2011.6.122.26.5.14"
	OIDFwIKERole          = "1.3.6.1.4.1.2011.6.122.26.5.15"
	OIDFwRouteDest        = "1.3.6.1.4.1.2011.6.122.26.5.16"
	OIDFwRouteMask        = "1.3.6.1.4.1.2011.6.122.26.5.17"
	OIDFwRouteNextHop     = "1.3.6.1.4.1.2011.6.122.26.5.18"
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

// Router family (HUAWEI-IPSEC-MIB) trap objects, scalars under
// hwIPSecMIB.1.19 and (resource alarms) 1.22; matched as prefixes for the
// same reason as the firewall's.
const (
	OIDRtPolicyName     = "1.3.6.1.4.1.2011.5.25.224.1.19.1"
	OIDRtPolicySeq      = "1.3.6.1.4.1.2011.5.25.224.1.19.2"
	OIDRtInterface      = "1.3.6.1.4.1.2011.5.25.224.1.19.3"
	OIDRtLocalIP        = "1.3.6.1.4.1.2011.5.25.224.1.19.4"
	OIDRtRemoteIP       = "1.3.6.1.4.1.2011.5.25.224.1.19.5"
	OIDRtRemotePort     = "1.3.6.1.4.1.2011.5.25.224.1.19.6"
	OIDRtPkiFailedPeer  = "1.3.6.1.4.1.2011.5.25.224.1.19.19" // PKI whitelist failure: the peer (not 1.19.5)
	OIDRtPkiCN          = "1.3.6.1.4.1.2011.5.25.224.1.19.20"
	OIDRtVrfName        = "1.3.6.1.4.1.2011.5.25.224.1.19.23" // named hwIPSecPkiIkeFailedVrfName, but the VPN instance of every router notification
	OIDRtPkiPort        = "1.3.6.1.4.1.2011.5.25.224.1.19.24"
	OIDRtIkeVersion     = "1.3.6.1.4.1.2011.5.25.224.1.19.25"
	OIDRtDPDFailReason  = "1.3.6.1.4.1.2011.5.25.224.1.19.26" // DPD failure description, free text
	OIDRtNegoFailReason = "1.3.6.1.4.1.2011.5.25.224.1.19.49" // free text only: no code
	OIDRtSessionSlot    = "1.3.6.1.4.1.2011.5.25.224.1.22.1"
	OIDRtSessionCurrent = "1.3.6.1.4.1.2011.5.25.224.1.22.2"
	OIDRtSessionMaximum = "1.3.6.1.4.1.2011.5.25.224.1.22.3"
)
