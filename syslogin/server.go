// Package syslogin is the exporter's second input: syslog from Huawei
// devices (or a relay) over UDP, TCP and TLS, RFC 3164 and RFC 5424, parsed with
// go-syslog, turned into the same pipeline.Event as the equivalent SNMP
// trap and handed to the same sinks.
package syslogin

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/udpsock"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of the listener's bounds.
const (
	// DefaultMaxConnections bounds the TCP connections open at once: a
	// device or relay holds one, so this leaves room for hundreds of
	// devices that log over TCP directly.
	DefaultMaxConnections = 512
	// DefaultIdleTimeout closes a TCP connection that delivered no complete
	// message for this long; senders reconnect when they next log.
	DefaultIdleTimeout = 5 * time.Minute
	// DefaultMaxMessageSize is RFC 5425's recommended minimum a receiver
	// should accept; Huawei's IPSec messages are a few hundred bytes.
	DefaultMaxMessageSize = 8192
	// MinMessageSize is RFC 3164's maximum message length: no smaller
	// limit is useful.
	MinMessageSize = 1024
	// maxDatagram is the largest UDP payload, so no datagram is cut short
	// and a long one is counted as too_long, not read in part.
	maxDatagram = 65535
)

// Options size the listener.
type Options struct {
	// ListenAddresses are HOST:PORT; each is bound on UDP and TCP.
	ListenAddresses []string
	MaxConnections  int
	IdleTimeout     time.Duration
	MaxMessageSize  int
	// ReceiveBuffer is the UDP socket receive buffer to ask for.
	ReceiveBuffer int
	// TLSListenAddresses are HOST:PORT to receive syslog over TLS on (RFC
	// 5425); they need Policy.TLS. TLS connections share MaxConnections,
	// IdleTimeout and MaxMessageSize with TCP.
	TLSListenAddresses []string
	// TLSHandshakeTimeout bounds a TLS handshake.
	TLSHandshakeTimeout time.Duration
}

// Policy is what the listener accepts and how it names senders; it comes
// from the config file and is replaced whole on reload.
type Policy struct {
	// AllowedSources lists the networks messages may come from; checked
	// before anything is parsed.
	AllowedSources config.Sources
	// Devices names senders: address -> device label, as for traps.
	Devices map[string]string
	// DeviceFromHostname names the device after the message's HOSTNAME
	// field instead of the sender's address (logs forwarded by a relay).
	DeviceFromHostname bool
	// TLS is the TLS listener's certificate; required with
	// Options.TLSListenAddresses.
	TLS *TLS
}

// PolicyFrom maps a config to what the syslog input enforces: the same
// allow-list and device names as traps, and the TLS certificate.
func PolicyFrom(cfg *config.Config) *Policy {
	p := &Policy{AllowedSources: cfg.AllowedSources, Devices: cfg.Devices, DeviceFromHostname: cfg.Syslog.DeviceFromHostname}
	if t := cfg.Syslog.TLS; t != nil {
		p.TLS = &TLS{Certificate: t.Certificate, ClientCAs: t.ClientCAs}
	}
	return p
}

// device names the sender of a message as the trap path names a trap's
// sender: the devices map's name for the address, else the address. With
// DeviceFromHostname the HOSTNAME field stands for the address when it is
// present: looked up in the devices map when it is an address, used as it
// is (bounded) when it is a name, such as the device's sysname.
func (p *Policy) device(src netip.Addr, hostname string) string {
	key := src.Unmap().String()
	if p.DeviceFromHostname && hostname != "" && hostname != "-" {
		if a, err := netip.ParseAddr(hostname); err == nil {
			key = a.Unmap().String()
		} else {
			return pipeline.BoundLabel(strings.ToValidUTF8(hostname, "\uFFFD"))
		}
	}
	if name, ok := p.Devices[key]; ok {
		return name
	}
	return key
}

// Input receives syslog on UDP, TCP and TLS.
type Input struct {
	logger  log.Logger
	opts    Options
	metrics *metrics
	feed    *pipeline.Feed
	policy  atomic.Pointer[Policy]
	now     func() time.Time

	udp []*net.UDPConn
	tcp []*net.TCPListener
	tls []*net.TCPListener
	// tlsConfig is built from the policy's TLS when it is set.
	tlsConfig atomic.Pointer[tls.Config]

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	open  int

	wg              sync.WaitGroup
	closing         atomic.Bool
	overflowDone    chan struct{}
	overflowStopped chan struct{}
}

