//go:build unix

package syslogin

import (
	"fmt"
	"net/netip"
	"syscall"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// cpuTime is the CPU time this process has used (user and system, GC
// included). Benchmarks report throughput per CPU second besides per wall
// second: on a shared machine the wall clock also counts time spent waiting
// for a core.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRates adds msgs/s (wall clock) and msgs/cpu-s (per second of one
// core) to a benchmark whose loop ran since cpuStart.
func reportRates(b *testing.B, cpuStart time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if cpu := cpuTime(b) - cpuStart; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "msgs/cpu-s")
	}
}

// BenchmarkParseMessage is the Huawei parser alone, on each layout.
func BenchmarkParseMessage(b *testing.B) {
	const fields = "IPSec tunnel negotiation fails. (Ifindex=5, SeqNum=10, Reason=responder dh mismatch, ReasonCode=6, " +
		"PeerAddress=203.0.113.9, PeerPort=500, VsysName=public, InterfaceName=GigabitEthernet0/0/1)"
	for _, layout := range []struct{ name, text string }{
		{"plain", negoFail},
		{"vs_cid_prefix", "%%01IPSEC/4/IPSECNEGOFAIL (t):VS=Admin-VS-CID=0x81d80420-OID=1.3.6.1.4.1.2011.6.122.26.6.14;" + fields},
		{"vsys_prefix_peer_port", "%%01IPSEC/4/IPSECNEGOFAIL(l):Vsys public:IPSec tunnel negotiation fails. (ReasonCode=6, PeerAddress=203.0.113.9:4500)"},
		{"slot_prefix_no_parentheses", "IPSEC/4/IPSECNEGOFAIL:Slot=2,Vcpu=0;ReasonCode=6, PeerAddress=203.0.113.9, PeerPort=500"},
	} {
		b.Run(layout.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime(b)
			for i := 0; i < b.N; i++ {
				if _, err := ParseMessage(layout.text); err != nil {
					b.Fatal(err)
				}
			}
			reportRates(b, cpu)
		})
	}
}

// BenchmarkMessage is everything a syslog reader does for one message
// after the socket read, on one core: go-syslog, the Huawei parser, device
// naming, the de-duplication gate and the metrics sink, over 100 peers.
// Run with -cpu 1: msgs/cpu-s is the rate one core sustains.
func BenchmarkMessage(b *testing.B) {
	formats := []struct{ name, header string }{
		{"rfc3164", "<13>Nov 29 05:01:16 vm root: "},
		{"rfc5424", `<13>1 2026-11-29T05:01:16.453645+00:00 vm root - - [timeQuality tzKnown="1" isSynced="0"] `},
		{"huawei", "<188>Nov 29 2026 05:01:16 USG6000 "},
		{"huawei_format_date", "<188>2026-11-29 05:01:16.345+08:00 NE8000 "},
		{"huawei_boot", "<188>1234567.890123 S5700 "},
	}
	for _, format := range formats {
		b.Run(format.name, func(b *testing.B) {
			s, err := New(log.NewNopLogger(), Options{}, &Policy{Devices: map[string]string{"192.0.2.1": "fw-hq-01"}},
				prometheus.NewRegistry(), pipeline.New(pipeline.NewDedup(10*time.Second),
					pipeline.NewMetrics(prometheus.NewRegistry(), config.Limits{MaxSeries: 20000})).Feed(Origin))
			if err != nil {
				b.Fatal(err)
			}
			msgs := make([][]byte, 100)
			for i := range msgs {
				msgs[i] = []byte(fmt.Sprintf("%s%%%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:OID 1.3.6.1.4.1.2011.6.122.26.6.14 IPSec tunnel negotiation fails. "+
					"(Ifindex=5, SeqNum=10, Reason=responder dh mismatch, ReasonCode=6, PeerAddress=203.0.113.%d, PeerPort=500, "+
					"VsysName=public, InterfaceName=GigabitEthernet0/0/1)", format.header, i))
			}
			p := newParser()
			policy := s.policy.Load()
			src := netip.MustParseAddr("192.0.2.1")
			buf := make([]byte, 0, 1024)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime(b)
			for i := 0; i < b.N; i++ {
				buf = append(buf[:0], msgs[i%len(msgs)]...) // as the socket read copies it
				if drop, err := s.process(p, policy, buf, src); drop != "" {
					b.Fatalf("dropped as %s: %v", drop, err)
				}
			}
			reportRates(b, cpu)
		})
	}
}
