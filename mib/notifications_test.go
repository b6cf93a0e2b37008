package mib_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

var oidRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)+$`)

func oidLess(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.Atoi(as[i])
		y, _ := strconv.Atoi(bs[i])
		if x != y {
			return x - y
		}
	}
	return len(as) - len(bs)
}

func TestNotifications(t *testing.T) {
	ns := mib.Notifications()
	if !slices.IsSortedFunc(ns, func(a, b mib.Notification) int { return oidLess(a.OID, b.OID) }) {
		t.Error("Notifications() not sorted by OID")
	}
	names, oids := map[string]bool{}, map[string]bool{}
	for _, n := range ns {
		if names[n.Name] || oids[n.OID] {
			t.Errorf("duplicate name or OID: %+v", n)
		}
		names[n.Name], oids[n.OID] = true, true
		if !oidRE.MatchString(n.OID) {
			t.Errorf("%s: OID %q not dotted without leading dot", n.Name, n.OID)
		}
		if n.Description == "" || strings.Contains(n.Description, "\n") {
			t.Errorf("%s: description must be one non-empty line", n.Name)
		}
		prefix := map[mib.Family]string{
			mib.FamilyFirewall: mib.OIDFirewallNotifications + ".",
			mib.FamilyRouter:   mib.OIDRouterNotifications + ".",
		}[n.Family]
		if prefix == "" || !strings.HasPrefix(n.OID, prefix) || strings.Contains(strings.TrimPrefix(n.OID, prefix), ".") {
			t.Errorf("%s: OID %q outside its family %q", n.Name, n.OID, n.Family)
		}
		for _, oid := range []string{n.OID, "." + n.OID} {
			if got, ok := mib.NotificationByOID(oid); !ok || got != n {
				t.Errorf("NotificationByOID(%q) = %+v, %v", oid, got, ok)
			}
		}
	}
	for _, oid := range []string{"", ".", mib.OIDFirewallNotifications, mib.OIDFirewallNotifications + ".3",
		mib.OIDFirewallNotifications + ".14.0", "1.3.6.1.4.1.2011.5.25.224.2.1.99", "..1.3.6.1.4.1.2011.6.122.26.6.14"} {
		if n, ok := mib.NotificationByOID(oid); ok {
			t.Errorf("NotificationByOID(%q) unexpectedly found %+v", oid, n)
		}
	}
	if names[mib.NotifOther] {
		t.Error("NotifOther must not be a catalogue name")
	}
}

func TestNotificationCatalogue(t *testing.T) {
	fw, rt := mib.OIDFirewallNotifications+".", mib.OIDRouterNotifications+"."
	want := map[string]string{
		fw + "1":  mib.NotifTunnelStart,
		fw + "2":  mib.NotifTunnelStop,
		fw + "9":  mib.NotifTunnelReachMax,
		fw + "10": mib.NotifTunnelReachMaxAtOnce,
		fw + "11": mib.NotifIKEPeerReachMax,
		fw + "12": mib.NotifIKEPeerReachMaxAtOnce,
		fw + "13": mib.NotifIKEPhase1Established,
		fw + "14": mib.NotifNegoFail,
		fw + "15": mib.NotifTunnelHaveReachMax,
		fw + "19": mib.NotifTunnelStatusChange,
		rt + "1":  mib.NotifRouterTunnelUp,
		rt + "2":  mib.NotifRouterTunnelDown,
		rt + "33": mib.NotifRouterDPDProbeFail,
		rt + "35": mib.NotifRouterIKESAFail,
		rt + "36": mib.NotifRouterIKESASuccess,
		rt + "37": mib.NotifRouterIPSecSAFail,
		rt + "38": mib.NotifRouterIPSecSASuccess,
		rt + "57": mib.NotifRouterNegoFail,
		rt + "58": mib.NotifRouterNegoSuccess,
	}
	ns := mib.Notifications()
	if len(ns) != len(want) {
		t.Errorf("catalogue has %d notifications, want %d", len(ns), len(want))
	}
	for oid, name := range want {
		if n, ok := mib.NotificationByOID(oid); !ok || n.Name != name {
			t.Errorf("%s: got %+v, %v; want %s", oid, n, ok, name)
		}
	}
	if n, _ := mib.NotificationByOID("1.3.6.1.4.1.2011.6.122.26.6.14"); n.Name != "hwIPSecNegoFail" || n.Family != mib.FamilyFirewall {
		t.Errorf("hwIPSecNegoFail: got %+v", n)
	}
	ns[0].Name = "changed"
	if mib.Notifications()[0].Name == "changed" {
		t.Error("Notifications() shares its backing array")
	}
}

func TestOIDConstants(t *testing.T) {
	const fw, rt = "1.3.6.1.4.1.2011.6.122.26.", "1.3.6.1.4.1.2011.5.25.224."
	for got, want := range map[string]string{
		mib.OIDSnmpTrapOID:           "1.3.6.1.6.3.1.1.4.1.0",
		mib.OIDSnmpTrapAddress:       "1.3.6.1.6.3.18.1.3.0",
		mib.OIDSysUpTime:             "1.3.6.1.2.1.1.3.0",
		mib.OIDFirewallNotifications: fw + "6",
		mib.OIDRouterNotifications:   rt + "2.1",
		mib.OIDFwTrapPolicyNum:       fw + "5.1",
		mib.OIDFwTrapIfIndex:         fw + "5.2",
		mib.OIDFwPeerAddress:         fw + "5.7",
		mib.OIDFwPeerPort:            fw + "5.9",
		mib.OIDFwReason:              fw + "5.10",
		mib.OIDFwReasonCode:          fw + "5.11",
		mib.OIDFwOfflineReason:       fw + "5.12",
		mib.OIDFwVsysName:            fw + "5.13",
		mib.OIDFwIfName:              fw + "5.14",
		mib.OIDFwTunnelIfIndex:       fw + "2.1.1",
		mib.OIDFwTunnelPolicyNum:     fw + "2.1.2",
		mib.OIDFwTunnelIndex:         fw + "2.1.3",
		mib.OIDFwTunnelRuleID:        fw + "2.1.4",
		mib.OIDFwTunnelDstIP:         fw + "2.1.5",
		mib.OIDFwTunnelInsideIP:      fw + "2.1.6",
		mib.OIDFwTunnelRemotePort:    fw + "2.1.7",
		mib.OIDFwTunnelCpuID:         fw + "2.1.8",
		mib.OIDFwTunnelSrcIP:         fw + "2.1.21",
		mib.OIDRtPolicyName:          rt + "1.19.1",
		mib.OIDRtPolicySeq:           rt + "1.19.2",
		mib.OIDRtInterface:           rt + "1.19.3",
		mib.OIDRtLocalIP:             rt + "1.19.4",
		mib.OIDRtRemoteIP:            rt + "1.19.5",
		mib.OIDRtRemotePort:          rt + "1.19.6",
		mib.OIDRtVrfName:             rt + "1.19.23",
		mib.OIDRtIkeVersion:          rt + "1.19.25",
		mib.OIDRtNegoFailReason:      rt + "1.19.49",
	} {
		if got != want {
			t.Errorf("OID constant %q, want %q", got, want)
		}
	}
}

func TestOfflineReasons(t *testing.T) {
	want := []string{"dpd_timeout", "peer_request", "config_modify_or_manual_offline", "phase1_hard_expiry",
		"phase2_hard_expiry", "heartbeat_timeout", "modecfg_address_soft_expiry", "re_auth_timeout", "aaa_cut_user"}
	got := mib.OfflineReasons()
	if !slices.Equal(got, want) {
		t.Errorf("OfflineReasons() = %q, want %q", got, want)
	}
	got[0] = "changed"
	if mib.OfflineReasons()[0] != "dpd_timeout" {
		t.Error("OfflineReasons() shares its backing array")
	}
	for _, tc := range []struct{ in, want string }{
		{"dpd timeout", "dpd_timeout"},
		{"DPD Timeout", "dpd_timeout"},
		{"re-auth timeout", "re_auth_timeout"},
		{"config modify or manual offline", "config_modify_or_manual_offline"},
		{"something else", mib.OtherOfflineReason},
		{"---", mib.OtherOfflineReason},
		{"", ""},
		{"   ", ""},
	} {
		if got := mib.OfflineReasonSlug(tc.in); got != tc.want {
			t.Errorf("OfflineReasonSlug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
