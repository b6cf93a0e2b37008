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
		inFamily := false
		for _, root := range map[mib.Family][]string{
			mib.FamilyFirewall: {mib.OIDFirewallNotifications},
			mib.FamilyRouter:   {mib.OIDRouterNotifications, mib.OIDRouterResourceNotifications},
		}[n.Family] {
			rest, ok := strings.CutPrefix(n.OID, root+".")
			inFamily = inFamily || ok && !strings.Contains(rest, ".")
		}
		if !inFamily {
			t.Errorf("%s: OID %q outside its family %q", n.Name, n.OID, n.Family)
		}
		for _, oid := range []string{n.OID, "." + n.OID} {
			if got, ok := mib.NotificationByOID(oid); !ok || got.Name != n.Name || !slices.Equal(got.Objects(), n.Objects()) {
				t.Errorf("NotificationByOID(%q) = %+v, %v", oid, got, ok)
			}
		}
	}
	for _, oid := range []string{"", ".", mib.OIDFirewallNotifications, mib.OIDFirewallNotifications + ".99",
		mib.OIDFirewallNotifications + ".14.0", "1.3.6.1.4.1.2011.5.25.224.2.1.99", "..1.3.6.1.4.1.2011.6.122.26.6.14"} {
		if n, ok := mib.NotificationByOID(oid); ok {
			t.Errorf("NotificationByOID(%q) unexpectedly found %+v", oid, n)
		}
	}
	if names[mib.NotifOther] {
		t.Error("NotifOther must not be a catalogue name")
	}
}

