package soak_test

import (
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// The Huawei firewall MIB's subtree (HUAWEI-SECURITY-IPSEC-MIB), spelled
// out as the end-to-end tests do, so that a wrong OID in mib/ cannot pass.
const fw = "1.3.6.1.4.1.2011.6.122.26"

// The metric families the oracle compares.
const (
	failures     = "ipsec_negotiation_failures_total"
	successes    = "ipsec_negotiation_successes_total"
	stateChanges = "ipsec_tunnel_state_changes_total"
	trapDrops    = "ipsec_trap_packets_dropped_total"
	syslogDrops  = "ipsec_syslog_messages_dropped_total"
	reloadsTotal = "ipsec_trap_exporter_config_reloads_total"
)

// reasons are the negotiation failure codes the senders use, with the
// reason label the vendor's text makes.
var reasons = []struct {
	code int
	slug string
}{{1, "phase1_proposal_mismatch"}, {6, "responder_dh_mismatch"}, {15, "authentication_fail"}}

// teardowns are the OfflineReason texts of the downs, with their slugs.
var teardowns = []struct{ text, slug string }{{"dpd timeout", "dpd_timeout"}, {"peer request", "peer_request"}}

const local = "127.0.0.1"

// failure records one negotiation failure the exporter must count.
func (h *harness) failure(input, device, peer string, reason int, at time.Time, sure bool) {
	h.ledger.count(key{metric: failures, device: device, peer: peer, reason: reasons[reason].slug}, input, at, sure)
}

// tunnelEvent records a tunnel going up or down (with teardown reason
// index down), as the exporter must count and show it.
func (h *harness) tunnelEvent(input, device, peer string, up bool, down int, at time.Time) {
	if up {
		h.ledger.count(key{metric: stateChanges, device: device, peer: peer, state: "up"}, input, at, true)
		h.ledger.count(key{metric: successes, device: device, peer: peer}, input, at, true)
	} else {
		h.ledger.count(key{metric: stateChanges, device: device, peer: peer, state: "down", reason: teardowns[down].slug}, input, at, true)
	}
	h.ledger.tunnel(device, peer, up, at)
}

// nextTunnel is the event that changes a tunnel's state: up if the ledger
// has it down or does not know it.
func (h *harness) nextTunnel(device, peer string) bool {
	up, known := h.ledger.tunnelIsUp(device, peer)
	return !known || !up
}

// v2cTrap encodes an SNMPv2c trap with gosnmp: the notification OID and
// string or unsigned varbinds (OID, value).
func v2cTrap(community string, uptime uint32, trapOID string, varbinds ...any) []byte {
	vars := []gosnmp.SnmpPDU{
		{Name: ".1.3.6.1.2.1.1.3.0", Type: gosnmp.TimeTicks, Value: uptime},
		{Name: ".1.3.6.1.6.3.1.1.4.1.0", Type: gosnmp.ObjectIdentifier, Value: "." + trapOID},
	}
	for i := 0; i+1 < len(varbinds); i += 2 {
		pdu := gosnmp.SnmpPDU{Name: "." + varbinds[i].(string)}
		switch v := varbinds[i+1].(type) {
		case string:
			pdu.Type, pdu.Value = gosnmp.OctetString, v
		case int:
			pdu.Type, pdu.Value = gosnmp.Gauge32, uint(v)
		}
		vars = append(vars, pdu)
	}
	pkt := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: community, PDUType: gosnmp.SNMPv2Trap,
		RequestID: uptime, Variables: vars}
	b, err := pkt.MarshalMsg()
	if err != nil {
		panic(fmt.Sprintf("encoding a trap: %v", err))
	}
	return b
}

func failureTrap(community string, uptime uint32, peer string, reason int) []byte {
	return v2cTrap(community, uptime, fw+".6.14", fw+".5.11.0", reasons[reason].code, fw+".5.7.0", peer, fw+".5.14.0", "GigabitEthernet0/0/1")
}

