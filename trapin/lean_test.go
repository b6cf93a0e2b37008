package trapin

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// gosnmpVerdict is what the gosnmp path makes of b: the reference the lean
// path is held to.
func gosnmpVerdict(d *Decoder, p *Policy, b []byte, src netip.Addr, now time.Time) (pipeline.Event, leanVerdict, error) {
	pkt, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).UnmarshalTrap(b, true)
	if err != nil {
		return pipeline.Event{}, leanDefer, err
	}
	if !p.communityAccepted(pkt.Community) {
		return pipeline.Event{}, leanBadCommunity, nil
	}
	ev, err := d.Decode(pkt, src, now)
	if err != nil {
		return pipeline.Event{}, leanDefer, err
	}
	return ev, leanEvent, nil
}

// checkLean fails when the lean path accepts or refuses b differently from
// gosnmp, or decodes another event.
func checkLean(t *testing.T, b []byte) leanVerdict {
	t.Helper()
	p := testPolicy()
	d := &Decoder{Devices: p.Devices}
	src, now := netip.MustParseAddr("192.0.2.9"), time.Unix(1700000000, 0)
	ev, version, got := d.leanDecode(b, src, now, func(c []byte) bool { return p.communityAccepted(string(c)) })
	if got == leanDefer {
		return got
	}
	want, verdict, err := gosnmpVerdict(d, p, b, src, now)
	if verdict != got {
		t.Fatalf("lean verdict %d (version %v), gosnmp %d (err %v) for %x", got, version, verdict, err, b)
	}
	if ev != want {
		t.Fatalf("lean event\n%+v\ngosnmp event\n%+v\nfor %x", ev, want, b)
	}
	return got
}

func seedPackets(tb testing.TB) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.bin"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no seed packets in testdata: %v", err)
	}
	out := map[string][]byte{}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(name)] = b
	}
	return out
}

// TestLeanDecodesTheFixtures: every v1/v2c trap fixture takes the lean path
// and agrees with gosnmp; informs, v3 and other PDUs are left to gosnmp.
func TestLeanDecodesTheFixtures(t *testing.T) {
	for name, b := range seedPackets(t) {
		t.Run(name, func(t *testing.T) {
			got := checkLean(t, b)
			pkt, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).UnmarshalTrap(b, true)
			common := err == nil && pkt.Version != gosnmp.Version3 && (pkt.PDUType == gosnmp.Trap || pkt.PDUType == gosnmp.SNMPv2Trap)
			if common && got == leanDefer {
				t.Errorf("a plain %v %v trap was left to gosnmp", pkt.Version, pkt.PDUType)
			}
			if !common && got != leanDefer {
				t.Errorf("lean path took what is not a v1/v2c trap (verdict %d)", got)
			}
		})
	}
}

// FuzzLeanMatchesGosnmp is the differential target of the lean path: for
// any bytes it accepts or refuses, gosnmp must say the same and decode the
// same event. Seeded with every fixture.
func FuzzLeanMatchesGosnmp(f *testing.F) {
	for _, b := range seedPackets(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkLean(t, b)
	})
}

func BenchmarkLeanDecode(b *testing.B) {
	p := testPolicy()
	d := &Decoder{Devices: p.Devices}
	accept := func(c []byte) bool { return p.communityAccepted(string(c)) }
	src, now := netip.MustParseAddr("192.0.2.9"), time.Now()
	for _, fixture := range []string{"v2c_negofail", "v2c_status_change_down"} {
		b.Run(fixture, func(b *testing.B) {
			pkt := readFixture(b, fixture)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, v := d.leanDecode(pkt, src, now, accept); v != leanEvent {
					b.Fatal("not decoded")
				}
			}
		})
	}
}

func TestOIDValidAgreesWithAppendOID(t *testing.T) {
	for _, b := range [][]byte{{}, {0x2b}, {0x2b, 0x06, 0x01}, {0x2b, 0x86}, {0x50}, {0x2b, 0x80, 0x01}, {0x2b, 0x8f, 0xff, 0xff, 0xff, 0x7f}, {0x2b, 0x81, 0x0f}} {
		_, want := appendOID(nil, b)
		if got := oidValid(b); got != want {
			t.Errorf("oidValid(%x) = %v, appendOID says %v", b, got, want)
		}
	}
}
