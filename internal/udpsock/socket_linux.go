package udpsock

import (
	"net"
	"unsafe"

	"golang.org/x/sys/unix"
)

// SO_MEMINFO (socket(7)) returns the socket's memory counters, an array of
// SK_MEMINFO_VARS; SK_MEMINFO_DROPS is the number of datagrams the kernel
// dropped because the receive buffer was full: the same figure as the drops
// column of /proc/net/udp. golang.org/x/sys/unix has the constants per
// architecture (SO_MEMINFO is 55 on most, 57 on sparc64), but no getsockopt
// for an array, hence the raw call below.

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
			if e := unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, size); e != nil {
				sockErr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, size)
			}
		}
		var e error
		granted, e = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF)
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

// Drops returns the kernel's count of datagrams dropped on conn since
// it was opened.
func Drops(conn *net.UDPConn) (uint32, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return 0, err
	}
	var info [unix.SK_MEMINFO_VARS]uint32
	var sockErr error
	err = raw.Control(func(fd uintptr) {
		size := uint32(unsafe.Sizeof(info))
		_, _, errno := unix.Syscall6(unix.SYS_GETSOCKOPT, fd, unix.SOL_SOCKET, unix.SO_MEMINFO,
			uintptr(unsafe.Pointer(&info[0])), uintptr(unsafe.Pointer(&size)), 0)
		if errno != 0 {
			sockErr = errno
		}
	})
	if err != nil {
		return 0, err
	}
	return info[unix.SK_MEMINFO_DROPS], sockErr
}
