package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/html"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// Hostile values a device (or anyone who can send it a UDP packet) can put
// into an event: markup and script in every free-text field.
const (
	hostilePeer      = `<script>window.pwned=1;alert(1)</script>`
	hostileInterface = `<img src=x onerror="window.pwned=1">`
	hostileText      = `"><svg onload=alert(1)>' onmouseover='alert(2)`
	hostileDevice    = `javascript:alert(1)`
	hostilePolicy    = `</td></tr><tr><td><iframe src=//evil.example>`
)

var t0 = time.Date(2026, 11, 3, 2, 17, 0, 0, time.UTC)

// testEvents are recorded oldest first.
var testEvents = []pipeline.Event{
	{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Device: "fw-hq-01", Peer: "203.0.113.9", PeerPort: "500",
		Interface: "GigabitEthernet0/0/1", ReasonCode: "6", Reason: "responder_dh_mismatch", ReasonText: "responder dh mismatch",
		SeqNum: "10", PolicyName: "branch-policy", LocalAddress: "198.51.100.1", Time: t0},
	{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Device: "fw-hq-01", Peer: "203.0.113.9", PeerPort: "500",
		Interface: "GigabitEthernet0/0/1", ReasonCode: "6", Reason: "responder_dh_mismatch", ReasonText: "responder dh mismatch", Time: t0.Add(time.Second)},
	{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStatusChange, Device: "fw-hq-01", Peer: "203.0.113.10", PeerPort: "4500",
		Reason: "dpd_timeout", ReasonText: "dpd timeout", Status: "2", TunnelVPN: "vpn-a", FlowVPN: "vpn-b", Time: t0.Add(2 * time.Second)},
	{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Device: "fw-hq-02", Peer: "203.0.113.11",
		Reason: mib.OtherOfflineReason, ReasonText: "a teardown nobody catalogued", Time: t0.Add(3 * time.Second)},
	{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Device: hostileDevice, Peer: hostilePeer,
		Interface: hostileInterface, Vsys: hostileText, ReasonCode: "77", Reason: mib.UnknownReason, ReasonText: hostileText,
		PolicyName: hostilePolicy, Certificate: hostileText, Time: t0.Add(4 * time.Second)},
	{Kind: mib.KindTunnelUp, Notification: mib.NotifTunnelStart, Device: "fw-hq-01", Peer: "203.0.113.10", Time: t0.Add(5 * time.Second)},
	{Kind: mib.KindNotification, Notification: mib.NotifTunnelReachMax, Device: "fw-hq-02", Time: t0.Add(6 * time.Second)},
}

type testSite struct {
	*httptest.Server
	reg *prometheus.Registry
}

// newSite serves the pages over a registry and buffer that hold events, as
// the exporter does: every event goes to the metrics and to the buffer.
func newSite(t *testing.T, events []pipeline.Event, opts Options) *testSite {
	t.Helper()
	reg := prometheus.NewRegistry()
	metrics := pipeline.NewMetrics(reg, config.Limits{})
	recent := pipeline.NewRecent(50)
	for i := range events {
		metrics.Record(&events[i])
		recent.Record(&events[i])
	}
	opts.Recent, opts.Gatherer, opts.EventsKept = recent, reg, 50
	if opts.MetricsPath == "" {
		opts.MetricsPath = "/metrics"
	}
	opts.Metrics = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "metrics\n") })
	p, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	p.Register(mux)
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return &testSite{Server: s, reg: reg}
}

// get fetches path and returns the status, the headers and the body.
func (s *testSite) get(t *testing.T, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := s.Client().Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

// page fetches an HTML page, checks its headers and parses it.
func (s *testSite) page(t *testing.T, path string, wantStatus int) *html.Node {
	t.Helper()
	status, h, body := s.get(t, path)
	if status != wantStatus {
		t.Fatalf("GET %s: %d, want %d\n%s", path, status, wantStatus, body)
	}
	if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("GET %s: Content-Security-Policy %q allows more than the stylesheet", path, csp)
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return doc
}

// walk calls f for every element of the tree.
func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return strings.TrimSpace(b.String())
}

// has tells whether a page shows want: in its markup (links, attributes)
// or in its text, whitespace collapsed, as a reader sees it.
func has(body, want string) bool {
	if strings.Contains(body, want) {
		return true
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return false
	}
	collapse := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	return strings.Contains(collapse(text(doc)), collapse(want))
}

// eventRows returns, per table row of the events table, the text of every
// element with a data-field attribute.
func eventRows(doc *html.Node) []map[string]string {
	var rows []map[string]string
	walk(doc, func(n *html.Node) {
		if n.Data != "tr" {
			return
		}
		row := map[string]string{}
		walk(n, func(c *html.Node) {
			if f, ok := attr(c, "data-field"); ok {
				row[f] = text(c)
			}
		})
		if len(row) > 0 {
			rows = append(rows, row)
		}
	})
	return rows
}

