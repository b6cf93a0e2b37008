package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/html"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/inputs"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

var plannedSlug = mib.TeardownSlugs(mib.TeardownAdministrative)[0]

// tunnelEvents are recorded oldest first; the pages' clock is testNow.
var tunnelEvents = []pipeline.Event{
	{Kind: mib.KindTunnelUp, Notification: mib.NotifTunnelStart, Device: "fw-hq-01", Peer: "2001:db8::9",
		Interface: "Tunnel0/0/1", Vsys: "vsys-a", Time: t0},
	{Kind: mib.KindTunnelUp, Notification: mib.NotifTunnelStart, Device: "fw-hq-02", Peer: "203.0.113.21", Time: t0.Add(time.Second)},
	{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Device: "fw-hq-02", Peer: "203.0.113.20", Reason: plannedSlug, Time: t0.Add(5 * time.Second)},
	{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Device: "fw-hq-01", Peer: "2001:db8::9", Reason: "dpd_timeout", Time: t0.Add(10 * time.Second)},
	{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Device: "fw-hq-01", Peer: "2001:db8::9",
		Interface: "GigabitEthernet0/0/1", ReasonCode: "6", Reason: "responder_dh_mismatch", Time: t0.Add(20 * time.Second)},
	{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Device: "fw-hq-01", Peer: "2001:db8::9",
		Interface: "GigabitEthernet0/0/2", ReasonCode: "6", Reason: "responder_dh_mismatch", Time: t0.Add(21 * time.Second)},
	{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Device: "fw-hq-01", Peer: "2001:db8::9",
		Interface: "GigabitEthernet0/0/1", ReasonCode: "1", Reason: "phase1_proposal_mismatch", Time: t0.Add(25 * time.Second)},
	{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Device: "fw-hq-03", Peer: "198.51.100.5",
		Interface: "GigabitEthernet0/0/3", Vsys: "vsys-b", ReasonCode: "6", Reason: "responder_dh_mismatch", Time: t0.Add(30 * time.Second)},
	// A failure of more than a day ago is not recent: its peer is not listed.
	{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Device: "fw-hq-03", Peer: "198.51.100.99",
		ReasonCode: "6", Reason: "responder_dh_mismatch", Time: testNow.Add(-25 * time.Hour)},
}

// tunnelRows returns, per row of the tunnels table, the text of every
// element with a data-field attribute (failure fields joined by "|").
func tunnelRows(doc *html.Node) []map[string]string {
	var rows []map[string]string
	walk(doc, func(n *html.Node) {
		if n.Data != "tr" {
			return
		}
		row := map[string]string{}
		walk(n, func(c *html.Node) {
			if f, ok := attr(c, "data-field"); ok {
				if row[f] != "" {
					row[f] += "|"
				}
				row[f] += text(c)
			}
		})
		if len(row) > 0 {
			rows = append(rows, row)
		}
	})
	return rows
}

