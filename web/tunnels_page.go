package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// tunnelJSON is the wire form of a tunnel on /api/v1/tunnels.
type tunnelJSON struct {
	Device    string `json:"device"`
	Peer      string `json:"peer"`
	Interface string `json:"interface,omitempty"`
	Vsys      string `json:"vsys,omitempty"`
	State     string `json:"state"`
	Planned   bool   `json:"planned"`
	// Since is when the tunnel went into its state; absent for unknown.
	Since      *time.Time `json:"since,omitempty"`
	LastUpdate *time.Time `json:"last_update,omitempty"`
	// The last teardown, kept while the tunnel is up again.
	DownReason       string        `json:"down_reason,omitempty"`
	TeardownClass    string        `json:"teardown_class,omitempty"`
	TeardownGuidance string        `json:"teardown_guidance,omitempty"`
	Downs24h         int           `json:"downs_24h"`
	Failures         []failureJSON `json:"failures,omitempty"`
	MoreFailures     int           `json:"more_failures,omitempty"`
}

// failureJSON is one failure reason of a tunnel's peer in the last day.
type failureJSON struct {
	Reason           string    `json:"reason"`
	ReasonCode       string    `json:"reason_code,omitempty"`
	Interface        string    `json:"interface,omitempty"`
	Count            float64   `json:"count"`
	Last             time.Time `json:"last"`
	RemediationGroup string    `json:"remediation_group"`
	Remediation      string    `json:"remediation"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func (t *tunnel) toJSON() tunnelJSON {
	out := tunnelJSON{Device: t.Device, Peer: t.Peer, Interface: t.Interface, Vsys: t.Vsys, State: t.State,
		Planned: t.Planned, Since: timePtr(t.Since), LastUpdate: timePtr(t.LastUpdate), DownReason: t.DownReason,
		Downs24h: t.DownsLastDay, MoreFailures: t.MoreFailures}
	if t.State != stateUnknown && (t.State == stateDown || t.DownReason != "") {
		out.TeardownClass = string(mib.TeardownClassOf(t.DownReason))
	}
	if t.Teardown != nil {
		out.TeardownGuidance = t.Teardown.Teardown.Guidance
	}
	for _, f := range t.Failures {
		out.Failures = append(out.Failures, failureJSON{Reason: f.Reason, ReasonCode: f.ReasonCode, Interface: f.Interface,
			Count: f.Count, Last: f.Last.UTC(), RemediationGroup: f.Entry.Group.Name, Remediation: f.Entry.Remediation})
	}
	return out
}

// tunnelsJSON serves the matching tunnels as JSON, in the page's order.
func (p *Pages) tunnelsJSON(w http.ResponseWriter, r *http.Request) {
	f, err := parseTunnelFilter(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rows, _ := p.selectTunnels(p.tunnels(p.now()), f)
	out := make([]tunnelJSON, len(rows))
	for i, t := range rows {
		out[i] = t.toJSON()
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

// tunnelRow is a tunnel as the page shows it: flat, with its text ready,
// so that a page of thousands of rows costs little more than its bytes.
type tunnelRow struct {
	State                         string
	Planned                       bool
	Device, Peer, Interface, Vsys string
	Since, For, LastSeen          string
	// DownReason is the last teardown's slug, ReasonLink its /reasons page
	// (empty outside the catalogue), Class its class.
	DownReason, ReasonLink, Class string
	Guidance                      template.HTML
	DownsLastDay                  int
	Lines                         []failureLine
	MoreFailures                  int
}

// failureLine is one of a peer's failure reasons on /tunnels.
type failureLine struct {
	Reason, ReasonCode, Link, Last string
	Count                          float64
	Advice                         template.HTML
}

func (p *Pages) newTunnelRow(t *tunnel, now time.Time, root string) tunnelRow {
	row := tunnelRow{State: t.State, Planned: t.Planned, Device: t.Device, Peer: t.Peer, Interface: t.Interface, Vsys: t.Vsys,
		DownReason: t.DownReason, DownsLastDay: t.DownsLastDay, MoreFailures: t.MoreFailures}
	if !t.Since.IsZero() {
		row.Since, row.For = t.Since.UTC().Format(time.RFC3339), humanDuration(now.Sub(t.Since))
	}
	if !t.Last.IsZero() {
		row.LastSeen = t.Last.UTC().Format(time.RFC3339)
	}
	if t.State == stateDown || t.DownReason != "" {
		row.Class = string(mib.TeardownClassOf(t.DownReason))
	}
	if t.Teardown != nil {
		row.ReasonLink = t.Teardown.Teardown.Slug
		row.Guidance = p.adviceHTML(root, teardownAdvice(*t.Teardown))
	}
	for _, f := range t.Failures {
		row.Lines = append(row.Lines, failureLine{Reason: f.Reason, ReasonCode: f.ReasonCode, Link: f.Entry.Reason.Slug,
			Last: f.Last.UTC().Format(time.RFC3339), Count: f.Count, Advice: p.adviceHTML(root, failureAdvice(f.Entry))})
	}
	return row
}

// humanDuration says how long ago, to the two largest units.
func humanDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh %dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
}

// tunnelsPage is the data of the /tunnels page.
type tunnelsPage struct {
	Filter         tunnelFilter
	States         []string
	Rows           []tunnelRow
	Counts         tunnelCounts // of every tunnel that matches
	Matched        int
	Devices, Peers []string // suggestions for the filter fields
	Filtered       bool
	APIURL         string
	Now            string
}

func (p *Pages) tunnelsPage(w http.ResponseWriter, r *http.Request) {
	f, err := parseTunnelFilter(r.URL.Query())
	if err != nil {
		p.errorPage(w, r, http.StatusBadRequest, err.Error())
		return
	}
	now := p.now()
	set := p.tunnels(now)
	rows, counts := p.selectTunnels(set, f)
	data := tunnelsPage{Filter: f, States: tunnelStates, Counts: counts,
		Matched:  counts.Down + counts.DownPlanned + counts.Unknown + counts.Up,
		Filtered: f.Device != "" || f.Peer != "" || f.State != "",
		APIURL:   "api/v1/tunnels" + f.query(), Now: now.UTC().Format(time.RFC3339)}
	root := rootOf(r)
	data.Rows = make([]tunnelRow, 0, len(rows))
	for _, t := range rows {
		data.Rows = append(data.Rows, p.newTunnelRow(t, now, root))
	}
	data.Devices, data.Peers = set.suggestions()
	p.render(w, r, http.StatusOK, "tunnels.html", page{Title: "Tunnels", Nav: "tunnels", Data: data, sizeHint: 16<<10 + 2<<10*len(data.Rows)})
}

// suggestions are the distinct devices and peers, at most maxSuggestions
// each, the first ones in the page's order (down ones first).
func (s tunnelSet) suggestions() (devices, peers []string) {
	seenDevice, seenPeer := map[string]bool{}, map[string]bool{}
	for _, t := range s.all {
		if len(devices) < maxSuggestions && !seenDevice[t.Device] {
			seenDevice[t.Device] = true
			devices = append(devices, t.Device)
		}
		if len(peers) < maxSuggestions && !seenPeer[t.Peer] {
			seenPeer[t.Peer] = true
			peers = append(peers, t.Peer)
		}
		if len(devices) == maxSuggestions && len(peers) == maxSuggestions {
			break
		}
	}
	slices.Sort(devices)
	slices.Sort(peers)
	return devices, peers
}
