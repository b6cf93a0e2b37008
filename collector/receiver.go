package collector

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/gosnmp/gosnmp"
	"golang.org/x/net/ipv4"
)

var (
	errNotSNMP = errors.New("not an SNMP message")
	errNoUsers = errors.New("SNMPv3 packet, but no SNMPv3 users are configured")
)

// maxDatagram is the largest UDP payload; reading into a buffer this size
// means no trap is ever cut short.
const maxDatagram = 65535

// smallDatagram is the size of the pooled buffers that carry a datagram from
// the socket reader to the decoders. Traps are a few hundred bytes; the rare
// larger one gets a buffer of its own.
const smallDatagram = 512

// DefaultQueueSize is deep enough to ride out a 1,000,000-trap storm at
// 100,000/s on two cores (docs/benchmarks.md) and, with 512-byte buffers,
// small enough to stay well under 100 MiB.
const DefaultQueueSize = 32768

// ReceiverOptions size the receiver.
type ReceiverOptions struct {
	ListenAddresses []string
	// ReceiveBuffer is the socket receive buffer to ask the kernel for.
	ReceiveBuffer int
	// QueueSize bounds the datagrams waiting for a decoder.
	QueueSize int
	// Workers is the number of decode goroutines; 0 means GOMAXPROCS.
	Workers int
	// Superseding is what the receiver knows of which devices send which
	// superseding notifications, restored from the state directory; nil
	// starts empty.
	Superseding *Superseding
	// EngineBoots is snmpEngineBoots of the local SNMPv3 engine: how many
	// times it has started, kept by the caller across restarts and one
	// higher at each start, so that informs captured before a restart are
	// refused after it (RFC 3414 section 2.2). 0 means 1.
	EngineBoots uint32
	// Gate, when set, sees every event before the sinks; an event it
	// refuses (the twin of a syslog line already counted) is dropped as
	// DropDuplicateOfSyslog.
	Gate Gate
}

// Sink receives every accepted event. It returns false when it could not
// record the event because of a series limit.
type Sink interface {
	Record(*Event) bool
}

// datagram is one packet on its way from a socket to a decoder.
type datagram struct {
	buf  []byte
	src  netip.AddrPort
	conn *net.UDPConn
}

// Receiver reads SNMP notifications from UDP sockets, checks them against
// the Policy, decodes them and hands the events to the sinks. Socket
// readers never block on decoding: a full queue drops and counts.
type Receiver struct {
	logger  log.Logger
	opts    ReceiverOptions
	metrics *Metrics
	sinks   []Sink

	policy atomic.Pointer[policyState]
	conns  []*net.UDPConn
	queue  chan *datagram
	pool   sync.Pool

	// engine is the local SNMPv3 engine, authoritative for informs.
	engine *localEngine
	// informs remembers accepted informs, so that retransmissions are
	// answered again but counted once.
	informs *informCache
	// superseding outlives policy reloads: what a device has shown it
	// sends does not change with the config.
	superseding *Superseding

	overflowDone    chan struct{}
	overflowStopped chan struct{}

	readers sync.WaitGroup
	workers sync.WaitGroup
	closing atomic.Bool
}

// policyState is a Policy with its generation, so that workers notice a
// reload and rebuild their gosnmp decoder.
type policyState struct {
	policy     *Policy
	generation uint64
	decoder    Decoder
}

// NewReceiver binds every listen address. Binding errors say which address
// failed and, for privileged ports, how to get the right to bind.
func NewReceiver(logger log.Logger, opts ReceiverOptions, policy *Policy, metrics *Metrics, sinks ...Sink) (*Receiver, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	r := &Receiver{
		logger:  logger,
		opts:    opts,
		metrics: metrics,
		sinks:   append([]Sink{metrics}, sinks...),
		queue:   make(chan *datagram, opts.QueueSize),
		engine:  newLocalEngine(opts.EngineBoots, time.Now),
		informs: newInformCache(informCacheSize, informMemory),

		superseding: opts.Superseding,

		overflowStopped: make(chan struct{}),
	}
	if r.superseding == nil {
		r.superseding = NewSuperseding()
	}
	r.pool.New = func() any { return &datagram{buf: make([]byte, 0, smallDatagram)} }
	if err := r.SetPolicy(policy); err != nil {
		return nil, err
	}
	for _, addr := range opts.ListenAddresses {
		conn, err := listenUDP(addr)
		if err != nil {
			r.closeConns()
			return nil, err
		}
		granted, err := setReceiveBuffer(conn, opts.ReceiveBuffer)
		switch {
		case err != nil:
			level.Warn(logger).Log("msg", "Could not set the socket receive buffer", "address", addr, "err", err)
		case granted < opts.ReceiveBuffer:
			level.Warn(logger).Log("msg", "The kernel granted a smaller socket receive buffer than asked; a trap storm may overflow it",
				"address", addr, "requested_bytes", opts.ReceiveBuffer, "granted_bytes", granted,
				"fix", fmt.Sprintf("run as root, or raise the cap: sysctl -w net.core.rmem_max=%d", opts.ReceiveBuffer))
		default:
			level.Info(logger).Log("msg", "Socket receive buffer set", "address", addr, "granted_bytes", granted)
		}
		if _, err := socketDrops(conn); err != nil {
			level.Warn(logger).Log("msg", "Kernel drop counting unavailable; socket overflows will not be counted", "address", addr, "err", err)
		}
		r.conns = append(r.conns, conn)
		level.Info(logger).Log("msg", "Listening for traps", "address", conn.LocalAddr())
	}
	return r, nil
}

