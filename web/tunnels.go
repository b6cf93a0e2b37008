package web

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/collector"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// defaultTunnelLimit is how many tunnels a page or an API answer shows when
// the request does not say: down ones come first, so they are all there
// unless hundreds are down.
const defaultTunnelLimit = 500

// recentFailureWindow is how far back a peer's negotiation failures count
// as recent on /tunnels: the same day as the downs it shows.
const recentFailureWindow = 24 * time.Hour

// maxFailuresShown bounds the failure reasons shown per tunnel, newest
// first; the rest are counted.
const maxFailuresShown = 5

// Tunnel states as the pages and the API name them. A peer that failed to
// negotiate but never sent an up or down is "unknown": a tunnel that never
// came up is the first thing a NOC shift looks for.
const (
	stateDown    = "down"
	stateUp      = "up"
	stateUnknown = "unknown"
)

var tunnelStates = []string{stateDown, stateUnknown, stateUp}

// tunnelFilter selects tunnels; an empty field matches everything.
type tunnelFilter struct {
	Device, Peer, State string
	Limit               int
}

func parseTunnelFilter(q url.Values) (tunnelFilter, error) {
	f := tunnelFilter{
		Device: strings.TrimSpace(q.Get("device")),
		Peer:   strings.TrimSpace(q.Get("peer")),
		State:  strings.TrimSpace(q.Get("state")),
		Limit:  defaultTunnelLimit,
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, fmt.Errorf("limit must be a positive integer, not %q", v)
		}
		f.Limit = n
	}
	if f.State != "" && !slices.Contains(tunnelStates, f.State) {
		return f, fmt.Errorf("state must be one of %s, not %q", strings.Join(tunnelStates, ", "), f.State)
	}
	return f, nil
}

