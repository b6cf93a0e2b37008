package state

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func counters() []Counter {
	born := time.Date(2026, 11, 27, 8, 0, 0, 125_000_000, time.UTC)
	return []Counter{
		{Family: "ipsec_negotiation_failures_total", Labels: []string{"fw-hq-01", "203.0.113.9", "GigabitEthernet0/0/1", "", "responder_dh_mismatch", "6"},
			Value: 17, Created: born, LastUpdate: born.Add(26 * time.Hour)},
		{Family: "ipsec_notifications_total", Labels: []string{"hwIPSecNegotiationFail"}, Value: 17, Created: born.Add(-time.Hour)},
	}
}

// The counters of a clean shutdown are restored once: the Load that reads
// them leaves a file without them, so that a crash later in the run that
// restored them starts the counters at 0 instead of restoring a value
// Prometheus has since scraped past.
func TestCountersAreRestoredOnce(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir)
	final := sample()
	final.Counters = counters()
	if err := s.SaveAtShutdown(final); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2, m2 := open(t, dir)
	got, err := s2.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, final) {
		t.Errorf("first load after a clean shutdown:\n got %+v\nwant %+v", got, final)
	}
	if v := testutil.ToFloat64(m2.continued); v != 1 {
		t.Errorf("counters continued = %v after the first load, want 1", v)
	}
	// The file was rewritten before Load returned: the rest of the state
	// is there, the counters are not.
	b, err := os.ReadFile(s2.Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"counters"`) {
		t.Errorf("the state file still holds the counters after they were restored:\n%s", b)
	}
	s2.Close()

	// A crash: the next start reads the file as the last run left it.
	s3, m3 := open(t, dir)
	again, err := s3.Load()
	if err != nil {
		t.Fatal(err)
	}
	if again.Counters != nil {
		t.Errorf("counters restored a second time: %+v", again.Counters)
	}
	want := sample()
	if !reflect.DeepEqual(again, want) {
		t.Errorf("second load lost the rest of the state:\n got %+v\nwant %+v", again, want)
	}
	if v := testutil.ToFloat64(m3.continued); v != 0 {
		t.Errorf("counters continued = %v after a load without counters, want 0", v)
	}
}

// Only the write at shutdown carries counters: a periodic write is
// overtaken by the events that follow it.
func TestSaveNeverWritesCounters(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir)
	st := sample()
	st.Counters = counters()
	if err := s.Save(st); err != nil {
		t.Fatal(err)
	}
	if st.Counters == nil {
		t.Error("Save changed its argument")
	}
	got, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.Counters != nil {
		t.Errorf("a periodic write kept counters: %+v", got.Counters)
	}
}

// When the file cannot be rewritten without the counters, they are not
// restored: the file would restore them again after a crash.
func TestCountersThatCannotBeConsumedStartAtZero(t *testing.T) {
	dir := t.TempDir()
	s, m := open(t, dir)
	final := sample()
	final.Counters = counters()
	if err := s.SaveAtShutdown(final); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.Path())
	// Temporary files go to a directory that is not there: the rewrite
	// fails after the file was read, for root too.
	s.dir = filepath.Join(dir, "gone")
	got, err := s.Load()
	var dropped *CountersDroppedError
	if !errors.As(err, &dropped) {
		t.Fatalf("Load error %v, want the counters dropped", err)
	}
	if got.Counters != nil {
		t.Errorf("counters returned though the file still holds them: %+v", got.Counters)
	}
	if got.EngineBoots != final.EngineBoots || len(got.Tunnels) != len(final.Tunnels) || len(got.Failures) != len(final.Failures) {
		t.Errorf("the rest of the state was not returned: %+v", got)
	}
	if v := testutil.ToFloat64(m.continued); v != 0 {
		t.Errorf("counters continued = %v, want 0", v)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, FileName)); string(after) != string(before) {
		t.Error("the failed rewrite changed the state file")
	}
}
