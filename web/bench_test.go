package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// benchPages holds a full buffer of 1,000 events and 20,000 failure series,
// the default buffer and series limit: the largest pages a default setup
// serves.
func benchPages(b *testing.B) http.Handler {
	reg := prometheus.NewRegistry()
	metrics := pipeline.NewMetrics(reg, config.Limits{})
	recent := pipeline.NewRecent(1000)
	reasons := mib.Reasons()
	for i := 0; i < 20000; i++ {
		r := reasons[i%len(reasons)]
		ev := pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Device: fmt.Sprintf("fw-%02d", i%40),
			Peer: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), PeerPort: "500", Interface: "GigabitEthernet0/0/1",
			ReasonCode: fmt.Sprint(r.Code), Reason: r.Slug, ReasonText: r.Text, SeqNum: "10", PolicyName: "branch"}
		metrics.Record(&ev)
		recent.Record(&ev)
	}
	p, err := New(Options{Recent: recent, EventsKept: 1000, Gatherer: reg, MetricsPath: "/metrics"})
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

func BenchmarkEventsPage100(b *testing.B)      { benchmarkPage(b, "/events") }
func BenchmarkEventsPage1000(b *testing.B)     { benchmarkPage(b, "/events?limit=1000") }
func BenchmarkEventsAPI1000(b *testing.B)      { benchmarkPage(b, "/api/v1/events?limit=1000") }
func BenchmarkEventsPageFiltered(b *testing.B) { benchmarkPage(b, "/events?device=fw-07") }
func BenchmarkReasonsPage(b *testing.B)        { benchmarkPage(b, "/reasons") }
func BenchmarkReasonPage(b *testing.B)         { benchmarkPage(b, "/reasons/6") }
func BenchmarkRunbookPage(b *testing.B)        { benchmarkPage(b, "/runbook") }
