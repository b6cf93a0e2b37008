package e2e_test

import (
	"slices"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

// A newer router sends hwIPSecNegotiationFail and an SA failure for one
// negotiation; the exporter counts the SA failure by name only once it has
// seen the router send the newer notification. That knowledge is in the
// state file (Superseding): after a clean restart and after a crash, the
// router's next SA failure, arriving before its hwIPSecNegotiationFail, is
// still not counted as a failure of its own. An older router's SA failure,
// in the same run, still is: the restored list names routers, not
// notifications.
func TestEndToEndSupersedingSurvivesRestarts(t *testing.T) {
	testenv.Need(t, "snmptrap")
	e := testenv.StartExporter(t, "--storage.write-interval=1s")
	from := func(device string) []string { return []string{"1.3.6.1.6.3.18.1.3.0", "a", device} }
	const newer, older = "192.0.2.20", "192.0.2.10"
	router := func(device, peer string) []string {
		return append(from(device), rt+".1.19.5.0", "s", peer, rt+".1.19.23.0", "s", "vrf1", rt+".1.19.3.0", "s", "Tunnel0/0/2")
	}
	saFailures := 0
	saFailure := func(device, peer string) {
		t.Helper()
		e.TrapV2c(t, "public", append([]string{rt + ".2.1.37"}, router(device, peer)...)...)
		if device == newer {
			saFailures++
			e.WaitValue(t, "ipsec_device_notifications_total", map[string]string{"device": newer, "notification": "hwIPSECSANegotiationFail"}, float64(saFailures))
		}
	}
	unknownOf := func(device, peer string) map[string]string {
		return failures(device, peer, "Tunnel0/0/2", "vrf1", "unknown", "")
	}

	e.TrapV2c(t, "public", append([]string{rt + ".2.1.57", rt + ".1.19.49.0", "s", "phase1 proposal mismatch"}, router(newer, "198.51.100.41")...)...)
	e.WaitValue(t, "ipsec_negotiation_failures_total", failures(newer, "198.51.100.41", "Tunnel0/0/2", "vrf1", "phase1_proposal_mismatch", "1"), 1)
	waitStateHolds(t, e, func(st *state.State) bool {
		return slices.Contains(st.Superseding["hwIPSecNegotiationFail"], newer)
	})

	for _, restart := range []struct {
		how  string
		stop func(testing.TB)
		peer string
	}{{"SIGTERM", e.Stop, "198.51.100.42"}, {"kill -9", e.Kill, "198.51.100.43"}} {
		restart.stop(t)
		e.Restart(t)
		if restart.how == "kill -9" {
			saFailures = 0 // counters start at 0 after a crash
		}
		saFailure(newer, restart.peer)
		families := e.Scrape(t)
		if v, ok := testenv.Value(families, "ipsec_negotiation_failures_total", unknownOf(newer, restart.peer)); ok {
			t.Errorf("after %s: the newer router's superseded SA failure was counted as a failure (%v)", restart.how, v)
		}
		// The older router, never seen sending the newer notification,
		// still counts.
		saFailure(older, restart.peer)
		e.WaitValue(t, "ipsec_negotiation_failures_total", unknownOf(older, restart.peer), 1)
		if st := readState(t, e.StoragePath); !slices.Contains(st.Superseding["hwIPSecNegotiationFail"], newer) {
			t.Errorf("after %s: the state file no longer names %s: %v", restart.how, newer, st.Superseding)
		}
	}
}
