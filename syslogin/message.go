package syslogin

import (
	"bytes"
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
// msg may be rewritten in place.
func (p *parser) parse(msg []byte) (text, hostname string, err error) {
	msg = normalizeStamp(trimTrailer(msg))
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

// normalizeStamp rewrites the time stamp Huawei's information centre writes
// by default, "Nov 29 2026 04:56:42" (with a year, sometimes with
// fractions and a UTC offset: "Nov 29 2026 04:56:42.120+08:00"), into RFC
// 3164's "Nov 29 04:56:42", which go-syslog reads. The exporter stamps
// events with their arrival time, as it does traps, so nothing is lost. Any
// other message is returned as it is. b is rewritten in place.
func normalizeStamp(b []byte) []byte {
	gt := bytes.IndexByte(b[:min(len(b), 5)], '>')
	if gt < 0 {
		return b
	}
	s := b[gt+1:]
	if len(s) < 21 || !isLetter(s[0]) || !isLetter(s[1]) || !isLetter(s[2]) || s[3] != ' ' {
		return b
	}
	j := 4
	if s[j] == ' ' { // "Nov  9"
		j++
	}
	day := j
	for j < len(s) && j-day < 2 && isDigit(s[j]) {
		j++
	}
	if j == day || j >= len(s) || s[j] != ' ' {
		return b
	}
	dayEnd := j // the space after the day
	year := j + 1
	if year+5 > len(s) || !allDigits(s[year:year+4]) || s[year+4] != ' ' {
		return b
	}
	clock := year + 5
	if clock+8 > len(s) || !isClock(s[clock:clock+8]) {
		return b
	}
	k := clock + 8
	if k < len(s) && s[k] == '.' {
		k++
		for k < len(s) && isDigit(s[k]) {
			k++
		}
	}
	if k+6 <= len(s) && (s[k] == '+' || s[k] == '-') && allDigits(s[k+1:k+3]) && s[k+3] == ':' && allDigits(s[k+4:k+6]) {
		k += 6
	}
	if k >= len(s) || s[k] != ' ' {
		return b
	}
	n := copy(s[dayEnd+1:], s[clock:clock+8])
	n += copy(s[dayEnd+1+n:], s[k:])
	return b[:gt+1+dayEnd+1+n]
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return len(b) > 0
}

// isClock reports whether b is hh:mm:ss.
func isClock(b []byte) bool {
	return len(b) == 8 && allDigits(b[0:2]) && b[2] == ':' && allDigits(b[3:5]) && b[5] == ':' && allDigits(b[6:8])
}
