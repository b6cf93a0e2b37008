package trapin

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/udpsock"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

var (
	errNotSNMP = errors.New("not an SNMP message")
	errNoUsers = errors.New("SNMPv3 packet, but no SNMPv3 users are configured")
)

// DefaultQueueSize is deep enough to ride out a 1,000,000-trap storm at
// 100,000/s on two cores (docs/benchmarks.md) and, with 512-byte buffers,
// small enough to stay well under 100 MiB.
const DefaultQueueSize = 32768

// Options size the trap input.
type Options struct {
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
	// Communities are the flag's communities, used when the config file
	// lists none.
	Communities []string
}

// Input reads SNMP notifications from UDP sockets, checks them against
// the Policy, decodes them and hands the events to the sinks. Socket
// readers never block on decoding: a full queue drops and counts.
type Input struct {
	logger log.Logger
	opts   Options
	self   *SelfMetrics
	feed   *pipeline.Feed

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

// New binds every listen address. Binding errors say which address
// failed and, for privileged ports, how to get the right to bind.
func New(logger log.Logger, opts Options, policy *Policy, self *SelfMetrics, feed *pipeline.Feed) (*Input, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	r := &Input{
		logger:  logger,
		opts:    opts,
		self:    self,
		feed:    feed,
		queue:   make(chan *datagram, opts.QueueSize),
		engine:  newLocalEngine(opts.EngineBoots, time.Now),
		informs: newInformCache(informCacheSize, informMemory),

		superseding: opts.Superseding,

		overflowStopped: make(chan struct{}),
	}
	if r.superseding == nil {
		r.superseding = NewSuperseding()
	}
	self.dropped.Prepare(feed.Duplicates())
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
		udpsock.SetReceiveBuffer(logger, conn, opts.ReceiveBuffer, "trap", addr)
		r.conns = append(r.conns, conn)
		level.Info(logger).Log("msg", "Listening for traps", "address", conn.LocalAddr())
	}
	return r, nil
}

// SetPolicy replaces the policy; packets already queued are checked against
// whichever policy their decoder sees next.
func (r *Input) SetPolicy(p *Policy) error {
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

// NewFromConfig is New with the policy of cfg (see PolicyFrom).
func NewFromConfig(logger log.Logger, opts Options, cfg *config.Config, self *SelfMetrics, feed *pipeline.Feed) (*Input, error) {
	p, derived := PolicyFrom(cfg, opts.Communities)
	logDerivedEngineID(logger, derived, p)
	return New(logger, opts, p, self, feed)
}

func logDerivedEngineID(logger log.Logger, derived bool, p *Policy) {
	if derived {
		level.Info(logger).Log("msg", "No engine_id configured; using one derived from the host name. Configure it on devices that send v3 informs, or set engine_id",
			"engine_id", fmt.Sprintf("0x%x", p.EngineID))
	}
}

// Reload takes the policy of a new configuration; a policy the decoders
// cannot use (bad SNMPv3 users) is refused and the old one stays.
func (r *Input) Reload(cfg *config.Config) error {
	p, derived := PolicyFrom(cfg, r.opts.Communities)
	logDerivedEngineID(r.logger, derived, p)
	return r.SetPolicy(p)
}

// Start runs the socket readers and decode workers.
func (r *Input) Start() {
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

// Stop closes the sockets, lets the workers drain what is queued, and
// returns when every queued packet has been handled.
func (r *Input) Stop() {
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
