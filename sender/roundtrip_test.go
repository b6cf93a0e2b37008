package sender

import (
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/trapin"
)

// TestRoundTrip sends every catalogued notification, as v1 and v2c bytes,
// through the decoder and checks the event field by field: the sender and
// the decoder read the same catalogue, and this holds them to it.
func TestRoundTrip(t *testing.T) {
	details := map[mib.Field]string{
		mib.FieldSeqNum: "17", mib.FieldPolicyName: "to-branch", mib.FieldLocalAddress: "192.0.2.77",
		mib.FieldIKEVersion: "1", mib.FieldTunnelVPN: "vpn-t", mib.FieldFlowVPN: "vpn-f",
		mib.FieldCertificate: "CN=branch-7",
	}
	for _, n := range mib.Notifications() {
		for _, version := range []string{"v1", "v2c"} {
			t.Run(n.Name+"/"+version, func(t *testing.T) {
				trap := Trap{Notification: n.Name, ReasonCode: 46, Peer: "198.51.100.23", PeerPort: 4500,
					Interface: "Tunnel7", Vsys: "vsys9", OfflineReason: "phase2 hard expiry", Status: 2, Details: details}
				oid, vbs, err := Varbinds(trap)
				if err != nil {
					t.Fatal(err)
				}
				o := Options{Version: version, Community: "public"}
				x, err := client(Options{Target: "127.0.0.1:162", Version: version, Community: "public"})
				if err != nil {
					t.Fatal(err)
				}
				b, err := marshalTrap(x, buildTrap(o, oid, vbs))
				if err != nil {
					t.Fatal(err)
				}
				pkt, err := (&gosnmp.GoSNMP{Version: x.Version}).UnmarshalTrap(b, false)
				if err != nil {
					t.Fatal(err)
				}
				d := trapin.Decoder{}
				ev, err := d.Decode(pkt, netip.MustParseAddr("192.0.2.1"), time.Unix(1, 0))
				if err != nil {
					t.Fatal(err)
				}
				if ev.Notification != n.Name {
					t.Fatalf("decoded as %s", ev.Notification)
				}
				wantKind := n.Kind
				if wantKind == mib.KindTunnelStatusChange {
					wantKind = mib.KindTunnelDown // status 2, the default mapping
				}
				if ev.Kind != wantKind {
					t.Errorf("kind %s, want %s", ev.Kind, wantKind)
				}
				carried := map[mib.Field]bool{}
				for _, object := range n.Objects() {
					obj, _ := mib.ObjectByOID(object)
					carried[obj.Field] = true
				}
				for f := mib.FieldNone + 1; f < mib.FieldCount; f++ {
					want := ""
					if carried[f] {
						want, _ = trap.value(n, f)
					}
					if f == mib.FieldReasonCode {
						if got := ev.ReasonCode; carried[f] && got != strconv.Itoa(trap.ReasonCode) {
							t.Errorf("reason code %q", got)
						}
						continue
					}
					if got := ev.Field(f); got != want {
						t.Errorf("%s = %q, want %q", f, got, want)
					}
				}
				switch ev.Kind {
				case mib.KindNegotiationFailure:
					if carried[mib.FieldReasonCode] || carried[mib.FieldReasonText] {
						if ev.Reason != "flow_conflict" {
							t.Errorf("reason %q, want flow_conflict", ev.Reason)
						}
					} else if ev.Reason != mib.UnknownReason || ev.ReasonCode != "" {
						t.Errorf("failure without a reason object: reason %q, code %q", ev.Reason, ev.ReasonCode)
					}
				case mib.KindTunnelDown:
					want := "phase2_hard_expiry"
					if !carried[mib.FieldReasonText] {
						want = ""
					}
					if ev.Reason != want {
						t.Errorf("teardown reason %q, want %q", ev.Reason, want)
					}
				}
			})
		}
	}
}
