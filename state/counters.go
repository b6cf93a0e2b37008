package state

import (
	"fmt"
	"time"
)

// Counter is one event counter series as it stood at a clean shutdown.
//
// A counter is worth restoring only when its value is the last one the
// exporter could ever have shown: Prometheus may have scraped any value up
// to it, and a restored value below one it scraped would count the
// difference twice after the next events. That holds for a state written
// at shutdown once the inputs stopped and drained their queues, and for no
// other: a periodic write is overtaken by the events that follow it, and
// so is a restored value by the events of the run that restored it. Hence
// the two rules of this file: only SaveAtShutdown writes counters, and
// Load consumes them, so that a crash later in the run that restored them
// finds a file without them and starts the counters at 0, as Prometheus
// expects after a crash.
type Counter struct {
	// Family is the metric family's name; Labels are the series' label
	// values in the family's label order.
	Family string   `json:"family"`
	Labels []string `json:"labels,omitempty"`
	Value  float64  `json:"value"`
	// Created is the series' created timestamp, kept across the restart:
	// Prometheus 3 (created-timestamp-zero-ingestion) would otherwise
	// store a 0 at the restart, a reset that never happened.
	Created time.Time `json:"created"`
	// LastUpdate is the series' last event, from which series_ttl counts;
	// zero for series that never expire.
	LastUpdate time.Time `json:"last_update,omitempty"`
}

// SaveAtShutdown writes st with its counters. Call it only when nothing can
// count any more: after the inputs stopped and every queued event was
// recorded. Any other write (Save) drops the counters.
func (s *Store) SaveAtShutdown(st *State) error {
	return s.save(st)
}

// consumeCounters makes the counters Load read restorable at most once: it
// rewrites the file without them before Load returns them. When that
// rewrite fails, the counters are dropped (they start at 0, as after a
// crash) and the error says so: restoring them while the file still holds
// them would restore them again after a later crash, behind what
// Prometheus scraped in between.
func (s *Store) consumeCounters(st *State) error {
	s.metrics.continued.Set(0)
	if len(st.Counters) == 0 {
		return nil
	}
	if err := s.Save(st); err != nil {
		st.Counters = nil
		return &CountersDroppedError{Err: err}
	}
	s.metrics.continued.Set(1)
	return nil
}

// CountersDroppedError says that the counters of a clean shutdown were read
// but not restored, because the file could not be rewritten without them.
// The rest of the state was read and is usable.
type CountersDroppedError struct{ Err error }

func (e *CountersDroppedError) Error() string {
	return fmt.Sprintf("the counters of the last clean shutdown start at 0: consuming them failed: %v", e.Err)
}

func (e *CountersDroppedError) Unwrap() error { return e.Err }
