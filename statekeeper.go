package main

import (
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/trapin"
)

// stateKeeper writes what the exporter cannot learn again after a restart:
// once at start (the new engine boots), a few seconds after each change,
// and at shutdown, after every queued event was recorded: only that last
// write holds the counters (state/counters.go).
type stateKeeper struct {
	store    *state.Store // nil when state is not kept
	snapshot func() *state.State
	counters func() []state.Counter
	interval time.Duration
	changed  func() bool
	stopped  chan struct{}
	done     chan struct{}
}

// restoreState opens the state directory, builds the series sink from what
// it holds and hands the trap input its engine boots and superseding
// devices.
func (e *exporter) restoreState(cfg *config.Config, opts *exporterOptions, reg registries) (*stateKeeper, error) {
	store, restored, err := e.openState(opts.storage, state.NewMetrics(reg))
	if err != nil {
		return nil, err
	}
	// A new run is a new SNMPv3 engine incarnation (RFC 3414 2.2.2).
	opts.trap.EngineBoots = state.NextEngineBoots(restored.EngineBoots)
	e.metrics = pipeline.NewMetrics(reg.all, cfg.Limits)
	now := time.Now()
	stats := e.metrics.Restore(restored.Tunnels, restored.Failures, now)
	counters := e.metrics.RestoreCounters(restored.Counters, now)
	if store != nil {
		level.Info(e.logger).Log("msg", "State restored", "file", store.Path(), "tunnels", stats.Tunnels, "failure_series", stats.Failures,
			"skipped_older_than_series_ttl", stats.Expired, "skipped_over_max_series", stats.OverLimit, "engine_boots", opts.trap.EngineBoots,
			"counters_continued", counters.Restored, "counters_not_continued", counters.Expired+counters.OverLimit+counters.NoSeries+counters.Invalid)
	}
	opts.trap.Superseding = trapin.NewSuperseding()
	for name, devices := range restored.Superseding {
		for _, device := range devices {
			opts.trap.Superseding.Remember(name, device)
		}
	}
	boots, superseding := opts.trap.EngineBoots, opts.trap.Superseding
	return &stateKeeper{
		store:    store,
		interval: opts.storage.writeInterval,
		changed:  e.metrics.StateChanged,
		counters: e.metrics.CounterSnapshot,
		snapshot: func() *state.State {
			tunnels, failures := e.metrics.Snapshot()
			return &state.State{EngineBoots: boots, Tunnels: tunnels, Failures: failures, Superseding: superseding.Devices()}
		},
		stopped: make(chan struct{}),
		done:    make(chan struct{}),
	}, nil
}

// start writes the state once and runs the periodic writer.
func (k *stateKeeper) start(logger log.Logger) {
	if k.store == nil {
		close(k.done)
		return
	}
	if err := k.store.Save(k.snapshot()); err != nil {
		level.Error(logger).Log("msg", "Writing the state failed; retrying at the next interval", "err", err)
	}
	w := &state.Writer{Store: k.store, Interval: k.interval, Changed: k.changed, Snapshot: k.snapshot, Logger: logger}
	go func() { w.Run(k.stopped); close(k.done) }()
}

// stop ends the periodic writer and writes the state a last time: the
// inputs have stopped and every queued event has been recorded, so this
// write holds them all, and the counters may continue from it.
func (k *stateKeeper) stop(logger log.Logger) {
	close(k.stopped)
	<-k.done
	if k.store == nil {
		return
	}
	final := k.snapshot()
	final.Counters = k.counters()
	if err := k.store.SaveAtShutdown(final); err != nil {
		level.Error(logger).Log("msg", "Writing the state at shutdown failed", "err", err)
	} else {
		level.Info(logger).Log("msg", "State written", "file", k.store.Path())
	}
}

func (k *stateKeeper) close() {
	if k.store != nil {
		k.store.Close()
	}
}
