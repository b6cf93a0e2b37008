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

// Notification is one entry of the notification catalogue: everything the
// decoder, the send sub-command, the generated rules and the documentation
// know about a notification.
type Notification struct {
	Name        string // the MIB name; the value of the notification label
	OID         string // dotted, no leading dot
	Family      Family
	Kind        Kind
	Description string // one line: what the device says by sending it
	// objects are the OIDs (no instance) of the objects the MIB's OBJECTS
	// clause lists, in its order: what a real device sends. Unexported so
	// that a Notification can be copied without copying them, which keeps
	// the decoder's lookup free of allocations.
	objects []string
	// SupersededBy names a notification that reports the same negotiation
	// failure more completely: once a device has sent that one, this one is
	// counted by name only, so a router that sends both counts once.
	SupersededBy string
	// Predicts is set for notifications that announce a failure before it
	// happens (a resource running out, a certificate about to expire): what
	// will fail next. Each gets an alert with this text.
	Predicts string
	// Clears names the alarm notification this one clears, if any. A clear
	// is counted by name only, whatever its name says: the device sends it
	// when the alarm's condition ends (hwIPSecNegotiationSuccess: "success
	// or configuration deleted"), beside the tunnel's up that already
	// counts the successful negotiation. Counting both would count a newer
	// router's successes twice and halve its error ratio.
	Clears string
}

// Notification names: the values of the notification label, so alert rules
// and dashboards match on these strings.
const (
	NotifTunnelStart          = "hwIPSecTunnelStart"
	NotifTunnelStop           = "hwIPSecTunnelStop"
	NotifPolicyAdd            = "hwIPSecPolicyAdd"
	NotifPolicyDel            = "hwIPSecPolicyDel"
	NotifPolicyAttach         = "hwIPSecPolicyAttach"
	NotifPolicyDetach         = "hwIPSecPolicyDetach"
	NotifIKEReset             = "hwIPSecIKEReset"
	NotifIPSecReset           = "hwIPSecIPSecReset"
	NotifIKEPhase1Established = "hwIKESaPhase1Establish"
	NotifNegoFail             = "hwIPSecNegoFail"
	NotifOPRRouteMissed       = "hwIPSecOPRRouteMissed"
	NotifLowSecurityLevel     = "hwIPSecLowSecurityLevel"
	NotifWeakEncr             = "hwIPSecWeakEncr"
	NotifTunnelStatusChange   = "hwIPSecTunnelStatusChange"

	// The capacity notifications (9-12, 15) carry no varbinds, and public
	// copies of the MIB are not consistent about their names. These follow
	// the public HUAWEI-SECURITY-IPSEC-MIB copy the project checked; from here
	// on they are the project's names, stable as label values whatever a
	// device's own MIB calls them.
	NotifTunnelReachMax        = "hwIPSecTunnelReachMax"
	NotifTunnelReachMaxAtOnce  = "hwIPSecTunnelReachMaxAtOnce"
	NotifTunnelHaveReachMax    = "hwIPSecTunnelHaveReachMax"
	NotifIKEPeerReachMax       = "hwIKEPeerReachMax"
	NotifIKEPeerReachMaxAtOnce = "hwIKEPeerReachMaxAtOnce"

	NotifRouterTunnelUp       = "hwIPSecTunnelStateUp"
	NotifRouterTunnelDown     = "hwIPSecTunnelStateDown"
	NotifRouterPkiWhitelist   = "hwIPSecPkiWhitelistNegotiationFail"
	NotifRouterDPDProbeFail   = "hwIKEDPDProbeFail"
	NotifRouterDPDProbeOK     = "hwIKEDPDProbeSuccess"
	NotifRouterIKESAFail      = "hwIkeSANegotiationFail"
	NotifRouterIKESASuccess   = "hwIkeSANegotiationSuccess"
	NotifRouterIPSecSAFail    = "hwIPSECSANegotiationFail"
	NotifRouterIPSecSASuccess = "hwIPSECSANegotiationSuccess"
	NotifRouterNegoFail       = "hwIPSecNegotiationFail"
	NotifRouterNegoSuccess    = "hwIPSecNegotiationSuccess"
	NotifRouterNegoConflict   = "hwIPSecNegotiationConflict"
	NotifRouterSessionThresh  = "hwIPsecSessionThresholdAlarm"
	NotifRouterSessionExhaust = "hwIPsecSessionExhaustAlarm"

	// NotifOther is the label value for a notification OID not in the
	// catalogue, so unknown OIDs cannot inflate the label's cardinality.
	NotifOther = "other"
)

var notifications = func() []Notification {
	ns := slices.Clone(notificationTable)
	for _, n := range ns {
		for _, o := range n.objects {
			if _, ok := objects[o]; !ok {
				panic("mib: " + n.Name + " lists object " + o + ", which is not in the object table")
			}
		}
		if n.Clears != "" && n.Kind != KindNotification {
			panic("mib: " + n.Name + " clears " + n.Clears + " but has kind " + n.Kind.String() + ": a clear is counted by name only")
		}
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

// Objects returns the OIDs (no instance) of the objects the notification
// carries, in the order of the MIB's OBJECTS clause.
func (n Notification) Objects() []string { return slices.Clone(n.objects) }

// NotificationByName looks a notification up by its catalogue name, ignoring
// case (the send sub-command's --notification).
func NotificationByName(name string) (Notification, bool) {
	for _, n := range notifications {
		if strings.EqualFold(n.Name, name) {
			return n, true
		}
	}
	return Notification{}, false
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
