package pipeline

import (
	"strconv"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// ClassifyReason fills Reason (and, for failures, ReasonCode) from the code
// and the reason text as sent, by the rules every input shares: the code is
// the key of a failure when present; a text-only failure maps to the
// catalogue entry with the same slug; a teardown text maps to its teardown
// slug; free text never becomes a label.
func ClassifyReason(ev *Event, code string) {
	switch ev.Kind {
	case mib.KindNegotiationFailure:
		ev.ReasonCode, ev.Reason = failureReason(code, ev.ReasonText)
	case mib.KindTunnelDown:
		ev.Reason = mib.OfflineReasonSlug(ev.ReasonText)
	}
}

func failureReason(code, text string) (reasonCode, reason string) {
	if code != "" {
		n, err := strconv.Atoi(code)
		if err == nil {
			if r, ok := mib.ReasonByCode(n); ok {
				return code, r.Slug
			}
		}
		return code, mib.UnknownReason
	}
	if r, ok := mib.ReasonBySlug(mib.Slug(text)); ok {
		return strconv.Itoa(r.Code), r.Slug
	}
	return "", mib.UnknownReason
}
