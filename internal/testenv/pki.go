package testenv

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// PKI is a throwaway certificate authority and the certificates a TLS test
// needs, written as PEM files into a temporary directory: a server
// certificate for 127.0.0.1 and ServerName, a client certificate of the
// same CA, and a client certificate of another CA (the wrong one under
// mutual TLS).
type PKI struct {
	Dir        string
	ServerName string
	CAFile     string
	CAPool     *x509.CertPool

	ServerCert, ServerKey string
	ClientCert, ClientKey string
	// RogueCert and RogueKey are a client certificate signed by another CA.
	RogueCert, RogueKey string

	ca    *x509.Certificate
	caKey *ecdsa.PrivateKey
}

// NewPKI makes the CA and the certificates. Keys are ECDSA P-256, which
// GnuTLS, OpenSSL and Go all accept.
func NewPKI(t testing.TB, serverName string) *PKI {
	t.Helper()
	p := &PKI{Dir: t.TempDir(), ServerName: serverName}
	p.ca, p.caKey = newCA(t, "ipsec_trap_exporter test CA")
	p.CAFile = p.write(t, "ca.pem", "CERTIFICATE", p.ca.Raw)
	p.CAPool = x509.NewCertPool()
	p.CAPool.AddCert(p.ca)
	p.ServerCert, p.ServerKey = p.IssueServer(t, "server", serverName)
	p.ClientCert, p.ClientKey = p.issue(t, "client", p.ca, p.caKey, "syslog-client", x509.ExtKeyUsageClientAuth)
	rogue, rogueKey := newCA(t, "another CA")
	p.RogueCert, p.RogueKey = p.issue(t, "rogue", rogue, rogueKey, "syslog-client", x509.ExtKeyUsageClientAuth)
	return p
}

// IssueServer writes a new server certificate for 127.0.0.1 and
// p.ServerName with the given common name to name.pem and name-key.pem,
// and returns their paths.
func (p *PKI) IssueServer(t testing.TB, name, commonName string) (certFile, keyFile string) {
	t.Helper()
	return p.issue(t, name, p.ca, p.caKey, commonName, x509.ExtKeyUsageServerAuth)
}

func (p *PKI) issue(t testing.TB, name string, ca *x509.Certificate, caKey *ecdsa.PrivateKey, commonName string, usage x509.ExtKeyUsage) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	if usage == x509.ExtKeyUsageServerAuth {
		tmpl.DNSNames = []string{p.ServerName}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return p.write(t, name+".pem", "CERTIFICATE", der), p.write(t, name+"-key.pem", "PRIVATE KEY", keyDER)
}

func newCA(t testing.TB, commonName string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: commonName},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func serial(t testing.TB) *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (p *PKI) write(t testing.TB, name, kind string, der []byte) string {
	t.Helper()
	path := filepath.Join(p.Dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