func TestEventsPageShowsEveryFieldAndWhatToDo(t *testing.T) {
	s := newSite(t, testEvents, Options{})
	doc := s.page(t, "/events", http.StatusOK)
	rows := eventRows(doc)
	if len(rows) != len(testEvents) {
		t.Fatalf("%d rows, want %d", len(rows), len(testEvents))
	}
	// Newest first: the oldest event is the last row.
	oldest := rows[len(rows)-1]
	want := map[string]string{
		"time": "2026-11-03T02:17:00Z", "kind": "negotiation_failure", "notification": mib.NotifNegoFail,
		"device": "fw-hq-01", "peer": "203.0.113.9", "peer_port": "500", "interface": "GigabitEthernet0/0/1",
		"reason": "responder_dh_mismatch", "reason_code": "6", "reason_text": "responder dh mismatch",
		"seq_num": "10", "policy_name": "branch-policy", "local_address": "198.51.100.1",
	}
	for k, v := range want {
		if oldest[k] != v {
			t.Errorf("oldest row: %s = %q, want %q", k, oldest[k], v)
		}
	}
	down := rows[len(rows)-3]
	for k, v := range map[string]string{"reason": "dpd_timeout", "teardown_class": "outage", "status": "2",
		"tunnel_vpn": "vpn-a", "flow_vpn": "vpn-b", "peer_port": "4500"} {
		if down[k] != v {
			t.Errorf("status-change row: %s = %q, want %q", k, down[k], v)
		}
	}

	_, _, body := s.get(t, "/events")
	dh, _ := mib.GroupByName("dh_mismatch")
	dpd, _ := mib.TeardownBySlug("dpd_timeout")
	for _, want := range []string{
		dh.Remediation, // the failure's vendor procedure
		dpd.Guidance,   // the teardown's guidance...
		"project guidance, not from the vendor reference", // ...marked as the project's
		mib.EscalationProcedure,                           // the escalation step
		`href="./runbook#teardown-dpd_timeout"`,           // and the runbook section
		`href="./reasons/responder_dh_mismatch"`,          // the reason's page
		"a teardown nobody catalogued",                    // text outside the catalogue, as sent
		"The number of IPSec tunnels is approaching",      // a notification's meaning
		`href="./api/v1/events"`,                          // the same as JSON
	} {
		if !has(body, want) {
			t.Errorf("/events lacks %q", want)
		}
	}
}

func TestEventsPageRendersHostileValuesInert(t *testing.T) {
	s := newSite(t, testEvents, Options{})
	for _, path := range []string{"/events", "/events?peer=" + url.QueryEscape(hostilePeer), "/reasons/unknown", "/"} {
		status, _, body := s.get(t, path)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, status)
		}
		// Attribute text such as onerror= may appear as escaped text; the parsed
		// tree below shows it never becomes an attribute.
		for _, raw := range []string{"<script", "<img", "<svg", "<iframe", `href="javascript:`} {
			if strings.Contains(strings.ToLower(body), strings.ToLower(raw)) {
				t.Errorf("GET %s: the page contains %q unescaped", path, raw)
			}
		}
		doc := s.page(t, path, http.StatusOK)
		walk(doc, func(n *html.Node) {
			switch n.Data {
			case "script", "img", "svg", "iframe":
				t.Errorf("GET %s: a <%s> element made it into the page", path, n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("GET %s: <%s> has an event handler %s", path, n.Data, a.Key)
				}
				if a.Key == "href" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					t.Errorf("GET %s: a javascript: link %q", path, a.Val)
				}
			}
		})
	}

	// The values show as text, exactly as sent.
	doc := s.page(t, "/events?peer="+url.QueryEscape(hostilePeer), http.StatusOK)
	rows := eventRows(doc)
	if len(rows) != 1 {
		t.Fatalf("filtering by the hostile peer: %d rows", len(rows))
	}
	for field, want := range map[string]string{"peer": hostilePeer, "interface": hostileInterface, "device": hostileDevice,
		"vsys": hostileText, "reason_text": hostileText, "policy_name": hostilePolicy, "certificate": hostileText} {
		if rows[0][field] != want {
			t.Errorf("%s shows %q, want the text %q", field, rows[0][field], want)
		}
	}
}

