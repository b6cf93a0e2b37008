package mib

import (
	"slices"
	"strings"
)

// OtherOfflineReason is the label value for a teardown (offline) reason not
// in the catalogue, so free text from a device never becomes a label value.
const OtherOfflineReason = "other"

// TeardownClass says what a tunnel teardown means for VPN stability. Alerts,
// SLOs and dashboards work per class, so that the normal life of a tunnel (a
// rekey replacing an SA) never looks like an outage.
type TeardownClass string

const (
	// TeardownRekey: a new SA replaced the old one. The tunnel stays up, so
	// the teardown does not move ipsec_tunnel_up and is not instability.
	TeardownRekey TeardownClass = "rekey"
	// TeardownLifecycle: the tunnel ended as part of normal operation (its
	// phase 1 went, a lease ran out, DSVPN removed a shortcut). Down, but
	// planned: not instability.
	TeardownLifecycle TeardownClass = "lifecycle"
	// TeardownAdministrative: someone (an operator, AAA) took it down.
	// Down, but planned: not instability.
	TeardownAdministrative TeardownClass = "administrative"
	// TeardownPeer: the far end deleted the SA or changed its address.
	// Unplanned from this device's view: instability.
	TeardownPeer TeardownClass = "peer"
	// TeardownOutage: the peer or the path stopped answering, or a lifetime
	// ran out without a rekey. Instability, and an alert of its own.
	TeardownOutage TeardownClass = "outage"
	// TeardownSystem: the device itself moved or dropped the SA (boards,
	// hot standby, SPI collisions). Instability.
	TeardownSystem TeardownClass = "system"
	// TeardownUnknown is the class of a reason outside the catalogue
	// (OtherOfflineReason) or of a teardown without a reason: counted as
	// instability, since nothing says it was planned.
	TeardownUnknown TeardownClass = "unknown"
)

// Planned tells whether teardowns of this class are part of normal operation
// or someone's decision: they are left out of flapping and availability.
func (c TeardownClass) Planned() bool {
	return c == TeardownRekey || c == TeardownLifecycle || c == TeardownAdministrative
}

// KeepsTunnelUp tells whether the tunnel is still up after such a teardown
// (a replacement SA exists), so ipsec_tunnel_up must not drop to 0.
func (c TeardownClass) KeepsTunnelUp() bool { return c == TeardownRekey }

// deviceWideGuidance is the project's advice for many tunnels of one device
// going down at once with reasons of one unplanned class: one cause on the
// device or its path, not one per peer, so the per-reason guidance (which
// looks at one peer) is not where to start.
var deviceWideGuidance = map[TeardownClass]string{
	TeardownOutage:  "Many tunnels of this device stopped answering at once: the cause is on this device's side, not at each peer. Check the device's uplink and default route (interface state, the ISP link, the next hop), the interface the tunnels use as their source, and any firewall or NAT device in front of it; then a path the peers share (one ISP, one data-centre link). Once the path is back the tunnels renegotiate by themselves; tunnels still down after that are paged one by one.",
	TeardownPeer:    "Many peers deleted their SAs or changed address at once: something they share changed (a central peer or concentrator restarted, a configuration pushed to many peers, the DNS names of many peers, a NAT device between them and this device restarted). Look for a restart or change at that time on the peers' side.",
	TeardownSystem:  "This device moved or dropped many SAs at once: a board or CPU restart, a hot-standby switchover, a failed HRP synchronisation. Check the device's alarms, board status (display device) and hot-standby state at that time; the tunnels renegotiate by themselves once it is stable.",
	TeardownUnknown: "Many tunnels of this device went down at once without a catalogued reason (no reason sent, or text outside the catalogue). Check the device's uplink first, as for an outage, then its log buffer (display logbuffer) for the IPSec messages of that time.",
}

// DeviceWideGuidance is the project's advice when many tunnels of one
// device go down at once with reasons of this class; "" for the planned
// classes, which never make an outage.
func (c TeardownClass) DeviceWideGuidance() string { return deviceWideGuidance[c] }

// UnplannedTeardownClasses are the classes whose teardowns are instability,
// in the order the documentation uses.
func UnplannedTeardownClasses() []TeardownClass {
	var out []TeardownClass
	for _, c := range TeardownClasses() {
		if !c.Planned() {
			out = append(out, c)
		}
	}
	return out
}

// TeardownClasses lists the classes in the order the documentation uses.
func TeardownClasses() []TeardownClass {
	return []TeardownClass{TeardownRekey, TeardownLifecycle, TeardownAdministrative,
		TeardownPeer, TeardownOutage, TeardownSystem, TeardownUnknown}
}

// Teardown is one documented offline reason of a tunnel stop (firewall
// hwIPSecTrapTunnelOfflineReason) or status change (the status-change
// reason, which uses the same vocabulary).
type Teardown struct {
	Text    string // as devices write it
	Slug    string // Slug(Text): the reason label value
	Class   TeardownClass
	Meaning string // what happened, in the project's words
	// Guidance is the project's own advice; the vendor publishes no
	// procedure for teardowns, so generated text marks it as the project's.
	Guidance string
}

