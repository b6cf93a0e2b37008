package web

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/html"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input/inputtest"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/inputs"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// TestFakeInputOnTheLandingPage adds a third, fake input to the list: the
// landing page shows what it received and dropped, and counts its drops of
// the last hour with the others', without a line of this package changed.
func TestFakeInputOnTheLandingPage(t *testing.T) {
	fake := inputtest.Fake()
	reg := prometheus.NewRegistry()
	received, dropped := fake.Received.NewCounter(), fake.Dropped.NewCounterVec()
	reg.MustRegister(received, dropped)
	now := testNow
	p, err := New(Options{Recent: pipeline.NewRecent(1), State: pipeline.NewMetrics(prometheus.NewRegistry(), config.Limits{}),
		SelfMetrics: reg, MetricsPath: "/metrics", Inputs: append(slices.Clone(inputs.All), fake), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	received.Add(12)
	dropped.WithLabelValues("queue_full").Add(3)
	now = now.Add(time.Minute)
	mux := http.NewServeMux()
	p.Register(mux)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	body := w.Body.String()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	values, _ := summaryValues(doc)
	if values["dropped"] != "3" || values["drop fake/queue_full"] != "fake queue_full: 3" {
		t.Errorf("the summary of drops: %v", values)
	}
	if !has(body, "<dt>Fake frames</dt><dd>12 received, 3 dropped (queue_full: 3 )</dd>") {
		t.Errorf("the landing page does not show what the fake input received and dropped")
	}
}
