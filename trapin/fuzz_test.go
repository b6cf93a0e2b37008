package trapin

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// FuzzProcess drives arbitrary bytes through the whole worker path: version
// peek, authentication (v1/v2c communities, three v3 users), gosnmp decode,
// event decode, series. Whatever the input, the packet is either an event
// or exactly one drop reason, and nothing escapes handle's recover (the
// harness has none of its own: a panic handle lets through fails it).
// The seed corpus is every captured fixture in testdata/ and the
// packets of testdata/panics/.
func FuzzProcess(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.bin"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed packets in testdata: %v", err)
	}
	// And the packets known to make gosnmp panic.
	panics, err := filepath.Glob(filepath.Join("testdata", "panics", "*.bin"))
	if err != nil || len(panics) == 0 {
		f.Fatalf("no panicking packets in testdata/panics: %v", err)
	}
	files = append(files, panics...)
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	r, rec := newTestReceiver(f, testPolicy())
	state, dec := workerOf(f, r)
	conn := loopbackConn(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		before := len(rec.events)
		d := &datagram{buf: b, src: netip.MustParseAddrPort("127.0.0.1:9"), conn: conn}
		// handle, as a worker calls it: its recover, not one of the
		// test's, turns a panic into a drop, and the drop counters say
		// which.
		drops := dropCounts(r.stats)
		r.handle(d, state, dec)
		reasons := droppedSince(r.stats, drops)
		events := len(rec.events) - before
		switch {
		case len(reasons) > 1:
			t.Fatalf("one packet counted under %d drop reasons: %v", len(reasons), reasons)
		case len(reasons) == 0 && events > 1:
			t.Fatalf("one packet became %d events", events)
		case len(reasons) == 1 && reasons[0] != pipeline.DropSeriesLimit && events != 0:
			t.Fatalf("dropped as %q but produced an event", reasons[0])
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

// dropCounts reads every drop counter of s.
func dropCounts(s *Stats) map[pipeline.DropReason]float64 {
	out := make(map[pipeline.DropReason]float64, len(s.droppedBy))
	for reason, c := range s.droppedBy {
		out[reason] = testutil.ToFloat64(c)
	}
	return out
}

// droppedSince lists the drop reasons counted since before was read.
func droppedSince(s *Stats, before map[pipeline.DropReason]float64) []pipeline.DropReason {
	var out []pipeline.DropReason
	for reason, n := range dropCounts(s) {
		for range int(n - before[reason]) {
			out = append(out, reason)
		}
	}
	return out
}

// gosnmp panics on some hostile bytes (found by fuzzing gosnmp's
// UnmarshalTrap alone): a v3 header too broken to carry security
// parameters makes getTrapIdentifier dereference nil. handle's recover
// turns that into one malformed drop and the worker carries on.
func TestDecoderPanicIsAMalformedDrop(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "panics", "gosnmp_v3_header_without_security_parameters.bin"))
	if err != nil {
		t.Fatal(err)
	}
	r, rec := newTestReceiver(t, testPolicy())
	state, dec := workerOf(t, r)
	d := &datagram{buf: b, src: netip.MustParseAddrPort("127.0.0.1:9"), conn: loopbackConn(t)}

	// The input still makes the decoder panic: otherwise this test would
	// pass without running the path it is about.
	panicked := func() (p any) {
		defer func() { p = recover() }()
		_, _ = r.process(d, state, dec)
		return nil
	}()
	if panicked == nil {
		t.Fatal("the fixture no longer makes gosnmp panic (fixed upstream?): find another input with a fuzz target that calls UnmarshalTrap alone")
	}
	t.Logf("process panics: %v", panicked)

	drops := dropCounts(r.stats)
	r.handle(d, state, dec)
	if got := droppedSince(r.stats, drops); len(got) != 1 || got[0] != pipeline.DropMalformed {
		t.Errorf("a decoder panic counted as %v, want one %s drop", got, pipeline.DropMalformed)
	}
	if len(rec.events) != 0 {
		t.Errorf("a panicking packet became %d events", len(rec.events))
	}
	// The worker goes on: the next packet decodes.
	if reason, err := processFixture(t, r, "v2c_negofail"); reason != "" || err != nil || len(rec.events) != 1 {
		t.Errorf("after the panic: %q, %v, %d events", reason, err, len(rec.events))
	}
}

// workerOf is what one of r's decode workers holds: the policy and its
// decoders.
func workerOf(t testing.TB, r *Input) (*policyState, *workerDecoders) {
	t.Helper()
	state := r.policy.Load()
	snmp, err := state.policy.newSNMP()
	if err != nil {
		t.Fatal(err)
	}
	return state, &workerDecoders{snmp: snmp, discovery: newDiscoverySNMP()}
}
