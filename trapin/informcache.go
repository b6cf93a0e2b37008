package trapin

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/gosnmp/gosnmp"
)

const (
	// informMemory is how long an accepted inform is remembered. A v3
	// inform accepted now carries an engine time at most timeWindow from
	// ours, so a copy of it stops passing the time window at most
	// 2*timeWindow from now; remembered that long, a replay inside the
	// window is never counted twice. Devices retransmit within seconds to a
	// minute, well inside it.
	informMemory = 2 * timeWindow * time.Second
	// informCacheSize bounds the memory: 8.5 MiB when full (measured),
	// about 135 bytes an entry. Beyond it the oldest entry goes first, so only a
	// flood of more distinct authenticated informs than this within
	// informMemory can get a retransmission counted twice.
	informCacheSize = 65536
)

// informKey identifies one inform across its retransmissions: a digest of
// who sent it and its variable bindings, which start with the sender's
// sysUpTime (RFC 3416 4.2.7), so that two informs of the same content sent
// at different times differ. v3 senders re-encrypt each try and may change
// the message ID and engine time, so the bytes are not compared.
type informKey [sha256.Size]byte

// newInformKey names pkt, an authenticated inform from src.
//
// A v3 sender is its user (authenticated) and the request ID, which every
// stack keeps across retransmissions: a copy of its inform replayed from
// another address inside the time window is answered but not counted again.
//
// A v2c sender is its source address, port and community. The request ID is
// left out: pysnmp gives each v2c retransmission a new one.
func newInformKey(pkt *gosnmp.SnmpPacket, src netip.AddrPort) informKey {
	h := sha256.New()
	var n [4]byte
	field := func(b []byte) {
		binary.BigEndian.PutUint32(n[:], uint32(len(b))) //nolint:gosec // a datagram's fields are far below 4 GiB
		h.Write(n[:])
		h.Write(b)
	}
	h.Write([]byte{byte(pkt.Version)})
	if usm, ok := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters); ok && pkt.Version == gosnmp.Version3 {
		field([]byte(usm.UserName))
		field([]byte(usm.AuthoritativeEngineID))
		field([]byte(pkt.ContextName))
		field(binary.BigEndian.AppendUint32(nil, pkt.RequestID))
	} else {
		addr := src.Addr().Unmap().As16()
		field(addr[:])
		field(binary.BigEndian.AppendUint16(nil, src.Port()))
		field([]byte(pkt.Community))
	}
	for _, v := range pkt.Variables {
		field([]byte(v.Name))
		field([]byte{byte(v.Type)})
		field(fmt.Appendf(nil, "%T:%v", v.Value, v.Value))
	}
	var k informKey
	h.Sum(k[:0])
	return k
}

// informCache remembers the informs accepted recently, so that a
// retransmission (its response was lost) is answered again but counted
// once. Every entry lives informMemory, so insertion order is expiry order
// and one ring holds both.
type informCache struct {
	ttl  time.Duration
	size int

	mu   sync.Mutex
	seen map[informKey]struct{}
	ring []informEntry
	head int // oldest entry
	n    int // entries in the ring
}

type informEntry struct {
	key     informKey
	expires time.Time
}

func newInformCache(size int, ttl time.Duration) *informCache {
	return &informCache{ttl: ttl, size: size, seen: make(map[informKey]struct{})}
}

// firstSeen records key at now and reports whether it was not already
// there. Check and insert are one step: two workers given copies of one
// inform never both count it.
func (c *informCache) firstSeen(key informKey, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.n > 0 && !now.Before(c.ring[c.head].expires) {
		c.pop()
	}
	if _, ok := c.seen[key]; ok {
		return false
	}
	if c.n == len(c.ring) {
		if len(c.ring) < c.size {
			c.grow()
		} else {
			c.pop()
		}
	}
	c.ring[(c.head+c.n)%len(c.ring)] = informEntry{key: key, expires: now.Add(c.ttl)}
	c.n++
	c.seen[key] = struct{}{}
	return true
}

// grow doubles the ring up to size: a receiver that sees few informs
// never holds the memory of a full cache.
func (c *informCache) grow() {
	ring := make([]informEntry, min(max(2*len(c.ring), 64), c.size))
	for i := 0; i < c.n; i++ {
		ring[i] = c.ring[(c.head+i)%len(c.ring)]
	}
	c.ring, c.head = ring, 0
}

func (c *informCache) pop() {
	delete(c.seen, c.ring[c.head].key)
	c.ring[c.head] = informEntry{}
	c.head = (c.head + 1) % len(c.ring)
	c.n--
}

// len is the number of informs remembered.
func (c *informCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
