package exporter

import (
	"errors"
	"fmt"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
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

// restoreState opens the state directory and builds the series sink from
// what it holds; the inputs take their part of it (input.Env.Restored)
// and add it to every state written (input.StateKeeper).
func (e *exporter) restoreState(cfg *config.Config, opts exporterOptions, reg registries) (*stateKeeper, *state.State, error) {
	store, restored, err := e.openState(opts.storage, state.NewSelfMetrics(reg))
	if err != nil {
		return nil, nil, err
	}
	e.metrics = pipeline.NewMetrics(reg.all, cfg.Limits)
	now := time.Now()
	stats := e.metrics.Restore(restored.Tunnels, restored.Failures, now)
	counters := e.metrics.RestoreCounters(restored.Counters, now)
	if store != nil {
		level.Info(e.logger).Log("msg", "State restored", "file", store.Path(), "tunnels", stats.Tunnels, "failure_series", stats.Failures,
			"skipped_older_than_series_ttl", stats.Expired, "skipped_over_max_series", stats.OverLimit,
			"counters_continued", counters.Restored, "counters_not_continued", counters.Expired+counters.OverLimit+counters.NoSeries+counters.Invalid)
	}
	return &stateKeeper{
		store:    store,
		interval: opts.storage.writeInterval,
		changed:  e.metrics.StateChanged,
		counters: e.metrics.CounterSnapshot,
		snapshot: func() *state.State {
			tunnels, failures := e.metrics.Snapshot()
			st := &state.State{Tunnels: tunnels, Failures: failures}
			for _, in := range e.inputs {
				if k, ok := in.(input.StateKeeper); ok {
					k.KeepState(st)
				}
			}
			return st
		},
		stopped: make(chan struct{}),
		done:    make(chan struct{}),
	}, restored, nil
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

// openState opens the storage directory and reads the state file. It
// returns a nil store when state is not kept: --storage.path is empty, or
// the default directory cannot be used (a warning: an exporter that ran
// before state existed keeps running). A directory given explicitly that
// cannot be used is an error. An unusable state file is never an error: it
// is set aside and the exporter starts empty.
func (e *exporter) openState(opts storageOptions, m *state.SelfMetrics) (*state.Store, *state.State, error) {
	if opts.path == "" {
		level.Warn(e.logger).Log("msg", "State is not kept (--storage.path is empty): a restart forgets tunnel states and last-failure times, and SNMPv3 engine boots stay at 1")
		return nil, &state.State{}, nil
	}
	store, err := state.Open(opts.path, m)
	if err != nil {
		if opts.explicit {
			return nil, nil, fmt.Errorf("--storage.path=%s: %w", opts.path, err)
		}
		level.Warn(e.logger).Log("msg", "State is not kept: the default storage directory cannot be used; set --storage.path to a writable directory",
			"path", opts.path, "err", err)
		return nil, &state.State{}, nil
	}
	restored, err := store.Load()
	var dropped *state.CountersDroppedError
	switch {
	case errors.As(err, &dropped):
		level.Error(e.logger).Log("msg", "The counters start at 0", "err", err)
	case err != nil:
		level.Error(e.logger).Log("msg", "The state file is unusable; starting without the tunnel states and failure times it held",
			"err", err, "engine_boots_read", restored.EngineBoots)
	}
	return store, restored, nil
}
