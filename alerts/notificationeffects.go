package alerts

import (
	"fmt"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// NotificationEffect says, in a few words, what a notification does to the
// series.
func NotificationEffect(n mib.Notification) string {
	switch n.Kind {
	case mib.KindNegotiationFailure:
		if n.SupersededBy != "" {
			return fmt.Sprintf("a failure (reason `unknown`), until the device has sent `%s`; counted by name only after that", n.SupersededBy)
		}
		return "a failure: `" + metricdef.NegotiationFailures.Name + "`, last-failure time"
	case mib.KindTunnelUp:
		return "tunnel up: `" + metricdef.TunnelUp.Name + "` 1, a success, a state change"
	case mib.KindTunnelDown:
		return "tunnel down by the teardown reason's class, a state change"
	case mib.KindTunnelStatusChange:
		return "up or down by the status (`tunnel_status` in the config file; 1 up, 2 down by default), as tunnel start and stop; another status is counted by name only"
	}
	if n.Clears != "" {
		if c, _ := mib.NotificationByName(n.Clears); c.Kind == mib.KindNegotiationFailure {
			return fmt.Sprintf("counted by name: the clear of `%s`, not a success (the tunnel's up counts the negotiation)", n.Clears)
		}
		return fmt.Sprintf("counted by name: the clear of `%s`", n.Clears)
	}
	return "counted by name"
}
