package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// defaultEventLimit is how many events a page or an API answer shows when
// the request does not say.
const defaultEventLimit = 100

// eventKinds are the values of the kind filter, in the order the form
// lists them.
var eventKinds = []mib.Kind{mib.KindNegotiationFailure, mib.KindTunnelDown, mib.KindTunnelUp, mib.KindNotification}

// eventFilter selects events; an empty field matches everything.
type eventFilter struct {
	Device, Peer, Reason, Kind string
	Limit                      int
}

// parseFilter reads the query parameters device, peer, reason (a slug, a
// code, or a text as sent), kind and limit.
func parseFilter(q url.Values) (eventFilter, error) {
	f := eventFilter{
		Device: strings.TrimSpace(q.Get("device")),
		Peer:   strings.TrimSpace(q.Get("peer")),
		Reason: strings.TrimSpace(q.Get("reason")),
		Kind:   strings.TrimSpace(q.Get("kind")),
		Limit:  defaultEventLimit,
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, fmt.Errorf("limit must be a positive integer, not %q", v)
		}
		f.Limit = n
	}
	if f.Kind != "" && !slices.ContainsFunc(eventKinds, func(k mib.Kind) bool { return k.String() == f.Kind }) {
		names := make([]string, len(eventKinds))
		for i, k := range eventKinds {
			names[i] = k.String()
		}
		return f, fmt.Errorf("kind must be one of %s, not %q", strings.Join(names, ", "), f.Kind)
	}
	return f, nil
}

