package state

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

func open(t *testing.T, dir string) (*Store, *Metrics) {
	t.Helper()
	m := NewMetrics(prometheus.NewRegistry())
	s, err := Open(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, m
}

func ls(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func sample() *State {
	down := time.Date(2026, 11, 28, 9, 58, 0, 250_000_000, time.UTC)
	return &State{
		EngineBoots: 41,
		Tunnels: []Tunnel{
			{Device: "fw-hq-01", Peer: "203.0.113.9", Up: false, LastChange: down, LastUpdate: down.Add(time.Minute), DownReason: "dpd_timeout",
				Interface: "Virtual-Template0/0/1.4094", Vsys: "vsys-a",
				Downs: []DownHour{{Hour: down.Truncate(time.Hour).Add(-time.Hour), Downs: 3}, {Hour: down.Truncate(time.Hour), Downs: 1}}},
			{Device: "fw-hq-01", Peer: "2001:db8::7", Up: true, LastChange: down.Add(-time.Hour), LastUpdate: down.Add(-time.Hour)},
		},
		Failures: []Failure{
			{Device: "fw-hq-01", Peer: "203.0.113.9", Interface: "GigabitEthernet0/0/1", Reason: "responder_dh_mismatch", ReasonCode: "6", LastFailure: down.Add(90 * time.Second)},
			// Label values come from the network: quotes, newlines and
			// non-UTF-8 survive the round trip as JSON escapes.
			{Device: "a\"b\nc", Peer: "\u00e9", Vsys: "vsys\\1", Reason: "unknown", LastFailure: down},
		},
		// The routers seen sending hwIPSecNegotiationFail, whose SA
		// failures a restarted exporter must keep ignoring.
		Superseding: map[string][]string{"hwIPSecNegotiationFail": {"ar-branch-07", "ar-branch-12"}},
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, m := open(t, dir)
	s.now = func() time.Time { return time.Unix(1800000000, 0) }
	want := sample()
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	if got := ls(t, dir); !reflect.DeepEqual(got, []string{lockName, FileName}) {
		t.Errorf("directory holds %v, want only the state file and the lock", got)
	}
	if v := testutil.ToFloat64(m.lastWrite); v != 1800000000 {
		t.Errorf("last write timestamp %v, want 1800000000", v)
	}
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if v := testutil.ToFloat64(m.size); v != float64(fi.Size()) {
		t.Errorf("size gauge %v, file has %d bytes", v, fi.Size())
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600 (it names every peer)", fi.Mode().Perm())
	}
	s.Close()

	s2, m2 := open(t, dir)
	got, err := s2.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	if v := testutil.ToFloat64(m2.restoreOK); v != 1 {
		t.Errorf("last restore successful = %v, want 1", v)
	}
}

func TestLoadFixture(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/v1.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := open(t, dir)
	st, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if st.EngineBoots != 41 || len(st.Tunnels) != 2 || len(st.Failures) != 1 {
		t.Fatalf("loaded %+v", st)
	}
	if tun := st.Tunnels[0]; tun.Up || tun.DownReason != "dpd_timeout" || !tun.LastChange.Equal(time.Date(2026, 11, 28, 9, 58, 0, 250_000_000, time.UTC)) {
		t.Errorf("first tunnel %+v", tun)
	}
	if f := st.Failures[0]; f.ReasonCode != "6" || f.Interface != "GigabitEthernet0/0/1" {
		t.Errorf("failure %+v", f)
	}
	// A file written before tunnels kept their place and downs loads with
	// them unknown.
	if tun := st.Tunnels[0]; tun.Interface != "" || tun.Vsys != "" || tun.Downs != nil {
		t.Errorf("fields the file does not have: %+v", tun)
	}
}

func TestNoFileIsAFirstStart(t *testing.T) {
	s, m := open(t, t.TempDir())
	st, err := s.Load()
	if err != nil || st.EngineBoots != 0 || len(st.Tunnels)+len(st.Failures) != 0 {
		t.Fatalf("Load() = %+v, %v; want an empty state and no error", st, err)
	}
	if v := testutil.ToFloat64(m.restoreOK); v != 1 {
		t.Errorf("last restore successful = %v, want 1: no file is not a failure", v)
	}
}

// Every unusable file: the exporter gets an empty state but for the engine
// boots when they can still be read, the file is kept aside under a
// timestamped name, and it is counted by reason.
func TestBadFilesAreMovedAsideAndCounted(t *testing.T) {
	for _, tc := range []struct {
		fixture, reason, errText string
		boots                    uint32
	}{
		{"empty.json", BadEmpty, "no content", 0},
		{"whitespace.json", BadEmpty, "no content", 0},
		{"truncated.json", BadTruncated, "ends after 180 bytes", 41},
		{"zeros.json", BadCorrupt, "invalid character", 0},
		{"not_json.json", BadCorrupt, "invalid character", 0},
		{"trailing.json", BadCorrupt, "trailing data", 3},
		{"no_version.json", BadCorrupt, "no valid version", 3},
		{"version_string.json", BadCorrupt, "cannot unmarshal string", 3},
		{"negative_boots.json", BadCorrupt, "cannot unmarshal number -1", 0},
		{"future_version.json", BadFutureVersion, "format version 2, this exporter reads up to 1", 57},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			dir := t.TempDir()
			content, err := os.ReadFile(filepath.Join("testdata", tc.fixture))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, FileName), content, 0o600); err != nil {
				t.Fatal(err)
			}
			s, m := open(t, dir)
			s.now = func() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) }
			st, err := s.Load()
			var bad *BadFileError
			if !errors.As(err, &bad) {
				t.Fatalf("Load() error %v, want a *BadFileError", err)
			}
			if bad.Reason != tc.reason || !strings.Contains(err.Error(), tc.errText) {
				t.Errorf("reason %q, error %q; want %q containing %q", bad.Reason, err, tc.reason, tc.errText)
			}
			if st == nil || len(st.Tunnels)+len(st.Failures) != 0 || st.EngineBoots != tc.boots {
				t.Errorf("state %+v, want empty with engine boots %d", st, tc.boots)
			}
			aside := filepath.Join(dir, FileName+".bad-20261128T100000Z")
			if bad.MovedTo != aside || !strings.Contains(err.Error(), "moved aside to "+aside) {
				t.Errorf("moved to %q (%v), want %q", bad.MovedTo, err, aside)
			}
			kept, err := os.ReadFile(aside)
			if err != nil || string(kept) != string(content) {
				t.Errorf("the file kept aside differs from the bad file: %v", err)
			}
			if _, err := os.Stat(s.Path()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the bad file is still in place: %v", err)
			}
			if v := testutil.ToFloat64(m.badFiles.WithLabelValues(tc.reason)); v != 1 {
				t.Errorf("bad files{reason=%q} = %v, want 1", tc.reason, v)
			}
			if v := testutil.ToFloat64(m.restoreOK); v != 0 {
				t.Errorf("last restore successful = %v, want 0", v)
			}
			// The next write starts a good file beside the one kept aside.
			if err := s.Save(&State{EngineBoots: NextEngineBoots(st.EngineBoots)}); err != nil {
				t.Fatal(err)
			}
			if got, want := ls(t, dir), []string{lockName, FileName, filepath.Base(aside)}; !reflect.DeepEqual(got, want) {
				t.Errorf("directory %v, want %v", got, want)
			}
		})
	}
}

func TestUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	// A directory where the file should be cannot be read as one, even by
	// root.
	if err := os.Mkdir(filepath.Join(dir, FileName), 0o700); err != nil {
		t.Fatal(err)
	}
	s, m := open(t, dir)
	_, err := s.Load()
	var bad *BadFileError
	if !errors.As(err, &bad) || bad.Reason != BadUnreadable || bad.MovedTo == "" {
		t.Fatalf("Load() error %v, want an unreadable file moved aside", err)
	}
	if v := testutil.ToFloat64(m.badFiles.WithLabelValues(BadUnreadable)); v != 1 {
		t.Errorf("bad files{reason=unreadable} = %v, want 1", v)
	}
}

func TestBadFilesKeptAreBounded(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir)
	start := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	for i := range keepBadFiles + 3 {
		// Two bad files within one second get distinct names.
		s.now = func() time.Time { return start.Add(time.Duration(i/2) * time.Second) }
		if err := os.WriteFile(s.Path(), []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Load(); err == nil {
			t.Fatal("a truncated file loaded")
		}
	}
	got := ls(t, dir)
	want := []string{
		lockName,
		FileName + ".bad-20261128T100001Z-1",
		FileName + ".bad-20261128T100002Z",
		FileName + ".bad-20261128T100002Z-1",
		FileName + ".bad-20261128T100003Z",
		FileName + ".bad-20261128T100003Z-1",
	}
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("directory %v, want the %d newest bad files: %v", got, keepBadFiles, want)
	}
}

func TestOpenRefusesWhatItCannotUse(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "regular")
	if err := os.WriteFile(regular, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct{ dir, want string }{
		// Root may write anywhere on a writable file system; these fail for
		// everyone.
		"parent is a file":      {filepath.Join(regular, "state"), "creating the storage directory"},
		"path is a file":        {regular, "not a directory"},
		"read-only file system": {"/proc/ipsec_trap_exporter_state", "creating the storage directory"},
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		cases["directory without write permission"] = struct{ dir, want string }{ro, "not writable"}
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Open(tc.dir, NewMetrics(prometheus.NewRegistry()))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open(%s) error %v, want one saying %q", tc.dir, err, tc.want)
			}
		})
	}
}

