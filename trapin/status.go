package trapin

import (
	"strconv"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// TunnelStatusMap says which values of hwIPSecTunnelStatusChange's status
// object mean up and which mean down. The MIB does not enumerate them, so the
// default follows the convention of ifOperStatus and of the router module,
// which reserves 1..2 for a tunnel status: 1 up, 2 down. The config file can
// override it for a firmware that differs.
type TunnelStatusMap map[int64]mib.Kind

// DefaultTunnelStatus is 1 up, 2 down.
var DefaultTunnelStatus = TunnelStatusMap{1: mib.KindTunnelUp, 2: mib.KindTunnelDown}

// kind resolves a status change: up, down, or, for a missing or unmapped
// status, a notification that is counted by name and leaves the tunnel's
// state alone (the raw status stays visible on /events).
func (m TunnelStatusMap) kind(status string) mib.Kind {
	if m == nil {
		m = DefaultTunnelStatus
	}
	v, err := strconv.ParseInt(status, 10, 64)
	if err != nil {
		return mib.KindNotification
	}
	if k, ok := m[v]; ok {
		return k
	}
	return mib.KindNotification
}
