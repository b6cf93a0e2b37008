//go:build !linux

package udpsock

import (
	"errors"
	"net"
)

var errUnsupported = errors.New("not supported on this platform")

func setReceiveBuffer(conn *net.UDPConn, size int) (int, error) {
	if err := conn.SetReadBuffer(size); err != nil {
		return 0, err
	}
	return size, nil
}

func Drops(*net.UDPConn) (uint32, error) { return 0, errUnsupported }
