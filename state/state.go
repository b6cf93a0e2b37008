// Package state keeps what the exporter cannot learn again after a restart:
// a trap is sent once, so the tunnel states, last-failure times and SNMPv3
// engine boots it taught the exporter live in a state file, and after a
// clean shutdown the event counters too (counters.go). The package owns
// that file's format and its crash-safe writing; what goes into it is the
// caller's business.
//
// A write replaces the file atomically (temporary file, fsync, rename, fsync
// of the directory), so after a crash the file is either the previous
// version or the new one, never a mix. A file that cannot be used anyway
// (empty, truncated, corrupt, written by a newer exporter) never stops the
// exporter: it is moved aside for inspection, counted, and the exporter
// starts empty.
package state

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/prometheus/client_golang/prometheus"
)

const (
	// FormatVersion is the version of the file format this package writes.
	// A file with a higher version comes from a newer exporter: it is moved
	// aside rather than misread.
	FormatVersion = 1

	// FileName is the state file inside the storage directory.
	FileName = "state.json"

	lockName   = "lock"
	tempPrefix = FileName + ".tmp-"
	badInfix   = ".bad-"

	// keepBadFiles bounds the files kept aside: enough to investigate a
	// recurring problem, never a disk filled by a crash loop.
	keepBadFiles = 5
)

// MaxEngineBoots is the highest snmpEngineBoots (RFC 3414 2.2.2); an engine
// that reaches it stays there.
const MaxEngineBoots = 2147483647

// State is what survives a restart.
type State struct {
	// EngineBoots is the SNMPv3 snmpEngineBoots of the run that wrote the
	// file. Every format version keeps this field under this name, so that
	// boots never go back, not even when an older exporter meets a newer
	// file.
	EngineBoots uint32    `json:"engine_boots"`
	Tunnels     []Tunnel  `json:"tunnels"`
	Failures    []Failure `json:"failures"`
	// Superseding lists, per notification that supersedes others (a
	// router's hwIPSecNegotiationFail), the devices seen sending it: without
	// it a restarted exporter would count their next failure twice.
	Superseding map[string][]string `json:"superseding,omitempty"`
	// Counters are the event counters as they stood at a clean shutdown
	// (counters.go): only SaveAtShutdown writes them, and Load consumes
	// them, so that they are restored at most once.
	Counters []Counter `json:"counters,omitempty"`
}

// Tunnel is the last known state of one tunnel.
type Tunnel struct {
	Device string `json:"device"`
	Peer   string `json:"peer"`
	Up     bool   `json:"up"`
	// Planned is true while the tunnel is down after a planned teardown
	// (ipsec_tunnel_down_planned), which IPSecTunnelDown and the
	// availability SLO leave out.
	Planned bool `json:"planned,omitempty"`
	// LastChange is when the tunnel last went up or down.
	LastChange time.Time `json:"last_change"`
	// LastUpdate is the last notification about the tunnel, a repeated
	// state included; series_ttl counts from it.
	LastUpdate time.Time `json:"last_update"`
	// DownReason is the offline-reason slug of the last down transition,
	// kept while the tunnel is up again; empty when it was never seen down.
	DownReason string `json:"down_reason,omitempty"`
	// Interface and Vsys are where the tunnel's last notification said it
	// runs; empty when none said. Downs counts its downs per hour over the
	// last day. All three were added after format version 1 was first
	// written: a file without them reads as "not known", and an older
	// exporter ignores them.
	Interface string     `json:"interface,omitempty"`
	Vsys      string     `json:"vsys,omitempty"`
	Downs     []DownHour `json:"downs,omitempty"`
}

// DownHour is how many times a tunnel went down in one hour.
type DownHour struct {
	Hour  time.Time `json:"hour"` // the start of the hour, UTC
	Downs int       `json:"downs"`
}

// Failure is the last negotiation failure of one failure series (its full
// label set).
type Failure struct {
	Device      string    `json:"device"`
	Peer        string    `json:"peer"`
	Interface   string    `json:"interface"`
	Vsys        string    `json:"vsys"`
	Reason      string    `json:"reason"`
	ReasonCode  string    `json:"reason_code"`
	LastFailure time.Time `json:"last_failure"`
}

// NextEngineBoots is the snmpEngineBoots of a run that follows a run with
// boots prev (0: no earlier run known): one more, and never beyond
// MaxEngineBoots (RFC 3414 2.2.2).
func NextEngineBoots(prev uint32) uint32 {
	if prev >= MaxEngineBoots {
		return MaxEngineBoots
	}
	return prev + 1
}

// file is the JSON document on disk.
type file struct {
	Version   int       `json:"version"`
	WrittenAt time.Time `json:"written_at"`
	State
}

// Reasons a state file is set aside; the values of the reason label of
// ipsec_trap_exporter_state_bad_files_total.
const (
	BadEmpty         = "empty"
	BadTruncated     = "truncated"
	BadCorrupt       = "corrupt"
	BadFutureVersion = "future_version"
	BadUnreadable    = "unreadable"
)

