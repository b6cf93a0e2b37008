package soak_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// sample is one look at the exporter's resources.
type sample struct {
	at         time.Time
	segment    int           // which process: 0 the first, one more at every restart
	sinceStart time.Duration // since that process was ready
	rss        float64       // bytes, VmRSS
	heap       float64       // bytes, go_memstats_heap_inuse_bytes
	goroutines float64
	fds        float64
	stateSize  float64       // bytes of state.json
	latency    time.Duration // GET /metrics, body read
}

// resource names one measure of a sample, with its unit.
type resource struct {
	name, unit string
	scale      float64 // value / scale is in unit
	get        func(sample) float64
}

var resources = []resource{
	{"resident memory", "MiB", 1 << 20, func(s sample) float64 { return s.rss }},
	{"Go heap in use", "MiB", 1 << 20, func(s sample) float64 { return s.heap }},
	{"goroutines", "", 1, func(s sample) float64 { return s.goroutines }},
	{"open file descriptors", "", 1, func(s sample) float64 { return s.fds }},
	{"state file size", "KiB", 1 << 10, func(s sample) float64 { return s.stateSize }},
	{"/metrics latency", "ms", 1e6, func(s sample) float64 { return float64(s.latency) }},
}

// takeSample reads pid's memory and descriptors from /proc, the state
// file's size, and times one GET /metrics, whose go_goroutines it reads.
func takeSample(pid int, webURL, stateFile string) (sample, error) {
	s := sample{at: time.Now()}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, fmt.Errorf("reading the exporter's status: %w", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				return s, fmt.Errorf("VmRSS %q: %w", v, err)
			}
			s.rss = kb * 1024
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return s, fmt.Errorf("listing the exporter's descriptors: %w", err)
	}
	s.fds = float64(len(fds))
	if fi, err := os.Stat(stateFile); err == nil {
		s.stateSize = float64(fi.Size())
	}
	start := time.Now()
	resp, err := http.Get(webURL + "/metrics")
	if err != nil {
		return s, fmt.Errorf("scraping: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	s.latency = time.Since(start)
	if err != nil {
		return s, fmt.Errorf("scraping: %w", err)
	}
	families := parseMetrics(body)
	s.goroutines, _ = testenv.Value(families, "go_goroutines", nil)
	s.heap, _ = testenv.Value(families, "go_memstats_heap_inuse_bytes", nil)
	return s, nil
}

// slope is the growth per hour of a resource after warm-up: the median of
// the slopes between every two samples of one process taken at least
// warmUp after it was ready (Theil and Sen's estimator), so that a
// restart's drop back to a fresh process is not read as a fall, nor its
// warm-up as a rise, and a few spikes (a scrape slowed by the machine's
// other jobs) do not make a trend. ok is false with fewer than three such
// samples.
func slope(samples []sample, get func(sample) float64, warmUp time.Duration) (perHour float64, n int, ok bool) {
	bySegment := map[int][]sample{}
	for _, s := range samples {
		if s.sinceStart >= warmUp {
			bySegment[s.segment] = append(bySegment[s.segment], s)
		}
	}
	var slopes []float64
	for _, seg := range bySegment {
		for i := range seg {
			for j := i + 1; j < len(seg); j++ {
				if dt := seg[j].at.Sub(seg[i].at).Hours(); dt > 0 {
					slopes = append(slopes, (get(seg[j])-get(seg[i]))/dt)
				}
			}
		}
		n += len(seg)
	}
	if n < 3 || len(slopes) == 0 {
		return 0, n, false
	}
	sort.Float64s(slopes)
	return slopes[len(slopes)/2], n, true
}

// wholeRunSlope is the growth per hour over every sample after the first
// warm-up, restarts included: for what a restart does not reset, the
// state file.
func wholeRunSlope(samples []sample, get func(sample) float64, warmUp time.Duration) (float64, bool) {
	var kept []sample
	for _, s := range samples {
		if s.at.Sub(samples[0].at) >= warmUp {
			s.segment, s.sinceStart = 0, warmUp
			kept = append(kept, s)
		}
	}
	v, _, ok := slope(kept, get, warmUp)
	return v, ok
}

func stateFilePath(dir string) string { return filepath.Join(dir, "state.json") }