func TestTunnelsPage(t *testing.T) {
	s := newSite(t, tunnelEvents, Options{})
	doc := s.page(t, "/tunnels", http.StatusOK)
	rows := tunnelRows(doc)
	// Unplanned downs first, then peers failing with no known state, then
	// planned downs, then up tunnels.
	want := []map[string]string{
		{"state": "down", "device": "fw-hq-01", "peer": "2001:db8::9", "interface": "Tunnel0/0/1", "vsys": "vsys-a",
			"since": "2026-11-03T02:17:10Z", "down_reason": "dpd_timeout", "teardown_class": "outage", "downs_24h": "1",
			"failure_reason": "phase1_proposal_mismatch|responder_dh_mismatch", "failure_count": "1|2"},
		{"state": "unknown", "device": "fw-hq-03", "peer": "198.51.100.5", "interface": "GigabitEthernet0/0/3", "vsys": "vsys-b",
			"downs_24h": "0", "failure_reason": "responder_dh_mismatch", "failure_count": "1"},
		{"state": "down", "planned": "planned", "device": "fw-hq-02", "peer": "203.0.113.20", "since": "2026-11-03T02:17:05Z",
			"down_reason": plannedSlug, "teardown_class": "administrative", "downs_24h": "1"},
		{"state": "up", "device": "fw-hq-02", "peer": "203.0.113.21", "since": "2026-11-03T02:17:01Z", "downs_24h": "0"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(rows), len(want), rows)
	}
	for i, w := range want {
		for k, v := range w {
			if rows[i][k] != v {
				t.Errorf("row %d: %s = %q, want %q", i, k, rows[i][k], v)
			}
		}
	}
	if got := counts(doc); got["down"] != "1" || got["down_planned"] != "1" || got["unknown"] != "1" || got["up"] != "1" {
		t.Errorf("counts %v", got)
	}

	_, _, body := s.get(t, "/tunnels")
	dpd, _ := mib.TeardownBySlug("dpd_timeout")
	dh, _ := mib.GroupByName("dh_mismatch")
	for _, want := range []string{
		dpd.Guidance,   // what to do about the teardown
		dh.Remediation, // and about the peer's failures
		`href="./runbook#teardown-dpd_timeout"`,
		`href="./runbook#dh_mismatch"`,
		`href="./events?device=fw-hq-01&amp;peer=2001%3adb8%3a%3a9"`, // the peer's events
		`href="./reasons/responder_dh_mismatch"`,
		`href="./api/v1/tunnels"`,
		"since 2026-11-03T02:17:10Z (50s)",
	} {
		if !has(body, want) {
			t.Errorf("/tunnels lacks %q", want)
		}
	}
}

func TestTunnelsFilters(t *testing.T) {
	s := newSite(t, tunnelEvents, Options{})
	tests := []struct {
		query string
		peers []string
	}{
		{"", []string{"2001:db8::9", "198.51.100.5", "203.0.113.20", "203.0.113.21"}},
		{"state=down", []string{"2001:db8::9", "203.0.113.20"}},
		{"state=unknown", []string{"198.51.100.5"}},
		{"state=up", []string{"203.0.113.21"}},
		{"device=fw-hq-02", []string{"203.0.113.20", "203.0.113.21"}},
		{"device=fw-hq-02&state=up", []string{"203.0.113.21"}},
		{"peer=" + url.QueryEscape("2001:db8::9"), []string{"2001:db8::9"}},
		{"limit=2", []string{"2001:db8::9", "198.51.100.5"}},
		{"device=nobody", nil},
	}
	for _, tt := range tests {
		status, h, body := s.get(t, "/api/v1/tunnels?"+tt.query)
		if status != http.StatusOK || h.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %s", tt.query, status, h.Get("Content-Type"))
		}
		var got []tunnelJSON
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		var peers []string
		for _, tu := range got {
			peers = append(peers, tu.Peer)
		}
		if strings.Join(peers, "|") != strings.Join(tt.peers, "|") {
			t.Errorf("API %s: peers %q, want %q", tt.query, peers, tt.peers)
		}
		peers = nil
		for _, r := range tunnelRows(s.page(t, "/tunnels?"+tt.query, http.StatusOK)) {
			peers = append(peers, r["peer"])
		}
		if strings.Join(peers, "|") != strings.Join(tt.peers, "|") {
			t.Errorf("page %s: peers %q, want %q", tt.query, peers, tt.peers)
		}
	}
	for _, bad := range []string{"state=sideways", "limit=0", "limit=x"} {
		if status, _, body := s.get(t, "/api/v1/tunnels?"+bad); status != http.StatusBadRequest || body == "" {
			t.Errorf("API %s: %d %q, want 400 with the reason", bad, status, body)
		}
		s.page(t, "/tunnels?"+bad, http.StatusBadRequest)
	}
	if _, _, body := s.get(t, "/tunnels?limit=2"); !has(body, "Showing the first 2 of 4") {
		t.Errorf("a limited page does not say how many it leaves out")
	}
}