var badReasons = []string{BadEmpty, BadTruncated, BadCorrupt, BadFutureVersion, BadUnreadable}

// BadFileError says why a state file was not used and where it was put.
type BadFileError struct {
	Reason string // one of the Bad* constants
	Path   string // the state file
	// MovedTo is where the file was kept for inspection; empty when moving
	// it failed (MoveErr says why).
	MovedTo string
	MoveErr error
	Err     error
}

func (e *BadFileError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "state file %s is %s: %v", e.Path, strings.ReplaceAll(e.Reason, "_", " "), e.Err)
	if e.MovedTo != "" {
		fmt.Fprintf(&b, "; moved aside to %s", e.MovedTo)
	} else if e.MoveErr != nil {
		fmt.Fprintf(&b, "; moving it aside failed: %v", e.MoveErr)
	}
	return b.String()
}

func (e *BadFileError) Unwrap() error { return e.Err }

// Metrics are the store's self-metrics.
type Metrics struct {
	lastWrite     prometheus.Gauge
	size          prometheus.Gauge
	writes        prometheus.Counter
	writeFailures prometheus.Counter
	restoreOK     prometheus.Gauge
	badFiles      *prometheus.CounterVec
	continued     prometheus.Gauge
}

// NewMetrics registers the store's self-metrics on reg. They exist whether
// or not state is kept, so that "state is not kept" shows as
// ipsec_trap_exporter_state_last_restore_successful 0 and a last write at 0.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		lastWrite:     metricdef.StateLastWrite.NewGauge(),
		size:          metricdef.StateSize.NewGauge(),
		writes:        metricdef.StateWrites.NewCounter(),
		writeFailures: metricdef.StateWriteFailures.NewCounter(),
		restoreOK:     metricdef.StateLastRestoreSuccessful.NewGauge(),
		badFiles:      metricdef.StateBadFiles.NewCounterVec(),
		continued:     metricdef.StateCountersContinued.NewGauge(),
	}
	for _, r := range badReasons {
		m.badFiles.WithLabelValues(r)
	}
	reg.MustRegister(m.lastWrite, m.size, m.writes, m.writeFailures, m.restoreOK, m.badFiles, m.continued)
	return m
}

// Store reads and writes the state file of one storage directory, which it
// holds locked while open: two exporters sharing a directory would
// overwrite each other's tunnels and engine boots.
type Store struct {
	dir     string
	path    string
	metrics *Metrics
	lock    *os.File

	mu  sync.Mutex // one write at a time
	now func() time.Time
}

// Open prepares dir (creating it if needed), locks it and checks that it
// is writable, so that a directory the exporter cannot use is an error at
// start rather than a failure at the first write.
func Open(dir string, m *Metrics) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("creating the storage directory: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("storage directory %s is not writable: %w", dir, err)
	}
	if err := lockFile(lock); err != nil {
		lock.Close()
		return nil, fmt.Errorf("storage directory %s: %w", dir, err)
	}
	s := &Store{dir: dir, path: filepath.Join(dir, FileName), metrics: m, lock: lock, now: time.Now}
	if err := s.removeTemps(); err != nil {
		s.Close()
		return nil, err
	}
	probe, err := os.CreateTemp(dir, tempPrefix)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("storage directory %s is not writable: %w", dir, err)
	}
	probe.Close()
	if err := os.Remove(probe.Name()); err != nil {
		s.Close()
		return nil, fmt.Errorf("storage directory %s: removing a test file: %w", dir, err)
	}
	return s, nil
}

// Path is the state file's path.
func (s *Store) Path() string { return s.path }

// Close releases the directory.
func (s *Store) Close() error {
	if s.lock == nil {
		return nil
	}
	err := s.lock.Close() // closing releases the lock
	s.lock = nil
	return err
}

// removeTemps deletes temporary files a crash left behind mid-write.
func (s *Store) removeTemps() error {
	temps, err := filepath.Glob(filepath.Join(s.dir, tempPrefix+"*"))
	if err != nil {
		return fmt.Errorf("storage directory %s: %w", s.dir, err)
	}
	for _, t := range temps {
		if err := os.Remove(t); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("storage directory %s: removing a temporary file left by a crash: %w", s.dir, err)
		}
	}
	return nil
}

// Load reads the state file. It always returns a usable state: an empty one
// when there is no file yet, or when the file is unusable, which it then
// moves aside and reports as a *BadFileError. From an unusable file only
// the engine boots are kept, when they can be read. The counters of a
// clean shutdown are consumed (see consumeCounters): a state returned with
// counters is one whose file no longer holds them.
func (s *Store) Load() (*State, error) {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		s.metrics.restoreOK.Set(1)
		return &State{}, nil
	}
	st, reason, err := decode(b, err)
	if reason == "" {
		s.metrics.restoreOK.Set(1)
		return st, s.consumeCounters(st)
	}
	s.metrics.restoreOK.Set(0)
	s.metrics.badFiles.WithLabelValues(reason).Inc()
	bad := &BadFileError{Reason: reason, Path: s.path, Err: err}
	bad.MovedTo, bad.MoveErr = s.moveAside()
	return st, bad
}

