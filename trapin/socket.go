package trapin

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"

	"github.com/go-kit/log/level"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/udpsock"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"golang.org/x/net/ipv4"
)

// maxDatagram is the largest UDP payload; reading into a buffer this size
// means no trap is ever cut short.
const maxDatagram = 65535

// smallDatagram is the size of the pooled buffers that carry a datagram from
// the socket reader to the decoders. Traps are a few hundred bytes; the rare
// larger one gets a buffer of its own.
const smallDatagram = 512

// datagram is one packet on its way from a socket to a decoder.
type datagram struct {
	buf  []byte
	src  netip.AddrPort
	conn *net.UDPConn
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

// watchOverflow turns the kernel's per-socket drop counts into
// socket_overflow drops: datagrams lost before the exporter could read
// them, which it would otherwise never see.
func (r *Input) watchOverflow(done chan struct{}) {
	udpsock.WatchDrops(r.conns, func(n float64) { r.self.DropN(pipeline.DropSocketOverflow, n) }, done)
	close(r.overflowStopped)
}

func (r *Input) closeConns() {
	for _, c := range r.conns {
		c.Close()
	}
}

// readBatch is how many datagrams one recvmmsg(2) call may return: in a
// storm one system call then carries dozens of traps instead of one.
const readBatch = 32

// read is the socket loop: read, check the source, queue. It does nothing
// that can block, so the kernel buffer drains as fast as packets arrive.
func (r *Input) read(conn *net.UDPConn) {
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
func (r *Input) enqueue(conn *net.UDPConn, payload []byte, src netip.AddrPort) {
	if !r.policy.Load().policy.AllowedSources.Allow(src.Addr()) {
		r.self.Drop(pipeline.DropSourceNotAllowed)
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
		r.self.Drop(DropQueueFull)
		r.release(d)
	}
}

func (r *Input) release(d *datagram) {
	if cap(d.buf) > smallDatagram {
		return // let a rare big buffer go instead of pinning it in the pool
	}
	d.conn = nil
	r.pool.Put(d)
}
