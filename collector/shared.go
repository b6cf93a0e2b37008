package collector

import "net"

// Helpers the other inputs (syslog) share with the trap receiver, so that
// every input bounds values and watches its sockets the same way.

// BoundText makes s safe to keep as shown-but-never-a-label text (a reason
// text as sent): valid UTF-8, at most maxTextBytes.
func BoundText(s string) string { return boundText(s, maxTextBytes) }

// SetReceiveBuffer asks the kernel for a UDP receive buffer of size bytes and
// returns what it granted.
func SetReceiveBuffer(conn *net.UDPConn, size int) (int, error) { return setReceiveBuffer(conn, size) }
