package sender

import (
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

func TestVarbindsCarryTheFields(t *testing.T) {
	trap := Trap{ReasonCode: 6, ReasonText: "responder dh mismatch", Peer: "203.0.113.9", PeerPort: 500,
		Interface: "Gi0/0/1", Vsys: "vsys1", OfflineReason: "dpd timeout"}
	tests := []struct {
		notification string
		wantOID      string
		wantObjects  []string // object OIDs (prefixes) that must be present
	}{
		{mib.NotifNegoFail, "1.3.6.1.4.1.2011.6.122.26.6.14",
			[]string{mib.OIDFwReasonCode, mib.OIDFwReason, mib.OIDFwPeerAddress, mib.OIDFwPeerPort, mib.OIDFwVsysName, mib.OIDFwIfName}},
		{mib.NotifTunnelStart, "1.3.6.1.4.1.2011.6.122.26.6.1", []string{mib.OIDFwTunnelDstIP, mib.OIDFwTunnelRemotePort, mib.OIDFwIfName}},
		{mib.NotifTunnelStop, "1.3.6.1.4.1.2011.6.122.26.6.2", []string{mib.OIDFwTunnelDstIP, mib.OIDFwOfflineReason}},
		{mib.NotifRouterTunnelUp, "1.3.6.1.4.1.2011.5.25.224.2.1.1", []string{mib.OIDRtRemoteIP, mib.OIDRtInterface}},
		{mib.NotifRouterTunnelDown, "1.3.6.1.4.1.2011.5.25.224.2.1.2", []string{mib.OIDRtRemoteIP}},
		{mib.NotifRouterNegoFail, "1.3.6.1.4.1.2011.5.25.224.2.1.57", []string{mib.OIDRtNegoFailReason, mib.OIDRtRemoteIP, mib.OIDRtVrfName}},
		{mib.NotifRouterNegoSuccess, "1.3.6.1.4.1.2011.5.25.224.2.1.58", []string{mib.OIDRtRemoteIP}},
		{strings.ToLower(mib.NotifIKEPhase1Established), "1.3.6.1.4.1.2011.6.122.26.6.13", nil},
	}
	for _, tt := range tests {
		t.Run(tt.notification, func(t *testing.T) {
			trap.Notification = tt.notification
			oid, vbs, err := Varbinds(trap)
			if err != nil {
				t.Fatal(err)
			}
			if oid != tt.wantOID {
				t.Errorf("OID = %s, want %s", oid, tt.wantOID)
			}
			for _, want := range tt.wantObjects {
				found := false
				for _, vb := range vbs {
					found = found || strings.HasPrefix(vb.Name, want+".")
				}
				if !found {
					t.Errorf("no varbind under %s", want)
				}
			}
		})
	}
	if _, _, err := Varbinds(Trap{Notification: "hwNoSuchTrap"}); err == nil {
		t.Error("unknown notification accepted")
	}
}

func TestReasonCodeLeftOut(t *testing.T) {
	_, vbs, err := Varbinds(Trap{Notification: mib.NotifNegoFail, ReasonCode: -1, Peer: "p"})
	if err != nil {
		t.Fatal(err)
	}
	for _, vb := range vbs {
		if strings.HasPrefix(vb.Name, mib.OIDFwReasonCode+".") {
			t.Fatal("reason code sent although -1")
		}
	}
}

func TestV1TrapForm(t *testing.T) {
	o := Options{Version: "v1", AgentAddress: "10.1.1.1"}
	trap := buildTrap(o, "1.3.6.1.4.1.2011.6.122.26.6.14", nil)
	if trap.Enterprise != "1.3.6.1.4.1.2011.6.122.26.6" || trap.SpecificTrap != 14 || trap.GenericTrap != 6 || trap.AgentAddress != "10.1.1.1" {
		t.Fatalf("v1 form = %+v", trap)
	}
	x, err := client(Options{Target: "127.0.0.1:162", Version: "v1", Community: "public"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := marshalTrap(x, trap)
	if err != nil {
		t.Fatal(err)
	}
	pkt, err := (&gosnmp.GoSNMP{}).UnmarshalTrap(b, false)
	if err != nil {
		t.Fatal(err)
	}
	if pkt.PDUType != gosnmp.Trap || pkt.SpecificTrap != 14 || pkt.AgentAddress != "10.1.1.1" {
		t.Errorf("round trip = %+v", pkt)
	}
}

func TestPeerList(t *testing.T) {
	peers, err := peerList("10.0.0.254", 4)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(peers, ","); got != "10.0.0.254,10.0.0.255,10.0.1.0,10.0.1.1" {
		t.Errorf("peers = %s", got)
	}
	if _, err := peerList("not-an-ip", 2); err == nil {
		t.Error("non-address with --peers accepted")
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Target: "nohostport", Version: "v2c"},
		{Target: "127.0.0.1:1", Version: "v4"},
		{Target: "127.0.0.1:1", Version: "v1", Inform: true},
		{Target: "127.0.0.1:1", Version: "v3"},
		{Target: "127.0.0.1:1", Version: "v3", User: "u", AuthProtocol: "SHA1"},
		{Target: "127.0.0.1:1", Version: "v3", User: "u", EngineID: "0x12"},
	} {
		if _, err := client(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
