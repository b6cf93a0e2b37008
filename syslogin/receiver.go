// Package syslogin is the exporter's second input: syslog from Huawei
// devices (or a relay) over UDP, TCP and TLS, RFC 3164 and RFC 5424, parsed with
// go-syslog, turned into the same pipeline.Event as the equivalent SNMP
// trap and handed to the same sinks.
//
// By job, as trapin: receiver.go (options, lifecycle, reload), socket.go
// (binding, the UDP readers), conn.go (TCP and TLS connections), tls.go
// (the TLS configuration and handshake), frame.go (RFC 6587 framing),
// policy.go (allow-list, device names), handle.go (message to event),
// message.go (RFC 3164 and 5424 with go-syslog), format.go (the seam of
// vendors' message layouts) and huawei.go (Huawei's), selfmetrics.go (its own
// counters and drop reasons), declare.go (the input as the exporter knows
// it).
package syslogin

import (
	"crypto/tls"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-kit/log"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
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
	// Formats are the message layouts read, in order; nil means
	// DefaultFormats.
	Formats []Format
}

// Input receives syslog on UDP, TCP and TLS.
type Input struct {
	logger log.Logger
	opts   Options
	self   *selfMetrics
	feed   *pipeline.Feed
	policy atomic.Pointer[Policy]
	now    func() time.Time

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
	if opts.Formats == nil {
		opts.Formats = DefaultFormats()
	}
	if opts.MaxMessageSize < MinMessageSize {
		return nil, fmt.Errorf("syslog max message size %d is below %d bytes, RFC 3164's message length", opts.MaxMessageSize, MinMessageSize)
	}
	s := &Input{
		logger:          logger,
		opts:            opts,
		self:            newSelfMetrics(reg),
		feed:            feed,
		now:             time.Now,
		conns:           make(map[net.Conn]struct{}),
		overflowStopped: make(chan struct{}),
	}
	s.self.dropped.Prepare(feed.Duplicates())
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

// SetPolicy replaces the policy (see checkPolicy); messages read and TLS
// connections accepted from now on see the new one.
func (s *Input) SetPolicy(p *Policy) {
	if p.TLS != nil {
		s.tlsConfig.Store(p.TLS.serverConfig())
	}
	s.policy.Store(p)
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
