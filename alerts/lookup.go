package alerts

import (
	"strconv"
	"strings"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// FailureEntry is everything the project says about one negotiation-failure
// reason: the catalogue's facts, the remediation of its group and the alert
// that fires on it. The explain sub-command and the /reasons pages show it.
type FailureEntry struct {
	// Reason is the catalogue entry; for the unknown reason it has Code 0,
	// Slug mib.UnknownReason and the group UnknownGroup.
	Reason      mib.Reason
	Group       mib.Group
	Policy      Policy
	Alert       string // FailureAlertName of the group
	Remediation string // RemediationText of the group, marked when it is the project's
	Anchor      string // the group's section in the runbook
}

// Known tells whether the reason is in the catalogue (not the unknown reason).
func (f FailureEntry) Known() bool { return f.Reason.Code != 0 }

// TeardownEntry is everything the project says about one teardown reason.
type TeardownEntry struct {
	Teardown mib.Teardown
	Alert    string // the outage alert of this reason, empty for other classes
	Anchor   string // the reason's section in the runbook, empty when none
}

// Known tells whether the teardown reason is in the catalogue (not "other").
func (t TeardownEntry) Known() bool { return t.Anchor != "" }

// otherTeardown stands for the label value of a teardown reason text that
// the catalogue does not list.
var otherTeardown = mib.Teardown{
	Text:  "reason not in the catalogue",
	Slug:  mib.OtherOfflineReason,
	Class: mib.TeardownUnknown,
	Meaning: "The device sent a teardown reason text that the catalogue does not list: a newer software version, or a product line that words it differently. " +
		"The label is other so that free text never becomes a label value; /events shows the text as sent.",
	Guidance: "Counted as instability, since nothing says it was planned. Read the text on /events, find the matching message in the device's log buffer (display logbuffer), and report the text to the project so that the catalogue can learn it.",
}

// FailureEntryOf returns the entry of a catalogued failure reason, or of the
// unknown reason.
func FailureEntryOf(r mib.Reason) FailureEntry {
	g, ok := mib.GroupByName(r.Group)
	if !ok || r.Slug == mib.UnknownReason {
		g = UnknownGroup
	}
	return FailureEntry{
		Reason: r, Group: g, Policy: Policies[g.Class], Alert: FailureAlertName(g.Name),
		Remediation: RemediationText(g), Anchor: g.Name,
	}
}

// UnknownFailure is the entry of reason="unknown": a code the catalogue does
// not list, or a free-text reason that matches no entry.
func UnknownFailure() FailureEntry {
	return FailureEntryOf(mib.Reason{Slug: mib.UnknownReason, Text: "reason not in the catalogue", Group: UnknownGroup.Name,
		Cause: "A reason code added in a newer software version, or a free-text reason that matches no catalogue entry."})
}

// TeardownEntryOf returns the entry of a catalogued teardown reason.
func TeardownEntryOf(t mib.Teardown) TeardownEntry {
	e := TeardownEntry{Teardown: t, Anchor: TeardownAnchor(t.Slug)}
	if t.Class == mib.TeardownOutage {
		e.Alert = TeardownAlertName(t.Slug)
	}
	return e
}

// OtherTeardown is the entry of reason="other" of a tunnel down.
func OtherTeardown() TeardownEntry { return TeardownEntry{Teardown: otherTeardown} }

// Lookup finds what a key names: a failure reason code ("6"), a failure or
// teardown slug ("responder_dh_mismatch", "dpd_timeout"), or a reason text
// as a device writes it ("dpd timeout"). The catalogues share no slug, but
// a key that matched both would return both. ok is false when nothing
// matches.
func Lookup(key string) (failure *FailureEntry, teardown *TeardownEntry, ok bool) {
	key = strings.TrimSpace(key)
	if code, err := strconv.Atoi(key); err == nil {
		if r, found := mib.ReasonByCode(code); found {
			f := FailureEntryOf(r)
			return &f, nil, true
		}
		return nil, nil, false
	}
	slug := mib.Slug(key)
	if r, found := mib.ReasonBySlug(slug); found {
		f := FailureEntryOf(r)
		failure = &f
	} else if slug == mib.UnknownReason {
		f := UnknownFailure()
		failure = &f
	}
	if t, found := mib.TeardownBySlug(slug); found {
		e := TeardownEntryOf(t)
		teardown = &e
	} else if slug == mib.OtherOfflineReason {
		e := OtherTeardown()
		teardown = &e
	}
	return failure, teardown, failure != nil || teardown != nil
}
