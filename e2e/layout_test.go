package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// Long values real devices send: sub-interface and virtual-template names,
// IPv6 peers written out in full, vsys names, policy names and reason texts
// of a router's free-text failure.
const (
	longPeer      = "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"
	longPeer2     = "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe"
	longTemplate  = "Virtual-Template0/0/1.4094"
	longSubIf     = "GigabitEthernet0/0/1.1234567"
	longVsys      = "vsys-customer-northwind-traders-emea"
	longPolicy    = "ipsec-policy-to-datacenter-frankfurt-backup-link"
	longFreeText  = "IKE SA negotiation failed: the peer offered aes-256-gcm-16 with prf-hmac-sha2-512 and dh group 31, which no local proposal of ipsec-policy-to-datacenter-frankfurt-backup-link matches"
	longCodedText = "responder dh mismatch (the responder offered group 21 where group 19 was configured on both tunnel interfaces)"
)

// viewport is a screen the pages must fit. The phone runs without
// JavaScript: the pages must work without it, and the laptop still shows
// that hostile markup cannot run where script could.
type viewport struct {
	name          string
	width, height int64
	mobile, noJS  bool
}

var viewports = []viewport{{"laptop", 1280, 900, false, false}, {"phone", 390, 844, true, true}}

// layoutState is what the browser reports about a rendered page.
type layoutState struct {
	ScrollWidth int      `json:"scrollWidth"`
	ClientWidth int      `json:"clientWidth"`
	Wide        []string `json:"wide"`    // elements that reach past the viewport's right edge
	Clipped     []string `json:"clipped"` // elements whose content is cut off or scrolls sideways
	Pwned       any      `json:"pwned"`
	Scripts     int      `json:"scripts"`
	// Injected are elements the hostile markup would have made: images,
	// SVG, frames, and anything with an event handler attribute.
	Injected []string `json:"injected"`
	Links    []string `json:"links"`
}

const readLayout = `(() => {
  const width = document.documentElement.clientWidth;
  const name = e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + ": " + e.textContent.trim().slice(0, 60);
  const all = [...document.querySelectorAll("body *")];
  return JSON.stringify({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: width,
    wide: all.filter(e => e.getBoundingClientRect().right > width + 1).map(name).slice(0, 5),
    clipped: all.filter(e => !["INPUT", "SELECT", "TEXTAREA", "OPTION"].includes(e.tagName) &&
        getComputedStyle(e).overflowX !== "visible" && e.scrollWidth > e.clientWidth + 1).map(name).slice(0, 5),
    pwned: window.pwned === undefined ? null : window.pwned,
    scripts: document.getElementsByTagName("script").length,
    injected: all.filter(e => ["IMG", "SVG", "IFRAME"].includes(e.tagName.toUpperCase()) ||
        [...e.attributes].some(a => a.name.startsWith("on"))).map(name).slice(0, 5),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
  });
})()`

// sendLongAndHostileTraps sends, with net-snmp's snmptrap, tunnels and
// failures whose values are as long as real ones get, and others whose
// values are markup.
func sendLongAndHostileTraps(t *testing.T, e *testenv.Exporter) {
	peerColumn := fw + ".2.1.5.3.7" // hwIPSecTunnelDstIP of a tunnel table row
	e.TrapV2c(t, "public", fw+".6.1", peerColumn, "s", longPeer, fw+".5.13.0", "s", longVsys, fw+".5.14.0", "s", longTemplate)
	e.TrapV2c(t, "public", fw+".6.2", peerColumn, "s", longPeer, fw+".5.12.0", "s", "dpd timeout", fw+".5.13.0", "s", longVsys, fw+".5.14.0", "s", longTemplate)
	e.TrapV2c(t, "public", fw+".6.14", fw+".5.2.0", "u", "3", fw+".5.1.0", "u", "10", fw+".5.10.0", "s", longCodedText, fw+".5.11.0", "u", "6",
		fw+".5.7.0", "s", longPeer, fw+".5.9.0", "u", "4500", fw+".5.13.0", "s", longVsys, fw+".5.14.0", "s", longSubIf,
		fw+".5.3.0", "s", longPolicy)
	e.TrapV2c(t, "public", rt+".2.1.57", rt+".1.19.49.0", "s", longFreeText, rt+".1.19.5.0", "s", longPeer2, rt+".1.19.3.0", "s", longSubIf)
	e.TrapV2c(t, "public", rt+".2.1.2", rt+".1.19.5.0", "s", longPeer2, rt+".1.19.3.0", "s", longTemplate)
	// Markup in every free-text field, on a tunnel and on a failure.
	e.TrapV2c(t, "public", fw+".6.2", peerColumn, "s", hostilePeer, fw+".5.12.0", "s", hostileReason, fw+".5.13.0", "s", hostileVsys, fw+".5.14.0", "s", hostileInterface)
	e.TrapV2c(t, "public", fw+".6.14", fw+".5.11.0", "u", "1", fw+".5.7.0", "s", hostilePeer, fw+".5.14.0", "s", hostileInterface, fw+".5.13.0", "s", hostileVsys)
	e.WaitValue(t, "ipsec_negotiation_failures_total", nil, 3)
	e.WaitValue(t, "ipsec_tunnel_state_changes_total", map[string]string{"state": "down"}, 3)
}

