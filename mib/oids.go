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
)

// Firewall family (HUAWEI-SECURITY-IPSEC-MIB) trap objects. They are scalars
// under hwIpsec.5, so the MIB says they are sent with a ".0" instance suffix,
// but some firmware omits it: decoders must match them as prefixes.
const (
	OIDFwTrapPolicyNum = "1.3.6.1.4.1.2011.6.122.26.5.1"  // SeqNum
	OIDFwTrapIfIndex   = "1.3.6.1.4.1.2011.6.122.26.5.2"  // Ifindex
	OIDFwPeerAddress   = "1.3.6.1.4.1.2011.6.122.26.5.7"  // hwIPSecTrapTunnelDstIP: the address as text, not IpAddress
	OIDFwPeerPort      = "1.3.6.1.4.1.2011.6.122.26.5.9"  // hwIPSecTrapTunnelRemotePort
	OIDFwReason        = "1.3.6.1.4.1.2011.6.122.26.5.10" // free text; may be finer than the code's catalogue text
	OIDFwReasonCode    = "1.3.6.1.4.1.2011.6.122.26.5.11" // the key into the reason catalogue
	OIDFwOfflineReason = "1.3.6.1.4.1.2011.6.122.26.5.12" // tunnel stop only
	OIDFwVsysName      = "1.3.6.1.4.1.2011.6.122.26.5.13"
	OIDFwIfName        = "1.3.6.1.4.1.2011.6.122.26.5.14"
)

// Firewall tunnel table columns. Tunnel start/stop send them with the table
// index appended (column.<index...>), so decoders match the column as a
// prefix and ignore the index.
const (
	OIDFwTunnelIfIndex    = "1.3.6.1.4.1.2011.6.122.26.2.1.1"
	OIDFwTunnelPolicyNum  = "1.3.6.1.4.1.2011.6.122.26.2.1.2"
	OIDFwTunnelIndex      = "1.3.6.1.4.1.2011.6.122.26.2.1.3"
	OIDFwTunnelRuleID     = "1.3.6.1.4.1.2011.6.122.26.2.1.4"
	OIDFwTunnelDstIP      = "1.3.6.1.4.1.2011.6.122.26.2.1.5" // the peer address, as text
	OIDFwTunnelInsideIP   = "1.3.6.1.4.1.2011.6.122.26.2.1.6"
	OIDFwTunnelRemotePort = "1.3.6.1.4.1.2011.6.122.26.2.1.7"
	OIDFwTunnelCpuID      = "1.3.6.1.4.1.2011.6.122.26.2.1.8"
	OIDFwTunnelSrcIP      = "1.3.6.1.4.1.2011.6.122.26.2.1.21"
)

// Router family (HUAWEI-IPSEC-MIB) trap objects, scalars under
// hwIPSecMIB.1.19; matched as prefixes for the same reason as the firewall's.
const (
	OIDRtPolicyName     = "1.3.6.1.4.1.2011.5.25.224.1.19.1"
	OIDRtPolicySeq      = "1.3.6.1.4.1.2011.5.25.224.1.19.2"
	OIDRtInterface      = "1.3.6.1.4.1.2011.5.25.224.1.19.3"
	OIDRtLocalIP        = "1.3.6.1.4.1.2011.5.25.224.1.19.4"
	OIDRtRemoteIP       = "1.3.6.1.4.1.2011.5.25.224.1.19.5"
	OIDRtRemotePort     = "1.3.6.1.4.1.2011.5.25.224.1.19.6"
	OIDRtVrfName        = "1.3.6.1.4.1.2011.5.25.224.1.19.23"
	OIDRtIkeVersion     = "1.3.6.1.4.1.2011.5.25.224.1.19.25"
	OIDRtNegoFailReason = "1.3.6.1.4.1.2011.5.25.224.1.19.49" // free text only: no code
)