// New binds every address on UDP and TCP, and every TLS address on TCP;
// events go to feed.
func New(logger log.Logger, opts Options, policy *Policy, reg prometheus.Registerer, feed *pipeline.Feed) (*Input, error) {
	if opts.MaxConnections <= 0 {
		opts.MaxConnections = DefaultMaxConnections
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.MaxMessageSize <= 0 {
		opts.MaxMessageSize = DefaultMaxMessageSize
	}
	if opts.TLSHandshakeTimeout <= 0 {
		opts.TLSHandshakeTimeout = DefaultTLSHandshakeTimeout
	}
	if opts.MaxMessageSize < MinMessageSize {
		return nil, fmt.Errorf("syslog max message size %d is below %d bytes, RFC 3164's message length", opts.MaxMessageSize, MinMessageSize)
	}
	s := &Input{
		logger:          logger,
		opts:            opts,
		metrics:         newMetrics(reg),
		feed:            feed,
		now:             time.Now,
		conns:           make(map[net.Conn]struct{}),
		overflowStopped: make(chan struct{}),
	}
	if err := s.checkPolicy(policy); err != nil {
		return nil, err
	}
	s.SetPolicy(policy)
	for _, addr := range opts.ListenAddresses {
		if err := s.listen(addr); err != nil {
			s.closeAll()
			return nil, err
		}
	}
	for _, addr := range opts.TLSListenAddresses {
		if err := s.listenTLS(addr); err != nil {
			s.closeAll()
			return nil, err
		}
	}
	return s, nil
}

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

// SetPolicy replaces the policy (see checkPolicy); messages read and TLS
// connections accepted from now on see the new one.
func (s *Input) SetPolicy(p *Policy) {
	if p.TLS != nil {
		s.tlsConfig.Store(p.TLS.serverConfig())
	}
	s.policy.Store(p)
}

// checkPolicy reports whether p can be the policy: TLS listeners need a
// certificate.
func (s *Input) checkPolicy(p *Policy) error {
	if p.TLS == nil && len(s.opts.TLSListenAddresses) > 0 {
		return errors.New("--syslog.tls-listen-address needs syslog.tls (cert_file and key_file) in the config file")
	}
	return nil
}

// CheckConfig reports whether a new configuration can be taken, before
// any input takes it: with TLS listeners it must name a certificate.
func (s *Input) CheckConfig(cfg *config.Config) error {
	return s.checkPolicy(PolicyFrom(cfg))
}

// Reload takes the policy of a new configuration (checked by CheckConfig).
func (s *Input) Reload(cfg *config.Config) error {
	p := PolicyFrom(cfg)
	if err := s.checkPolicy(p); err != nil {
		return err
	}
	s.SetPolicy(p)
	return nil
}

// Start runs the readers and accept loops.
func (s *Input) Start() {
	for _, c := range s.udp {
		s.wg.Add(1)
		go s.readUDP(c)
	}
	for _, l := range s.tcp {
		s.wg.Add(1)
		go s.accept(l, TransportTCP)
	}
	for _, l := range s.tls {
		s.wg.Add(1)
		go s.accept(l, TransportTLS)
	}
	s.overflowDone = make(chan struct{})
	go s.watchOverflow(s.overflowDone)
}

// Stop closes the sockets and every open connection and returns when all
// messages already read have been handled.
func (s *Input) Stop() {
	s.closing.Store(true)
	if s.overflowDone != nil {
		close(s.overflowDone)
		<-s.overflowStopped
	}
	s.closeAll()
	s.wg.Wait()
}

func (s *Input) closeAll() {
	for _, c := range s.udp {
		c.Close()
	}
	for _, l := range s.tcp {
		l.Close()
	}
	for _, l := range s.tls {
		l.Close()
	}
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
}

// watchOverflow counts datagrams the kernel dropped because a syslog UDP
// socket's buffer was full, as the trap receiver does for its sockets.
func (s *Input) watchOverflow(done chan struct{}) {
	udpsock.WatchDrops(s.udp, func(n float64) { s.metrics.dropN(pipeline.DropSocketOverflow, n) }, done)
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
		s.metrics.receivedBy[TransportUDP].Inc()
		policy := s.policy.Load()
		if !policy.AllowedSources.Allow(src.Addr()) {
			s.metrics.drop(pipeline.DropSourceNotAllowed)
			continue
		}
		if n > s.opts.MaxMessageSize {
			s.metrics.drop(DropTooLong)
			continue
		}
		s.handle(p, policy, buf[:n], src.Addr())
	}
}

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
			s.metrics.connsRefused[RefusedSourceAllowed].Inc()
			conn.Close()
			continue
		}
		s.mu.Lock()
		if s.open >= s.opts.MaxConnections || s.closing.Load() {
			s.mu.Unlock()
			s.metrics.connsRefused[RefusedLimit].Inc()
			level.Debug(s.logger).Log("msg", "Syslog TCP connection refused: too many open", "source", src, "limit", s.opts.MaxConnections)
			conn.Close()
			continue
		}
		s.open++
		s.conns[conn] = struct{}{}
		s.mu.Unlock()
		s.metrics.connsAccepted.Inc()
		s.metrics.connsOpen.Inc()
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
		s.metrics.connsOpen.Dec()
	}()
	var conn net.Conn = raw
	if transport == TransportTLS {
		tc, reason, err := s.handshake(raw)
		if err != nil {
			if !s.closing.Load() {
				s.metrics.tlsFailed[reason].Inc()
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
			s.metrics.receivedBy[transport].Inc()
		}
		switch {
		case drop != "":
			s.metrics.drop(drop)
		case msg != nil:
			policy := s.policy.Load()
			if !policy.AllowedSources.Allow(src) {
				// The allow-list changed on reload after the connection was
				// accepted.
				s.metrics.drop(pipeline.DropSourceNotAllowed)
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

// handle turns one message into an event and records it, or counts why it
// does not become one.
func (s *Input) handle(p *parser, policy *Policy, msg []byte, src netip.Addr) {
	if drop, err := s.process(p, policy, msg, src); drop != "" {
		s.metrics.drop(drop)
		level.Debug(s.logger).Log("msg", "Syslog message dropped", "source", src, "reason", drop, "err", err)
	} else {
		s.metrics.parsed.Inc()
	}
}

// process returns the drop reason of a message it did not turn into an
// event, or "".
func (s *Input) process(p *parser, policy *Policy, msg []byte, src netip.Addr) (pipeline.DropReason, error) {
	text, hostname, err := p.parse(msg)
	if err != nil {
		return pipeline.DropMalformed, err
	}
	ev, err := ParseMessage(text)
	switch {
	case errors.Is(err, ErrNotHuawei):
		return DropNotHuawei, err
	case err != nil:
		return DropOtherMessage, err
	}
	ev.Device = policy.device(src, hostname)
	ev.Time = s.now()
	return s.feed.Record(&ev), nil
}