func tunnelTrap(uptime uint32, peer string, up bool, down int) []byte {
	if up {
		return v2cTrap("public", uptime, fw+".6.1", fw+".2.1.5.3.10.1", peer, fw+".5.14.0", "Tunnel0/0/1")
	}
	return v2cTrap("public", uptime, fw+".6.2", fw+".2.1.5.3.10.1", peer, fw+".5.12.0", teardowns[down].text, fw+".5.14.0", "Tunnel0/0/1")
}

// udpFrom is a UDP socket bound to a loopback address, sending to target.
func udpFrom(h *harness, from, target string) *net.UDPConn {
	h.t.Helper()
	raddr, err := net.ResolveUDPAddr("udp", target)
	if err != nil {
		h.t.Fatal(err)
	}
	c, err := net.DialUDP("udp", &net.UDPAddr{IP: net.ParseIP(from)}, raddr)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { c.Close() })
	return c
}

// syslogLines are the log lines of a failure and of a tunnel event, as
// the firewall's information centre writes them.
func failureLine(peer string, reason int) string {
	return fmt.Sprintf("%%%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:OID %s.6.14 IPSec tunnel negotiation fails. (Ifindex=5, SeqNum=10, "+
		"ReasonCode=%d, PeerAddress=%s, PeerPort=500, VsysName=public, InterfaceName=GigabitEthernet0/0/1)", fw, reasons[reason].code, peer)
}

func tunnelLine(peer string, up bool, down int) string {
	if up {
		return fmt.Sprintf("%%%%01IPSEC/4/IPSECTUNNELSTART(t)[4]:OID %s.6.1 The IPSec tunnel is established. (Ifindex=5, SeqNum=10, "+
			"DstIP=%s, RemotePort=500, VsysName=public, InterfaceName=Tunnel0/0/2)", fw, peer)
	}
	return fmt.Sprintf("IPSEC/4/IPSECTUNNELSTOP(l):The IPSec tunnel is deleted. (DstIP=[%s], OfflineReason=[%s], InterfaceName=[Tunnel0/0/2])", peer, teardowns[down].text)
}

// startTraffic starts every sender. Each runs on its own goroutine at its
// own pace; all but the inform senders hold the gate while they send.
func (h *harness) startTraffic() {
	h.harnessSenders()
	h.netSNMPSenders()
	h.informSenders()
	h.syslogSenders()
	h.every(h.plan.sampleEvery, func(int) { h.sample() })
}

// up is the next sysUpTime of the harness's own traps, so that no two of
// them are the same.
func (h *harness) up() uint32 { return h.uptime.Add(1) }

// sendUDP sends one datagram of input and says whether it went.
func (h *harness) sendUDP(input string, c *net.UDPConn, b []byte) bool {
	if _, err := c.Write(b); err != nil {
		h.sendFailed(input, err)
		return false
	}
	h.ledger.sentBy(input, 1)
	return true
}

// failureNote is a negotiation failure for net-snmp or pysnmp to send.
func (h *harness) failureNote(peer string, reason int) testenv.Notification {
	return testenv.Notification{Target: h.e.TrapAddr, TrapOID: fw + ".6.14",
		Varbinds: [][3]string{{fw + ".5.11.0", "u", strconv.Itoa(reasons[reason].code)}, {fw + ".5.7.0", "s", peer}}}
}

