// Package udpsock is what every UDP input (traps, syslog) does the same
// way with its sockets: ask the kernel for a receive buffer large enough to
// absorb a storm, and turn the kernel's per-socket drop counter into the
// input's socket_overflow drops.
package udpsock

import (
	"fmt"
	"net"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// SetReceiveBuffer asks for a receive buffer of size bytes on conn and logs
// what the kernel granted, with the fix when it granted less; what is logged
// names the input (traps, syslog) and the address.
func SetReceiveBuffer(logger log.Logger, conn *net.UDPConn, size int, input, addr string) {
	granted, err := setReceiveBuffer(conn, size)
	switch {
	case err != nil:
		level.Warn(logger).Log("msg", "Could not set the socket receive buffer", "input", input, "address", addr, "err", err)
	case granted < size:
		level.Warn(logger).Log("msg", "The kernel granted a smaller socket receive buffer than asked; a storm may overflow it",
			"input", input, "address", addr, "requested_bytes", size, "granted_bytes", granted,
			"fix", fmt.Sprintf("run as root, or raise the cap: sysctl -w net.core.rmem_max=%d", size))
	default:
		level.Info(logger).Log("msg", "Socket receive buffer set", "input", input, "address", addr, "granted_bytes", granted)
	}
	if _, err := Drops(conn); err != nil {
		level.Warn(logger).Log("msg", "Kernel drop counting unavailable; socket overflows will not be counted", "input", input, "address", addr, "err", err)
	}
}

// overflowPoll is how often the kernel's drop counters are read: often
// enough that a lossy storm shows within one scrape interval.
const overflowPoll = time.Second

// WatchDrops reads the kernel's drop counters of conns every overflowPoll
// and reports each new loss to drop, until done is closed, when it reads
// them a last time so a storm's final losses are counted.
func WatchDrops(conns []*net.UDPConn, drop func(n float64), done <-chan struct{}) {
	last := make([]uint32, len(conns))
	poll := func() {
		for i, c := range conns {
			total, err := Drops(c)
			if err != nil {
				continue
			}
			if lost := total - last[i]; lost > 0 { // uint32 wraps like the kernel's counter
				drop(float64(lost))
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
			return
		case <-t.C:
			poll()
		}
	}
}
