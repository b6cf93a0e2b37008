package sender

import (
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// TestVarbindsFollowTheMIB: every catalogued notification is sent with its
// whole OBJECTS clause, in order, with real instance suffixes and syntaxes.
func TestVarbindsFollowTheMIB(t *testing.T) {
	for _, n := range mib.Notifications() {
		t.Run(n.Name, func(t *testing.T) {
			oid, vbs, err := Varbinds(Trap{Notification: strings.ToLower(n.Name), ReasonCode: 6, Peer: "203.0.113.9",
				PeerPort: 500, Interface: "Gi0/0/1", Vsys: "vsys1", OfflineReason: "dpd timeout", Status: 2})
			if err != nil {
				t.Fatal(err)
			}
			if oid != n.OID {
				t.Errorf("OID = %s, want %s", oid, n.OID)
			}
			if len(vbs) != len(n.Objects()) {
				t.Fatalf("%d varbinds for %d objects", len(vbs), len(n.Objects()))
			}
			for i, object := range n.Objects() {
				o, _ := mib.ObjectByOID(object)
				if want := object + mib.InstanceOf(o); vbs[i].Name != want {
					t.Errorf("varbind %d = %s, want %s", i, vbs[i].Name, want)
				}
				want := map[mib.Syntax]gosnmp.Asn1BER{mib.SyntaxText: gosnmp.OctetString, mib.SyntaxGauge: gosnmp.Gauge32,
					mib.SyntaxInteger: gosnmp.Integer, mib.SyntaxIPAddress: gosnmp.IPAddress}[o.Syntax]
				if vbs[i].Type != want {
					t.Errorf("%s sent as %s, want %s", o.Name, vbs[i].Type, want)
				}
			}
		})
	}
	if _, _, err := Varbinds(Trap{Notification: "hwNoSuchTrap"}); err == nil {
		t.Error("unknown notification accepted")
	}
	if _, _, err := Varbinds(Trap{Notification: mib.NotifNegoFail, Details: map[mib.Field]string{mib.FieldSeqNum: "x"}}); err == nil {
		t.Error("text in a number object accepted")
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