// harnessSenders send from the harness's own sockets, with gosnmp's
// encoding: v2c traps at a steady rate with a burst now and then, tunnels
// going up and down, and a trap and a log line from 127.0.0.2, which
// allowed_sources refuses while narrow.
func (h *harness) harnessSenders() {
	trapAddr := h.e.TrapAddr
	steady := udpFrom(h, local, trapAddr)
	burst := int(h.plan.burstEvery / (100 * time.Millisecond))
	h.every(100*time.Millisecond, func(i int) {
		n := 1
		if i > 0 && i%burst == 0 {
			n = 200
		}
		h.gated(func(policy) {
			for j := 0; j < n; j++ {
				peer, reason := fmt.Sprintf("198.51.100.%d", 1+(i+j)%8), (i+j)%len(reasons)
				at := time.Now()
				if h.sendUDP("v2c (gosnmp)", steady, failureTrap("public", h.up(), peer, reason)) {
					h.failure("v2c (gosnmp)", local, peer, reason, at, true)
				}
			}
		})
	})
	tunnels := udpFrom(h, local, trapAddr)
	h.every(time.Second, func(i int) {
		h.gated(func(policy) {
			peer := fmt.Sprintf("192.0.2.%d", 1+i%10)
			isUp, down := h.nextTunnel(local, peer), i%len(teardowns)
			at := time.Now()
			if h.sendUDP("v2c tunnels (gosnmp)", tunnels, tunnelTrap(h.up(), peer, isUp, down)) {
				h.tunnelEvent("v2c tunnels (gosnmp)", local, peer, isUp, down, at)
			}
		})
	})
	other := udpFrom(h, "127.0.0.2", trapAddr)
	otherSyslog := udpFrom(h, "127.0.0.2", fmt.Sprintf("127.0.0.1:%d", h.syslog))
	h.every(2*time.Second, func(i int) {
		h.gated(func(p policy) {
			at := time.Now()
			if h.sendUDP("v2c from 127.0.0.2", other, failureTrap("public", h.up(), "198.51.100.41", 1)) {
				if p.narrow {
					h.ledger.count(key{metric: trapDrops, reason: "source_not_allowed"}, "v2c from 127.0.0.2", at, true)
				} else {
					h.failure("v2c from 127.0.0.2", "127.0.0.2", "198.51.100.41", 1, at, true)
				}
			}
			line := "<188>" + time.Now().Format(time.Stamp) + " fw-b " + failureLine("203.0.113.61", 2)
			if h.sendUDP("syslog UDP from 127.0.0.2", otherSyslog, []byte(line)) {
				if p.narrow {
					h.ledger.count(key{metric: syslogDrops, reason: "source_not_allowed"}, "syslog UDP from 127.0.0.2", at, true)
				} else {
					h.failure("syslog UDP from 127.0.0.2", "127.0.0.2", "203.0.113.61", 2, at, true)
				}
			}
		})
	})
}

