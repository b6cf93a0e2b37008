package collector

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// Recent keeps the last events in a ring, for the /events page. It is the
// one place where the reason text as sent (a finer text than the catalogue's
// under the same code, or a router's free text) can be read: it never becomes
// a label, so without this it would be lost.
type Recent struct {
	mu     sync.Mutex
	events []Event
	next   int
	full   bool
}

// NewRecent keeps the last size events; size <= 0 keeps none.
func NewRecent(size int) *Recent {
	if size < 0 {
		size = 0
	}
	return &Recent{events: make([]Event, size)}
}

// Record implements Sink. It never refuses an event.
func (r *Recent) Record(ev *Event) bool {
	if len(r.events) == 0 {
		return true
	}
	r.mu.Lock()
	r.events[r.next] = *ev
	r.next++
	if r.next == len(r.events) {
		r.next, r.full = 0, true
	}
	r.mu.Unlock()
	return true
}

// Last returns up to n events, newest first.
func (r *Recent) Last(n int) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	have := r.next
	if r.full {
		have = len(r.events)
	}
	if n <= 0 || n > have {
		n = have
	}
	out := make([]Event, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, r.events[(r.next-i+len(r.events))%len(r.events)])
	}
	return out
}

// eventJSON is the wire form of an Event on /events.
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

// ServeHTTP serves the newest events as JSON; ?limit=N caps how many.
func (r *Recent) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	limit := 100
	if v := req.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			http.Error(w, "limit must be a positive integer", http.StatusBadRequest)
			return
		}
		limit = n
	}
	events := r.Last(limit)
	out := make([]eventJSON, len(events))
	for i, ev := range events {
		out[i] = eventJSON{
			Time: ev.Time.UTC(), Kind: ev.Kind.String(), Notification: ev.Notification,
			Device: ev.Device, Peer: ev.Peer, PeerPort: ev.PeerPort, Interface: ev.Interface, Vsys: ev.Vsys,
			ReasonCode: ev.ReasonCode, Reason: ev.Reason, ReasonText: ev.ReasonText,
			SeqNum: ev.SeqNum, PolicyName: ev.PolicyName, LocalAddress: ev.LocalAddress, IKEVersion: ev.IKEVersion,
			Status: ev.Status, TunnelVPN: ev.TunnelVPN, FlowVPN: ev.FlowVPN, Certificate: ev.Certificate,
		}
		if ev.Kind == KindTunnelDown {
			out[i].TeardownClass = string(mib.TeardownClassOf(ev.Reason))
		}
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}
