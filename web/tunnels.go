package web

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
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

// tunnel is one tunnel with what the catalogues say about it. Building
// every tunnel costs only what sorting and counting need; resolve adds the
// rest to the few a page shows.
type tunnel struct {
	pipeline.TunnelView
	State string
	// Last is when anything was last heard of it: its last notification,
	// or for an unknown tunnel its last failure.
	Last time.Time
	// order, since and last are the sort keys (rank, Unix nanoseconds).
	order       int
	since, last int64

	// Set by resolve. Teardown is the catalogue's entry of DownReason; nil
	// when the tunnel was never seen down.
	Teardown *alerts.TeardownEntry
	// Failures are the peer's failures of the last day, by reason, newest
	// first; MoreFailures counts the reasons left out.
	Failures     []peerFailure
	MoreFailures int
	series       []pipeline.FailureView
}

// peerFailure is one failure reason of a peer: every series of the device,
// peer and reason summed.
type peerFailure struct {
	pipeline.FailureView // the newest series
	Count                float64
	Entry                alerts.FailureEntry
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

// setKeys fills the sort keys once, so that sorting thousands of tunnels
// compares integers.
func (t *tunnel) setKeys() {
	t.order = t.rank()
	if !t.Since.IsZero() {
		t.since = t.Since.UnixNano()
	}
	t.last = t.Last.UnixNano()
}

// compareTunnels sorts by rank, then the newest change first, so that what
// just broke is at the top.
func compareTunnels(a, b *tunnel) int {
	if c := cmp.Compare(a.order, b.order); c != 0 {
		return c
	}
	if c := cmp.Compare(b.since, a.since); c != 0 {
		return c
	}
	if c := cmp.Compare(b.last, a.last); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Device, b.Device); c != 0 {
		return c
	}
	return cmp.Compare(a.Peer, b.Peer)
}

// peerKey is a device and a peer, the identity of a tunnel.
type peerKey struct{ Device, Peer string }

// newestFailure is where and when a peer last failed.
type newestFailure struct {
	last        time.Time
	iface, vsys string
}

// tunnelSet is every tunnel the pipeline knows now, sorted.
type tunnelSet struct {
	all []*tunnel
	now time.Time
}

// tunnels builds the sorted list of every tunnel: those with a known state,
// and peers that failed in the last day without one.
func (p *Pages) tunnels(now time.Time) tunnelSet {
	failing := p.failingPeers(now, recentFailureWindow)
	views := p.opts.State.Tunnels(now)
	values := make([]tunnel, 0, len(views)+len(failing))
	for i := range views {
		t := tunnel{TunnelView: views[i], State: stateDown, Last: views[i].LastUpdate}
		if t.Up {
			t.State = stateUp
		}
		delete(failing, peerKey{t.Device, t.Peer})
		values = append(values, t)
	}
	for key, f := range failing {
		// Where it runs, as far as its newest failure says.
		values = append(values, tunnel{TunnelView: pipeline.TunnelView{Device: key.Device, Peer: key.Peer, Interface: f.iface, Vsys: f.vsys},
			State: stateUnknown, Last: f.last})
	}
	all := make([]*tunnel, len(values))
	for i := range values {
		values[i].setKeys()
		all[i] = &values[i]
	}
	slices.SortFunc(all, compareTunnels)
	return tunnelSet{all: all, now: now}
}

// failingPeers are the peers with a failure in the window up to now, with
// their newest failure.
func (p *Pages) failingPeers(now time.Time, window time.Duration) map[peerKey]newestFailure {
	cutoff := now.Add(-window)
	out := map[peerKey]newestFailure{}
	for f := range p.opts.State.FailureSeries() {
		if f.Last.Before(cutoff) {
			continue
		}
		key := peerKey{f.Device, f.Peer}
		if n, ok := out[key]; !ok || f.Last.After(n.last) {
			out[key] = newestFailure{f.Last, f.Interface, f.Vsys}
		}
	}
	return out
}

// resolve adds to the tunnels shown their teardown's catalogue entry and
// their peers' failures of the last day, with counts and remediation: one
// more walk over the failure series, for these tunnels only.
func (p *Pages) resolve(shown []*tunnel, now time.Time) {
	byPeer := make(map[peerKey]*tunnel, len(shown))
	for _, t := range shown {
		byPeer[peerKey{t.Device, t.Peer}] = t
	}
	cutoff := now.Add(-recentFailureWindow)
	for f := range p.opts.State.FailureSeries() {
		if t := byPeer[peerKey{f.Device, f.Peer}]; t != nil && !f.Last.Before(cutoff) {
			t.series = append(t.series, f)
		}
	}
	for _, t := range shown {
		t.resolve()
	}
}

// resolve sums the tunnel's failure series by reason, newest reason first.
func (t *tunnel) resolve() {
	if te, ok := teardownOf(t.DownReason); ok {
		t.Teardown = &te
	}
	// A peer has a few series (reasons, interfaces): a linear search beats
	// a map.
	var out []peerFailure
	for i := range t.series {
		f := &t.series[i]
		j := slices.IndexFunc(out, func(pf peerFailure) bool { return pf.Reason == f.Reason && pf.ReasonCode == f.ReasonCode })
		if j < 0 {
			out = append(out, peerFailure{FailureView: *f, Entry: failureEntry(f.ReasonCode, f.Reason)})
			j = len(out) - 1
		} else if f.Last.After(out[j].Last) {
			out[j].FailureView = *f
		}
		out[j].Count += f.Count()
	}
	t.series = nil
	slices.SortFunc(out, func(a, b peerFailure) int {
		return cmp.Or(b.Last.Compare(a.Last), cmp.Compare(a.Reason, b.Reason), cmp.Compare(a.ReasonCode, b.ReasonCode))
	})
	if len(out) > maxFailuresShown {
		t.MoreFailures = len(out) - maxFailuresShown
		out = out[:maxFailuresShown]
	}
	t.Failures = out
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

// selectTunnels returns the first f.Limit tunnels that match, resolved, and
// the counts of all that match.
func (p *Pages) selectTunnels(s tunnelSet, f tunnelFilter) (matched []*tunnel, counts tunnelCounts) {
	for _, t := range s.all {
		if !f.match(t) {
			continue
		}
		counts.add(t)
		if len(matched) < f.Limit {
			matched = append(matched, t)
		}
	}
	p.resolve(matched, s.now)
	return matched, counts
}

// failureEntries are the catalogue's entries by reason code and by slug,
// built once: a page may show thousands of failures.
var failureEntries = sync.OnceValue(func() (e struct {
	byCode map[int]alerts.FailureEntry
	bySlug map[string]alerts.FailureEntry
}) {
	e.byCode, e.bySlug = map[int]alerts.FailureEntry{}, map[string]alerts.FailureEntry{}
	for _, r := range mib.Reasons() {
		entry := alerts.FailureEntryOf(r)
		e.byCode[r.Code], e.bySlug[r.Slug] = entry, entry
	}
	return e
})

// failureEntry is the catalogue's entry of a failure series: by its code,
// else its reason slug, else the unknown reason.
func failureEntry(code, reason string) alerts.FailureEntry {
	entries := failureEntries()
	if c, err := strconv.Atoi(code); err == nil {
		if e, ok := entries.byCode[c]; ok {
			return e
		}
	}
	if e, ok := entries.bySlug[reason]; ok {
		return e
	}
	return alerts.UnknownFailure()
}
