package pipeline

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

// cpuTime is the CPU time (user and system) of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// storm fills m with n tunnels and n failure series, as a hub with n
// failing spokes would after a storm.
func storm(m *Metrics, n int) {
	for i := range n {
		peer := fmt.Sprintf("10.%d.%d.1", i/250, i%250)
		at := t0.Add(time.Duration(i) * time.Millisecond)
		m.Record(tunnelEvent(mib.KindTunnelDown, peer, "dpd_timeout", at))
		m.Record(failureEvent(peer, at))
	}
}

// benchWrite runs write into a fresh store b.N times and reports the CPU
// and the bytes of one write besides the wall time.
func benchWrite(b *testing.B, write func(*state.Store) error) {
	store, err := state.Open(b.TempDir(), state.NewMetrics(prometheus.NewRegistry()))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if err := write(store); err != nil {
			b.Fatal(err)
		}
	}
	// ns/op is wall time, which includes waiting for the disk in fsync;
	// this is the CPU the process spent.
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/write")
	fi, err := os.Stat(store.Path())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size()), "bytes/write")
}

// BenchmarkStateWrite is one write of the state file: a snapshot of the
// series and an atomic, fsynced replacement of the file. The state writer
// does this at most once per --storage.write-interval, however many traps
// arrive, so a storm costs (this) / (interval) of CPU and bytes/write per
// interval of disk writes.
func BenchmarkStateWrite(b *testing.B) {
	for _, n := range []int{1000, 20000} {
		m := NewMetrics(prometheus.NewRegistry(), config.Limits{MaxSeries: 20000})
		storm(m, n)
		b.Run(fmt.Sprintf("series=%d/snapshot", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.Snapshot()
			}
		})
		b.Run(fmt.Sprintf("series=%d/snapshot+write", n), func(b *testing.B) {
			benchWrite(b, func(store *state.Store) error {
				tunnels, failures := m.Snapshot()
				return store.Save(&state.State{EngineBoots: 1, Tunnels: tunnels, Failures: failures})
			})
		})
		b.Run(fmt.Sprintf("series=%d/shutdown", n), func(b *testing.B) {
			// The write at a clean stop: the state and every event
			// counter (state/counters.go), written once per stop.
			benchWrite(b, func(store *state.Store) error {
				tunnels, failures := m.Snapshot()
				return store.SaveAtShutdown(&state.State{EngineBoots: 1, Tunnels: tunnels, Failures: failures, Counters: m.CounterSnapshot()})
			})
		})
	}
}

// BenchmarkRecordDuringStorm is the per-event cost of recording a storm of
// negotiation failures across 20,000 series on every CPU, with the state
// writer off, and on with a 1s interval (five times the default's rate of
// writes). The difference is what state costs a storm; writes/s and
// bytes/s are what it writes meanwhile.
func BenchmarkRecordDuringStorm(b *testing.B) {
	const n = 20000
	events := make([]*Event, n)
	for i := range events {
		events[i] = failureEvent(fmt.Sprintf("10.%d.%d.1", i/250, i%250), t0)
	}
	for _, writer := range []bool{false, true} {
		b.Run(fmt.Sprintf("writer=%v", writer), func(b *testing.B) {
			m := NewMetrics(prometheus.NewRegistry(), config.Limits{MaxSeries: n})
			storm(m, n)
			stop := make(chan struct{})
			var done sync.WaitGroup
			sm := state.NewMetrics(prometheus.NewRegistry())
			var writes, bytes atomic.Int64
			if writer {
				store, err := state.Open(b.TempDir(), sm)
				if err != nil {
					b.Fatal(err)
				}
				defer store.Close()
				w := &state.Writer{
					Store: store, Interval: time.Second, Changed: m.StateChanged, Logger: log.NewNopLogger(),
					Snapshot: func() *state.State {
						tunnels, failures := m.Snapshot()
						return &state.State{EngineBoots: 1, Tunnels: tunnels, Failures: failures}
					},
				}
				done.Go(func() { w.Run(stop) })
				// Count writes from the file itself: each replaces it.
				done.Go(func() {
					var last time.Time
					t := time.NewTicker(10 * time.Millisecond)
					defer t.Stop()
					for {
						select {
						case <-stop:
							return
						case <-t.C:
							if fi, err := os.Stat(store.Path()); err == nil && fi.ModTime() != last {
								last = fi.ModTime()
								writes.Add(1)
								bytes.Add(fi.Size())
							}
						}
					}
				})
			}
			var next atomic.Uint64
			start, cpu := time.Now(), cpuTime()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					m.Record(events[next.Add(1)%n])
				}
			})
			b.StopTimer()
			elapsed := time.Since(start).Seconds()
			close(stop)
			done.Wait()
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/event")
			if writer {
				b.ReportMetric(float64(writes.Load())/elapsed, "writes/s")
				b.ReportMetric(float64(bytes.Load())/elapsed, "bytes/s")
			}
		})
	}
}
