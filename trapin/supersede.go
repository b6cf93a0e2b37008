package trapin

import (
	"slices"
	"sync"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// maxSupersedingDevices bounds the memory an attacker with a valid community
// could make Superseding hold by spoofing agent addresses.
const maxSupersedingDevices = 100000

// Superseding remembers which devices have sent a notification that
// supersedes others (mib.Notification.SupersededBy). Older routers report a
// failed negotiation only with hwIkeSANegotiationFail / hwIPSECSANegotiationFail;
// newer ones may send those and hwIPSecNegotiationFail for the same
// negotiation. Counting the old ones only until the device has shown that it
// sends the new one counts each negotiation once on both kinds of router.
// The cost: a newer router's very first failure after the exporter starts
// may be counted twice, if its old-style notification arrives first.
type Superseding struct {
	mu   sync.RWMutex
	seen map[supersedingKey]struct{}
}

type supersedingKey struct{ device, notification string }

// NewSuperseding returns an empty memory.
func NewSuperseding() *Superseding {
	return &Superseding{seen: make(map[supersedingKey]struct{})}
}

// counts records n from device when it supersedes others and tells whether
// n still counts by its kind: false when n is superseded for this device.
func (s *Superseding) counts(n mib.Notification, device string) bool {
	if n.SupersededBy != "" {
		s.mu.RLock()
		_, superseded := s.seen[supersedingKey{device, n.SupersededBy}]
		s.mu.RUnlock()
		return !superseded
	}
	if !supersedes[n.Name] {
		return true
	}
	key := supersedingKey{device, n.Name}
	s.mu.RLock()
	_, known := s.seen[key]
	s.mu.RUnlock()
	if !known {
		s.mu.Lock()
		if len(s.seen) < maxSupersedingDevices {
			s.seen[key] = struct{}{}
		}
		s.mu.Unlock()
	}
	return true
}

// Devices returns, per superseding notification, the devices seen sending
// it: what a state file keeps across restarts.
func (s *Superseding) Devices() map[string][]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string][]string{}
	for k := range s.seen {
		out[k.notification] = append(out[k.notification], k.device)
	}
	for _, devices := range out {
		slices.Sort(devices) // a stable state file
	}
	return out
}

// Remember marks device as a sender of the superseding notification name,
// as when restoring state.
func (s *Superseding) Remember(name, device string) {
	if !supersedes[name] {
		return
	}
	s.mu.Lock()
	if len(s.seen) < maxSupersedingDevices {
		s.seen[supersedingKey{device, name}] = struct{}{}
	}
	s.mu.Unlock()
}

// supersedes is the set of notifications some other notification names in
// SupersededBy.
var supersedes = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range mib.Notifications() {
		if n.SupersededBy != "" {
			m[n.SupersededBy] = true
		}
	}
	return m
}()