// netSNMPSenders send with net-snmp's snmptrap: v2c, v1, a community the
// reloads add and remove, and v3 authPriv traps (the always-configured
// user and the one the reloads add and remove); and pysnmp's v3 authPriv
// traps.
func (h *harness) netSNMPSenders() {
	trapAddr := h.e.TrapAddr
	netsnmp := func(input string, every time.Duration, build func(i int, p policy) (testenv.Notification, func(at time.Time))) {
		h.every(every, func(i int) {
			h.gated(func(p policy) {
				n, record := build(i, p)
				at := time.Now()
				if err := testenv.SendNetSNMP(n); err != nil {
					h.sendFailed(input, err)
					return
				}
				h.ledger.sentBy(input, 1)
				record(at)
			})
		})
	}
	netsnmp("v2c (net-snmp)", 3*time.Second, func(i int, _ policy) (testenv.Notification, func(time.Time)) {
		n := h.failureNote("198.51.100.21", i%3)
		n.Version, n.Community = "2c", "public"
		return n, func(at time.Time) { h.failure("v2c (net-snmp)", local, "198.51.100.21", i%3, at, true) }
	})
	netsnmp("v2c rotating community (net-snmp)", 4*time.Second, func(i int, p policy) (testenv.Notification, func(time.Time)) {
		n := h.failureNote("198.51.100.31", 0)
		n.Version, n.Community = "2c", "rotating"
		return n, func(at time.Time) {
			if p.rotating {
				h.failure("v2c rotating community (net-snmp)", local, "198.51.100.31", 0, at, true)
			} else {
				h.ledger.count(key{metric: trapDrops, reason: "unknown_community"}, "v2c rotating community (net-snmp)", at, true)
			}
		}
	})
	netsnmp("v3 authPriv (net-snmp)", 5*time.Second, func(i int, _ policy) (testenv.Notification, func(time.Time)) {
		n := h.failureNote("198.51.100.61", 1)
		n.Version, n.User, n.Auth, n.AuthKey, n.Priv, n.PrivKey = "3", "soak", "SHA256", authKey, "AES", privKey
		return n, func(at time.Time) { h.failure("v3 authPriv (net-snmp)", local, "198.51.100.61", 1, at, true) }
	})
	netsnmp("v3 rotating user (net-snmp)", 6*time.Second, func(i int, p policy) (testenv.Notification, func(time.Time)) {
		n := h.failureNote("198.51.100.63", 2)
		n.Version, n.User, n.Auth, n.AuthKey, n.Priv, n.PrivKey = "3", "rotuser", "SHA", authKey, "AES", privKey
		return n, func(at time.Time) {
			if p.rotating {
				h.failure("v3 rotating user (net-snmp)", local, "198.51.100.63", 2, at, true)
			} else {
				h.ledger.count(key{metric: trapDrops, reason: "auth_failure"}, "v3 rotating user (net-snmp)", at, true)
			}
		}
	})
	h.every(4*time.Second, func(i int) {
		h.gated(func(policy) {
			at := time.Now()
			out, err := testenv.RunNetSNMP(30*time.Second, "snmptrap", "-On", "-M", "/dev/null", "-v", "1", "-c", "public", trapAddr,
				fw+".6", local, "6", "14", "", fw+".5.11.0", "u", "6", fw+".5.7.0", "s", "198.51.100.51")
			if err != nil {
				h.sendFailed("v1 (net-snmp)", fmt.Errorf("%w: %s", err, out))
				return
			}
			h.ledger.sentBy("v1 (net-snmp)", 1)
			h.failure("v1 (net-snmp)", local, "198.51.100.51", 1, at, true)
		})
	})
	h.every(10*time.Second, func(i int) {
		h.gated(func(policy) {
			n := h.failureNote("198.51.100.62", 0)
			n.Version, n.User, n.Auth, n.AuthKey, n.Priv, n.PrivKey = "3", "soak", "SHA256", authKey, "AES", privKey
			at := time.Now()
			if err := testenv.SendPySNMP(n); err != nil {
				h.sendFailed("v3 authPriv (pysnmp)", err)
				return
			}
			h.ledger.sentBy("v3 authPriv (pysnmp)", 1)
			h.failure("v3 authPriv (pysnmp)", local, "198.51.100.62", 0, at, true)
		})
	})

}

// informSenders send informs, never held: they go on through reloads,
// restarts and kills, each sender through a relay that loses every fourth
// answer, so that retransmissions happen all the time. An acknowledged
// inform must be counted once; one its sender gave up on may or may not
// be.
func (h *harness) informSenders() {
	trapAddr := h.e.TrapAddr
	inform := func(input, peer string, every time.Duration, sender func(testenv.Notification) error, v3 bool) {
		var answers atomic.Int64
		relay := testenv.StartRelay(h.t, trapAddr, func([]byte) bool { return answers.Add(1)%4 == 0 })
		h.every(every, func(i int) {
			n := h.failureNote(peer, i%3)
			n.Target, n.Inform, n.Timeout, n.Retries = relay.Addr, true, time.Second, 15
			if v3 {
				n.Version, n.User, n.Auth, n.AuthKey, n.Priv, n.PrivKey = "3", "soak", "SHA256", authKey, "AES", privKey
			} else {
				n.Version, n.Community = "2c", "public"
			}
			err := sender(n)
			at := time.Now()
			h.ledger.sentBy(input, 1)
			if err != nil {
				h.informUnacked(input, err)
			}
			h.failure(input, local, peer, i%3, at, err == nil)
		})
	}
	inform("v2c inform (net-snmp)", "198.51.100.71", 5*time.Second, testenv.SendNetSNMP, false)
	inform("v3 authPriv inform (net-snmp)", "198.51.100.72", 5*time.Second, testenv.SendNetSNMP, true)
	inform("v3 authPriv inform (pysnmp)", "198.51.100.73", 10*time.Second, testenv.SendPySNMP, true)

}