// listenUDP binds addr and turns the common failures into advice.
func listenUDP(addr string) (*net.UDPConn, error) {
	udpAddr, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("trap listen address %q: %w", addr, err)
	}
	conn, err := net.ListenUDP("udp", udpAddr)
	switch {
	case errors.Is(err, syscall.EACCES):
		return nil, fmt.Errorf("binding UDP %s: permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE "+
			"(sudo setcap cap_net_bind_service=+ep ./ipsec_trap_exporter, or AmbientCapabilities=CAP_NET_BIND_SERVICE in the systemd unit), "+
			"or listen on a high port with --trap.listen-address=:9162 and point the devices (or an iptables REDIRECT) there", addr)
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, fmt.Errorf("binding UDP %s: the port is already in use (is snmptrapd or another trap receiver running?)", addr)
	case err != nil:
		return nil, fmt.Errorf("binding UDP %s: %w", addr, err)
	}
	return conn, nil
}

// SetPolicy replaces the policy; packets already queued are checked against
// whichever policy their decoder sees next.
func (r *Receiver) SetPolicy(p *Policy) error {
	if _, err := p.newSNMP(); err != nil {
		return fmt.Errorf("SNMPv3 users: %w", err)
	}
	var gen uint64 = 1
	if old := r.policy.Load(); old != nil {
		gen = old.generation + 1
	}
	r.policy.Store(&policyState{policy: p, generation: gen, decoder: Decoder{Devices: p.Devices, Status: p.TunnelStatus, Superseding: r.superseding}})
	return nil
}

// Start runs the socket readers and decode workers.
func (r *Receiver) Start() {
	for i := 0; i < r.opts.Workers; i++ {
		r.workers.Add(1)
		go r.work()
	}
	for _, c := range r.conns {
		r.readers.Add(1)
		go r.read(c)
	}
	r.overflowDone = make(chan struct{})
	go r.watchOverflow(r.overflowDone)
}

// overflowPoll is how often the kernel's drop counters are read: often
// enough that a lossy storm shows within one scrape interval.
const overflowPoll = time.Second

// watchOverflow turns the kernel's per-socket drop counts into
// socket_overflow drops: datagrams lost before the exporter could read
// them, which it would otherwise never see.
func (r *Receiver) watchOverflow(done chan struct{}) {
	last := make([]uint32, len(r.conns))
	poll := func() {
		for i, c := range r.conns {
			total, err := socketDrops(c)
			if err != nil {
				continue
			}
			if lost := total - last[i]; lost > 0 { // uint32 wraps like the kernel's counter
				r.metrics.DropN(DropSocketOverflow, float64(lost))
			}
			last[i] = total
		}
	}
	t := time.NewTicker(overflowPoll)
	defer t.Stop()
	for {
		select {
		case <-done:
			poll()
			close(r.overflowStopped)
			return
		case <-t.C:
			poll()
		}
	}
}

// Stop closes the sockets, lets the workers drain what is queued, and
// returns when every queued packet has been handled.
func (r *Receiver) Stop() {
	r.closing.Store(true)
	if r.overflowDone != nil {
		// One last look at the kernel's counters before the sockets go.
		close(r.overflowDone)
		<-r.overflowStopped
	}
	r.closeConns()
	r.readers.Wait()
	close(r.queue)
	r.workers.Wait()
}

func (r *Receiver) closeConns() {
	for _, c := range r.conns {
		c.Close()
	}
}

// readBatch is how many datagrams one recvmmsg(2) call may return: in a
// storm one system call then carries dozens of traps instead of one.
const readBatch = 32

