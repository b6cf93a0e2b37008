package state

import (
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// Writer writes the state a few seconds after it changed: never more than
// once per interval, however many events a storm brings, and not at all
// while nothing changes.
type Writer struct {
	Store    *Store
	Interval time.Duration
	// Changed reports whether the state changed since it was last called.
	Changed func() bool
	// Snapshot returns the state to write.
	Snapshot func() *State
	Logger   log.Logger
}

// Run writes on every tick that follows a change until stop is closed. A
// failed write is retried on the next tick. The final write at shutdown is
// the caller's, after the last event was recorded.
func (w *Writer) Run(stop <-chan struct{}) {
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	pending := false
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			// Changed is always asked, so that its flag is reset even
			// while a failed write is pending.
			if w.Changed() {
				pending = true
			}
			if !pending {
				continue
			}
			if err := w.Store.Save(w.Snapshot()); err != nil {
				level.Error(w.Logger).Log("msg", "Writing the state failed; retrying at the next interval", "err", err)
				continue
			}
			pending = false
		}
	}
}