func TestEventsFilters(t *testing.T) {
	s := newSite(t, testEvents, Options{})
	tests := []struct {
		query string
		peers []string // of the rows, newest first
	}{
		{"", []string{"", "203.0.113.10", hostilePeer, "203.0.113.11", "203.0.113.10", "203.0.113.9", "203.0.113.9"}},
		{"device=fw-hq-02", []string{"", "203.0.113.11"}},
		{"peer=203.0.113.10", []string{"203.0.113.10", "203.0.113.10"}},
		{"device=fw-hq-01&peer=203.0.113.9", []string{"203.0.113.9", "203.0.113.9"}},
		{"reason=responder_dh_mismatch", []string{"203.0.113.9", "203.0.113.9"}},
		{"reason=6", []string{"203.0.113.9", "203.0.113.9"}},
		{"reason=" + url.QueryEscape("dpd timeout"), []string{"203.0.113.10"}},
		{"reason=77", []string{hostilePeer}},
		{"reason=other", []string{"203.0.113.11"}},
		{"kind=tunnel_down", []string{"203.0.113.11", "203.0.113.10"}},
		{"kind=tunnel_up", []string{"203.0.113.10"}},
		{"kind=notification", []string{""}},
		{"kind=negotiation_failure&limit=2", []string{hostilePeer, "203.0.113.9"}},
		{"limit=1", []string{""}},
		{"device=nobody", nil},
		{"reason=%21%21%21", nil}, // slugs to "": matches nothing, not every reason-less event
	}
	for _, tt := range tests {
		// The API and the page select the same events.
		status, h, body := s.get(t, "/api/v1/events?"+tt.query)
		if status != http.StatusOK || h.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %s", tt.query, status, h.Get("Content-Type"))
		}
		var got []eventJSON
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		var peers []string
		for _, e := range got {
			peers = append(peers, e.Peer)
		}
		if strings.Join(peers, "|") != strings.Join(tt.peers, "|") {
			t.Errorf("API %s: peers %q, want %q", tt.query, peers, tt.peers)
		}
		rows := eventRows(s.page(t, "/events?"+tt.query, http.StatusOK))
		peers = nil
		for _, r := range rows {
			peers = append(peers, r["peer"])
		}
		if strings.Join(peers, "|") != strings.Join(tt.peers, "|") {
			t.Errorf("page %s: peers %q, want %q", tt.query, peers, tt.peers)
		}
	}
	for _, bad := range []string{"kind=tunnel_sideways", "limit=0", "limit=x"} {
		if status, _, body := s.get(t, "/api/v1/events?"+bad); status != http.StatusBadRequest || body == "" {
			t.Errorf("API %s: %d %q, want 400 with the reason", bad, status, body)
		}
		s.page(t, "/events?"+bad, http.StatusBadRequest)
	}
}

func TestEventsAPIKeepsEveryField(t *testing.T) {
	s := newSite(t, testEvents, Options{})
	_, _, body := s.get(t, "/api/v1/events?kind=tunnel_down&device=fw-hq-01")
	var got []map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"time": "2026-11-03T02:17:02Z", "kind": "tunnel_down", "notification": mib.NotifTunnelStatusChange,
		"device": "fw-hq-01", "peer": "203.0.113.10", "peer_port": "4500", "reason": "dpd_timeout", "reason_text": "dpd timeout",
		"teardown_class": "outage", "status": "2", "tunnel_vpn": "vpn-a", "flow_vpn": "vpn-b"}
	if len(got) != 1 || len(got[0]) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[0][k] != v {
			t.Errorf("%s = %q, want %q", k, got[0][k], v)
		}
	}
	// Hostile values are data in JSON, returned exactly.
	_, _, body = s.get(t, "/api/v1/events?reason=77")
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0]["peer"] != hostilePeer || got[0]["interface"] != hostileInterface || got[0]["policy_name"] != hostilePolicy {
		t.Errorf("hostile event = %v", got)
	}
}

func TestEventsPageWhenEmpty(t *testing.T) {
	s := newSite(t, nil, Options{})
	_, _, body := s.get(t, "/events")
	if !strings.Contains(body, "No event received yet.") {
		t.Errorf("empty buffer:\n%s", body)
	}
	_, _, body = s.get(t, "/api/v1/events")
	if strings.TrimSpace(body) != "[]" {
		t.Errorf("empty API answer = %q, want []", body)
	}
}

// TestEveryFieldHasAPlace: a field added to the catalogue must get a column
// or a line in the details cell, or /events would silently leave it out.
func TestEveryFieldHasAPlace(t *testing.T) {
	columns := map[mib.Field]bool{mib.FieldPeer: true, mib.FieldPeerPort: true, mib.FieldInterface: true,
		mib.FieldVsys: true, mib.FieldReasonCode: true, mib.FieldReasonText: true}
	for _, f := range detailFields {
		columns[f] = true
	}
	for f := mib.FieldNone + 1; f < mib.FieldCount; f++ {
		if !columns[f] {
			t.Errorf("field %s is shown nowhere on /events", f)
		}
	}
}
