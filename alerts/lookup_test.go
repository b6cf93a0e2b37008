package alerts

import (
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		key          string
		failure      string // slug, "" for none
		teardown     string // slug, "" for none
		group, alert string
	}{
		{key: "6", failure: "responder_dh_mismatch", group: "dh_mismatch"},
		{key: "responder_dh_mismatch", failure: "responder_dh_mismatch", group: "dh_mismatch"},
		{key: "Responder DH mismatch", failure: "responder_dh_mismatch", group: "dh_mismatch"},
		{key: "41", failure: "ipsec_tunnel_number_reaches_limitation", group: "ipsec_tunnel_limit"},
		{key: "unknown", failure: mib.UnknownReason, group: UnknownGroup.Name},
		{key: "dpd_timeout", teardown: "dpd_timeout", alert: TeardownAlertName("dpd_timeout")},
		{key: "dpd timeout", teardown: "dpd_timeout", alert: TeardownAlertName("dpd_timeout")},
		{key: "phase1 sa replace", teardown: "phase1_sa_replace"},
		{key: "other", teardown: mib.OtherOfflineReason},
		{key: "99"},
		{key: "0"},
		{key: ""},
		{key: "nothing like it"},
	}
	for _, tt := range tests {
		f, td, ok := Lookup(tt.key)
		if ok != (tt.failure != "" || tt.teardown != "") {
			t.Errorf("%q: ok = %v", tt.key, ok)
		}
		switch {
		case tt.failure == "" && f != nil:
			t.Errorf("%q: unexpected failure %s", tt.key, f.Reason.Slug)
		case tt.failure != "" && (f == nil || f.Reason.Slug != tt.failure || f.Group.Name != tt.group):
			t.Errorf("%q: failure %+v, want %s in %s", tt.key, f, tt.failure, tt.group)
		case f != nil && (f.Alert != FailureAlertName(f.Group.Name) || f.Remediation != RemediationText(f.Group) ||
			f.Policy != Policies[f.Group.Class] || f.Anchor != f.Group.Name):
			t.Errorf("%q: entry disagrees with the rules: %+v", tt.key, f)
		}
		switch {
		case tt.teardown == "" && td != nil:
			t.Errorf("%q: unexpected teardown %s", tt.key, td.Teardown.Slug)
		case tt.teardown != "" && (td == nil || td.Teardown.Slug != tt.teardown || td.Alert != tt.alert):
			t.Errorf("%q: teardown %+v, want %s with alert %q", tt.key, td, tt.teardown, tt.alert)
		}
	}
}

// TestCataloguesShareNoSlug: /reasons/{slug} and explain name one reason; if
// a slug ever were both a failure and a teardown reason, both would show,
// but the page title and links assume it does not happen.
func TestCataloguesShareNoSlug(t *testing.T) {
	for _, td := range mib.Teardowns() {
		if _, ok := mib.ReasonBySlug(td.Slug); ok || td.Slug == mib.UnknownReason {
			t.Errorf("%s is both a failure and a teardown reason", td.Slug)
		}
	}
	if _, ok := mib.ReasonBySlug(mib.OtherOfflineReason); ok {
		t.Errorf("%s is a failure reason", mib.OtherOfflineReason)
	}
}
