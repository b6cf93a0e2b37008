package alerts

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// tunnelStory is one tunnel as one exporter saw it, minute by minute (the
// promtool series notation): its state, the time of its last change and
// last notification, and its down transitions with reason dpd_timeout
// ("" when this exporter saw none).
type tunnelStory struct {
	peer, instance             string
	up, change, notified, down string
}

func (s tunnelStory) series() []inputSeries {
	l := fmt.Sprintf(`{device="fw-hq-01",instance=%q,job="ipsec_trap_exporter",peer=%q`, s.instance, s.peer)
	in := []inputSeries{
		{Series: metricdef.TunnelUp.Name + l + "}", Values: s.up},
		{Series: metricdef.TunnelDownPlanned.Name + l + "}", Values: "0x480"},
		{Series: metricdef.TunnelLastChange.Name + l + "}", Values: s.change},
		{Series: metricdef.TunnelLastNotification.Name + l + "}", Values: s.notified},
	}
	if s.down != "" {
		in = append(in, inputSeries{Series: metricdef.TunnelStateChanges.Name + l + `,reason="dpd_timeout",state="down"}`, Values: s.down})
	}
	return in
}

// downAt is a tunnel both exporters saw go down at minute m (and come back
// at minute back, if back > m), over total minutes.
func downAt(peer string, m, back, total int, instances ...string) []tunnelStory {
	up := fmt.Sprintf("1x%d 0x%d", m-1, total-m)
	change := fmt.Sprintf("0x%d %dx%d", m-1, m*60, total-m)
	if back > m {
		up = fmt.Sprintf("1x%d 0x%d 1x%d", m-1, back-m-1, total-back)
		change = fmt.Sprintf("0x%d %dx%d %dx%d", m-1, m*60, back-m-1, back*60, total-back)
	}
	var out []tunnelStory
	for _, inst := range instances {
		out = append(out, tunnelStory{peer, inst, up, change, change, fmt.Sprintf("_x%d 1x%d", m, total-m)})
	}
	return out
}

func tunnelPeer(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) }