// decode parses a state file read with readErr. reason is empty when the
// file is good; otherwise the returned state is empty but for the engine
// boots, when they can still be read.
func decode(b []byte, readErr error) (st *State, reason string, err error) {
	st, reason, err = decodeFile(b, readErr)
	if reason != "" && st.EngineBoots == 0 {
		st.EngineBoots = salvageBoots(b)
	}
	return st, reason, err
}

// bootsField finds the engine boots in a document that no longer parses.
var bootsField = regexp.MustCompile(`"engine_boots"\s*:\s*([0-9]{1,10})[,}\s]`)

// salvageBoots reads the engine boots from a damaged file (the field comes
// near the start, so a truncated file usually still has it): boots must
// never go back (RFC 3414 2.2.2), whatever else was lost. 0 when not found.
func salvageBoots(b []byte) uint32 {
	m := bootsField.FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, err := strconv.ParseUint(string(m[1]), 10, 32)
	if err != nil {
		return 0
	}
	return uint32(min(n, MaxEngineBoots))
}

func decodeFile(b []byte, readErr error) (st *State, reason string, err error) {
	if readErr != nil {
		return &State{}, BadUnreadable, readErr
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return &State{}, BadEmpty, fmt.Errorf("%d bytes, no content", len(b))
	}
	// The version and the engine boots first: they are read the same way
	// in every format version, so that a newer file is recognised as such
	// even when the rest of it has another shape.
	var head struct {
		Version     int    `json:"version"`
		EngineBoots uint32 `json:"engine_boots"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&head); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return &State{}, BadTruncated, fmt.Errorf("ends after %d bytes in the middle of the document", len(b))
		}
		return &State{}, BadCorrupt, err
	}
	if rest := bytes.TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return &State{}, BadCorrupt, fmt.Errorf("%d bytes of trailing data after the document", len(rest))
	}
	switch {
	case head.Version > FormatVersion:
		return &State{EngineBoots: head.EngineBoots}, BadFutureVersion,
			fmt.Errorf("format version %d, this exporter reads up to %d (written by a newer exporter)", head.Version, FormatVersion)
	case head.Version < 1:
		return &State{}, BadCorrupt, fmt.Errorf("format version %d: no valid version field", head.Version)
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return &State{}, BadCorrupt, err
	}
	return &f.State, "", nil
}

// moveAside renames the state file to a timestamped name next to it and
// deletes the oldest such files beyond keepBadFiles.
func (s *Store) moveAside() (string, error) {
	stamp := s.now().UTC().Format("20060102T150405Z")
	dst := s.path + badInfix + stamp
	for i := 1; ; i++ {
		if _, err := os.Lstat(dst); errors.Is(err, fs.ErrNotExist) {
			break
		}
		dst = fmt.Sprintf("%s%s%s-%d", s.path, badInfix, stamp, i)
	}
	if err := os.Rename(s.path, dst); err != nil {
		return "", err
	}
	if err := syncDir(s.dir); err != nil {
		return dst, err
	}
	return dst, s.pruneBad()
}

func (s *Store) pruneBad() error {
	bad, err := filepath.Glob(filepath.Join(s.dir, FileName+badInfix+"*"))
	if err != nil {
		return err
	}
	if len(bad) <= keepBadFiles {
		return nil
	}
	// The names sort by time; same-second suffixes sort after their base.
	sort.Strings(bad)
	for _, old := range bad[:len(bad)-keepBadFiles] {
		if err := os.Remove(old); err != nil {
			return fmt.Errorf("removing the old bad state file %s: %w", old, err)
		}
	}
	return nil
}

// Save replaces the state file with st: written to a temporary file,
// flushed to disk, renamed over the old file, and the directory flushed,
// so that a crash at any point leaves the old file or the new one. It
// never writes st.Counters: only SaveAtShutdown does.
func (s *Store) Save(st *State) error {
	without := *st
	without.Counters = nil
	return s.save(&without)
}

func (s *Store) save(st *State) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.metrics.writes.Inc()
	now := s.now()
	size, err := s.write(&file{Version: FormatVersion, WrittenAt: now.UTC(), State: *st})
	if err != nil {
		s.metrics.writeFailures.Inc()
		return fmt.Errorf("writing the state file %s: %w", s.path, err)
	}
	s.metrics.lastWrite.Set(float64(now.UnixNano()) / 1e9)
	s.metrics.size.Set(float64(size))
	return nil
}

func (s *Store) write(f *file) (size int64, err error) {
	tmp, err := os.CreateTemp(s.dir, tempPrefix)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := &countingWriter{w: tmp}
	buf := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false) // label values are not HTML
	if err := enc.Encode(f); err != nil {
		return 0, err
	}
	if err := buf.Flush(); err != nil {
		return 0, err
	}
	if err := tmp.Sync(); err != nil {
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return 0, err
	}
	// The rename is durable only once the directory is.
	if err := syncDir(s.dir); err != nil {
		return w.n, err
	}
	return w.n, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync of directory %s: %w", dir, err)
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
