package trapin

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// FuzzProcess drives arbitrary bytes through the whole worker path: version
// peek, authentication (v1/v2c communities, three v3 users), gosnmp decode,
// event decode, series. Whatever the input, the packet is either an event
// or exactly one drop reason, and nothing escapes handle's recover.
// The seed corpus is every captured fixture in testdata/.
func FuzzProcess(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.bin"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed packets in testdata: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	r, rec := newTestReceiver(f, testPolicy())
	state := r.policy.Load()
	snmp, err := state.policy.newSNMP()
	if err != nil {
		f.Fatal(err)
	}
	dec := &workerDecoders{snmp: snmp, discovery: newDiscoverySNMP()}
	conn := loopbackConn(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		before := len(rec.events)
		d := &datagram{buf: b, src: netip.MustParseAddrPort("127.0.0.1:9"), conn: conn}
		var reason pipeline.DropReason
		func() {
			defer func() {
				if p := recover(); p != nil {
					reason = pipeline.DropMalformed // handle would count it so
				}
			}()
			reason, _ = r.process(d, state, dec)
		}()
		events := len(rec.events) - before
		switch {
		case reason == "" && events > 1:
			t.Fatalf("one packet became %d events", events)
		case reason != "" && reason != pipeline.DropSeriesLimit && events != 0:
			t.Fatalf("dropped as %q but produced an event", reason)
		}
		for _, ev := range rec.events[before:] {
			for _, v := range []string{ev.Device, ev.Peer, ev.Interface, ev.Vsys, ev.Reason, ev.ReasonCode} {
				if len(v) > pipeline.MaxLabelBytes {
					t.Fatalf("label value of %d bytes", len(v))
				}
			}
		}
		rec.events = rec.events[:before]
	})
}
