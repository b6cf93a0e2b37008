package mib

import (
	"slices"
	"strconv"
	"strings"
)

// Family tells which MIB module, and so which varbind layout, a notification
// belongs to.
type Family string

const (
	FamilyFirewall Family = "firewall" // USG / Eudemon, HUAWEI-SECURITY-IPSEC-MIB
	FamilyRouter   Family = "router"   // AR / NE (VRP), HUAWEI-IPSEC-MIB
)

// Notification is one entry of the notification catalogue.
type Notification struct {
	Name        string // the MIB name; the value of the notification label
	OID         string // dotted, no leading dot
	Family      Family
	Description string // one line
}

// Notification names: the values of the notification label, so alert rules
// and dashboards match on these strings.
const (
	NotifTunnelStart          = "hwIPSecTunnelStart"
	NotifTunnelStop           = "hwIPSecTunnelStop"
	NotifIKEPhase1Established = "hwIKESaPhase1Establish"
	NotifNegoFail             = "hwIPSecNegoFail"
	NotifTunnelStatusChange   = "hwIPSecTunnelStatusChange"

	// The capacity notifications (9-12, 15) carry no varbinds and no
	// description, and public copies of the MIB are not consistent about
	// their names. These follow the public HUAWEI-SECURITY-IPSEC-MIB copy the
	// project checked; from here on they are the project's names, stable as
	// label values whatever a device's own MIB calls them.
	NotifTunnelReachMax        = "hwIPSecTunnelReachMax"
	NotifTunnelReachMaxAtOnce  = "hwIPSecTunnelReachMaxAtOnce"
	NotifTunnelHaveReachMax    = "hwIPSecTunnelHaveReachMax"
	NotifIKEPeerReachMax       = "hwIKEPeerReachMax"
	NotifIKEPeerReachMaxAtOnce = "hwIKEPeerReachMaxAtOnce"

	NotifRouterTunnelUp       = "hwIPSecTunnelStateUp"
	NotifRouterTunnelDown     = "hwIPSecTunnelStateDown"
	NotifRouterDPDProbeFail   = "hwIKEDPDProbeFail"
	NotifRouterIKESAFail      = "hwIkeSANegotiationFail"
	NotifRouterIKESASuccess   = "hwIkeSANegotiationSuccess"
	NotifRouterIPSecSAFail    = "hwIPSECSANegotiationFail"
	NotifRouterIPSecSASuccess = "hwIPSECSANegotiationSuccess"
	NotifRouterNegoFail       = "hwIPSecNegotiationFail"
	NotifRouterNegoSuccess    = "hwIPSecNegotiationSuccess"

	// NotifOther is the label value for a notification OID not in the
	// catalogue, so unknown OIDs cannot inflate the label's cardinality.
	NotifOther = "other"
)

var notifications = func() []Notification {
	fw := func(n int, name, desc string) Notification {
		return Notification{name, OIDFirewallNotifications + "." + strconv.Itoa(n), FamilyFirewall, desc}
	}
	rt := func(n int, name, desc string) Notification {
		return Notification{name, OIDRouterNotifications + "." + strconv.Itoa(n), FamilyRouter, desc}
	}
	ns := []Notification{
		fw(1, NotifTunnelStart, "An IPSec tunnel was negotiated and came up."),
		fw(2, NotifTunnelStop, "An IPSec tunnel went down; carries the offline reason."),
		fw(9, NotifTunnelReachMax, "The number of IPSec tunnels reached the maximum (no varbinds)."),
		fw(10, NotifTunnelReachMaxAtOnce, "The number of IPSec tunnels reached the maximum (variant 10; no varbinds)."),
		fw(11, NotifIKEPeerReachMax, "The number of IKE peers reached the maximum (no varbinds)."),
		fw(12, NotifIKEPeerReachMaxAtOnce, "The number of IKE peers reached the maximum (variant 12; no varbinds)."),
		fw(13, NotifIKEPhase1Established, "An IKE phase 1 SA was established."),
		fw(14, NotifNegoFail, "IPSec tunnel negotiation failed; carries the reason code."),
		fw(15, NotifTunnelHaveReachMax, "The number of IPSec tunnels reached the maximum (variant 15; no varbinds)."),
		fw(19, NotifTunnelStatusChange, "An IPSec tunnel changed status; carries the reason."),
		rt(1, NotifRouterTunnelUp, "An IPSec tunnel came up."),
		rt(2, NotifRouterTunnelDown, "An IPSec tunnel went down."),
		rt(33, NotifRouterDPDProbeFail, "IKE dead peer detection failed."),
		rt(35, NotifRouterIKESAFail, "IKE SA negotiation failed."),
		rt(36, NotifRouterIKESASuccess, "IKE SA negotiation succeeded."),
		rt(37, NotifRouterIPSecSAFail, "IPSec SA negotiation failed."),
		rt(38, NotifRouterIPSecSASuccess, "IPSec SA negotiation succeeded."),
		rt(57, NotifRouterNegoFail, "IPSec tunnel negotiation failed; carries the reason as text only."),
		rt(58, NotifRouterNegoSuccess, "IPSec tunnel negotiation succeeded."),
	}
	slices.SortFunc(ns, func(a, b Notification) int { return compareOIDs(a.OID, b.OID) })
	return ns
}()

var notificationsByOID = func() map[string]Notification {
	m := make(map[string]Notification, len(notifications))
	for _, n := range notifications {
		m[n.OID] = n
	}
	return m
}()

// Notifications returns the catalogue sorted by OID, arc by arc numerically.
func Notifications() []Notification {
	return slices.Clone(notifications)
}

// NotificationByOID looks a notification up by its OID, with or without the
// leading dot that net-snmp and gosnmp put in front of OIDs.
func NotificationByOID(oid string) (Notification, bool) {
	n, ok := notificationsByOID[strings.TrimPrefix(oid, ".")]
	return n, ok
}

// compareOIDs orders dotted OIDs arc by arc as numbers, so that .9 sorts
// before .10; a non-numeric arc falls back to string order.
func compareOIDs(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.ParseUint(as[i], 10, 64)
		y, erry := strconv.ParseUint(bs[i], 10, 64)
		switch {
		case errx != nil || erry != nil:
			if c := strings.Compare(as[i], bs[i]); c != 0 {
				return c
			}
		case x < y:
			return -1
		case x > y:
			return 1
		}
	}
	return len(as) - len(bs)
}
