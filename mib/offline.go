package mib

import (
	"slices"
	"strings"
)

// OtherOfflineReason is the label value for an offline reason not in the
// list, so free text from a device never becomes a label value.
const OtherOfflineReason = "other"

// offlineReasonTexts are the offline reasons tunnel stop traps are known to
// carry (hwIPSecTrapTunnelOfflineReason).
var offlineReasonTexts = []string{
	"dpd timeout",
	"peer request",
	"config modify or manual offline",
	"phase1 hard expiry",
	"phase2 hard expiry",
	"heartbeat timeout",
	"modecfg address soft expiry",
	"re-auth timeout",
	"aaa cut user",
}

var offlineReasonSlugs = func() []string {
	s := make([]string, len(offlineReasonTexts))
	for i, t := range offlineReasonTexts {
		s[i] = Slug(t)
	}
	return s
}()

// OfflineReasons returns the slugs of the known offline reasons.
func OfflineReasons() []string {
	return slices.Clone(offlineReasonSlugs)
}

// OfflineReasonSlug maps an offline reason text to its label value: its slug
// when known, OtherOfflineReason otherwise. An absent reason (empty or blank
// text) maps to "", which is also the reason label of an up transition.
func OfflineReasonSlug(text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	s := Slug(text)
	if slices.Contains(offlineReasonSlugs, s) {
		return s
	}
	return OtherOfflineReason
}
