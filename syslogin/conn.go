package syslogin

import (
	"errors"
	"net"
	"net/netip"
	"time"

	"github.com/go-kit/log/level"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// accept admits TCP or TLS clients within the allow-list and the
// connection limit, which the two share. The TLS handshake is the
// connection's own goroutine's, so that a slow client never holds up the
// next one.
func (s *Input) accept(l *net.TCPListener, transport string) {
	defer s.wg.Done()
	for {
		conn, err := l.AcceptTCP()
		if err != nil {
			if s.closing.Load() || errors.Is(err, net.ErrClosed) {
				return
			}
			level.Error(s.logger).Log("msg", "Accepting a syslog TCP connection failed", "err", err)
			time.Sleep(50 * time.Millisecond) // e.g. out of file descriptors: let some close
			continue
		}
		src := conn.RemoteAddr().(*net.TCPAddr).AddrPort().Addr()
		if !s.policy.Load().AllowedSources.Allow(src) {
			s.self.connsRefused[RefusedSourceAllowed].Inc()
			conn.Close()
			continue
		}
		s.mu.Lock()
		if s.open >= s.opts.MaxConnections || s.closing.Load() {
			s.mu.Unlock()
			s.self.connsRefused[RefusedLimit].Inc()
			level.Debug(s.logger).Log("msg", "Syslog TCP connection refused: too many open", "source", src, "limit", s.opts.MaxConnections)
			conn.Close()
			continue
		}
		s.open++
		s.conns[conn] = struct{}{}
		s.mu.Unlock()
		s.self.connsAccepted.Inc()
		s.self.connsOpen.Inc()
		s.wg.Add(1)
		go s.serve(conn, src, transport)
	}
}

// serve reads frames from one TCP or TLS connection until it ends, goes
// idle, or breaks its framing.
func (s *Input) serve(raw *net.TCPConn, src netip.Addr, transport string) {
	defer s.wg.Done()
	defer func() {
		raw.Close()
		s.mu.Lock()
		delete(s.conns, raw)
		s.open--
		s.mu.Unlock()
		s.self.connsOpen.Dec()
	}()
	var conn net.Conn = raw
	if transport == TransportTLS {
		tc, reason, err := s.handshake(raw)
		if err != nil {
			if !s.closing.Load() {
				s.self.tlsFailed[reason].Inc()
				level.Debug(s.logger).Log("msg", "Syslog TLS handshake failed; connection closed", "source", src, "reason", reason, "err", err)
			}
			return
		}
		conn = tc
	}
	p := newParser()
	f := newFramer(conn, s.opts.MaxMessageSize)
	for {
		if f.buffered() == 0 {
			_ = conn.SetReadDeadline(s.now().Add(s.opts.IdleTimeout))
		}
		msg, drop, err := f.next()
		if msg != nil || drop != "" {
			s.self.receivedBy[transport].Inc()
		}
		switch {
		case drop != "":
			s.self.drop(drop)
		case msg != nil:
			policy := s.policy.Load()
			if !policy.AllowedSources.Allow(src) {
				// The allow-list changed on reload after the connection was
				// accepted.
				s.self.drop(pipeline.DropSourceNotAllowed)
				return
			}
			s.handle(p, policy, msg, src)
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				level.Debug(s.logger).Log("msg", "Syslog connection idle; closed", "transport", transport, "source", src, "idle_timeout", s.opts.IdleTimeout)
			} else if !errors.Is(err, errEOF) && !s.closing.Load() {
				level.Debug(s.logger).Log("msg", "Syslog connection closed", "transport", transport, "source", src, "err", err)
			}
			return
		}
	}
}
