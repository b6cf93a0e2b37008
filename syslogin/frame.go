package syslogin

import (
	"bufio"
	"errors"
	"io"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// errBadFrame is an octet-counting frame whose length is not a number: the
// framing is lost, so the connection is closed.
var errBadFrame = errors.New("octet-counting frame: length is not a number of at most 9 digits followed by a space")

// errEOF is the clean end of a connection, at a frame boundary.
var errEOF = io.EOF

// framer splits a TCP stream into syslog messages by RFC 6587: a frame
// that starts with a digit is octet-counted ("LEN SP MSG"), any other is
// non-transparent, ended by LF. Senders choose per connection; the framer
// decides per frame, so it needs no configuration. It never holds more than
// max bytes of one message: a longer one is read past and reported as
// too_long.
type framer struct {
	r   *bufio.Reader
	max int
	buf []byte // octet-counted frames are read into it
}

func newFramer(r io.Reader, max int) *framer {
	// max+1: a line of max bytes and its LF fit; a longer one fills the
	// buffer, which is how it is recognised.
	return &framer{r: bufio.NewReaderSize(r, max+1), max: max}
}

// buffered is how many bytes are read but not yet framed.
func (f *framer) buffered() int { return f.r.Buffered() }

// next returns the next message. drop is set instead for a frame that was
// read but cannot be handled (too long, or cut short). err ends the stream:
// errEOF at a clean end; a frame cut short by it comes with drop set.
func (f *framer) next() (msg []byte, drop pipeline.DropReason, err error) {
	for {
		c, err := f.r.ReadByte()
		if err != nil {
			return nil, "", err
		}
		switch c {
		case '\n', '\r', 0, ' ':
			continue // separators some senders put between frames
		}
		_ = f.r.UnreadByte()
		if c >= '1' && c <= '9' {
			return f.octetCounted()
		}
		return f.line()
	}
}

func (f *framer) octetCounted() ([]byte, pipeline.DropReason, error) {
	n := 0
	for digits := 0; ; digits++ {
		c, err := f.r.ReadByte()
		if err != nil {
			return nil, pipeline.DropMalformed, unexpected(err)
		}
		if c == ' ' {
			break
		}
		if !isDigit(c) || digits == 9 {
			return nil, pipeline.DropMalformed, errBadFrame
		}
		n = n*10 + int(c-'0')
	}
	if n > f.max {
		if _, err := f.r.Discard(n); err != nil {
			return nil, DropTooLong, unexpected(err)
		}
		return nil, DropTooLong, nil
	}
	if f.buf == nil {
		f.buf = make([]byte, f.max)
	}
	b := f.buf[:n]
	if _, err := io.ReadFull(f.r, b); err != nil {
		return nil, pipeline.DropMalformed, unexpected(err)
	}
	return b, "", nil
}

func (f *framer) line() ([]byte, pipeline.DropReason, error) {
	line, err := f.r.ReadSlice('\n')
	switch {
	case err == nil:
		return line[:len(line)-1], "", nil
	case errors.Is(err, bufio.ErrBufferFull):
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = f.r.ReadSlice('\n')
		}
		return nil, DropTooLong, err
	case errors.Is(err, io.EOF):
		// The last message of a sender that closes without a trailer.
		return line, "", errEOF
	default:
		// A timeout or reset in the middle of a message.
		return nil, pipeline.DropMalformed, err
	}
}

// unexpected turns an EOF inside a frame into io.ErrUnexpectedEOF, so that
// it is not taken for a clean end.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
