package syslogin

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/go-kit/log/level"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/udpsock"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// listen binds addr on UDP and then on TCP, on the same port: a port 0
// chooses a free UDP port, which TCP then takes too.
func (s *Input) listen(addr string) error {
	udpAddr, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return fmt.Errorf("syslog listen address %q: %w", addr, err)
	}
	uc, tl, bindErr := bindPair(udpAddr)
	if bindErr != nil {
		return bindError(bindErr.proto, addr, bindErr.err)
	}
	s.udp = append(s.udp, uc)
	s.tcp = append(s.tcp, tl)

	udpsock.SetReceiveBuffer(s.logger, uc, s.opts.ReceiveBuffer, "syslog", addr)
	level.Info(s.logger).Log("msg", "Listening for syslog", "udp", uc.LocalAddr(), "tcp", tl.Addr())
	return nil
}

// listenTLS binds addr on TCP for TLS.
func (s *Input) listenTLS(addr string) error {
	tcpAddr, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return fmt.Errorf("syslog TLS listen address %q: %w", addr, err)
	}
	l, err := net.ListenTCP("tcp", tcpAddr)
	if err != nil {
		return bindError("TLS", addr, err)
	}
	s.tls = append(s.tls, l)
	level.Info(s.logger).Log("msg", "Listening for syslog over TLS", "tls", l.Addr())
	return nil
}

// pairError is a bind failure and the protocol it happened on.
type pairError struct {
	proto string
	err   error
}

// bindPair binds a UDP socket and a TCP listener on one port. With port 0
// the port the kernel chose for UDP may be taken on TCP: another is tried.
func bindPair(udpAddr *net.UDPAddr) (*net.UDPConn, *net.TCPListener, *pairError) {
	for attempt := 0; ; attempt++ {
		uc, err := net.ListenUDP("udp", udpAddr)
		if err != nil {
			return nil, nil, &pairError{"UDP", err}
		}
		port := uc.LocalAddr().(*net.UDPAddr).Port
		tl, err := net.ListenTCP("tcp", &net.TCPAddr{IP: udpAddr.IP, Port: port, Zone: udpAddr.Zone})
		if err == nil {
			return uc, tl, nil
		}
		uc.Close()
		if udpAddr.Port != 0 || attempt == 20 || !errors.Is(err, syscall.EADDRINUSE) {
			return nil, nil, &pairError{"TCP", err}
		}
	}
}

func bindError(proto, addr string, err error) error {
	switch {
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("binding syslog %s %s: permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE "+
			"(sudo setcap cap_net_bind_service=+ep ./ipsec_trap_exporter), or listen on a high port such as --syslog.listen-address=:5514", proto, addr)
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("binding syslog %s %s: the port is already in use (is rsyslog or syslog-ng listening there?)", proto, addr)
	}
	return fmt.Errorf("binding syslog %s %s: %w", proto, addr, err)
}

// Addrs returns the bound UDP and TCP addresses, in the order given.
func (s *Input) Addrs() (udp, tcp []net.Addr) {
	for _, c := range s.udp {
		udp = append(udp, c.LocalAddr())
	}
	for _, l := range s.tcp {
		tcp = append(tcp, l.Addr())
	}
	return udp, tcp
}

// TLSAddrs returns the bound TLS addresses, in the order given.
func (s *Input) TLSAddrs() []net.Addr {
	var addrs []net.Addr
	for _, l := range s.tls {
		addrs = append(addrs, l.Addr())
	}
	return addrs
}

// watchOverflow counts datagrams the kernel dropped because a syslog UDP
// socket's buffer was full, as the trap receiver does for its sockets.
func (s *Input) watchOverflow(done chan struct{}) {
	udpsock.WatchDrops(s.udp, func(n float64) { s.self.dropN(pipeline.DropSocketOverflow, n) }, done)
	close(s.overflowStopped)
}

// readUDP handles one datagram after another. One reader per socket keeps
// a device's messages in order, so a tunnel's down and up are never
// swapped; parsing is fast enough that one core keeps up (see the
// benchmark).
func (s *Input) readUDP(conn *net.UDPConn) {
	defer s.wg.Done()
	p := newParser()
	buf := make([]byte, maxDatagram)
	for {
		n, src, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if s.closing.Load() || errors.Is(err, net.ErrClosed) {
				return
			}
			level.Error(s.logger).Log("msg", "Reading from the syslog UDP socket failed", "err", err)
			time.Sleep(10 * time.Millisecond) // do not spin on a persistent error
			continue
		}
		s.self.receivedBy[TransportUDP].Inc()
		policy := s.policy.Load()
		if !policy.AllowedSources.Allow(src.Addr()) {
			s.self.drop(pipeline.DropSourceNotAllowed)
			continue
		}
		if n > s.opts.MaxMessageSize {
			s.self.drop(DropTooLong)
			continue
		}
		s.handle(p, policy, buf[:n], src.Addr())
	}
}
