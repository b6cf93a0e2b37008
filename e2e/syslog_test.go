package e2e_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// syslogVariants are the ways logger(1) sends: both transports, both
// formats, both TCP framings.
var syslogVariants = [][]string{
	{"--udp", "--rfc3164"},
	{"--udp", "--rfc5424"},
	{"--tcp", "--rfc3164"},
	{"--tcp", "--rfc5424"},
	{"--tcp", "--rfc3164", "--octet-count"},
	{"--tcp", "--rfc5424", "--octet-count"},
}

// eventSeries renders the series events make, label set and value, so that
// two exporters can be compared. The last-failure gauge holds arrival
// times, so only its label sets are compared.
func eventSeries(families map[string]*dto.MetricFamily) []string {
	var out []string
	for _, name := range []string{
		"ipsec_negotiation_failures_total", "ipsec_negotiation_last_failure_timestamp_seconds",
		"ipsec_negotiation_successes_total", "ipsec_tunnel_up", "ipsec_tunnel_down_planned",
		"ipsec_tunnel_state_changes_total", "ipsec_device_notifications_total", "ipsec_notifications_total",
	} {
		for _, m := range families[name].GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			v := m.GetCounter().GetValue() + m.GetGauge().GetValue()
			if name == "ipsec_negotiation_last_failure_timestamp_seconds" {
				v = 0
			}
			out = append(out, fmt.Sprintf("%s{%s} %g", name, strings.Join(labels, ","), v))
		}
	}
	sort.Strings(out)
	return out
}

// TestEndToEndSyslogSameSeriesAsTraps tells one exporter a tunnel's story
// with net-snmp traps and another the same story with logger(1), over UDP
// and TCP, RFC 3164 and RFC 5424, newline and octet-counted framing (one
// peer per way), and checks that both expose exactly the same series.
func TestEndToEndSyslogSameSeriesAsTraps(t *testing.T) {
	testenv.Need(t, "snmptrap", "logger")
	port := testenv.FreeUDPTCPPort(t)
	byTrap := testenv.StartExporter(t)
	byLog := testenv.StartExporter(t, fmt.Sprintf("--syslog.listen-address=127.0.0.1:%d", port))

	for i, variant := range syslogVariants {
		peer := fmt.Sprintf("203.0.113.%d", 10+i)
		traps, logs := tunnelStory(peer)
		for j, trap := range traps {
			byTrap.TrapV2c(t, "public", trap...)
			// One at a time: decoders run in parallel, and a tunnel's up and
			// down must be seen in the order they were sent.
			byTrap.WaitValue(t, "ipsec_device_notifications_total", map[string]string{"device": "127.0.0.1"}, float64(i*len(traps)+j+1))
		}
		testenv.Logger(t, port, variant, logs...)
		byLog.WaitValue(t, "ipsec_syslog_messages_parsed_total", nil, float64((i+1)*len(logs)))
	}

	fromTraps, fromLogs := eventSeries(byTrap.Scrape(t)), eventSeries(byLog.Scrape(t))
	if strings.Join(fromTraps, "\n") != strings.Join(fromLogs, "\n") {
		t.Errorf("series from traps:\n%s\n\nfrom log lines:\n%s", strings.Join(fromTraps, "\n"), strings.Join(fromLogs, "\n"))
	}

	m := byLog.Scrape(t)
	for i := range syslogVariants {
		peer := map[string]string{"device": "127.0.0.1", "peer": fmt.Sprintf("203.0.113.%d", 10+i)}
		want := []struct {
			metric string
			labels map[string]string
			value  float64
		}{
			{"ipsec_negotiation_failures_total", failures("127.0.0.1", peer["peer"], "GigabitEthernet0/0/1", "public", "responder_dh_mismatch", "6"), 1},
			{"ipsec_negotiation_successes_total", peer, 2},
			{"ipsec_tunnel_up", peer, 0},
			{"ipsec_tunnel_state_changes_total", with(peer, "state", "up"), 2},
			{"ipsec_tunnel_state_changes_total", with(with(peer, "state", "down"), "reason", "dpd_timeout"), 1},
			{"ipsec_tunnel_state_changes_total", with(with(peer, "state", "down"), "reason", "peer_request"), 1},
		}
		for _, w := range want {
			if got := testenv.MustValue(t, m, w.metric, w.labels); got != w.value {
				t.Errorf("%s%v = %v, want %v", w.metric, w.labels, got, w.value)
			}
		}
	}
	// Every message was read and became an event; nothing was dropped.
	for _, c := range []struct {
		metric string
		labels map[string]string
		value  float64
	}{
		{"ipsec_syslog_messages_received_total", map[string]string{"transport": "udp"}, 10},
		{"ipsec_syslog_messages_received_total", map[string]string{"transport": "tcp"}, 20},
		{"ipsec_syslog_messages_dropped_total", nil, 0},
		{"ipsec_syslog_tcp_connections_accepted_total", nil, 4},
	} {
		if got := testenv.MustValue(t, m, c.metric, c.labels); got != c.value {
			t.Errorf("%s%v = %v, want %v", c.metric, c.labels, got, c.value)
		}
	}
}

// TestEndToEndSyslogAndTrapCountOnce sends each event both as a trap and as
// a log line to one exporter, in both orders, and checks that it is counted
// once, with the second one dropped as a duplicate by its input.
func TestEndToEndSyslogAndTrapCountOnce(t *testing.T) {
	testenv.Need(t, "snmptrap", "logger")
	port := testenv.FreeUDPTCPPort(t)
	e := testenv.StartExporter(t, fmt.Sprintf("--syslog.listen-address=127.0.0.1:%d", port),
		"--config.file="+testenv.WriteFile(t, "config.yml", "devices:\n  127.0.0.1: fw-lab\nsyslog:\n  dedup_window: 1m\n"))
	traps, logs := tunnelStory("203.0.113.40")
	trap := func(i int) {
		e.TrapV2c(t, "public", traps[i]...)
	}
	peer := map[string]string{"device": "fw-lab", "peer": "203.0.113.40"}

	// The failure: trap first, then the log line over UDP.
	trap(0)
	e.WaitValue(t, "ipsec_negotiation_failures_total", peer, 1)
	testenv.Logger(t, port, []string{"--udp", "--rfc3164"}, logs[0])
	e.WaitValue(t, "ipsec_syslog_messages_dropped_total", map[string]string{"reason": "duplicate_of_trap"}, 1)
	// The tunnel coming up: the log line first (TCP), then the trap.
	testenv.Logger(t, port, []string{"--tcp", "--rfc5424"}, logs[1])
	e.WaitValue(t, "ipsec_tunnel_up", peer, 1)
	trap(1)
	e.WaitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "duplicate_of_syslog"}, 1)

	m := e.Scrape(t)
	for _, c := range []struct {
		metric string
		labels map[string]string
		value  float64
	}{
		{"ipsec_negotiation_failures_total", peer, 1},
		{"ipsec_negotiation_successes_total", peer, 1},
		{"ipsec_tunnel_state_changes_total", with(peer, "state", "up"), 1},
		{"ipsec_device_notifications_total", map[string]string{"device": "fw-lab"}, 2},
		{"ipsec_syslog_messages_parsed_total", nil, 1},
	} {
		if got := testenv.MustValue(t, m, c.metric, c.labels); got != c.value {
			t.Errorf("%s%v = %v, want %v", c.metric, c.labels, got, c.value)
		}
	}
}
