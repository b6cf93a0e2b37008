package soak_test

import (
	"math"
	"slices"
	"testing"
	"time"
)

// The oracle's arithmetic, without an exporter: these run in the short loop.

func TestRawIncrease(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values []float64
		want   float64
	}{
		{"empty", nil, 0},
		{"one sample", []float64{3}, 3},
		{"rising", []float64{0, 2, 2, 5}, 5},
		{"reset to zero", []float64{4, 6, 0, 1}, 7},
		{"reset seen after counting again", []float64{4, 6, 2, 3}, 9},
		{"carried across a restart", []float64{4, 6, 6, 8}, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := rawIncrease(tc.values); got != tc.want {
				t.Errorf("rawIncrease(%v) = %v, want %v", tc.values, got, tc.want)
			}
		})
	}
}

var t0 = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

func TestJudge(t *testing.T) {
	l := newLedger()
	k := key{metric: failures, device: "d", peer: "p", reason: "r"}
	for _, s := range []float64{1, 2, 3, 9, 11, 14} {
		l.count(k, "in", at(s), true)
	}
	l.count(k, "in", at(20), false) // an inform not acknowledged
	drop := key{metric: trapDrops, reason: "unknown_community"}
	l.count(drop, "in", at(5), true)
	l.count(drop, "in", at(12), true)
	l.count(drop, "in", at(15), true) // lost by a graceful restart too: not carried

	// Scrapes every 5 s; a kill at 12.5 s, whose last scrape was at 10 s,
	// and a graceful restart at 16 s (last scrape 15 s).
	scrapes := []time.Time{at(0), at(5), at(10), at(15), at(20)}
	windows := lossWindows([]lifecycleEvent{{kind: "kill", at: at(12.5)}, {kind: "restart", at: at(16)}}, scrapes, time.Second)
	if windows[0].from != at(9) || windows[0].to != at(12.5) || windows[1].from != at(14) {
		t.Fatalf("loss windows %+v", windows)
	}
	lossy := func(metric, kind string) bool { return kind == "kill" || metric != failures }
	for _, tc := range []struct {
		name       string
		got        map[key]float64
		wantOK     []bool // k, drop
		wantLoss   [2]int
		extraWrong bool
	}{
		{"exact", map[key]float64{k: 6, drop: 3}, []bool{true, true}, [2]int{1, 2}, false},
		{"the unacknowledged inform counted", map[key]float64{k: 7, drop: 3}, []bool{true, true}, [2]int{1, 2}, false},
		{"lost after the last scrape before a stop", map[key]float64{k: 5, drop: 1}, []bool{true, true}, [2]int{1, 2}, false},
		{"lost more than that", map[key]float64{k: 4, drop: 0}, []bool{false, false}, [2]int{1, 2}, false},
		{"counted twice", map[key]float64{k: 8, drop: 4}, []bool{false, false}, [2]int{1, 2}, false},
		{"a drop the ledger did not cause", map[key]float64{k: 6, drop: 3, {metric: trapDrops, reason: "malformed"}: 1}, []bool{true, true}, [2]int{1, 2}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := judge(l, tc.got, windows, lossy)
			byKey := map[key]verdict{}
			for _, v := range vs {
				byKey[v.key] = v
			}
			for i, kk := range []key{k, drop} {
				v := byKey[kk]
				if v.ok() != tc.wantOK[i] || v.lossable != tc.wantLoss[i] {
					t.Errorf("%v: ok %v, want %v; lossable %d, want %d", v, v.ok(), tc.wantOK[i], v.lossable, tc.wantLoss[i])
				}
			}
			if extra := len(vs) > 2; extra != tc.extraWrong || (extra && vs[2].ok()) {
				t.Errorf("verdicts %v: a count the ledger did not cause must be a wrong verdict of its own", vs)
			}
		})
	}
}