// teardownTable holds the 27 offline reasons Huawei's IPSec fault-cause
// reference lists. Meanings and guidance are the project's words.
var teardownTable = []Teardown{
	{Text: "aaa cut user", Class: TeardownAdministrative,
		Meaning:  "The AAA module forced the user (the remote-access or dial-up peer) offline.",
		Guidance: "Planned if an administrator or the AAA server cut the user on purpose (quota, session limit, account disabled). Otherwise check the AAA server's logs for why it ended the session."},
	{Text: "config modify or manual offline", Class: TeardownAdministrative,
		Meaning:  "An operator changed the IPSec or IKE configuration, or cleared the SA by hand.",
		Guidance: "Planned work: correlate with the change log. If nobody changed anything, review the device's command log (display history-command, the operation log) for who did."},
	{Text: "cpu table updated", Class: TeardownSystem,
		Meaning:  "The SA was moved after the device's CPU or board table changed (a board or CPU was added, removed or restarted).",
		Guidance: "Check the device's board status and alarms for a board restart or swap at that time; the tunnel normally renegotiates by itself."},
	{Text: "disconnect track nqa/bfd/vrrp", Class: TeardownOutage,
		Meaning:  "A tracked NQA test, BFD session or VRRP state went down, so the tunnel bound to it was torn down.",
		Guidance: "The tracked object says what failed: check the NQA test, BFD session or VRRP group the IPSec policy tracks, and the link or next hop it watches."},
	{Text: "dns resolution status change", Class: TeardownPeer,
		Meaning:  "The peer's domain name resolved to a different address, so the tunnel to the old address was removed.",
		Guidance: "Expected when the peer has a dynamic address. If it happens often, check the DNS records of the peer name and the resolver the device uses."},
	{Text: "dpd timeout", Class: TeardownOutage,
		Meaning:  "Dead peer detection got no answer: the peer or the path to it is gone.",
		Guidance: "Check that the peer is up and reachable from this device (ping the peer address from the tunnel's source interface), then packet loss on the path. Frequent DPD timeouts on a lossy path call for a longer DPD interval or more retries."},
	{Text: "eap delete old sa", Class: TeardownRekey,
		Meaning:  "EAP re-authentication replaced the old SA with a new one.",
		Guidance: "Normal life of a remote-access tunnel; no action."},
	{Text: "exchange timeout", Class: TeardownOutage,
		Meaning:  "A negotiation exchange with the peer got no answer in time.",
		Guidance: "Check reachability of the peer on UDP 500 and 4500 (firewalls and NAT devices on the path), and the peer's load. Look at the negotiation failures of this peer for more detail."},
	{Text: "flow overlap", Class: TeardownRekey,
		Meaning:  "A new SA covers the same traffic flow as an existing one, which was removed in its favour.",
		Guidance: "Normal when a tunnel is re-established. If it repeats for one peer, look for overlapping security ACLs between IPSec policies."},
	{Text: "hard expiry triggered by port mismatch", Class: TeardownOutage,
		Meaning:  "A NAT device on the path changed the peer's port, so the SA no longer matched and expired.",
		Guidance: "A NAT device between the peers rebinds the IPSec flow: shorten the NAT keepalive interval on the device behind NAT, or lengthen the NAT session timeout on the NAT device."},
	{Text: "hash gene adjusted", Class: TeardownSystem,
		Meaning:  "The device changed the hash it uses to spread SAs across CPUs.",
		Guidance: "Internal rebalancing; the tunnel renegotiates by itself. If it repeats, check the device's board and CPU alarms."},
	{Text: "heartbeat timeout", Class: TeardownOutage,
		Meaning:  "Heartbeat detection got no answer from the peer.",
		Guidance: "As for a DPD timeout: check that the peer is up and the path to it, then the heartbeat interval against the path's loss."},
	{Text: "ikev1 phase1-phase2 sa dependent offline", Class: TeardownLifecycle,
		Meaning:  "An IKEv1 phase 2 SA was removed together with the phase 1 SA it depends on.",
		Guidance: "Follows the phase 1 SA's own teardown: look at that teardown's reason for the cause."},
	{Text: "ip address syn failed", Class: TeardownSystem,
		Meaning:  "Address synchronisation between the hot-standby devices failed.",
		Guidance: "Check the hot-standby (HRP) channel and the state of the backup device."},
	{Text: "kick old sa with same flow", Class: TeardownRekey,
		Meaning:  "A new SA for the same flow replaced the old one.",
		Guidance: "Normal when a peer renegotiates; no action unless it repeats every few seconds, which points to two peers claiming the same flow."},
	{Text: "modecfg address soft expiry", Class: TeardownLifecycle,
		Meaning:  "The address lease the peer got from this device (mode config) expired.",
		Guidance: "Normal end of a lease; if clients are cut off too early, lengthen the address pool's lease."},
	{Text: "nhrp notify", Class: TeardownLifecycle,
		Meaning:  "NHRP (DSVPN) told the device to remove the tunnel, for example an idle spoke-to-spoke shortcut.",
		Guidance: "Normal in DSVPN; no action."},
	{Text: "peer address switch", Class: TeardownPeer,
		Meaning:  "The peer's address changed, so the tunnel to the old address was removed.",
		Guidance: "Expected for peers with dynamic addresses; if unexpected, check the peer's WAN link."},
	{Text: "peer request", Class: TeardownPeer,
		Meaning:  "The peer asked to delete the SA.",
		Guidance: "The far end took the tunnel down: look at the peer's own logs for why (reset, configuration change, its own DPD)."},
	{Text: "phase1 hard expiry", Class: TeardownOutage,
		Meaning:  "The phase 1 (IKE) SA lifetime ran out without a successful rekey.",
		Guidance: "The rekey failed: look at this peer's negotiation failures around that time, and compare IKE SA lifetimes and DPD settings at both ends."},
	{Text: "phase1 sa replace", Class: TeardownRekey,
		Meaning:  "A phase 1 rekey replaced the old IKE SA.",
		Guidance: "Normal; no action."},
	{Text: "phase2 hard expiry", Class: TeardownOutage,
		Meaning:  "The phase 2 (IPSec) SA lifetime ran out without a successful rekey.",
		Guidance: "The rekey failed: look at this peer's negotiation failures around that time, and compare IPSec SA lifetimes (time and traffic based) and PFS settings at both ends."},
	{Text: "phase2 sa replace", Class: TeardownRekey,
		Meaning:  "A phase 2 rekey replaced the old IPSec SA.",
		Guidance: "Normal; no action."},
	{Text: "re-auth timeout", Class: TeardownOutage,
		Meaning:  "Re-authentication of the peer timed out.",
		Guidance: "Check the authentication server (RADIUS, EAP) the re-authentication uses, and the path to it."},
	{Text: "receive backup delete info", Class: TeardownSystem,
		Meaning:  "The hot-standby peer told this device to delete the SA.",
		Guidance: "Follows a change on the other device of the hot-standby pair: check its logs and the HRP state."},
	{Text: "receive invalid spi notify", Class: TeardownPeer,
		Meaning:  "The peer reported an unknown SPI: it lost its SAs, for example after a reboot.",
		Guidance: "Check whether the peer restarted or failed over; if it repeats without a restart, the peer drops SAs early (lifetimes or DPD settings differ)."},
	{Text: "spi conflict", Class: TeardownSystem,
		Meaning:  "An SPI collided with an existing one and the SA was removed.",
		Guidance: "Rare; the tunnel renegotiates with a new SPI. If it repeats, collect diagnostic information for the vendor."},
}