// outageTests: a hub loses DeviceWideTunnels+2 tunnels at once (dpd
// timeout), each seen going down by only one exporter of the HA pair, and
// gets them back 40 minutes later: one page, before any IPSecTunnelDown,
// held past the teardown window and for DeviceWideHold after the tunnels
// are back; one teardown ticket. One tunnel fewer than the threshold pages
// each. Tunnels lost one at a time, 20 minutes apart, over 4 hours, page
// each, although all stay down.
func outageTests(o Options) ([]unitTestGroup, error) {
	var out []unitTestGroup
	for _, build := range []func(Options) (unitTestGroup, error){hubOutageTest, fewDownTest, oneAtATimeTest} {
		g, err := build(o)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

const outageDevice = "fw-hq-01"

func atMinute(m int) string { return strconv.Itoa(m) + "m" }

// tunnelDowns are IPSecTunnelDown as it fires for the first n tunnels.
func tunnelDowns(o Options, n int) ([]expAlert, error) {
	var out []expAlert
	for i := range n {
		a, err := tunnelDownFiring(o, outageDevice, tunnelPeer(i))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// hubAlerts are the device-wide page (class outage) and ticket (dpd
// timeout) as they fire for n tunnels.
func hubAlerts(o Options, n int) (page, ticket expAlert, err error) {
	var deviceDown, deviceTeardown rule
	for _, r := range outageRules(o) {
		if r.Alert == DeviceDownAlertName && r.Labels["class"] == string(mib.TeardownOutage) {
			deviceDown = r
		}
		if r.Alert == DeviceTeardownAlertName && strings.Contains(r.Expr, `reason="dpd_timeout"`) {
			deviceTeardown = r
		}
	}
	if page, err = expandedAlertValue(deviceDown, map[string]string{"device": outageDevice}, float64(n)); err != nil {
		return page, ticket, err
	}
	ticket, err = expandedAlertValue(deviceTeardown, map[string]string{"device": outageDevice, "reason": "dpd_timeout"}, float64(n))
	return page, ticket, err
}

// hubOutageTest: down at 10m, back at 50m; tunnel i's down only reached
// exporter i%2, its up both.
func hubOutageTest(o Options) (unitTestGroup, error) {
	hub := DeviceWideTunnels + 2
	page, ticket, err := hubAlerts(o, hub)
	if err != nil {
		return unitTestGroup{}, err
	}
	const total = 70
	var in []inputSeries
	for i := range hub {
		seen, missed := testInstances[i%2], testInstances[1-i%2]
		s := downAt(tunnelPeer(i), 10, 50, total, seen)[0]
		in = append(in, s.series()...)
		in = append(in, tunnelStory{tunnelPeer(i), missed, "1x70", "0x70", "0x49 3000x20", ""}.series()...)
	}
	fires := 10 + minutes(DeviceDownFor())
	back := 50 + minutes(DeviceWideHold)
	ticketEnds := 25 + minutes(TeardownWindow)
	return unitTestGroup{
		Name:        fmt.Sprintf("%s: %d tunnels down at once, seen by one exporter each, page once before IPSecTunnelDown, until %s after they are back; one %s", DeviceDownAlertName, hub, DeviceWideHold, DeviceTeardownAlertName),
		Interval:    "1m",
		InputSeries: in,
		AlertRuleTest: []alertRuleTest{
			{EvalTime: atMinute(10), Alertname: DeviceTeardownAlertName, ExpAlerts: []expAlert{ticket}},
			{EvalTime: atMinute(10), Alertname: TeardownAlertName("dpd_timeout"), ExpAlerts: []expAlert{}},
			// The records are a group of their own: the alert may read
			// them one evaluation late (Prometheus 3's promtool does).
			{EvalTime: atMinute(fires - 1), Alertname: DeviceDownAlertName, ExpAlerts: []expAlert{}},
			{EvalTime: atMinute(fires + 1), Alertname: DeviceDownAlertName, ExpAlerts: []expAlert{page}},
			{EvalTime: atMinute(fires + 1), Alertname: "IPSecTunnelDown", ExpAlerts: []expAlert{}},
			{EvalTime: atMinute(ticketEnds - 2), Alertname: DeviceTeardownAlertName, ExpAlerts: []expAlert{ticket}},
			{EvalTime: atMinute(ticketEnds + 2), Alertname: DeviceTeardownAlertName, ExpAlerts: []expAlert{}},
			{EvalTime: atMinute(45), Alertname: DeviceDownAlertName, ExpAlerts: []expAlert{page}},
			{EvalTime: atMinute(back - 2), Alertname: DeviceDownAlertName, ExpAlerts: []expAlert{page}},
			{EvalTime: atMinute(back + 2), Alertname: DeviceDownAlertName, ExpAlerts: []expAlert{}},
		},
	}, nil
}

// fewDownTest: one tunnel fewer than the threshold, down at once.
func fewDownTest(o Options) (unitTestGroup, error) {
	n := DeviceWideTunnels - 1
	var in []inputSeries
	for i := range n {
		for _, s := range downAt(tunnelPeer(i), 10, 0, 30, testInstances...) {
			in = append(in, s.series()...)
		}
	}
	few, err := tunnelDowns(o, n)
	return unitTestGroup{
		Name:        fmt.Sprintf("%s: %d tunnels down at once page one by one", DeviceDownAlertName, n),
		Interval:    "1m",
		InputSeries: in,
		AlertRuleTest: []alertRuleTest{
			{EvalTime: atMinute(20), Alertname: DeviceDownAlertName, ExpAlerts: []expAlert{}},
			{EvalTime: atMinute(20), Alertname: DeviceTeardownAlertName, ExpAlerts: []expAlert{}},
			{EvalTime: atMinute(20), Alertname: "IPSecTunnelDown", ExpAlerts: few},
		},
	}, err
}

// oneAtATimeTest: more tunnels than the threshold, lost 20 minutes apart
// (more than DeviceWideDownWindow and TeardownWindow), all staying down.
func oneAtATimeTest(o Options) (unitTestGroup, error) {
	const apart, total = 20, 260
	n := DeviceWideTunnels + 2
	var in []inputSeries
	for i := range n {
		for _, s := range downAt(tunnelPeer(i), 10+apart*i, 0, total, testInstances...) {
			in = append(in, s.series()...)
		}
	}
	slow, err := tunnelDowns(o, n)
	last := 10 + apart*(n-1) + minutes(TunnelDownFor) + 2
	return unitTestGroup{
		Name:        fmt.Sprintf("%s: %d tunnels lost one at a time, %dm apart, page one by one, although all stay down", DeviceDownAlertName, n, apart),
		Interval:    "1m",
		InputSeries: in,
		AlertRuleTest: []alertRuleTest{
			{EvalTime: atMinute(last / 2), Alertname: DeviceDownAlertName, ExpAlerts: []expAlert{}},
			{EvalTime: atMinute(last), Alertname: DeviceDownAlertName, ExpAlerts: []expAlert{}},
			{EvalTime: atMinute(last), Alertname: DeviceTeardownAlertName, ExpAlerts: []expAlert{}},
			{EvalTime: atMinute(last), Alertname: "IPSecTunnelDown", ExpAlerts: slow},
		},
	}, err
}

// expandedAlertValue is expandedAlert with the alert's value.
func expandedAlertValue(r rule, labels map[string]string, value float64) (expAlert, error) {
	a := map[string]string{}
	for k, v := range r.Annotations {
		s, err := ExpandAnnotation(v, labels, value)
		if err != nil {
			return expAlert{}, err
		}
		a[k] = s
	}
	l := map[string]string{}
	for k, v := range labels {
		l[k] = v
	}
	for k, v := range r.Labels {
		l[k] = v
	}
	return expAlert{ExpLabels: l, ExpAnnotations: a}, nil
}
