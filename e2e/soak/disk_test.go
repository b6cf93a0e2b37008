package soak_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// disk is the exporter's state directory and the way to make it full: as
// root (as CI runs), a small tmpfs mounted there and filled up; otherwise
// the directory made read-only, which fails the writes the same way for
// the exporter (it cannot create its temporary file).
type disk struct {
	dir    string
	tmpfs  bool
	filler string
}

func newDisk(t *testing.T) *disk {
	t.Helper()
	d := &disk{dir: filepath.Join(t.TempDir(), "state")}
	if err := os.Mkdir(d.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		return d
	}
	if out, err := testenv.Run(30*time.Second, "mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", d.dir); err != nil {
		t.Logf("soak: no tmpfs for the state directory (%v: %s); the full disk is a read-only directory instead", err, strings.TrimSpace(out))
		return d
	}
	d.tmpfs = true
	// Cleanups run last first: this one after the exporter's has stopped it.
	t.Cleanup(func() {
		if out, err := testenv.Run(30*time.Second, "umount", d.dir); err != nil {
			t.Errorf("umount %s: %v: %s", d.dir, err, out)
		}
	})
	return d
}

// fill makes the directory unwritable.
func (d *disk) fill() error {
	if !d.tmpfs {
		return os.Chmod(d.dir, 0o500)
	}
	d.filler = filepath.Join(d.dir, "filler")
	f, err := os.Create(d.filler)
	if err != nil {
		return err
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return nil
			}
			return err
		}
	}
}

func (d *disk) free() error {
	if !d.tmpfs {
		return os.Chmod(d.dir, 0o700)
	}
	return os.Remove(d.filler)
}

// fillDisk starts the full-disk episode: the exporter must count the
// writes that fail and keep running.
func (h *harness) fillDisk() {
	t := h.t
	t.Helper()
	before, _ := testenv.Value(h.scrapeLocal(), "ipsec_trap_exporter_state_write_failures_total", nil)
	if err := h.disk.fill(); err != nil {
		t.Fatalf("filling the state directory: %v", err)
	}
	at := time.Now()
	h.ledger.event(lifecycleEvent{kind: "disk-full", at: at})
	// The tunnel senders change some tunnel every second, so a write is
	// due within the write interval.
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, _ := testenv.Value(h.scrapeLocal(), "ipsec_trap_exporter_state_write_failures_total", nil)
		if n > before {
			t.Logf("soak: state directory full at %v; the exporter counted a failed write after %v", at.Sub(h.started).Round(time.Second), time.Since(at).Round(time.Millisecond))
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("the state directory has been full for 30s and ipsec_trap_exporter_state_write_failures_total is still %v", n)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// freeDisk ends the episode: the next write must succeed, and nothing of
// the failed ones may be left behind.
func (h *harness) freeDisk() {
	t := h.t
	t.Helper()
	if err := h.disk.free(); err != nil {
		t.Fatalf("freeing the state directory: %v", err)
	}
	at := time.Now()
	h.ledger.event(lifecycleEvent{kind: "disk-freed", at: at})
	deadline := time.Now().Add(30 * time.Second)
	for {
		last, _ := testenv.Value(h.scrapeLocal(), "ipsec_trap_exporter_state_last_write_timestamp_seconds", nil)
		if last > float64(at.UnixMilli())/1000 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("the state directory was freed 30s ago and the state file has not been written since (last write at %v)", last)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	// A temporary file may be there for the moment of a write in
	// progress; one that stays is what a failed write left.
	var names, left []string
	for try := 0; try < 5; try++ {
		entries, err := os.ReadDir(h.disk.dir)
		if err != nil {
			t.Fatal(err)
		}
		names, left = nil, nil
		for _, e := range entries {
			names = append(names, e.Name())
			if strings.Contains(e.Name(), ".tmp-") {
				left = append(left, e.Name())
			}
		}
		if len(left) == 0 {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if len(left) > 0 {
		t.Errorf("the failed writes left %v in the state directory", left)
	}
	t.Logf("soak: state directory writable again; written after %v; it holds %v", time.Since(at).Round(time.Millisecond), names)
}