var teardowns = func() []Teardown {
	ts := slices.Clone(teardownTable)
	for i := range ts {
		ts[i].Slug = Slug(ts[i].Text)
	}
	slices.SortFunc(ts, func(a, b Teardown) int { return strings.Compare(a.Slug, b.Slug) })
	return ts
}()

var teardownsBySlug = func() map[string]Teardown {
	m := make(map[string]Teardown, len(teardowns))
	for _, t := range teardowns {
		m[t.Slug] = t
	}
	return m
}()

// Teardowns returns the teardown catalogue sorted by slug.
func Teardowns() []Teardown { return slices.Clone(teardowns) }

// TeardownBySlug looks a teardown reason up by its label value.
func TeardownBySlug(slug string) (Teardown, bool) {
	t, ok := teardownsBySlug[slug]
	return t, ok
}

// OfflineReasons returns the slugs of the catalogued teardown reasons.
func OfflineReasons() []string {
	s := make([]string, len(teardowns))
	for i, t := range teardowns {
		s[i] = t.Slug
	}
	return s
}

// OfflineReasonSlug maps a teardown reason text to its label value: its slug
// when catalogued, OtherOfflineReason otherwise. An absent reason (empty or
// blank text) maps to "", which is also the reason label of an up
// transition.
func OfflineReasonSlug(text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	s := Slug(text)
	if _, ok := teardownsBySlug[s]; ok {
		return s
	}
	return OtherOfflineReason
}

// TeardownClassOf returns the class of a reason label value: the
// catalogue's class, or TeardownUnknown for OtherOfflineReason and "".
func TeardownClassOf(slug string) TeardownClass {
	if t, ok := teardownsBySlug[slug]; ok {
		return t.Class
	}
	return TeardownUnknown
}

// TeardownSlugs returns the slugs of the catalogued reasons of the given
// classes, sorted; generated rules match on them.
func TeardownSlugs(classes ...TeardownClass) []string {
	var out []string
	for _, t := range teardowns {
		if slices.Contains(classes, t.Class) {
			out = append(out, t.Slug)
		}
	}
	return out
}