// TestEndToEndBrowserPagesFitTheScreen loads every page the exporter
// serves (every link from the landing page on, followed as a person
// clicking through would) in headless Chromium at a laptop's width and at a
// phone's, with long real values and hostile ones in the data: no page is
// wider than the screen, no content is cut off or scrolls sideways inside
// the page, and nothing hostile runs.
func TestEndToEndBrowserPagesFitTheScreen(t *testing.T) {
	testenv.Need(t, "snmptrap", "chromium")
	e := testenv.StartExporter(t)
	sendLongAndHostileTraps(t, e)

	ctx := testenv.Browser(t)
	var dialogs atomic.Int32
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
			go func() { _, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{}) }()
		}
	}); err != nil {
		t.Fatal(err)
	}
	for _, vp := range viewports {
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: vp.width, Height: vp.height, DeviceScaleFactor: 1, Mobile: vp.mobile}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: vp.noJS}); err != nil {
			t.Fatal(err)
		}
		pages := crawlInBrowser(t, ctx, e.WebURL, vp, &dialogs)
		t.Logf("%s (%d px, JavaScript off: %v): %d pages fit", vp.name, vp.width, vp.noJS, pages)
		// Home, tunnels, events, reasons, runbook, and a page per reason.
		if pages < 80 {
			t.Errorf("%s: the crawl reached only %d pages", vp.name, pages)
		}
	}
	useTunnelsWithoutJavaScript(t, ctx, e.WebURL)

	// The landing page's summary, from the real pipeline and the real
	// drop counters: a trap with a wrong community is a drop of the last
	// hour.
	e.TrapV2c(t, "wrong", fw+".6.14", fw+".5.7.0", "s", "192.0.2.1")
	e.WaitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "unknown_community"}, 1)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.WebURL+"/"), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(Object.fromEntries(
  [...document.querySelectorAll("[data-summary], [data-drop]")].map(e => [e.dataset.summary || "drop " + e.dataset.drop, e.textContent.trim()])))`))
	if err != nil {
		t.Fatal(err)
	}
	var summary map[string]string
	if err := json.Unmarshal([]byte(raw), &summary); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"tunnels_down": "3", "peers_failing": "3", "dropped": "1", "drop trap/unknown_community": "trap unknown_community: 1"}
	for k, v := range want {
		if summary[k] != v {
			t.Errorf("landing page summary %s = %q, want %q (all: %v)", k, summary[k], v, summary)
		}
	}
}

// tunnelRowsJS reads the /tunnels table as rendered: per row, the text of
// every element with a data-field attribute. DevTools evaluates it even
// with the page's scripts off.
const tunnelRowsJS = `JSON.stringify([...document.querySelectorAll("table.tunnels tbody tr")].map(tr => {
  const row = {};
  tr.querySelectorAll("[data-field]").forEach(e => { const f = e.dataset.field; row[f] = (row[f] ? row[f] + "|" : "") + e.textContent.trim(); });
  return row;
}))`

// useTunnelsWithoutJavaScript goes from the landing page's summary to the
// down tunnels and filters them by peer, with clicks and key presses only
// and the page's scripts off (the phone viewport is still in force).
func useTunnelsWithoutJavaScript(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	rows := func() []map[string]string {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](tunnelRowsJS))
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]string
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			t.Fatalf("%v: %s", err, raw)
		}
		return out
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.CSS("main")),
		chromedp.Click(chromedp.CSS(`a[data-summary="tunnels_down"]`))); err != nil {
		t.Fatal(err)
	}
	testenv.WaitLocation(t, ctx, "/tunnels?state=down")
	if got := rows(); len(got) != 3 {
		t.Errorf("the landing page's down tunnels: %d rows, want 3: %v", len(got), got)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`form.filters input[name="peer"]`), longPeer),
		chromedp.Click(chromedp.CSS(`form.filters button`))); err != nil {
		t.Fatal(err)
	}
	testenv.WaitLocation(t, ctx, "peer="+url.QueryEscape(longPeer))
	got := rows()
	want := map[string]string{"state": "down", "peer": longPeer, "interface": longTemplate, "vsys": longVsys, "down_reason": "dpd_timeout",
		"teardown_class": "outage", "downs_24h": "1", "failure_reason": "responder_dh_mismatch", "failure_count": "1", "device": "127.0.0.1"}
	if len(got) != 1 {
		t.Fatalf("filtered by peer: %d rows, want 1: %v", len(got), got)
	}
	for k, v := range want {
		if got[0][k] != v {
			t.Errorf("filtered by peer: %s shows %q, want %q", k, got[0][k], v)
		}
	}
}

// crawlInBrowser visits every page linked from the landing page, each path
// with at most two query strings, and checks each one's layout. It returns
// how many pages it checked.
func crawlInBrowser(t *testing.T, ctx context.Context, base string, vp viewport, dialogs *atomic.Int32) int {
	t.Helper()
	// The landing page, and two error pages that quote a long value back.
	queue := []string{base + "/", base + "/reasons/" + url.PathEscape(longFreeText), base + "/tunnels?state=" + url.QueryEscape(longFreeText)}
	seen := map[string]bool{}
	variants := map[string]int{}
	checked := 0
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		u, err := url.Parse(next)
		if err != nil || !strings.HasPrefix(next, base) || !isPage(u.Path) {
			continue
		}
		u.Fragment = ""
		if seen[u.String()] || (u.RawQuery != "" && variants[u.Path] >= 2) {
			continue
		}
		seen[u.String()] = true
		if u.RawQuery != "" {
			variants[u.Path]++
		}
		got := loadLayout(t, ctx, u.String())
		checked++
		where := fmt.Sprintf("%s at %d px", strings.TrimPrefix(u.String(), base), vp.width)
		if got.ScrollWidth > got.ClientWidth {
			t.Errorf("%s scrolls sideways: %d px wide in a %d px viewport; too wide: %q", where, got.ScrollWidth, got.ClientWidth, got.Wide)
		}
		if len(got.Clipped) > 0 {
			t.Errorf("%s cuts content off or scrolls it inside the page: %q", where, got.Clipped)
		}
		if got.Pwned != nil || got.Scripts != 0 || len(got.Injected) != 0 || dialogs.Load() != 0 {
			t.Errorf("%s ran or built hostile markup: window.pwned %v, %d scripts, elements %q, %d dialogs",
				where, got.Pwned, got.Scripts, got.Injected, dialogs.Load())
		}
		if name := screenshotName(u); name != "" {
			testenv.Screenshot(t, ctx, fmt.Sprintf("%s-%d.png", name, vp.width))
		}
		queue = append(queue, got.Links...)
	}
	return checked
}

// isPage tells whether a path is an HTML page rather than the metrics, the
// JSON API, the stylesheet or the health endpoints.
func isPage(path string) bool {
	for _, prefix := range []string{"/metrics", "/api/", "/static/", "/-/"} {
		if strings.HasPrefix(path, prefix) {
			return false
		}
	}
	return true
}

// screenshotName names the pages worth a screenshot; "" for the others.
func screenshotName(u *url.URL) string {
	if u.RawQuery != "" {
		return ""
	}
	switch u.Path {
	case "/":
		return "home"
	case "/tunnels", "/events", "/reasons", "/runbook", "/reasons/responder_dh_mismatch", "/reasons/dpd_timeout":
		return strings.ReplaceAll(strings.TrimPrefix(u.Path, "/"), "/", "_")
	}
	return ""
}

func loadLayout(t *testing.T, ctx context.Context, target string) layoutState {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(target), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatalf("loading %s: %v", target, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](readLayout))
	if err != nil {
		t.Fatal(err)
	}
	var s layoutState
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return s
}
