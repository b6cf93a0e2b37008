package trapin

import (
	"fmt"
	"io"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// BenchmarkUnmarshalTrap is gosnmp's decode alone: the yardstick for the
// exporter's own work per trap.
func BenchmarkUnmarshalTrap(b *testing.B) {
	for _, fixture := range []string{"v2c_negofail", "v3_sha256_aes256"} {
		b.Run(fixture, func(b *testing.B) {
			pkt := readFixture(b, fixture)
			snmp, err := testPolicy().newSNMP()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := snmp.UnmarshalTrap(pkt, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBytesToSeries is the whole worker path: version peek,
// authentication, decode, event, series update.
func BenchmarkBytesToSeries(b *testing.B) {
	for _, fixture := range []string{"v2c_negofail", "v3_sha256_aes256"} {
		b.Run(fixture, func(b *testing.B) {
			r, err := New(log.NewNopLogger(), Options{}, testPolicy(), NewSelfMetrics(prometheus.NewRegistry()), pipeline.NewFeed(pipeline.NewMetrics(prometheus.NewRegistry(), config.Limits{MaxSeries: 20000})))
			if err != nil {
				b.Fatal(err)
			}
			state := r.policy.Load()
			snmp, _ := state.policy.newSNMP()
			dec := &workerDecoders{snmp: snmp, discovery: newDiscoverySNMP()}
			d := &datagram{buf: readFixture(b, fixture), src: netip.MustParseAddrPort("127.0.0.1:40000")}
			b.ReportAllocs()
			for b.Loop() {
				if reason, err := r.process(d, state, dec); reason != "" {
					b.Fatal(reason, err)
				}
			}
		})
	}
}

// BenchmarkScrape20kSeries is a /metrics scrape with 20,000 failure series.
func BenchmarkScrape20kSeries(b *testing.B) {
	reg := prometheus.NewRegistry()
	m := pipeline.NewMetrics(reg, config.Limits{MaxSeries: 20000})
	now := time.Now()
	for i := 0; i < 20000; i++ {
		m.Record(&pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail", Device: "fw-hq-01",
			Peer: fmt.Sprintf("10.%d.%d.1", i/250, i%250), Interface: "GigabitEthernet0/0/1",
			ReasonCode: "1", Reason: "phase1_proposal_mismatch", Time: now})
	}
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
		_, _ = io.Copy(io.Discard, w.Body)
	}
}

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".bin"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkOwnWork is everything the exporter does per trap besides
// gosnmp's decode: decoding the packet into an Event and updating its
// series. The packet is unmarshalled once, outside the loop.
func BenchmarkOwnWork(b *testing.B) {
	snmp, err := testPolicy().newSNMP()
	if err != nil {
		b.Fatal(err)
	}
	pkt, err := snmp.UnmarshalTrap(readFixture(b, "v2c_negofail"), true)
	if err != nil {
		b.Fatal(err)
	}
	dec := Decoder{}
	m := pipeline.NewMetrics(prometheus.NewRegistry(), config.Limits{MaxSeries: 20000})
	src := netip.MustParseAddr("127.0.0.1")
	b.ReportAllocs()
	for b.Loop() {
		ev, err := dec.Decode(pkt, src, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		m.Record(&ev)
	}
}