func TestAllowedStates(t *testing.T) {
	steps := []tunnelStep{{at(1), true}, {at(10), false}, {at(20), true}}
	for _, tc := range []struct {
		name  string
		kills []lifecycleEvent
		want  []string
	}{
		{"no kill", nil, []string{"up"}},
		{"kill long after the last change", []lifecycleEvent{{kind: "kill", at: at(40)}}, []string{"up"}},
		{"kill right after the last change", []lifecycleEvent{{kind: "kill", at: at(21)}}, []string{"down", "up"}},
		{"kill before the last change", []lifecycleEvent{{kind: "kill", at: at(15)}}, []string{"up"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := allowedStates(steps, tc.kills, time.Second); !slices.Equal(got, tc.want) {
				t.Errorf("allowed %q, want %q", got, tc.want)
			}
		})
	}
	// A tunnel whose whole story is in the lost interval may be absent.
	if got := allowedStates(steps[:1], []lifecycleEvent{{kind: "kill", at: at(2)}}, time.Second); !slices.Equal(got, []string{"", "up"}) {
		t.Errorf("allowed %q, want absent or up", got)
	}
}

func TestSlope(t *testing.T) {
	rss := func(s sample) float64 { return s.rss }
	var flat, leak []sample
	for seg := 0; seg < 3; seg++ {
		for i := 0; i < 20; i++ {
			s := sample{at: at(float64(seg*300 + i*10)), segment: seg, sinceStart: time.Duration(i*10) * time.Second}
			// Each process starts at a different level; within it, flat
			// with noise, or growing by 1 MiB a minute.
			s.rss = float64(seg*10<<20) + float64(i%2)*1000
			flat = append(flat, s)
			s.rss += float64(i*10) / 60 * (1 << 20)
			leak = append(leak, s)
		}
	}
	if v, n, ok := slope(flat, rss, 30*time.Second); !ok || n != 51 || math.Abs(v) > 1<<20 {
		t.Errorf("flat: slope %v per hour over %d samples (ok %v), want about 0", v, n, ok)
	}
	if v, _, ok := slope(leak, rss, 30*time.Second); !ok || math.Abs(v-60*(1<<20)) > 1<<20 {
		t.Errorf("leak: slope %.0f per hour, want 60 MiB (%d)", v, 60<<20)
	}
	// A few slow scrapes near the end of a process are not a trend.
	spiky := append([]sample(nil), flat...)
	for _, i := range []int{17, 18, 58} {
		spiky[i].rss += 100 << 20
	}
	if v, _, ok := slope(spiky, rss, 30*time.Second); !ok || math.Abs(v) > 1<<20 {
		t.Errorf("spikes: slope %.0f per hour, want about 0", v)
	}
	if _, _, ok := slope(flat[:2], rss, 0); ok {
		t.Error("a slope from two samples")
	}
}

func TestPlanFor(t *testing.T) {
	m := time.Minute
	for _, tc := range []struct {
		d               time.Duration
		restarts, kills []time.Duration
		long            bool
	}{
		{3 * m, []time.Duration{m}, []time.Duration{2 * m}, false},
		{20 * m, []time.Duration{5 * m, 15 * m}, []time.Duration{10 * m}, false},
		{36 * m, []time.Duration{5 * m, 15 * m}, []time.Duration{10 * m}, true},
		{60 * m, []time.Duration{5 * m, 15 * m, 25 * m, 35 * m}, []time.Duration{10 * m, 20 * m, 30 * m, 40 * m}, true},
	} {
		p := planFor(tc.d)
		if !slices.Equal(p.restarts, tc.restarts) || !slices.Equal(p.kills, tc.kills) || p.long != tc.long {
			t.Errorf("planFor(%v): SIGTERM at %v, kill at %v, long %v; want %v, %v, %v", tc.d, p.restarts, p.kills, p.long, tc.restarts, tc.kills, tc.long)
		}
		// Every kind of event happens, the full disk before the end and
		// apart from every restart.
		if p.reloadEvery >= tc.d || p.diskFull+p.diskFullFor >= tc.d {
			t.Errorf("planFor(%v): reloads every %v, full disk until %v", tc.d, p.reloadEvery, p.diskFull+p.diskFullFor)
		}
		for _, at := range append(p.restarts, p.kills...) {
			if at >= p.diskFull && at <= p.diskFull+p.diskFullFor {
				t.Errorf("planFor(%v): a restart at %v during the full disk", tc.d, at)
			}
		}
	}
}
