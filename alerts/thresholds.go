package alerts

// The thresholds people tune: how many failures of which class, in which
// window, for how long, before someone is told. Change them here and run
// go generate ./alerts; the rule files, their tests and the runbook follow.

import "github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"

// Policy is how a class of failure reasons turns into an alert: how many
// failures in which window, and for how long, before someone is told.
type Policy struct {
	Severity  string
	Window    string // range of the increase; also the "new series" horizon
	Threshold int    // failures in Window
	For       string
	Why       string // the reasoning, written into the rule file
}

// Policies holds the thresholds per class in one place.
var Policies = map[mib.Class]Policy{
	mib.ClassCapacityLimit: {
		Severity: "critical", Window: "15m", Threshold: 1, For: "1m",
		Why: "A device limit (routes, tunnels, dynamic peers) is reached: no new tunnel can come up until someone acts, and the condition does not heal by retrying. One failure is already proof, so the alert fires on the first one; for: 1m only rides out a scrape that sees the counter before the rest of the HA pair does.",
	},
	mib.ClassConfigurationMismatch: {
		Severity: "warning", Window: "15m", Threshold: 3, For: "5m",
		Why: "The two ends disagree and stay so until one is corrected. Devices retry a failed negotiation within seconds to a minute, so a real mismatch produces many failures in 15 minutes. A single failure during a rekey, or while an operator changes both ends one after the other, stays below 3 and does not fire. for: 5m asks that it lasts beyond a maintenance step.",
	},
	mib.ClassProtocolAnomaly: {
		Severity: "warning", Window: "15m", Threshold: 5, For: "5m",
		Why: "Packets the device cannot parse or match come from a broken, incompatible or hostile peer, and a few stray ones (a peer restarting mid-exchange, a scan) are normal on an Internet-facing device. Five in 15 minutes, lasting 5 minutes, is a pattern worth a ticket.",
	},
	mib.ClassTransient: {
		Severity: "warning", Window: "1h", Threshold: 6, For: "15m",
		Why: "Races and rate limits (rekey collisions, first-packet limiting, retransmissions) heal by themselves and happen now and then on any busy device, so single failures are noise. Six in an hour, for 15 minutes, means the peer keeps failing: a warning (ticket), not a page, because the tunnel-down and SLO alerts page when users are actually cut off.",
	},
}

// DeviceWidePeers is how many peers of one device must meet the per-peer
// condition of one remediation group before a single device-wide alert
// (IPSecNegotiationFailingDeviceWide) replaces their per-peer alerts: one
// cause on the device (an expired certificate, a changed proposal, a limit
// reached), one notification instead of one per peer. Ten is more peers than
// fail together by coincidence on a hub, and few enough that a small device
// losing most of its spokes still gets one alert.
const DeviceWidePeers = 10

// DeviceWideLead is how much sooner than the per-peer alerts the device-wide
// alert fires (its for: is the class's For minus this, at least 0), so that
// it is in Alertmanager, inhibiting, before any per-peer alert of the same
// incident is notified: peers that reach the per-peer threshold within this
// lead (plus Alertmanager's group_wait) of each other are never notified one
// by one.
const DeviceWideLead = "1m"

// DeviceWideTunnels is how many tunnels of one device must go down together
// before a single device-wide alert replaces their per-tunnel ones: down
// within DeviceWideDownWindow of each other and still down
// (IPSecTunnelDownDeviceWide, a page instead of one IPSecTunnelDown per
// tunnel), or torn down for one outage reason within TeardownWindow
// (IPSecTunnelTeardownDeviceWide, a ticket instead of one per tunnel). A hub
// losing its uplink loses every tunnel within a DPD timeout; tunnels that go
// down one at a time, minutes or hours apart, are separate incidents and page
// one by one. Ten, as for negotiation failures: more than fail together by
// coincidence on a hub, few enough for a small device.
const DeviceWideTunnels = 10

// DeviceWideDownWindow is how close together the downs of one device's
// tunnels must be to count as one outage. Downs are grouped into windows of
// this length (and of the same length shifted by half), so that a burst
// shorter than half of it always lands in one: 10m groups a hub's tunnels
// timing out over a few DPD intervals, and keeps apart tunnels lost one at a
// time.
const DeviceWideDownWindow = "10m"

// DeviceWideHold is how long the device-wide tunnel-down alert keeps firing
// (keep_firing_for) once fewer than DeviceWideTunnels of its tunnels are
// still down: the stragglers of a hub coming back renegotiate within
// minutes, and are not paged one by one; those still down after it are.
const DeviceWideHold = "10m"