func TestTunnelsAPIFields(t *testing.T) {
	s := newSite(t, tunnelEvents, Options{})
	_, _, body := s.get(t, "/api/v1/tunnels?state=down&device=fw-hq-01")
	var got []map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %v", got)
	}
	dpd, _ := mib.TeardownBySlug("dpd_timeout")
	phase1, _ := mib.ReasonBySlug("phase1_proposal_mismatch")
	dh, _ := mib.ReasonBySlug("responder_dh_mismatch")
	want := map[string]any{"device": "fw-hq-01", "peer": "2001:db8::9", "interface": "Tunnel0/0/1", "vsys": "vsys-a",
		"state": "down", "planned": false, "since": "2026-11-03T02:17:10Z", "last_update": "2026-11-03T02:17:10Z",
		"down_reason": "dpd_timeout", "teardown_class": "outage", "teardown_guidance": dpd.Guidance, "downs_24h": 1.0,
		"failures": []any{
			map[string]any{"reason": "phase1_proposal_mismatch", "reason_code": "1", "interface": "GigabitEthernet0/0/1", "count": 1.0,
				"last": "2026-11-03T02:17:25Z", "remediation_group": phase1.Group, "remediation": alerts.FailureEntryOf(phase1).Remediation},
			// Two series of one reason (two interfaces) are summed; the
			// newest says where.
			map[string]any{"reason": "responder_dh_mismatch", "reason_code": "6", "interface": "GigabitEthernet0/0/2", "count": 2.0,
				"last": "2026-11-03T02:17:21Z", "remediation_group": dh.Group, "remediation": alerts.FailureEntryOf(dh).Remediation},
		}}
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got[0])
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("got  %s\nwant %s", gotJSON, wantJSON)
	}

	// An unknown tunnel has no since, no teardown; an up one keeps the
	// reason of its last down.
	_, _, body = s.get(t, "/api/v1/tunnels?state=unknown")
	var unknown []tunnelJSON
	if err := json.Unmarshal([]byte(body), &unknown); err != nil || len(unknown) != 1 ||
		unknown[0].Since != nil || unknown[0].TeardownClass != "" || len(unknown[0].Failures) != 1 {
		t.Errorf("unknown tunnel %s (%v)", body, err)
	}
}

func TestTunnelsPageWhenEmpty(t *testing.T) {
	s := newSite(t, nil, Options{})
	if _, _, body := s.get(t, "/tunnels"); !has(body, "No tunnel known yet") {
		t.Errorf("empty /tunnels:\n%s", body)
	}
	if _, _, body := s.get(t, "/api/v1/tunnels"); strings.TrimSpace(body) != "[]" {
		t.Errorf("empty API answer = %q, want []", body)
	}
}

// A tunnel that failed to negotiate for many reasons shows the newest few
// and says how many more.
func TestTunnelFailuresAreBounded(t *testing.T) {
	var events []pipeline.Event
	for i, r := range mib.Reasons()[:maxFailuresShown+3] {
		events = append(events, pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Device: "fw", Peer: "p",
			ReasonCode: "", Reason: r.Slug, Time: t0.Add(time.Duration(i) * time.Second)})
	}
	s := newSite(t, events, Options{})
	_, _, body := s.get(t, "/api/v1/tunnels")
	var got []tunnelJSON
	if err := json.Unmarshal([]byte(body), &got); err != nil || len(got) != 1 {
		t.Fatalf("%s (%v)", body, err)
	}
	if len(got[0].Failures) != maxFailuresShown || got[0].MoreFailures != 3 || got[0].Failures[0].Reason != mib.Reasons()[maxFailuresShown+2].Slug {
		t.Errorf("failures %+v, %d more", got[0].Failures, got[0].MoreFailures)
	}
	if _, _, page := s.get(t, "/tunnels"); !has(page, "and 3 more reasons") {
		t.Errorf("the page does not say that reasons were left out")
	}
}

// summaryValues reads the landing page's summary: data-summary values, and
// the peers per reason.
func summaryValues(doc *html.Node) (map[string]string, map[string]string) {
	values, reasons := map[string]string{}, map[string]string{}
	walk(doc, func(n *html.Node) {
		if k, ok := attr(n, "data-summary"); ok {
			values[k] = text(n)
		}
		if k, ok := attr(n, "data-reason"); ok {
			walk(n, func(c *html.Node) {
				if f, _ := attr(c, "data-field"); f == "peers" {
					reasons[k] = text(c)
				}
			})
		}
		if k, ok := attr(n, "data-drop"); ok {
			values["drop "+k] = text(n)
		}
	})
	return values, reasons
}

