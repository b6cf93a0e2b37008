package syslogin

import (
	"errors"
	"strings"

	syslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/auto"
	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/leodido/go-syslog/v4/rfc5424"
)

var errNoMessage = errors.New("syslog message without text")

// parser reads one syslog message, RFC 3164 or RFC 5424, with go-syslog.
// A go-syslog machine keeps state between calls, so a parser belongs to one
// goroutine (one UDP reader, one TCP connection).
type parser struct {
	machine syslog.Machine
	// stamp holds a message whose time stamp was rewritten (rewriteStamp),
	// reused from one message to the next.
	stamp []byte
}

func newParser() *parser {
	return &parser{machine: auto.NewMachine(
		// Huawei pads single-digit days with a zero on some models, and can
		// be set to write ISO 8601 time stamps.
		auto.WithRFC3164Options(rfc3164.WithLenientDay(), rfc3164.WithRFC3339(), rfc3164.WithSecondFractions()),
	)}
}

// parse returns the text of the message (the part after the header that
// carries the device's own text) and the HOSTNAME field ("" when absent).
func (p *parser) parse(msg []byte) (text, hostname string, err error) {
	msg = trimTrailer(msg)
	if out, ok := rewriteStamp(p.stamp, msg); ok {
		p.stamp, msg = out, out
	}
	m, err := p.machine.Parse(msg)
	if err != nil {
		return "", "", err
	}
	switch m := m.(type) {
	case *rfc3164.SyslogMessage:
		return text3164(m), deref(m.Hostname), nil
	case *rfc5424.SyslogMessage:
		if m.Message == nil {
			return "", "", errNoMessage
		}
		return *m.Message, deref(m.Hostname), nil
	}
	return "", "", errNoMessage
}

// text3164 puts back together the TAG and CONTENT go-syslog split. A Huawei
// message's tag is its information-centre header, which go-syslog reads as
// a tag with a [count] "PID": %%01IPSEC/4/IPSECNEGOFAIL(t)[3]:... Without a
// space after the colon go-syslog keeps the whole text as the content, or,
// after a [PID], starts the content inside the brackets; both are handled
// so that the header reaches the Huawei parser whole.
func text3164(m *rfc3164.SyslogMessage) string {
	msg := deref(m.Message)
	if m.Appname == nil {
		return msg
	}
	tag := *m.Appname
	if strings.HasPrefix(msg, tag) {
		return msg
	}
	if m.ProcID != nil {
		if strings.HasPrefix(msg, *m.ProcID+"]") {
			return tag + "[" + msg
		}
		return tag + "[" + *m.ProcID + "]: " + msg
	}
	return tag + ": " + msg
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// trimTrailer drops the line ending (LF, CR LF, NUL) some senders leave on
// a datagram or frame.
func trimTrailer(b []byte) []byte {
	for len(b) > 0 {
		switch b[len(b)-1] {
		case '\n', '\r', 0:
			b = b[:len(b)-1]
			continue
		}
		break
	}
	return b
}
