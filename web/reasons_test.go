package web

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/html"
	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// counts returns the data-count values of a page, by reason slug.
func counts(doc *html.Node) map[string]string {
	c := map[string]string{}
	walk(doc, func(n *html.Node) {
		if slug, ok := attr(n, "data-count"); ok {
			c[slug] = text(n)
		}
	})
	return c
}

func TestReasonsPageListsBothCataloguesWithLiveCounts(t *testing.T) {
	s := newSite(t, testEvents, Options{})
	doc := s.page(t, "/reasons", http.StatusOK)
	got := counts(doc)
	// Counts come from the registry the events went into.
	want := map[string]string{"responder_dh_mismatch": "2", "phase1_proposal_mismatch": "0", mib.UnknownReason: "1",
		"dpd_timeout": "1", mib.OtherOfflineReason: "1", "phase1_sa_replace": "0"}
	for slug, v := range want {
		if got[slug] != v {
			t.Errorf("count of %s = %q, want %q", slug, got[slug], v)
		}
	}
	// Every catalogued reason has a row, with a link to its page.
	_, _, body := s.get(t, "/reasons")
	for _, r := range mib.Reasons() {
		if _, ok := got[r.Slug]; !ok {
			t.Errorf("failure reason %d (%s) missing", r.Code, r.Slug)
		}
		if !strings.Contains(body, `href="./reasons/`+r.Slug+`"`) {
			t.Errorf("no link to /reasons/%s", r.Slug)
		}
	}
	for _, td := range mib.Teardowns() {
		if _, ok := got[td.Slug]; !ok {
			t.Errorf("teardown reason %s missing", td.Slug)
		}
	}
	// Every remediation group, with its procedure and the severity of its class.
	for _, g := range alerts.AlertGroups() {
		for _, want := range []string{`id="` + g.Name + `"`, g.Remediation,
			alerts.FailureAlertName(g.Name), "sev-" + alerts.Policies[g.Class].Severity} {
			if !has(body, want) {
				t.Errorf("group %s: /reasons lacks %q", g.Name, want)
			}
		}
	}
}

func TestReasonPage(t *testing.T) {
	s := newSite(t, testEvents, Options{})
	dh, _ := mib.ReasonByCode(6)
	dhGroup, _ := mib.GroupByName(dh.Group)
	dpd, _ := mib.TeardownBySlug("dpd_timeout")
	tests := []struct {
		key   string
		count string // of the slug
		slug  string
		has   []string
	}{
		{"6", "2", dh.Slug, []string{dh.Text, dh.Cause, dhGroup.Remediation, string(dhGroup.Class),
			alerts.Policies[dhGroup.Class].Severity, alerts.FailureAlertName(dhGroup.Name), "Vendor procedure", `href="../runbook#dh_mismatch"`,
			`href="../events?reason=responder_dh_mismatch"`, "GigabitEthernet0/0/1"}},
		{dh.Slug, "2", dh.Slug, []string{dh.Cause}},
		{"responder dh mismatch", "2", dh.Slug, []string{dh.Cause}},
		{"dpd_timeout", "1", "dpd_timeout", []string{dpd.Meaning, dpd.Guidance, "outage", alerts.TeardownAlertName("dpd_timeout"),
			"Project guidance", `href="../runbook#teardown-dpd_timeout"`, "203.0.113.10"}},
		{"dpd timeout", "1", "dpd_timeout", []string{dpd.Guidance}},
		{"unknown", "1", mib.UnknownReason, []string{alerts.UnknownGroup.Remediation, "Project guidance, not from the vendor reference"}},
		{"other", "1", mib.OtherOfflineReason, []string{"not in the catalogue"}},
		{"phase1_proposal_mismatch", "0", "phase1_proposal_mismatch", []string{"Vendor procedure"}},
	}
	for _, tt := range tests {
		path := "/reasons/" + url.PathEscape(tt.key)
		doc := s.page(t, path, http.StatusOK)
		if got := counts(doc)[tt.slug]; got != tt.count {
			t.Errorf("%s: count %q, want %q", path, got, tt.count)
		}
		_, _, body := s.get(t, path)
		for _, want := range tt.has {
			if !has(body, want) {
				t.Errorf("%s lacks %q", path, want)
			}
		}
	}
	for _, key := range []string{"99", "no_such_reason", "<script>alert(1)</script>"} {
		doc := s.page(t, "/reasons/"+url.PathEscape(key), http.StatusNotFound)
		found := false
		walk(doc, func(n *html.Node) {
			if n.Data == "script" {
				t.Errorf("%q: a script element in the error page", key)
			}
			if c, _ := attr(n, "class"); c == "error" && strings.Contains(text(n), key) {
				found = true
			}
		})
		if !found {
			t.Errorf("%q: the error page does not name what was asked for", key)
		}
	}
}

