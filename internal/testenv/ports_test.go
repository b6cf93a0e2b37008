package testenv

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A port handed to a test is outside the kernel's ephemeral range and held
// until the test ends: no other test, in this process or another, is
// handed it meanwhile.
func TestPortsAreHeldForTheTest(t *testing.T) {
	low, high := portRange()
	var held []int
	t.Run("holder", func(t *testing.T) {
		for _, free := range []func(testing.TB) int{FreeTCPPort, FreeUDPPort, FreeUDPTCPPort} {
			p := free(t)
			if p < low || p >= high {
				t.Errorf("port %d outside [%d, %d), below the ephemeral range", p, low, high)
			}
			if f, ok := lockPort(p); ok {
				f.Close()
				t.Errorf("port %d could be reserved again while its test runs", p)
			}
			held = append(held, p)
		}
	})
	for _, p := range held {
		f, ok := lockPort(p)
		if !ok {
			t.Errorf("port %d still held after its test ended", p)
			continue
		}
		f.Close()
	}
}

// Readiness is the right server's: a 200 from a server of another kind on
// the port fails the wait.
func TestWaitReadyChecksTheServer(t *testing.T) {
	for _, c := range []struct {
		body, want string
		fails      bool
	}{
		{PrometheusReady + "\n", PrometheusReady, false},
		{ExporterReady + "\n", ExporterReady, false},
		{PrometheusReady + "\n", ExporterReady, true},
		{AlertmanagerReady, ExporterReady, true},
	} {
		t.Run(fmt.Sprintf("%q for %q", c.body, c.want), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, c.body) }))
			defer srv.Close()
			rec := &fatalRecorder{TB: t}
			WaitReady(rec, nil, srv.URL+"/-/ready", nil, c.want)
			if failed := rec.fatal != ""; failed != c.fails {
				t.Errorf("WaitReady failed: %v (%q), want %v", failed, rec.fatal, c.fails)
			}
		})
	}
}