// TestNotificationCatalogue holds the catalogue to the MIBs: every
// notification of HUAWEI-SECURITY-IPSEC-MIB V1.24 (hwIpsec.6.N) and of
// HUAWEI-IPSEC-MIB (hwIPSecNotifications 2.1.N and hwIPsecTraps 5.N, V2.46
// plus the later revision's 2.1.49-74 and 5.13-18) by OID and name, and
// nothing else.
func TestNotificationCatalogue(t *testing.T) {
	fw, rt, rt5 := mib.OIDFirewallNotifications+".", mib.OIDRouterNotifications+".", mib.OIDRouterResourceNotifications+"."
	want := map[string]string{
		fw + "1":  "hwIPSecTunnelStart",
		fw + "2":  "hwIPSecTunnelStop",
		fw + "3":  "hwIPSecPolicyAdd",
		fw + "4":  "hwIPSecPolicyDel",
		fw + "5":  "hwIPSecPolicyAttach",
		fw + "6":  "hwIPSecPolicyDetach",
		fw + "7":  "hwIPSecIKEReset",
		fw + "8":  "hwIPSecIPSecReset",
		fw + "9":  "hwIPSecTunnelReachMax",
		fw + "10": "hwIPSecTunnelReachMaxAtOnce",
		fw + "11": "hwIKEPeerReachMax",
		fw + "12": "hwIKEPeerReachMaxAtOnce",
		fw + "13": "hwIKESaPhase1Establish",
		fw + "14": "hwIPSecNegoFail",
		fw + "15": "hwIPSecTunnelHaveReachMax",
		fw + "16": "hwIPSecOPRRouteMissed",
		fw + "17": "hwIPSecLowSecurityLevel",
		fw + "18": "hwIPSecWeakEncr",
		fw + "19": "hwIPSecTunnelStatusChange",

		rt + "1":  "hwIPSecTunnelStateUp",
		rt + "2":  "hwIPSecTunnelStateDown",
		rt + "3":  "hwIPSecPkiHttpGetCrlSuccess",
		rt + "4":  "hwIPSecPkiHttpGetCrlFail",
		rt + "5":  "hwIPSecPkiLdapGetCrlSuccess",
		rt + "6":  "hwIPSecPkiLdapGetCrlFail",
		rt + "7":  "hwIPSecPkiHttpGetCertSuccess",
		rt + "8":  "hwIPSecPkiHttpGetCertFail",
		rt + "9":  "hwIPSecPkiLdapGetCertSuccess",
		rt + "10": "hwIPSecPkiLdapGetCertFail",
		rt + "11": "hwIPSecPkiCACertInValid",
		rt + "12": "hwIPSecPkiCACertValid",
		rt + "13": "hwIPSecPkiCACertExpired",
		rt + "14": "hwIPSecPkiLocalCertInValid",
		rt + "15": "hwIPSecPkiLocalCertValid",
		rt + "16": "hwIPSecPkiLocalCertExpired",
		rt + "17": "hwIPSecPkiCrlInValid",
		rt + "18": "hwIPSecPkiCrlValid",
		rt + "19": "hwIPSecPkiCrlExpired",
		rt + "20": "hwIPSecPkiRsaKeyRemoteInValid",
		rt + "21": "hwIPSecPkiKeyUpdateInValid",
		rt + "22": "hwIPSecPkiKeyUpdateValid",
		rt + "23": "hwIPSecPkiCACertUnexpired",
		rt + "24": "hwIPSecPkiLocalCertUnexpired",
		rt + "25": "hwIPSecPkiCrlUnexpired",
		rt + "26": "hwIPSecPKIWriteToCFFail",
		rt + "27": "hwIPSecPKIWriteToCFSuccess",
		rt + "28": "hwIPSecHotStandbyWithoutDpd",
		rt + "29": "hwIPSecHotStandbyWithDpd",
		rt + "30": "hwIPSecPkiWhitelistCnNumberTrap",
		rt + "31": "hwIPSecPkiWhitelistCnNumberResumeTrap",
		rt + "32": "hwIPSecPkiWhitelistNegotiationFail",
		rt + "33": "hwIKEDPDProbeFail",
		rt + "34": "hwIKEDPDProbeSuccess",
		rt + "35": "hwIkeSANegotiationFail",
		rt + "36": "hwIkeSANegotiationSuccess",
		rt + "37": "hwIPSECSANegotiationFail",
		rt + "38": "hwIPSECSANegotiationSuccess",
		rt + "39": "hwIPSecPkiLocalCertAboutToExpire",
		rt + "40": "hwIPSecPkiLocalCertAlrValid",
		rt + "41": "hwIPSecPkiCALocalCertExpired",
		rt + "42": "hwIPSecPkiCALocalCertValid",
		rt + "43": "hwIPSecLicenseExhaustAlarm",
		rt + "44": "hwIPSecLicenseExhaustAlarmResume",
		rt + "45": "hwIPSecPkiCmpDownloadCertSuc",
		rt + "46": "hwIPSecPkiCmpDownloadCertFail",
		rt + "47": "hwIPSecPkiLocalCertClrFSuc",
		rt + "48": "hwIPSecPkiLocalCertClrFail",
		rt + "49": "hwIPSecPkiCertExpiredCritical",
		rt + "50": "hwIPSecPkiCertUnexpiredCritical",
		rt + "51": "hwIPSecNegotiationConflict",
		rt + "52": "hwIPsecServiceFaultAlarm",
		rt + "53": "hwIPsecServiceFaultResumeAlarm",
		rt + "54": "hwxSECServiceFaultAlarm",
		rt + "55": "hwxSECServiceFaultResumeAlarm",
		rt + "56": "hwIPSecHotStandbyConfigurationInconsistent",
		rt + "57": "hwIPSecNegotiationFail",
		rt + "58": "hwIPSecNegotiationSuccess",
		rt + "59": "hwIPSecPkiCertChainInValid",
		rt + "60": "hwIPSecPkiCertChainValid",
		rt + "61": "hwXsecPafExhaustAlarm",
		rt + "62": "hwXsecPafExhaustAlarmResume",
		rt + "63": "hwIPSecMhOutOfResourcesAlarm",
		rt + "64": "hwIPSecMhOutOfResourcesAlarmResume",
		rt + "65": "hwIPSecMhLocalPoolThresholdAlarm",
		rt + "66": "hwIPSecMhLocalPoolThresholdAlarmResume",
		rt + "67": "hwXsecNegoFailAlarm",
		rt + "68": "hwXsecNegoFailAlarmResume",
		rt + "69": "hwXsecPlainSwitchAlarm",
		rt + "70": "hwXsecPlainSwitchAlarmResume",
		rt + "71": "hwIPsecSaCountThresholdAlarm",
		rt + "72": "hwIPsecSaCountThresholdAlarmResume",
		rt + "73": "hwIPsecSaCountExhaustAlarm",
		rt + "74": "hwIPsecSaCountExhaustAlarmResume",

		rt5 + "1":  "hwIPsecSessionThresholdAlarm",
		rt5 + "2":  "hwIPsecSessionThresholdAlarmResume",
		rt5 + "3":  "hwIPsecSessionExhaustAlarm",
		rt5 + "4":  "hwIPsecSessionExhaustAlarmResume",
		rt5 + "5":  "hwIPSECVSUBBandwidthAlarm",
		rt5 + "6":  "hwIPSECVSUBBandwidthResumeAlarm",
		rt5 + "7":  "hwIPSECVSUBBandwidthExhaustAlarm",
		rt5 + "8":  "hwIPSECVSUBBandwidthExhaustResumeAlarm",
		rt5 + "9":  "hwIPSecIKEV1UnsupportedAlarm",
		rt5 + "10": "hwIPSecIKEV1UnsupportedAlarmResume",
		rt5 + "11": "hwIPSECBandwidthLicenseResLackAlarm",
		rt5 + "12": "hwIPSECBandwidthLicenseResLackResumeAlarm",
		rt5 + "13": "hwxSECVSUBBandwidthAlarm",
		rt5 + "14": "hwxSECVSUBBandwidthResumeAlarm",
		rt5 + "15": "hwxSECVSUBBandwidthExhaustAlarm",
		rt5 + "16": "hwxSECVSUBBandwidthExhaustResumeAlarm",
		rt5 + "17": "hwIPSecVsuBoardMatchAlarm",
		rt5 + "18": "hwIPSecVsuBoardMatchAlarmResume",
	}
	for oid, name := range map[string]string{
		fw + "1": mib.NotifTunnelStart, fw + "2": mib.NotifTunnelStop, fw + "9": mib.NotifTunnelReachMax,
		fw + "10": mib.NotifTunnelReachMaxAtOnce, fw + "11": mib.NotifIKEPeerReachMax, fw + "12": mib.NotifIKEPeerReachMaxAtOnce,
		fw + "13": mib.NotifIKEPhase1Established, fw + "14": mib.NotifNegoFail, fw + "15": mib.NotifTunnelHaveReachMax,
		fw + "19": mib.NotifTunnelStatusChange, rt + "1": mib.NotifRouterTunnelUp, rt + "2": mib.NotifRouterTunnelDown,
		rt + "33": mib.NotifRouterDPDProbeFail, rt + "35": mib.NotifRouterIKESAFail, rt + "36": mib.NotifRouterIKESASuccess,
		rt + "37": mib.NotifRouterIPSecSAFail, rt + "38": mib.NotifRouterIPSecSASuccess, rt + "57": mib.NotifRouterNegoFail,
		rt + "58": mib.NotifRouterNegoSuccess, rt5 + "1": mib.NotifRouterSessionThresh, rt5 + "3": mib.NotifRouterSessionExhaust,
	} {
		if want[oid] != name {
			t.Errorf("constant for %s is %q, the MIB says %q", oid, name, want[oid])
		}
	}
	if got := len(mib.Notifications()); got != len(want) {
		t.Errorf("%d notifications catalogued, want %d", got, len(want))
	}
	// Notifications that announce a failure before it happens: certificates
	// and CRLs about to expire, capacity near or at its limit.
	predicting := []string{"hwIPSecPkiCACertExpired", "hwIPSecPkiLocalCertExpired", "hwIPSecPkiCrlExpired",
		"hwIPSecPkiLocalCertAboutToExpire", "hwIPSecPkiCALocalCertExpired", "hwIPSecPkiCertExpiredCritical",
		"hwIPSecPkiWhitelistCnNumberTrap", "hwIPSecLicenseExhaustAlarm", "hwXsecPafExhaustAlarm",
		"hwIPSecMhOutOfResourcesAlarm", "hwIPSecMhLocalPoolThresholdAlarm", "hwIPsecSaCountThresholdAlarm",
		"hwIPsecSaCountExhaustAlarm", "hwIPsecSessionThresholdAlarm", "hwIPsecSessionExhaustAlarm",
		"hwIPSECVSUBBandwidthAlarm", "hwIPSECVSUBBandwidthExhaustAlarm", "hwIPSECBandwidthLicenseResLackAlarm",
		"hwxSECVSUBBandwidthAlarm", "hwxSECVSUBBandwidthExhaustAlarm", mib.NotifTunnelReachMax,
		mib.NotifTunnelReachMaxAtOnce, mib.NotifTunnelHaveReachMax, mib.NotifIKEPeerReachMax, mib.NotifIKEPeerReachMaxAtOnce}
	for _, n := range mib.Notifications() {
		if want := slices.Contains(predicting, n.Name); want != (n.Predicts != "") {
			t.Errorf("%s: Predicts %q, want it set: %v", n.Name, n.Predicts, want)
		}
		if n.Predicts != "" && (!strings.HasPrefix(n.Predicts, "What fails next: ") || strings.Contains(n.Predicts, "\n")) {
			t.Errorf("%s: Predicts must be one line starting \"What fails next: \": %q", n.Name, n.Predicts)
		}
		if n.Clears != "" {
			if c, ok := mib.NotificationByName(n.Clears); !ok || c.Family != n.Family || c.Clears != "" || n.Predicts != "" {
				t.Errorf("%s clears %q, which is not an alarm of its family (or predicts itself)", n.Name, n.Clears)
			}
			if n.Kind != mib.KindNotification {
				t.Errorf("%s clears %s but has kind %s: a clear is counted by name only", n.Name, n.Clears, n.Kind)
			}
		}
	}
	ns := mib.Notifications()
	for oid, name := range want {
		if n, ok := mib.NotificationByOID(oid); !ok || n.Name != name {
			t.Errorf("%s: got %+v, %v; want %s", oid, n, ok, name)
		}
	}
	kinds := map[string]mib.Kind{
		mib.NotifNegoFail: mib.KindNegotiationFailure, mib.NotifRouterNegoFail: mib.KindNegotiationFailure,
		mib.NotifRouterIKESAFail: mib.KindNegotiationFailure, mib.NotifRouterIPSecSAFail: mib.KindNegotiationFailure,
		mib.NotifTunnelStart: mib.KindTunnelUp, mib.NotifRouterTunnelUp: mib.KindTunnelUp,
		mib.NotifTunnelStop: mib.KindTunnelDown, mib.NotifRouterTunnelDown: mib.KindTunnelDown,
		mib.NotifTunnelStatusChange: mib.KindTunnelStatusChange,
	}
	for _, n := range ns {
		if want, ok := kinds[n.Name]; n.Kind != want || !ok && n.Kind != mib.KindNotification {
			t.Errorf("%s: kind %s, want %s", n.Name, n.Kind, want)
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

func TestNotificationObjects(t *testing.T) {
	names := map[string]bool{}
	for _, n := range mib.Notifications() {
		names[n.Name] = true
	}
	for _, n := range mib.Notifications() {
		seen := map[string]bool{}
		for _, oid := range n.Objects() {
			o, ok := mib.ObjectByOID(oid)
			if !ok {
				t.Errorf("%s: object %s not in the object table", n.Name, oid)
				continue
			}
			if seen[oid] {
				t.Errorf("%s: object %s listed twice", n.Name, o.Name)
			}
			seen[oid] = true
			// What a sender appends must lead back to the object.
			if got, ok := mib.ObjectOf(oid + mib.InstanceOf(o)); !ok || got.OID != oid {
				t.Errorf("%s: ObjectOf(%s%s) = %+v, %v", n.Name, oid, mib.InstanceOf(o), got, ok)
			}
		}
		for _, other := range []string{n.SupersededBy, n.Clears} {
			if other != "" && !names[other] {
				t.Errorf("%s names %q, which is not in the catalogue", n.Name, other)
			}
		}
		if (n.Kind == mib.KindNegotiationFailure || n.Kind == mib.KindTunnelUp || n.Kind == mib.KindTunnelDown ||
			n.Kind == mib.KindTunnelStatusChange) && !hasField(n, mib.FieldPeer) {
			t.Errorf("%s (%s) carries no peer object", n.Name, n.Kind)
		}
		if n.Kind == mib.KindTunnelStatusChange && (!hasField(n, mib.FieldStatus) || !hasField(n, mib.FieldReasonText)) {
			t.Errorf("%s: a status change needs a status and a reason object", n.Name)
		}
	}
	for _, bad := range []string{"", "1.3.6.1.4.1.2011.6.122.26.5", "1.3.6.1.4.1.2011.6.122.26.5.99.0", "1.3.6.1.2.1.1.5.0",
		"1.3.6.1.4.1.2011.6.122.26.55.1.0"} {
		if o, ok := mib.ObjectOf(bad); ok {
			t.Errorf("ObjectOf(%q) unexpectedly found %+v", bad, o)
		}
	}
	for in, want := range map[string]string{
		mib.OIDFwReasonCode + ".0":       mib.OIDFwReasonCode,
		mib.OIDFwReasonCode:              mib.OIDFwReasonCode,
		mib.OIDFwTunnelDstIP + ".3.10.1": mib.OIDFwTunnelDstIP,
		mib.OIDFwTunnelDstIP + ".7":      mib.OIDFwTunnelDstIP,
		mib.OIDRtNegoFailReason + ".0":   mib.OIDRtNegoFailReason,
		mib.OIDRtSaNumber + ".0":         mib.OIDRtSaNumber,
		mib.OIDRtServiceFaultCode + ".0": mib.OIDRtServiceFaultCode,
	} {
		if o, ok := mib.ObjectOf(in); !ok || o.OID != want {
			t.Errorf("ObjectOf(%q) = %+v, %v; want %s", in, o, ok, want)
		}
	}
}

func hasField(n mib.Notification, f mib.Field) bool {
	for _, oid := range n.Objects() {
		if o, _ := mib.ObjectByOID(oid); o.Field == f {
			return true
		}
	}
	return false
}

func TestTeardowns(t *testing.T) {
	ts := mib.Teardowns()
	if len(ts) != 27 {
		t.Errorf("%d teardown reasons, want the 27 Huawei documents", len(ts))
	}
	for _, td := range ts {
		if td.Slug != mib.Slug(td.Text) || td.Meaning == "" || td.Guidance == "" {
			t.Errorf("teardown %q incomplete: %+v", td.Text, td)
		}
		if !slices.Contains(mib.TeardownClasses(), td.Class) || td.Class == mib.TeardownUnknown {
			t.Errorf("teardown %q: class %q", td.Text, td.Class)
		}
		if got := mib.OfflineReasonSlug(td.Text); got != td.Slug {
			t.Errorf("OfflineReasonSlug(%q) = %q, want %q", td.Text, got, td.Slug)
		}
		if got := mib.TeardownClassOf(td.Slug); got != td.Class {
			t.Errorf("TeardownClassOf(%q) = %q", td.Slug, got)
		}
	}
	for slug, class := range map[string]mib.TeardownClass{
		"phase2_sa_replace": mib.TeardownRekey, "dpd_timeout": mib.TeardownOutage,
		"config_modify_or_manual_offline": mib.TeardownAdministrative, "receive_invalid_spi_notify": mib.TeardownPeer,
		"other": mib.TeardownUnknown, "": mib.TeardownUnknown,
	} {
		if got := mib.TeardownClassOf(slug); got != class {
			t.Errorf("TeardownClassOf(%q) = %q, want %q", slug, got, class)
		}
	}
	if !mib.TeardownRekey.KeepsTunnelUp() || mib.TeardownOutage.KeepsTunnelUp() {
		t.Error("only rekeys keep the tunnel up")
	}
	for _, c := range mib.TeardownClasses() {
		want := c == mib.TeardownRekey || c == mib.TeardownLifecycle || c == mib.TeardownAdministrative
		if c.Planned() != want {
			t.Errorf("%s.Planned() = %v", c, c.Planned())
		}
		// Every class that can make an outage has the advice a device-wide
		// alert gives; a planned one has none.
		if (c.DeviceWideGuidance() == "") != c.Planned() {
			t.Errorf("%s: planned %v, device-wide guidance %q", c, c.Planned(), c.DeviceWideGuidance())
		}
		if slices.Contains(mib.UnplannedTeardownClasses(), c) == c.Planned() {
			t.Errorf("UnplannedTeardownClasses() = %q and %s.Planned() = %v", mib.UnplannedTeardownClasses(), c, c.Planned())
		}
	}
}

func TestOfflineReasons(t *testing.T) {
	got := mib.OfflineReasons()
	if len(got) != 27 || !slices.IsSorted(got) {
		t.Errorf("OfflineReasons() = %q, want 27 sorted slugs", got)
	}
	got[0] = "changed"
	if mib.OfflineReasons()[0] == "changed" {
		t.Error("OfflineReasons() shares its backing array")
	}
	for _, tc := range []struct{ in, want string }{
		{"dpd timeout", "dpd_timeout"},
		{"DPD Timeout", "dpd_timeout"},
		{"re-auth timeout", "re_auth_timeout"},
		{"disconnect track nqa/bfd/vrrp", "disconnect_track_nqa_bfd_vrrp"},
		{"ikev1 phase1-phase2 sa dependent offline", "ikev1_phase1_phase2_sa_dependent_offline"},
		{"phase2 sa replace", "phase2_sa_replace"},
		{"receive invalid spi notify", "receive_invalid_spi_notify"},
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
