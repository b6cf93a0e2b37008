package syslogin

import (
	"errors"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// Format is one vendor's layout of the text of a log message: it turns the
// text (the syslog MSG, possibly after a tag; the transport and header are
// go-syslog's) into the event the equivalent trap decodes to. Device and
// Time are the caller's. A Format is used by many goroutines at once.
//
// A second vendor's layout is a second Format in Options.Formats: each is
// asked in turn, and the first that does not answer ErrForeign decides.
type Format interface {
	Parse(text string) (pipeline.Event, error)
}

// The two ways a message is not an event, under every format.
var (
	// ErrForeign is a message that is not in the format's layout at all
	// (counted as not_huawei when no format takes it).
	ErrForeign = errors.New("not in this format's layout")
	// ErrOtherMessage is a message in the format's layout that is not an
	// IPSec event the exporter counts (another module, or another IPSec
	// message).
	ErrOtherMessage = errors.New("not an IPSec negotiation or tunnel event")
)

// DefaultFormats are the layouts the syslog input reads unless told
// otherwise: Huawei's.
func DefaultFormats() []Format { return []Format{Huawei{}} }

// parseText asks each format in turn; the error is ErrForeign (wrapped by
// the last format) when none takes the message.
func parseText(formats []Format, text string) (pipeline.Event, error) {
	err := ErrForeign
	for _, f := range formats {
		var ev pipeline.Event
		ev, err = f.Parse(text)
		if !errors.Is(err, ErrForeign) {
			return ev, err
		}
	}
	return pipeline.Event{}, err
}