// read is the socket loop: read, check the source, queue. It does nothing
// that can block, so the kernel buffer drains as fast as packets arrive.
func (r *Receiver) read(conn *net.UDPConn) {
	defer r.readers.Done()
	// recvmmsg works on IPv4 and dual-stack IPv6 sockets alike; the ipv4
	// wrapper only chooses how control messages would be parsed, and none
	// are asked for.
	pc := ipv4.NewPacketConn(conn)
	msgs := make([]ipv4.Message, readBatch)
	for i := range msgs {
		msgs[i].Buffers = [][]byte{make([]byte, maxDatagram)}
	}
	for {
		n, err := pc.ReadBatch(msgs, 0)
		if err != nil {
			if r.closing.Load() || errors.Is(err, net.ErrClosed) {
				return
			}
			level.Error(r.logger).Log("msg", "Reading from the trap socket failed", "err", err)
			time.Sleep(10 * time.Millisecond) // do not spin on a persistent error
			continue
		}
		for i := range msgs[:n] {
			m := &msgs[i]
			udp, ok := m.Addr.(*net.UDPAddr)
			if !ok {
				continue
			}
			r.enqueue(conn, m.Buffers[0][:m.N], udp.AddrPort())
		}
	}
}

// enqueue hands one datagram to the decoders, or counts why it cannot.
func (r *Receiver) enqueue(conn *net.UDPConn, payload []byte, src netip.AddrPort) {
	if !r.policy.Load().policy.sourceAllowed(src.Addr()) {
		r.metrics.Drop(DropSourceNotAllowed)
		return
	}
	d := r.pool.Get().(*datagram)
	if len(payload) > cap(d.buf) {
		d.buf = make([]byte, len(payload))
	}
	d.buf = append(d.buf[:0], payload...)
	d.src = src
	d.conn = conn
	select {
	case r.queue <- d:
	default:
		r.metrics.Drop(DropQueueFull)
		r.release(d)
	}
}

func (r *Receiver) release(d *datagram) {
	if cap(d.buf) > smallDatagram {
		return // let a rare big buffer go instead of pinning it in the pool
	}
	d.conn = nil
	r.pool.Put(d)
}

// workerDecoders are one worker's gosnmp instances, so that no gosnmp state
// is shared between goroutines.
type workerDecoders struct {
	snmp      *gosnmp.GoSNMP
	discovery *gosnmp.GoSNMP
}

// work decodes queued datagrams until the queue is closed and empty.
func (r *Receiver) work() {
	defer r.workers.Done()
	dec := &workerDecoders{discovery: newDiscoverySNMP()}
	var generation uint64
	for d := range r.queue {
		state := r.policy.Load()
		if state.generation != generation {
			snmp, err := state.policy.newSNMP()
			if err != nil {
				// SetPolicy refuses such a policy, so this cannot happen;
				// keep the old decoder rather than none.
				level.Error(r.logger).Log("msg", "Building the SNMP decoder failed", "err", err)
			} else {
				dec.snmp = snmp
			}
			generation = state.generation
		}
		r.handle(d, state, dec)
		r.release(d)
	}
}

// handle runs one datagram through authentication, decoding and the sinks.
// A panic in gosnmp on hostile bytes costs that packet, never the process.
func (r *Receiver) handle(d *datagram, state *policyState, dec *workerDecoders) {
	defer func() {
		if p := recover(); p != nil {
			r.metrics.Drop(DropMalformed)
			level.Debug(r.logger).Log("msg", "Decoding panicked; packet dropped", "source", d.src, "panic", fmt.Sprint(p))
		}
	}()
	reason, err := r.process(d, state, dec)
	if reason != "" {
		r.metrics.Drop(reason)
		level.Debug(r.logger).Log("msg", "Packet dropped", "source", d.src, "reason", reason, "err", err)
	}
}

