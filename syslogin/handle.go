package syslogin

import (
	"errors"
	"net/netip"

	"github.com/go-kit/log/level"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// handle turns one message into an event and records it, or counts why it
// does not become one.
func (s *Input) handle(p *parser, policy *Policy, msg []byte, src netip.Addr) {
	if drop, err := s.process(p, policy, msg, src); drop != "" {
		s.self.drop(drop)
		level.Debug(s.logger).Log("msg", "Syslog message dropped", "source", src, "reason", drop, "err", err)
	} else {
		s.self.parsed.Inc()
	}
}

// process returns the drop reason of a message it did not turn into an
// event, or "".
func (s *Input) process(p *parser, policy *Policy, msg []byte, src netip.Addr) (pipeline.DropReason, error) {
	text, hostname, err := p.parse(msg)
	if err != nil {
		return pipeline.DropMalformed, err
	}
	ev, err := parseText(s.opts.Formats, text)
	switch {
	case errors.Is(err, ErrForeign):
		return DropNotHuawei, err
	case err != nil:
		return DropOtherMessage, err
	}
	ev.Device = policy.device(src, hostname)
	ev.Time = s.now()
	return s.feed.Record(&ev), nil
}
