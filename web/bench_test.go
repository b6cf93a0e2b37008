package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/trapin"
)

// benchNow is the pages' clock in the benchmarks.
var benchNow = time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)

// benchPages holds a full buffer of 1,000 events, 20,000 failure series
// (the default series limit) of 20,000 peers, all of the last day (so
// every peer is on /tunnels) and a quarter of them in the last 15 minutes,
// and 5,000 tunnels of the first 5,000 of those peers, a fifth of them
// down: the largest pages a default setup serves.
func benchPages(b *testing.B) http.Handler {
	// As main wires it: the event series in the registry /metrics serves,
	// the exporter's own metrics also in a small one for the pages.
	metrics := pipeline.NewMetrics(prometheus.NewRegistry(), config.Limits{})
	self := prometheus.NewRegistry()
	trapin.NewSelfMetrics(self)
	self.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	recent := pipeline.NewRecent(1000)
	reasons := mib.Reasons()
	peer := func(i int) string { return fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255) }
	for i := 0; i < 20000; i++ {
		r := reasons[i%len(reasons)]
		ev := pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Device: fmt.Sprintf("fw-%02d", i%40),
			Peer: peer(i), PeerPort: "500", Interface: "GigabitEthernet0/0/1", ReasonCode: fmt.Sprint(r.Code), Reason: r.Slug,
			ReasonText: r.Text, SeqNum: "10", PolicyName: "branch", Time: benchNow.Add(-time.Duration(i) * 3 * time.Second)}
		metrics.Record(&ev)
		recent.Record(&ev)
	}
	teardowns := mib.Teardowns()
	for i := 0; i < 5000; i++ {
		device, at := fmt.Sprintf("fw-%02d", i%40), benchNow.Add(-time.Duration(i)*10*time.Second)
		up := pipeline.Event{Kind: mib.KindTunnelUp, Notification: mib.NotifTunnelStart, Device: device, Peer: peer(i),
			Interface: "Tunnel0/0/1", Vsys: "vsys-a", Time: at.Add(-time.Hour)}
		metrics.Record(&up)
		if i%5 == 0 {
			down := pipeline.Event{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Device: device, Peer: peer(i),
				Reason: teardowns[i%len(teardowns)].Slug, Time: at}
			metrics.Record(&down)
		}
	}
	p, err := New(Options{Recent: recent, EventsKept: 1000, State: metrics, SelfMetrics: self, MetricsPath: "/metrics",
		Now: func() time.Time { return benchNow }})
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	p.Register(mux)
	return mux
}

func benchmarkPage(b *testing.B, path string) {
	h := benchPages(b)
	b.ReportAllocs()
	size := 0
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, w.Code)
		}
		size = w.Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/page")
}

func BenchmarkLandingPage(b *testing.B)        { benchmarkPage(b, "/") }
func BenchmarkTunnelsPage(b *testing.B)        { benchmarkPage(b, "/tunnels") }
func BenchmarkTunnelsPageDown(b *testing.B)    { benchmarkPage(b, "/tunnels?state=down") }
func BenchmarkTunnelsPageDevice(b *testing.B)  { benchmarkPage(b, "/tunnels?device=fw-07") }
func BenchmarkTunnelsPage5000(b *testing.B)    { benchmarkPage(b, "/tunnels?limit=5000") }
func BenchmarkTunnelsAPI(b *testing.B)         { benchmarkPage(b, "/api/v1/tunnels") }
func BenchmarkTunnelsAPI5000(b *testing.B)     { benchmarkPage(b, "/api/v1/tunnels?limit=5000") }
func BenchmarkTunnelsAPIAll(b *testing.B)      { benchmarkPage(b, "/api/v1/tunnels?limit=100000") }
func BenchmarkEventsPage100(b *testing.B)      { benchmarkPage(b, "/events") }
func BenchmarkEventsPage1000(b *testing.B)     { benchmarkPage(b, "/events?limit=1000") }
func BenchmarkEventsAPI1000(b *testing.B)      { benchmarkPage(b, "/api/v1/events?limit=1000") }
func BenchmarkEventsPageFiltered(b *testing.B) { benchmarkPage(b, "/events?device=fw-07") }
func BenchmarkReasonsPage(b *testing.B)        { benchmarkPage(b, "/reasons") }
func BenchmarkReasonPage(b *testing.B)         { benchmarkPage(b, "/reasons/6") }
func BenchmarkRunbookPage(b *testing.B)        { benchmarkPage(b, "/runbook") }