// TestRunbookHasEveryAnchorTheRulesLinkTo reads the shipped rule files: every
// runbook_url fragment must be an element id on /runbook.
func TestRunbookHasEveryAnchorTheRulesLinkTo(t *testing.T) {
	s := newSite(t, nil, Options{})
	doc := s.page(t, "/runbook", http.StatusOK)
	ids := map[string]bool{}
	var links []string
	walk(doc, func(n *html.Node) {
		if id, ok := attr(n, "id"); ok {
			if ids[id] {
				t.Errorf("id %q appears twice on /runbook", id)
			}
			ids[id] = true
		}
		if href, ok := attr(n, "href"); ok && strings.HasPrefix(href, "#") {
			links = append(links, href[1:])
		}
	})
	files, err := filepath.Glob(filepath.Join("..", "alerts", "*.rules.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule files: %v", err)
	}
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, u := range runbookURLs(doc) {
			_, frag, ok := strings.Cut(u, "#")
			if !ok {
				t.Errorf("%s: runbook_url %s has no anchor", f, u)
				continue
			}
			checked++
			if !ids[frag] {
				t.Errorf("%s: runbook_url anchor #%s is not on /runbook", filepath.Base(f), frag)
			}
		}
	}
	if checked < len(alerts.AlertGroups()) {
		t.Errorf("only %d runbook_url annotations found", checked)
	}
	// The dashboards' fixed runbook links too (links built from a value,
	// such as #${__value.text}, are checked by the dashboards' own tests).
	dashboards, err := filepath.Glob(filepath.Join("..", "dashboards", "*.json"))
	if err != nil || len(dashboards) == 0 {
		t.Fatalf("no dashboards: %v", err)
	}
	anchor := regexp.MustCompile(regexp.QuoteMeta(alerts.DefaultRunbookURL) + `#([A-Za-z0-9_-]+)"`)
	fixed := 0
	for _, f := range dashboards {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range anchor.FindAllStringSubmatch(string(b), -1) {
			fixed++
			if !ids[m[1]] {
				t.Errorf("%s links to #%s, which is not on /runbook", filepath.Base(f), m[1])
			}
		}
	}
	if fixed == 0 {
		t.Errorf("no fixed runbook link found in the dashboards")
	}
	// The runbook's own table of contents resolves too.
	for _, l := range links {
		if !ids[l] {
			t.Errorf("the runbook links to #%s, which it does not have", l)
		}
	}
}

func runbookURLs(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "runbook_url" {
				out = append(out, s)
			} else {
				out = append(out, runbookURLs(x)...)
			}
		}
	case []any:
		for _, x := range v {
			out = append(out, runbookURLs(x)...)
		}
	}
	return out
}

func TestLandingPage(t *testing.T) {
	s := newSite(t, testEvents, Options{ConfigFile: "/etc/ipsec_trap_exporter.yml"})
	reload := prometheus.NewGauge(prometheus.GaugeOpts{Name: lastReloadMetric, Help: "h"})
	reloads := prometheus.NewCounterVec(prometheus.CounterOpts{Name: reloadsMetric, Help: "h"}, []string{"result"})
	s.reg.MustRegister(reload, reloads)
	reload.Set(1)
	reloads.WithLabelValues("success").Add(2)
	reloads.WithLabelValues("failure").Add(1)

	_, _, body := s.get(t, "/")
	for _, want := range []string{`href="./metrics"`, `href="./events"`, `href="./reasons"`, `href="./runbook"`, `href="./api/v1/events"`,
		"/etc/ipsec_trap_exporter.yml", "successful", "2 successful, 1 failed", "needs <code>--web.enable-lifecycle</code>", "of at most 50"} {
		if !has(body, want) {
			t.Errorf("/ lacks %q", want)
		}
	}
	reload.Set(0)
	_, _, body = s.get(t, "/")
	if !strings.Contains(body, "the previous configuration is still in force") {
		t.Errorf("a failed reload is not shown:\n%s", body)
	}
	if status, _, _ := s.get(t, "/nothing-here"); status != http.StatusNotFound {
		t.Errorf("an unknown path: %d, want 404", status)
	}

	// With the metrics at /, the landing page steps aside.
	s = newSite(t, nil, Options{MetricsPath: "/", Lifecycle: true})
	if status, _, body := s.get(t, "/"); status == http.StatusOK && strings.Contains(body, "<html") {
		t.Errorf("the landing page took / from the metrics")
	}
}
