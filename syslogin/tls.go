package syslogin

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"time"
)

// DefaultTLSHandshakeTimeout bounds how long a TLS client may take to
// complete its handshake: a client that connects and sends nothing holds a
// connection slot for this long at most, not for the idle timeout.
const DefaultTLSHandshakeTimeout = 10 * time.Second

// TLS is what the TLS listener (RFC 5425) presents and requires; it comes
// from the config file and is replaced with the policy on reload, so that
// a renewed certificate is served to the next connection.
type TLS struct {
	Certificate tls.Certificate
	// ClientCAs, when not nil, turns on mutual TLS: a client must present
	// a certificate that chains to one of them.
	ClientCAs *x509.CertPool
}

// errNoClientCertificate refuses a client that presented no certificate
// under mutual TLS. The check is made in VerifyConnection rather than by
// tls.RequireAndVerifyClientCert so that the refusal has an error of its
// own to be counted by.
var errNoClientCertificate = errors.New("tls: mutual TLS: the client presented no certificate")

// serverConfig is the crypto/tls configuration of the listener: TLS 1.2 at
// least (RFC 9662 updates RFC 5425 to require it), the certificate, and
// client certificates verified against ClientCAs when set.
func (t *TLS) serverConfig() *tls.Config {
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{t.Certificate},
	}
	if t.ClientCAs != nil {
		cfg.ClientCAs = t.ClientCAs
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errNoClientCertificate
			}
			return nil
		}
	}
	return cfg
}

// handshake runs the server side of the TLS handshake on conn within the
// handshake timeout, and returns the TLS connection, or the reason it
// failed (one of tlsFailReasons) and the error.
func (s *Input) handshake(conn net.Conn) (*tls.Conn, string, error) {
	tc := tls.Server(conn, s.tlsConfig.Load())
	_ = conn.SetDeadline(s.now().Add(s.opts.TLSHandshakeTimeout))
	if err := tc.Handshake(); err != nil {
		return nil, handshakeFailure(err), err
	}
	_ = conn.SetDeadline(time.Time{})
	return tc, "", nil
}

// handshakeFailure names why a handshake failed.
func handshakeFailure(err error) string {
	var ne net.Error
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return TLSFailTimeout
	case errors.Is(err, errNoClientCertificate), errors.As(err, &verify):
		return TLSFailClientCertificate
	}
	return TLSFailProtocol
}
