package e2e_test

import (
	"context"
	"encoding/json"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// pageState is what the browser reports about the rendered /events page.
type pageState struct {
	Pwned    any                 `json:"pwned"`
	Scripts  int                 `json:"scripts"`
	Injected int                 `json:"injected"` // elements of the hostile markup inside the table
	Rows     []map[string]string `json:"rows"`
}

// readEvents reads the /events table as the browser rendered it: per row,
// the text of every element with a data-field attribute.
const readEvents = `JSON.stringify({
  pwned: window.pwned === undefined ? null : window.pwned,
  scripts: document.getElementsByTagName("script").length,
  injected: document.querySelectorAll("table img, table svg, table b, table iframe").length,
  rows: [...document.querySelectorAll("table.events tbody tr")].map(tr => {
    const row = {};
    tr.querySelectorAll("[data-field]").forEach(e => { row[e.dataset.field] = e.textContent.trim(); });
    return row;
  }),
})`

// TestEndToEndBrowserEventsPage sends hostile traps with net-snmp's
// snmptrap to the real binary and loads /events in headless Chromium: the
// table shows each hostile value as text, exactly as sent, and nothing in
// it runs.
func TestEndToEndBrowserEventsPage(t *testing.T) {
	testenv.Need(t, "snmptrap", "chromium")
	e := testenv.StartExporter(t)
	e.TrapV2c(t, "public", fw+".6.14", fw+".5.2.0", "u", "3", fw+".5.1.0", "u", "10", fw+".5.10.0", "s", "responder dh mismatch",
		fw+".5.11.0", "u", "6", fw+".5.7.0", "s", "203.0.113.9", fw+".5.9.0", "u", "500", fw+".5.14.0", "s", "GigabitEthernet0/0/1")
	e.TrapV2c(t, "public", fw+".6.14", fw+".5.11.0", "u", "1", fw+".5.7.0", "s", hostilePeer, fw+".5.14.0", "s", hostileInterface, fw+".5.13.0", "s", hostileVsys)
	e.TrapV2c(t, "public", rt+".2.1.57", rt+".1.19.49.0", "s", hostileReason, rt+".1.19.5.0", "s", "198.51.100.7")
	e.TrapV2c(t, "public", fw+".6.2", fw+".2.1.5.3.7", "s", "203.0.113.20", fw+".5.12.0", "s", "dpd timeout")
	e.WaitValue(t, "ipsec_negotiation_failures_total", nil, 3)
	e.WaitValue(t, "ipsec_tunnel_state_changes_total", map[string]string{"state": "down", "reason": "dpd_timeout"}, 1)

	ctx := testenv.Browser(t)
	var dialogs atomic.Int32
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
			// Closing the dialog needs a command, which may not run here.
			go func() { _, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{}) }()
		}
	}); err != nil {
		t.Fatal(err)
	}
	load := func(path string) pageState {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(e.WebURL+path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
			t.Fatalf("loading %s: %v", path, err)
		}
		return readPage(t, ctx)
	}

	got := load("/events")
	testenv.Screenshot(t, ctx, "events.png")
	if got.Pwned != nil || dialogs.Load() != 0 {
		t.Errorf("a hostile value ran as script: window.pwned = %v, %d dialogs", got.Pwned, dialogs.Load())
	}
	if got.Scripts != 0 || got.Injected != 0 {
		t.Errorf("hostile markup became elements: %d script elements, %d injected elements", got.Scripts, got.Injected)
	}
	if len(got.Rows) != 4 {
		t.Fatalf("%d rows, want 4: %v", len(got.Rows), got.Rows)
	}
	// Newest first: the teardown, the router's failure, the hostile failure, the first one.
	want := []map[string]string{
		{"kind": "tunnel_down", "peer": "203.0.113.20", "reason": "dpd_timeout", "teardown_class": "outage", "reason_text": "dpd timeout"},
		{"kind": "negotiation_failure", "notification": "hwIPSecNegotiationFail", "peer": "198.51.100.7", "reason": "unknown", "reason_text": hostileReason},
		{"kind": "negotiation_failure", "peer": hostilePeer, "interface": hostileInterface, "vsys": hostileVsys, "reason": "phase1_proposal_mismatch", "reason_code": "1"},
		{"kind": "negotiation_failure", "peer": "203.0.113.9", "peer_port": "500", "interface": "GigabitEthernet0/0/1",
			"reason": "responder_dh_mismatch", "reason_code": "6", "reason_text": "responder dh mismatch", "seq_num": "10", "device": "127.0.0.1"},
	}
	for i, w := range want {
		for field, v := range w {
			if got.Rows[i][field] != v {
				t.Errorf("row %d: %s shows %q, want %q", i, field, got.Rows[i][field], v)
			}
		}
	}

	// The filter form is a plain GET form: typing the hostile peer and
	// submitting it selects its row, still inert.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`input[name="peer"]`), hostilePeer),
		chromedp.Submit(chromedp.CSS(`form.filters`)),
	); err != nil {
		t.Fatal(err)
	}
	testenv.WaitLocation(t, ctx, "peer="+url.QueryEscape(hostilePeer))
	got = readPage(t, ctx)
	if len(got.Rows) != 1 || got.Rows[0]["peer"] != hostilePeer || got.Rows[0]["interface"] != hostileInterface {
		t.Errorf("filtered by the hostile peer: %v", got.Rows)
	}
	if got.Pwned != nil || got.Scripts != 0 || got.Injected != 0 || dialogs.Load() != 0 {
		t.Errorf("the filtered page ran or built hostile markup: %+v, %d dialogs", got, dialogs.Load())
	}

	// The reason's page counts what the exporter received.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.WebURL+"/reasons/responder_dh_mismatch"), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	count, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-count="responder_dh_mismatch"]`)))
	if err != nil || count != "1" {
		t.Errorf("/reasons/responder_dh_mismatch count = %q (%v), want 1", count, err)
	}
	testenv.Screenshot(t, ctx, "reason.png")
}

func readPage(t *testing.T, ctx context.Context) pageState {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](readEvents))
	if err != nil {
		t.Fatal(err)
	}
	var s pageState
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return s
}