func TestLandingSummary(t *testing.T) {
	s := newSite(t, tunnelEvents, Options{})
	doc := s.page(t, "/", http.StatusOK)
	values, reasons := summaryValues(doc)
	if values["tunnels_down"] != "1" || values["peers_failing"] != "2" || values["dropped"] != "0" {
		t.Errorf("summary %v", values)
	}
	if reasons["responder_dh_mismatch"] != "2" || reasons["phase1_proposal_mismatch"] != "1" || len(reasons) != 2 {
		t.Errorf("peers failing by reason %v", reasons)
	}
	_, _, body := s.get(t, "/")
	for _, want := range []string{`href="./tunnels?state=down"`, `href="./events?reason=responder_dh_mismatch&amp;kind=negotiation_failure"`,
		`href="./reasons/responder_dh_mismatch"`, `href="./runbook#traps-dropped"`, `href="./tunnels"`, `href="./api/v1/tunnels"`} {
		if !has(body, want) {
			t.Errorf("/ lacks %q", want)
		}
	}
	// Fifteen minutes later nobody is failing any more; the down tunnel
	// still is.
	later := newSite(t, tunnelEvents, Options{Now: func() time.Time { return testNow.Add(16 * time.Minute) }})
	values, reasons = summaryValues(later.page(t, "/", http.StatusOK))
	if values["peers_failing"] != "0" || len(reasons) != 0 || values["tunnels_down"] != "1" {
		t.Errorf("16 minutes later: %v %v", values, reasons)
	}
}

// The landing page counts the drops of the last hour from a sample taken
// every minute; within the first hour it counts since the start, and says
// so.
func TestLandingDropsOfTheLastHour(t *testing.T) {
	reg := prometheus.NewRegistry()
	trapDrops := metricdef.TrapPacketsDropped.NewCounterVec()
	syslogDrops := metricdef.SyslogMessagesDropped.NewCounterVec()
	reg.MustRegister(trapDrops, syslogDrops)
	start := testNow
	now := start
	p, err := New(Options{Recent: pipeline.NewRecent(1), State: pipeline.NewMetrics(prometheus.NewRegistry(), config.Limits{}),
		SelfMetrics: reg, MetricsPath: "/metrics", Inputs: inputs.All, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	p.Register(mux)
	landing := func() (map[string]string, string) {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		doc, err := html.Parse(w.Body)
		if err != nil {
			t.Fatal(err)
		}
		values, _ := summaryValues(doc)
		var b strings.Builder
		_ = html.Render(&b, doc)
		return values, b.String()
	}

	for minute := 1; minute <= 90; minute++ {
		switch minute {
		case 10:
			trapDrops.WithLabelValues("queue_full").Add(5)
			syslogDrops.WithLabelValues("too_long").Add(2)
		case 80:
			trapDrops.WithLabelValues("unknown_community").Add(1)
		}
		now = start.Add(time.Duration(minute) * time.Minute)
		p.drops.sample(now)
		if minute == 30 {
			values, body := landing()
			if values["dropped"] != "7" || values["drop trap/queue_full"] != "trap queue_full: 5" || values["drop syslog/too_long"] != "syslog too_long: 2" {
				t.Errorf("after 30 minutes: %v", values)
			}
			if !has(body, "Since the exporter started at 2026-11-03T02:18:00Z UTC") {
				t.Errorf("within the first hour the page does not say it counts since the start")
			}
		}
	}
	values, body := landing()
	if values["dropped"] != "1" || values["drop trap/unknown_community"] != "trap unknown_community: 1" || values["drop trap/queue_full"] != "" {
		t.Errorf("after 90 minutes the last hour holds %v, want the one drop of minute 80", values)
	}
	if has(body, "Since the exporter started") {
		t.Errorf("after 90 minutes the page still counts since the start")
	}
	if n := len(p.drops.samples); n != dropSamples {
		t.Errorf("%d samples kept, want %d", n, dropSamples)
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{-time.Second: "0s", 50 * time.Second: "50s", 15 * time.Minute: "15m",
		3*time.Hour + 12*time.Minute: "3h 12m", 50 * time.Hour: "2d 2h"} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