// process returns the drop reason of a packet it did not turn into an
// event, or "".
func (r *Receiver) process(d *datagram, state *policyState, dec *workerDecoders) (string, error) {
	version, ok := peekVersion(d.buf)
	if !ok {
		return DropMalformed, errNotSNMP
	}
	r.metrics.countReceived(version)

	if version != gosnmp.Version3 {
		// The common case of a storm, v1 and v2c traps, walked in place;
		// what the lean path does not take (informs, odd encodings) goes on
		// to gosnmp below.
		ev, _, verdict := state.decoder.leanDecode(d.buf, d.src.Addr(), r.engine.now(), state.policy.communityAcceptedBytes)
		switch verdict {
		case leanBadCommunity:
			return DropUnknownCommunity, nil
		case leanEvent:
			return r.record(&ev), nil
		}
	}

	var pkt *gosnmp.SnmpPacket
	var err error
	if version == gosnmp.Version3 && len(state.policy.Users) == 0 {
		err = errNoUsers
	} else {
		pkt, err = dec.snmp.UnmarshalTrap(d.buf, true)
	}
	if err != nil {
		if version != gosnmp.Version3 {
			return DropMalformed, err
		}
		// Credentials refused it; the one v3 message that needs none is an
		// engine discovery request from an inform sender.
		probe, perr := decodeProbe(dec.discovery, d.buf)
		if perr != nil || !isDiscoveryRequest(probe) {
			return DropAuthFailure, err
		}
		if err := r.answerDiscovery(d, probe, state.policy.EngineID); err != nil {
			return DropUnsupportedPDU, err
		}
		return "", nil
	}
	if version != gosnmp.Version3 && !state.policy.communityAccepted(pkt.Community) {
		return DropUnknownCommunity, nil
	}
	if version == gosnmp.Version3 {
		if pkt.SecurityModel != gosnmp.UserSecurityModel {
			return DropUnsupportedSec, nil
		}
		// For a trap the sender is the authoritative engine and nothing here
		// knows its clock; for an inform this receiver is, and checks it.
		if isConfirmedClass(pkt.PDUType) {
			if done, reason, err := r.checkAuthoritative(d, pkt, state.policy.EngineID); done {
				return reason, err
			}
		}
	}

	ev, err := state.decoder.Decode(pkt, d.src.Addr(), r.engine.now())
	switch {
	case errors.Is(err, errUnsupportedPDU):
		return DropUnsupportedPDU, err
	case err != nil:
		return DropMalformed, err
	}
	if pkt.PDUType == gosnmp.InformRequest && !r.informs.firstSeen(newInformKey(pkt, d.src), r.engine.now()) {
		// A retransmission: the device did not get our response. Answer
		// again; the event was counted the first time.
		r.answerInform(d, pkt)
		return DropDuplicateInform, nil
	}
	drop := r.record(&ev)
	if pkt.PDUType == gosnmp.InformRequest {
		// The inform was authenticated and recorded (or already counted
		// from the device's log line). A series-limit refusal is this
		// exporter's policy, not a lost packet: withholding the response
		// would only make the device retransmit into the same limit.
		r.answerInform(d, pkt)
	}
	return drop, nil
}

// record passes an event through the gate (when the syslog input is on) and
// hands it to every sink. It returns the drop reason: DropDuplicateOfSyslog
// for the twin of a log line already counted, DropSeriesLimit when a limit
// kept a sink from recording it, "" for an event recorded.
func (r *Receiver) record(ev *Event) string {
	if r.opts.Gate != nil && !r.opts.Gate.Admit(ev) {
		return DropDuplicateOfSyslog
	}
	accepted := true
	for _, s := range r.sinks {
		accepted = s.Record(ev) && accepted
	}
	if !accepted {
		return DropSeriesLimit
	}
	return ""
}

// answerInform acknowledges an accepted inform; a failure to answer costs
// the sender a retransmission, not the event.
func (r *Receiver) answerInform(d *datagram, pkt *gosnmp.SnmpPacket) {
	if err := r.acknowledge(d, pkt); err != nil {
		level.Warn(r.logger).Log("msg", "Acknowledging an inform failed", "source", d.src, "err", err)
		return
	}
	r.metrics.InformAcknowledged()
}

// acknowledge answers an inform with a response carrying the same
// request ID and varbinds (RFC 3416 4.2.7), at the inform's security level.
func (r *Receiver) acknowledge(d *datagram, pkt *gosnmp.SnmpPacket) error {
	pkt.PDUType = gosnmp.GetResponse
	pkt.Error = gosnmp.NoError
	pkt.ErrorIndex = 0
	if pkt.Version == gosnmp.Version3 {
		if err := r.prepareV3Response(pkt); err != nil {
			return err
		}
	}
	out, err := pkt.MarshalMsg()
	if err != nil {
		return fmt.Errorf("marshal response: %w", err)
	}
	if _, err := d.conn.WriteToUDPAddrPort(out, d.src); err != nil {
		return fmt.Errorf("send response: %w", err)
	}
	return nil
}

// peekVersion reads the SNMP version field of a message without decoding
// the rest: SEQUENCE { INTEGER version, ... }. It lets the receiver count
// packets by version and tell a v3 packet that fails authentication from
// bytes that are not SNMP at all.
func peekVersion(b []byte) (gosnmp.SnmpVersion, bool) {
	if len(b) < 2 || b[0] != 0x30 {
		return 0, false
	}
	i := 2
	if b[1]&0x80 != 0 { // long-form length: skip its octets
		i += int(b[1] & 0x7f)
	}
	if i+3 > len(b) || b[i] != 0x02 || b[i+1] != 1 {
		return 0, false
	}
	switch v := gosnmp.SnmpVersion(b[i+2]); v {
	case gosnmp.Version1, gosnmp.Version2c, gosnmp.Version3:
		return v, true
	}
	return 0, false
}