// query is the filter as a query string ("" or "?...").
func (f tunnelFilter) query() string {
	q := url.Values{}
	for k, v := range map[string]string{"device": f.Device, "peer": f.Peer, "state": f.State} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Limit != defaultTunnelLimit {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func (f tunnelFilter) match(t *tunnel) bool {
	return (f.Device == "" || t.Device == f.Device) && (f.Peer == "" || t.Peer == f.Peer) &&
		(f.State == "" || t.State == f.State)
}

// tunnel is one tunnel with what the catalogues say about it.
type tunnel struct {
	collector.TunnelView
	State string
	// Teardown is the catalogue's entry of DownReason; nil when the tunnel
	// was never seen down.
	Teardown *alerts.TeardownEntry
	// Failures are the peer's negotiation failures of the last day, by
	// reason, newest first; MoreFailures counts the reasons left out.
	Failures     []peerFailure
	MoreFailures int
	// Last is when anything was last heard of it: its last notification,
	// or for an unknown tunnel its last failure.
	Last time.Time
}

// peerFailure is one failure reason of a peer: every series of the device,
// peer and reason summed.
type peerFailure struct {
	collector.FailureView // the newest series
	Count                 float64
	Entry                 alerts.FailureEntry
}

// rank orders tunnels: unplanned downs, then peers failing with no known
// state, then planned downs, then up ones.
func (t *tunnel) rank() int {
	switch {
	case t.State == stateDown && !t.Planned:
		return 0
	case t.State == stateUnknown:
		return 1
	case t.State == stateDown:
		return 2
	}
	return 3
}

// compareTunnels sorts by rank, then the newest change first, so that what
// just broke is at the top.
func compareTunnels(a, b *tunnel) int {
	return cmp.Or(cmp.Compare(a.rank(), b.rank()), b.Since.Compare(a.Since), b.Last.Compare(a.Last),
		cmp.Compare(a.Device, b.Device), cmp.Compare(a.Peer, b.Peer))
}

// peerKey is a device and a peer, the identity of a tunnel.
type peerKey struct{ Device, Peer string }

// tunnelSet is every tunnel the pipeline knows now, sorted.
type tunnelSet struct {
	all []*tunnel
}

// tunnels builds the sorted list of every tunnel: those with a known state,
// and peers that failed in the last day without one.
func (p *Pages) tunnels(now time.Time) tunnelSet {
	failing := p.recentFailures(now)
	views := p.opts.State.Tunnels(now)
	all := make([]*tunnel, 0, len(views)+len(failing))
	for i := range views {
		t := &tunnel{TunnelView: views[i], State: stateDown, Last: views[i].LastUpdate}
		if t.Up {
			t.State = stateUp
		}
		if te, ok := teardownOf(t.DownReason); ok {
			t.Teardown = &te
		}
		key := peerKey{t.Device, t.Peer}
		t.setFailures(failing[key])
		delete(failing, key)
		all = append(all, t)
	}
	for key, fs := range failing {
		t := &tunnel{TunnelView: collector.TunnelView{Device: key.Device, Peer: key.Peer}, State: stateUnknown}
		t.setFailures(fs)
		// Where it runs, as far as its newest failure says.
		t.Interface, t.Vsys, t.Last = t.Failures[0].Interface, t.Failures[0].Vsys, t.Failures[0].Last
		all = append(all, t)
	}
	slices.SortFunc(all, compareTunnels)
	return tunnelSet{all: all}
}

// recentFailures groups the failure series of the last day by device and
// peer. Counters are read after the walk, so that the index is held no
// longer than it takes to copy the labels.
func (p *Pages) recentFailures(now time.Time) map[peerKey][]collector.FailureView {
	cutoff := now.Add(-recentFailureWindow)
	out := map[peerKey][]collector.FailureView{}
	for f := range p.opts.State.FailureSeries() {
		if f.Last.Before(cutoff) {
			continue
		}
		key := peerKey{f.Device, f.Peer}
		out[key] = append(out[key], f)
	}
	return out
}

// setFailures sums a peer's series by reason, newest reason first.
func (t *tunnel) setFailures(series []collector.FailureView) {
	byReason := map[[2]string]*peerFailure{}
	var out []*peerFailure
	for i := range series {
		f := &series[i]
		key := [2]string{f.Reason, f.ReasonCode}
		pf := byReason[key]
		if pf == nil {
			pf = &peerFailure{FailureView: *f, Entry: failureEntry(f.ReasonCode, f.Reason)}
			byReason[key] = pf
			out = append(out, pf)
		} else if f.Last.After(pf.Last) {
			pf.FailureView = *f
		}
		pf.Count += f.Count()
	}
	slices.SortFunc(out, func(a, b *peerFailure) int {
		return cmp.Or(b.Last.Compare(a.Last), cmp.Compare(a.Reason, b.Reason), cmp.Compare(a.ReasonCode, b.ReasonCode))
	})
	if len(out) > maxFailuresShown {
		t.MoreFailures = len(out) - maxFailuresShown
		out = out[:maxFailuresShown]
	}
	for _, pf := range out {
		t.Failures = append(t.Failures, *pf)
	}
}

// tunnelCounts are the tunnels of a selection by state.
type tunnelCounts struct {
	Down, DownPlanned, Unknown, Up int
}

func (c *tunnelCounts) add(t *tunnel) {
	switch {
	case t.State == stateDown && t.Planned:
		c.DownPlanned++
	case t.State == stateDown:
		c.Down++
	case t.State == stateUnknown:
		c.Unknown++
	default:
		c.Up++
	}
}

// selectTunnels returns the first f.Limit tunnels that match and the counts
// of all that match.
func (s tunnelSet) selectTunnels(f tunnelFilter) (matched []*tunnel, counts tunnelCounts) {
	for _, t := range s.all {
		if !f.match(t) {
			continue
		}
		counts.add(t)
		if len(matched) < f.Limit {
			matched = append(matched, t)
		}
	}
	return matched, counts
}

// failureEntry is the catalogue's entry of a failure series: by its code,
// else its reason slug, else the unknown reason.
func failureEntry(code, reason string) alerts.FailureEntry {
	if c, err := strconv.Atoi(code); err == nil {
		if r, ok := mib.ReasonByCode(c); ok {
			return alerts.FailureEntryOf(r)
		}
	}
	if r, ok := mib.ReasonBySlug(reason); ok {
		return alerts.FailureEntryOf(r)
	}
	return alerts.UnknownFailure()
}