// syslogSenders send log lines with util-linux logger over UDP and TCP and
// openssl s_client over TLS; each time a failure and a tunnel event.
func (h *harness) syslogSenders() {
	syslog := func(input string, index int, sendLines func(lines []string) error) {
		failPeer := fmt.Sprintf("203.0.113.%d", 1+index)
		h.every(3*time.Second, func(i int) {
			h.gated(func(policy) {
				peer := fmt.Sprintf("203.0.113.%d", 11+index*3+i%3)
				isUp, down := h.nextTunnel(local, peer), i%len(teardowns)
				lines := []string{failureLine(failPeer, i%3), tunnelLine(peer, isUp, down)}
				at := time.Now()
				if err := sendLines(lines); err != nil {
					h.sendFailed(input, err)
					return
				}
				h.ledger.sentBy(input, len(lines))
				h.failure(input, local, failPeer, i%3, at, true)
				h.tunnelEvent(input, local, peer, isUp, down, at)
			})
		})
	}
	logger := func(options ...string) func([]string) error {
		return func(lines []string) error {
			args := append([]string{"--server", local, "--port", strconv.Itoa(h.syslog), "--tag", "fw-a"}, options...)
			cmd := exec.Command("logger", args...)
			cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("logger %s: %w: %s", strings.Join(args, " "), err, out)
			}
			return nil
		}
	}
	syslog("syslog UDP (logger)", 0, logger("--udp", "--rfc3164"))
	syslog("syslog TCP (logger)", 1, logger("--tcp", "--rfc5424", "--octet-count"))
	syslog("syslog TLS (openssl)", 2, h.openssl)

}

// openssl sends lines over TLS with openssl s_client, newline-framed, and
// returns when s_client has sent them and closed the connection.
func (h *harness) openssl(lines []string) error {
	cmd := exec.Command("openssl", "s_client", "-connect", fmt.Sprintf("127.0.0.1:%d", h.tls), "-CAfile", h.pki.CAFile,
		"-servername", h.pki.ServerName, "-verify_hostname", h.pki.ServerName, "-verify_return_error", "-quiet", "-no_ign_eof")
	var stamped []string
	for _, l := range lines {
		stamped = append(stamped, "<188>"+time.Now().Format(time.Stamp)+" fw-a "+l)
	}
	cmd.Stdin = strings.NewReader(strings.Join(stamped, "\n") + "\n")
	done := make(chan error, 1)
	var out []byte
	go func() {
		var err error
		out, err = cmd.CombinedOutput()
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("openssl s_client: %w: %s", err, out)
		}
		return nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("openssl s_client did not end within 30s")
	}
}

// sample takes a resource sample of the running exporter, with the gate
// held so that no restart is under way.
func (h *harness) sample() {
	h.gate.RLock()
	defer h.gate.RUnlock()
	pid, segment, ready := h.pid()
	s, err := takeSample(pid, h.e.WebURL, stateFilePath(h.disk.dir))
	if err != nil {
		h.t.Errorf("resource sample: %v", err)
		return
	}
	s.segment, s.sinceStart = segment, s.at.Sub(ready)
	h.segMu.Lock()
	h.samples = append(h.samples, s)
	h.loadAvg = append(h.loadAvg, oneMinuteLoad())
	h.segMu.Unlock()
}

func oneMinuteLoad() float64 {
	f := strings.Fields(loadAverage())
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