// query is the filter as a query string ("" or "?..."), with the limit
// only when it is not the default.
func (f eventFilter) query() string {
	q := url.Values{}
	for k, v := range map[string]string{"device": f.Device, "peer": f.Peer, "reason": f.Reason, "kind": f.Kind} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Limit != defaultEventLimit {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func (f eventFilter) match(ev *pipeline.Event) bool {
	if f.Device != "" && ev.Device != f.Device || f.Peer != "" && ev.Peer != f.Peer ||
		f.Kind != "" && ev.Kind.String() != f.Kind {
		return false
	}
	if f.Reason != "" {
		slug := mib.Slug(f.Reason)
		return f.Reason == ev.ReasonCode || f.Reason == ev.Reason || slug != "" && slug == ev.Reason
	}
	return true
}

// selectEvents returns the newest events that match, at most f.Limit, and
// how many the buffer holds in all.
func (p *Pages) selectEvents(f eventFilter) (matched []pipeline.Event, held int) {
	all := p.opts.Recent.Last(0)
	for i := range all {
		if len(matched) == f.Limit {
			break
		}
		if f.match(&all[i]) {
			matched = append(matched, all[i])
		}
	}
	return matched, len(all)
}

// eventJSON is the wire form of an event on /api/v1/events.
type eventJSON struct {
	Time         time.Time `json:"time"`
	Kind         string    `json:"kind"`
	Notification string    `json:"notification"`
	Device       string    `json:"device"`
	Peer         string    `json:"peer,omitempty"`
	PeerPort     string    `json:"peer_port,omitempty"`
	Interface    string    `json:"interface,omitempty"`
	Vsys         string    `json:"vsys,omitempty"`
	ReasonCode   string    `json:"reason_code,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	ReasonText   string    `json:"reason_text,omitempty"`
	// TeardownClass is the class of a down transition's reason.
	TeardownClass string `json:"teardown_class,omitempty"`
	SeqNum        string `json:"seq_num,omitempty"`
	PolicyName    string `json:"policy_name,omitempty"`
	LocalAddress  string `json:"local_address,omitempty"`
	IKEVersion    string `json:"ike_version,omitempty"`
	Status        string `json:"status,omitempty"`
	TunnelVPN     string `json:"tunnel_vpn,omitempty"`
	FlowVPN       string `json:"flow_vpn,omitempty"`
	Certificate   string `json:"certificate,omitempty"`
}

func toJSON(ev *pipeline.Event) eventJSON {
	out := eventJSON{
		Time: ev.Time.UTC(), Kind: ev.Kind.String(), Notification: ev.Notification,
		Device: ev.Device, Peer: ev.Peer, PeerPort: ev.PeerPort, Interface: ev.Interface, Vsys: ev.Vsys,
		ReasonCode: ev.ReasonCode, Reason: ev.Reason, ReasonText: ev.ReasonText,
		SeqNum: ev.SeqNum, PolicyName: ev.PolicyName, LocalAddress: ev.LocalAddress, IKEVersion: ev.IKEVersion,
		Status: ev.Status, TunnelVPN: ev.TunnelVPN, FlowVPN: ev.FlowVPN, Certificate: ev.Certificate,
	}
	if ev.Kind == mib.KindTunnelDown {
		out.TeardownClass = string(mib.TeardownClassOf(ev.Reason))
	}
	return out
}

// eventsJSON serves the newest matching events as JSON, newest first.
func (p *Pages) eventsJSON(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	events, _ := p.selectEvents(f)
	out := make([]eventJSON, len(events))
	for i := range events {
		out[i] = toJSON(&events[i])
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

// detail is one field of an event that has no column of its own.
type detail struct{ Name, Value string }

// eventRow is an event as the page shows it, with what the catalogue says
// about it.
type eventRow struct {
	pipeline.Event
	Time          string
	Kind          string
	TeardownClass string
	Details       []detail
	// ReasonLink is the slug of the reason's /reasons page, empty when the
	// event has no catalogued reason.
	ReasonLink string
	Advice     *advice
	// AdviceHTML is Advice as rendered for this page.
	AdviceHTML template.HTML
}

// advice is the catalogue's word on an event: a failure's remediation, a
// teardown's guidance, or what a notification announces.
type advice struct {
	// key names the catalogue entry the advice comes from, for the cache
	// of rendered advice (Pages.adviceHTML).
	key    string
	Label  string // Remediation, Guidance, Meaning
	Title  string
	Source string // "vendor procedure", "project guidance", ...
	Text   string
	Extra  string // escalation step or the alert that fires
	Anchor string // runbook section, empty when none
}

// detailFields are shown in the details cell, in this order, when sent.
var detailFields = []mib.Field{mib.FieldSeqNum, mib.FieldPolicyName, mib.FieldLocalAddress,
	mib.FieldIKEVersion, mib.FieldStatus, mib.FieldTunnelVPN, mib.FieldFlowVPN, mib.FieldCertificate}

func newEventRow(ev *pipeline.Event) eventRow {
	row := eventRow{Event: *ev, Time: ev.Time.UTC().Format(time.RFC3339), Kind: ev.Kind.String()}
	for _, f := range detailFields {
		if v := ev.Field(f); v != "" {
			row.Details = append(row.Details, detail{Name: f.String(), Value: v})
		}
	}
	switch ev.Kind {
	case mib.KindNegotiationFailure:
		fe := failureOf(ev)
		row.ReasonLink = fe.Reason.Slug
		row.Advice = failureAdvice(fe)
	case mib.KindTunnelDown:
		row.TeardownClass = string(mib.TeardownClassOf(ev.Reason))
		if te, ok := teardownOf(ev.Reason); ok {
			row.ReasonLink = te.Teardown.Slug
			row.Advice = teardownAdvice(te)
		}
	case mib.KindNotification:
		// Counted by name only: what the notification means, and for the
		// ones that announce a failure, what fails next.
		if n, ok := mib.NotificationByName(ev.Notification); ok && n.Description != "" {
			row.Advice = &advice{key: "notification:" + n.Name, Label: "Meaning", Title: n.Description, Source: "project guidance", Text: n.Predicts,
				Anchor: alerts.NotificationAnchor(n.Name)}
		}
	}
	return row
}

// failureOf finds the catalogue entry of a failure event: by the code it
// carried, else by its reason slug (router text), else the unknown reason.
func failureOf(ev *pipeline.Event) alerts.FailureEntry {
	return failureEntry(ev.ReasonCode, ev.Reason)
}

// teardownOf finds the entry of a teardown slug; a down without a reason
// has none.
func teardownOf(slug string) (alerts.TeardownEntry, bool) {
	if t, ok := mib.TeardownBySlug(slug); ok {
		return alerts.TeardownEntryOf(t), true
	}
	if slug == mib.OtherOfflineReason {
		return alerts.OtherTeardown(), true
	}
	return alerts.TeardownEntry{}, false
}

func failureAdvice(fe alerts.FailureEntry) *advice {
	a := &advice{key: "failure:" + fe.Group.Name, Label: "Remediation", Title: fe.Group.Title, Source: "vendor procedure", Text: fe.Group.Remediation,
		Extra: "Escalation (vendor procedure): " + mib.EscalationProcedure, Anchor: fe.Anchor}
	if !fe.Group.Vendor {
		a.Source = "project guidance, not from the vendor reference"
	}
	if len(fe.Group.Supplementary) > 0 {
		a.Text += " " + strings.Join(fe.Group.Supplementary, " ")
	}
	return a
}

func teardownAdvice(te alerts.TeardownEntry) *advice {
	return &advice{key: "teardown:" + te.Teardown.Slug, Label: "Guidance", Title: te.Teardown.Meaning, Source: "project guidance, not from the vendor reference",
		Text: te.Teardown.Guidance, Extra: alertLine(te.Alert), Anchor: te.Anchor}
}

func alertLine(alert string) string {
	if alert == "" {
		return ""
	}
	return "Alert " + alert + " fires on this reason."
}

// eventsPage is the data of the /events page.
type eventsPage struct {
	Filter                  eventFilter
	Kinds                   []string
	Rows                    []eventRow
	Held, Kept              int
	Devices, Peers, Reasons []string // suggestions for the filter fields
	Filtered                bool
	// APIURL is the same selection on /api/v1/events, relative to the root.
	APIURL string
}

// maxSuggestions bounds the datalists: a thousand spoofed peers must not
// make the page a megabyte of options.
const maxSuggestions = 200

func (p *Pages) events(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r.URL.Query())
	if err != nil {
		p.errorPage(w, r, http.StatusBadRequest, err.Error())
		return
	}
	events, held := p.selectEvents(f)
	data := eventsPage{Filter: f, Held: held, Kept: p.opts.EventsKept,
		Filtered: f.Device != "" || f.Peer != "" || f.Reason != "" || f.Kind != "",
		APIURL:   "api/v1/events" + f.query()}
	for _, k := range eventKinds {
		data.Kinds = append(data.Kinds, k.String())
	}
	root := rootOf(r)
	for i := range events {
		row := newEventRow(&events[i])
		row.AdviceHTML = p.adviceHTML(root, row.Advice)
		data.Rows = append(data.Rows, row)
	}
	data.Devices, data.Peers, data.Reasons = p.suggestions()
	p.render(w, r, http.StatusOK, "events.html", page{Title: "Recent events", Nav: "events", Data: data, sizeHint: 16<<10 + 2<<10*len(data.Rows)})
}

// suggestions are the distinct devices, peers and reasons in the buffer.
func (p *Pages) suggestions() (devices, peers, reasons []string) {
	seen := map[string]bool{}
	add := func(list *[]string, kind, v string) {
		if v == "" || len(*list) >= maxSuggestions || seen[kind+"\x00"+v] {
			return
		}
		seen[kind+"\x00"+v] = true
		*list = append(*list, v)
	}
	for _, ev := range p.opts.Recent.Last(0) {
		add(&devices, "d", ev.Device)
		add(&peers, "p", ev.Peer)
		add(&reasons, "r", ev.Reason)
	}
	slices.Sort(devices)
	slices.Sort(peers)
	slices.Sort(reasons)
	return devices, peers, reasons
}