// As root (CI) a directory without write permission is writable, and
// TestOpenRefusesWhatItCannotUse leaves that case out; this test runs it
// again as nobody, so that it runs wherever the suite runs.
func TestOpenRefusesAnUnwritableDirectoryToAUser(t *testing.T) {
	testenv.Need(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	name, args := testenv.Unprivileged(t, testenv.Reachable(t, self), "-test.run=^TestOpenRefusesWhatItCannotUse$", "-test.v", "-test.count=1")
	out, err := testenv.Run(time.Minute, name, args...)
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	if !strings.Contains(out, "--- PASS: TestOpenRefusesWhatItCannotUse/directory_without_write_permission") {
		t.Fatalf("the unwritable directory case did not run and pass as a user:\n%s", out)
	}
}

func TestOneExporterPerDirectory(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir)
	if _, err := Open(dir, NewMetrics(prometheus.NewRegistry())); err == nil || !strings.Contains(err.Error(), "in use by another") {
		t.Fatalf("second Open error %v, want the directory in use", err)
	}
	s.Close()
	s2, err := Open(dir, NewMetrics(prometheus.NewRegistry()))
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}

func TestOpenRemovesTemporaryFilesOfACrash(t *testing.T) {
	dir := t.TempDir()
	left := filepath.Join(dir, tempPrefix+"123456")
	if err := os.WriteFile(left, []byte(`{"version":1,"engine_bo`), 0o600); err != nil {
		t.Fatal(err)
	}
	open(t, dir)
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file of an interrupted write still there: %v", err)
	}
}

func TestFailedWriteKeepsThePreviousFileAndIsCounted(t *testing.T) {
	dir := t.TempDir()
	s, m := open(t, dir)
	if err := s.Save(sample()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.Path())
	// Point the store at a non-empty directory where its file should be:
	// the rename fails after the temporary file was written.
	blocked := filepath.Join(dir, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	good := s.path
	s.path = blocked
	if err := s.Save(&State{EngineBoots: 99}); err == nil {
		t.Fatal("Save over a directory succeeded")
	}
	s.path = good
	if v := testutil.ToFloat64(m.writeFailures); v != 1 {
		t.Errorf("write failures = %v, want 1", v)
	}
	if v := testutil.ToFloat64(m.writes); v != 2 {
		t.Errorf("writes = %v, want 2", v)
	}
	after, _ := os.ReadFile(good)
	if string(after) != string(before) {
		t.Error("a failed write changed the state file")
	}
	for _, name := range ls(t, dir) {
		if strings.HasPrefix(name, tempPrefix) {
			t.Errorf("temporary file %s left behind", name)
		}
	}
}

func TestSalvageBoots(t *testing.T) {
	for in, want := range map[string]uint32{
		`{"version":1,"written_at":"x","engine_boots":17,"tunn`: 17,
		`{"engine_boots": 9}`:          9,
		`{"engine_boots":99999999999,`: 0, // not a uint32
		`{"engine_boots":4294967295,`:  MaxEngineBoots,
		`{"engine_boots":12`:           0, // cut inside the number
		`engine_boots=3`:               0,
	} {
		if got := salvageBoots([]byte(in)); got != want {
			t.Errorf("salvageBoots(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestNextEngineBoots(t *testing.T) {
	for prev, want := range map[uint32]uint32{0: 1, 1: 2, 41: 42, MaxEngineBoots - 1: MaxEngineBoots, MaxEngineBoots: MaxEngineBoots, 1<<32 - 1: MaxEngineBoots} {
		if got := NextEngineBoots(prev); got != want {
			t.Errorf("NextEngineBoots(%d) = %d, want %d", prev, got, want)
		}
	}
}

// The writer writes after a change, once per interval however many changes
// there were, and not while nothing changes.
func TestWriterWritesOncePerIntervalAfterChanges(t *testing.T) {
	s, m := open(t, t.TempDir())
	var changed atomic.Bool
	var asked, snapshots atomic.Int64
	w := &Writer{
		Store:    s,
		Interval: 20 * time.Millisecond,
		Changed: func() bool {
			asked.Add(1)
			return changed.Swap(false)
		},
		Snapshot: func() *State {
			snapshots.Add(1)
			return &State{EngineBoots: 1}
		},
		Logger: log.NewNopLogger(),
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { w.Run(stop); close(done) }()
	defer func() { close(stop); <-done }()

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s", what)
			}
			time.Sleep(time.Millisecond)
		}
	}
	// A burst of changes costs one write (two, if a tick falls inside the
	// burst), not one per change.
	for range 1000 {
		changed.Store(true)
	}
	waitFor("the first write", func() bool { return testutil.ToFloat64(m.writes) >= 1 })
	// Nothing changes: ticks pass without a write.
	idleFrom := asked.Load()
	waitFor("one tick", func() bool { return asked.Load() >= idleFrom+1 })
	written := testutil.ToFloat64(m.writes)
	if written > 2 {
		t.Errorf("%v writes for a burst of 1000 changes, want at most 2", written)
	}
	idleFrom = asked.Load()
	waitFor("five idle ticks", func() bool { return asked.Load() >= idleFrom+5 })
	if n := testutil.ToFloat64(m.writes); n != written {
		t.Errorf("%v writes after idle intervals, want %v", n, written)
	}
	changed.Store(true)
	waitFor("the write after the next change", func() bool { return testutil.ToFloat64(m.writes) == written+1 })
	if n := snapshots.Load(); float64(n) != written+1 {
		t.Errorf("%d snapshots for %v writes", n, written+1)
	}
}
