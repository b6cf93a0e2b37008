package collector

import (
	"encoding/binary"
	"net"
	"syscall"
)

// soRxqOvfl asks the kernel to attach its per-socket drop count to every
// received datagram (socket(7)); the value is not in package syscall on
// every architecture, so it is spelled out.
const soRxqOvfl = 0x28

// setReceiveBuffer asks for a receive buffer of size bytes and returns what
// the kernel granted. SO_RCVBUFFORCE lets root go past net.core.rmem_max;
// without the right it fails and plain SO_RCVBUF is capped by the sysctl.
func setReceiveBuffer(conn *net.UDPConn, size int) (int, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return 0, err
	}
	var granted int
	var sockErr error
	err = raw.Control(func(fd uintptr) {
		if size > 0 {
			if e := syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, size); e != nil {
				sockErr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, size)
			}
		}
		var e error
		granted, e = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
		if sockErr == nil {
			sockErr = e
		}
	})
	if err != nil {
		return 0, err
	}
	// The kernel doubles the value for its own bookkeeping (socket(7)) and
	// reports the doubled figure; halve it to compare with what was asked.
	return granted / 2, sockErr
}

// enableOverflowCount turns on SO_RXQ_OVFL for conn.
func enableOverflowCount(conn *net.UDPConn) error {
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var sockErr error
	if err := raw.Control(func(fd uintptr) {
		sockErr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, soRxqOvfl, 1)
	}); err != nil {
		return err
	}
	return sockErr
}

// overflowCounter turns the kernel's running drop count, attached to each
// datagram as a control message, into increments.
type overflowCounter struct {
	last uint32
}

// update returns how many datagrams the kernel dropped since the last
// control message it saw. The kernel attaches the count only once it is
// non-zero, so the parsing (which allocates) happens only after a loss.
func (o *overflowCounter) update(oob []byte) uint32 {
	if len(oob) == 0 {
		return 0
	}
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		return 0
	}
	for _, m := range msgs {
		if m.Header.Level == syscall.SOL_SOCKET && m.Header.Type == soRxqOvfl && len(m.Data) >= 4 {
			total := binary.NativeEndian.Uint32(m.Data)
			lost := total - o.last // wraps correctly at 2^32
			o.last = total
			return lost
		}
	}
	return 0
}
