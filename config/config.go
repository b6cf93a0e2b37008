// Package config reads the exporter's YAML configuration file: accepted
// communities, SNMPv3 users, the local engine ID, allowed sources, device
// names, series limits and the syslog input's settings (the TLS listener's
// certificate is read here too). Every error names the file, the line and
// the reason, because a receiver that starts with half a config silently
// drops traps and log lines.
package config

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// minPassphrase is RFC 3414's minimum USM passphrase length; net-snmp
// refuses shorter ones too.
const minPassphrase = 8

// DefaultMaxSeries caps each event-derived metric family unless the file
// says otherwise: enough for a hub with thousands of spokes and several
// reasons each, small enough that a flood of spoofed peers stays in memory
// bounds.
const DefaultMaxSeries = 20000

// Config is the parsed, validated file.
type Config struct {
	Communities    []string          `yaml:"communities"`
	Users          []User            `yaml:"users"`
	EngineID       EngineID          `yaml:"engine_id"`
	AllowedSources Sources           `yaml:"allowed_sources"`
	Devices        map[string]string `yaml:"devices"`
	Limits         Limits            `yaml:"limits"`
	// TunnelStatus overrides which status values of
	// hwIPSecTunnelStatusChange mean up and down (the MIB does not say).
	TunnelStatus *TunnelStatus `yaml:"tunnel_status"`
	// Syslog configures the syslog input (--syslog.listen-address).
	Syslog Syslog `yaml:"syslog"`
}

// DefaultDedupWindow is how long an event reported by one input (a trap)
// waits for its twin from the other (the device's log line of it). A device
// writes both at the same moment; ten seconds covers the information
// centre's buffering and a TCP reconnect, and is short next to any alert's
// window.
const DefaultDedupWindow = 10 * time.Second

// maxDedupWindow bounds the window: longer would only hold memory and pair
// a trap with a log line of a later failure that was never trapped.
const maxDedupWindow = 10 * time.Minute

// Syslog configures how log lines become events.
type Syslog struct {
	// DeviceFromHostname names the device after the HOSTNAME field of the
	// message rather than the sender's address: for logs forwarded by a
	// relay, whose address is not the device's.
	DeviceFromHostname bool `yaml:"device_from_hostname"`
	// DedupWindow is the window within which a trap and a log line of the
	// same event count once; 0 turns de-duplication off.
	DedupWindow model.Duration `yaml:"dedup_window"`
	// TLS is the certificate of the TLS listener
	// (--syslog.tls-listen-address); nil when not configured.
	TLS *SyslogTLS `yaml:"tls"`
}

// SyslogTLS names the files of the TLS syslog listener (RFC 5425). Parse
// reads them, so that a file that cannot be used is refused at start-up
// and on reload, with its line, like any other mistake in the config.
type SyslogTLS struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ClientCAFile, when set, turns on mutual TLS: a client must present a
	// certificate signed by one of these CAs.
	ClientCAFile string `yaml:"client_ca_file"`

	// Certificate and ClientCAs (nil without ClientCAFile) are read from
	// the files by Parse.
	Certificate tls.Certificate `yaml:"-"`
	ClientCAs   *x509.CertPool  `yaml:"-"`
}

// load reads the certificate, its key and the client CAs, and returns the
// key whose file could not be used with the error.
func (t *SyslogTLS) load() (key string, err error) {
	switch {
	case t.CertFile == "":
		return "cert_file", errors.New("cert_file is required")
	case t.KeyFile == "":
		return "key_file", errors.New("key_file is required")
	}
	cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
	if err != nil {
		return "cert_file", fmt.Errorf("cert_file %s, key_file %s: %w", t.CertFile, t.KeyFile, err)
	}
	t.Certificate = cert
	if t.ClientCAFile == "" {
		return "", nil
	}
	pem, err := os.ReadFile(t.ClientCAFile)
	if err != nil {
		return "client_ca_file", fmt.Errorf("client_ca_file: %w", err)
	}
	t.ClientCAs = x509.NewCertPool()
	if !t.ClientCAs.AppendCertsFromPEM(pem) {
		return "client_ca_file", fmt.Errorf("client_ca_file %s: no PEM certificate in it", t.ClientCAFile)
	}
	return "", nil
}

// TunnelStatus lists the status values that mean up and down; a value in
// neither is counted by name and leaves the tunnel's state alone.
type TunnelStatus struct {
	Up   []int64 `yaml:"up"`
	Down []int64 `yaml:"down"`
}

// User is one SNMPv3 USM credential. Several may share a user name (devices
// configured with different keys for the same name).
type User struct {
	Username           string       `yaml:"username"`
	AuthProtocol       AuthProtocol `yaml:"auth_protocol"`
	AuthPassphrase     string       `yaml:"auth_passphrase"`
	AuthPassphraseFile string       `yaml:"auth_passphrase_file"`
	AuthPassphraseEnv  string       `yaml:"auth_passphrase_env"`
	PrivProtocol       PrivProtocol `yaml:"priv_protocol"`
	PrivPassphrase     string       `yaml:"priv_passphrase"`
	PrivPassphraseFile string       `yaml:"priv_passphrase_file"`
	PrivPassphraseEnv  string       `yaml:"priv_passphrase_env"`
}

// Limits bound the series untrusted label values can create.
type Limits struct {
	MaxSeries int            `yaml:"max_series"`
	SeriesTTL model.Duration `yaml:"series_ttl"`
}

// Load reads and validates a config file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config file: %w", err)
	}
	cfg, err := Parse(data, os.Getenv)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Default is the configuration without a file.
func Default() *Config {
	return &Config{
		Limits: Limits{MaxSeries: DefaultMaxSeries},
		Syslog: Syslog{DedupWindow: model.Duration(DefaultDedupWindow)},
	}
}

// Parse parses and validates config text. getenv resolves the *_env
// passphrase keys.
func Parse(data []byte, getenv func(string) string) (*Config, error) {
	cfg := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) { // EOF: an empty file is an empty config
		return nil, cleanYAMLError(err)
	}
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root) // already parsed once; only used for line numbers

	if cfg.Limits.MaxSeries < 0 {
		return nil, fmt.Errorf("line %d: limits.max_series must not be negative", lineOf(&root, "limits", "max_series"))
	}
	for i, c := range cfg.Communities {
		if c == "" {
			return nil, fmt.Errorf("line %d: communities[%d] is empty", lineOfItem(&root, "communities", i), i)
		}
	}
	for i := range cfg.Users {
		if err := cfg.Users[i].resolve(getenv); err != nil {
			return nil, fmt.Errorf("line %d: users[%d]: %w", lineOfItem(&root, "users", i), i, err)
		}
	}
	devices := make(map[string]string, len(cfg.Devices))
	for addr, name := range cfg.Devices {
		a, err := netip.ParseAddr(addr)
		if err != nil {
			return nil, fmt.Errorf("line %d: devices: %q is not an IP address", lineOf(&root, "devices", addr), addr)
		}
		if name == "" {
			return nil, fmt.Errorf("line %d: devices: empty name for %s", lineOf(&root, "devices", addr), addr)
		}
		devices[a.Unmap().String()] = name
	}
	cfg.Devices = devices
	if w := time.Duration(cfg.Syslog.DedupWindow); w < 0 || w > maxDedupWindow {
		return nil, fmt.Errorf("line %d: syslog.dedup_window %s is out of range: 0s (off) to %s",
			lineOf(&root, "syslog", "dedup_window"), model.Duration(w), model.Duration(maxDedupWindow))
	}
	if t := cfg.Syslog.TLS; t != nil {
		if key, err := t.load(); err != nil {
			return nil, fmt.Errorf("line %d: syslog.tls: %w", lineOf(&root, "syslog", "tls", key), err)
		}
	}
	if ts := cfg.TunnelStatus; ts != nil {
		seen := map[int64]bool{}
		for _, v := range append(append([]int64{}, ts.Up...), ts.Down...) {
			if seen[v] {
				return nil, fmt.Errorf("line %d: tunnel_status: %d is listed twice or as both up and down", lineOf(&root, "tunnel_status"), v)
			}
			if v < 0 {
				return nil, fmt.Errorf("line %d: tunnel_status: %d is negative; the status is a Gauge32", lineOf(&root, "tunnel_status"), v)
			}
			seen[v] = true
		}
	}
	return cfg, nil
}

// cleanYAMLError turns yaml.v3's "yaml: unmarshal errors:\n  line 3: ..."
// into one line per problem.
func cleanYAMLError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return errors.New(strings.Join(te.Errors, "; "))
	}
	return errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
}

// resolve reads passphrases from files or the environment and checks the
// user against what USM requires.
func (u *User) resolve(getenv func(string) string) error {
	if u.Username == "" {
		return errors.New("username is required")
	}
	var err error
	if u.AuthPassphrase, err = secret("auth_passphrase", u.AuthPassphrase, u.AuthPassphraseFile, u.AuthPassphraseEnv, getenv); err != nil {
		return err
	}
	if u.PrivPassphrase, err = secret("priv_passphrase", u.PrivPassphrase, u.PrivPassphraseFile, u.PrivPassphraseEnv, getenv); err != nil {
		return err
	}
	switch {
	case u.AuthProtocol == 0 && u.PrivProtocol != 0:
		return errors.New("priv_protocol needs an auth_protocol (USM has no privacy without authentication)")
	case u.AuthProtocol == 0 && u.AuthPassphrase != "":
		return errors.New("auth_passphrase given without auth_protocol")
	case u.AuthProtocol != 0 && len(u.AuthPassphrase) < minPassphrase:
		return fmt.Errorf("auth_passphrase must be at least %d characters", minPassphrase)
	case u.PrivProtocol != 0 && len(u.PrivPassphrase) < minPassphrase:
		return fmt.Errorf("priv_passphrase must be at least %d characters", minPassphrase)
	case u.PrivProtocol == 0 && u.PrivPassphrase != "":
		return errors.New("priv_passphrase given without priv_protocol")
	}
	return nil
}

// secret picks a passphrase from exactly one of its three sources.
func secret(name, value, file, env string, getenv func(string) string) (string, error) {
	set := 0
	for _, s := range []string{value, file, env} {
		if s != "" {
			set++
		}
	}
	if set > 1 {
		return "", fmt.Errorf("give only one of %s, %s_file and %s_env", name, name, name)
	}
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s_file: %w", name, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	case env != "":
		v := getenv(env)
		if v == "" {
			return "", fmt.Errorf("%s_env: environment variable %s is empty or unset", name, env)
		}
		return v, nil
	}
	return value, nil
}

// USM returns the gosnmp security parameters of u.
func (u *User) USM() *gosnmp.UsmSecurityParameters {
	usm := &gosnmp.UsmSecurityParameters{
		UserName:                 u.Username,
		AuthenticationProtocol:   gosnmp.NoAuth,
		AuthenticationPassphrase: u.AuthPassphrase,
		PrivacyProtocol:          gosnmp.NoPriv,
		PrivacyPassphrase:        u.PrivPassphrase,
	}
	// Zero means "not configured" here; gosnmp spells that NoAuth/NoPriv.
	if u.AuthProtocol != 0 {
		usm.AuthenticationProtocol = gosnmp.SnmpV3AuthProtocol(u.AuthProtocol)
	}
	if u.PrivProtocol != 0 {
		usm.PrivacyProtocol = gosnmp.SnmpV3PrivProtocol(u.PrivProtocol)
	}
	return usm
}

// TTL is the series TTL as a time.Duration; 0 keeps series forever.
func (l Limits) TTL() time.Duration { return time.Duration(l.SeriesTTL) }

// AuthProtocol is a USM authentication protocol; zero means none.
type AuthProtocol gosnmp.SnmpV3AuthProtocol

var authProtocols = map[string]gosnmp.SnmpV3AuthProtocol{
	"MD5": gosnmp.MD5, "SHA": gosnmp.SHA, "SHA224": gosnmp.SHA224,
	"SHA256": gosnmp.SHA256, "SHA384": gosnmp.SHA384, "SHA512": gosnmp.SHA512,
}

// AuthProtocolByName maps MD5, SHA, SHA224 ... (any case) to gosnmp's
// constant.
func AuthProtocolByName(name string) (gosnmp.SnmpV3AuthProtocol, bool) {
	v, ok := authProtocols[strings.ToUpper(name)]
	return v, ok
}

// PrivProtocolByName maps DES, AES, AES192 ... (any case) to gosnmp's
// constant.
func PrivProtocolByName(name string) (gosnmp.SnmpV3PrivProtocol, bool) {
	v, ok := privProtocols[strings.ToUpper(name)]
	return v, ok
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (p *AuthProtocol) UnmarshalYAML(n *yaml.Node) error {
	v, ok := AuthProtocolByName(n.Value)
	if !ok {
		return fmt.Errorf("line %d: unknown auth_protocol %q (want one of MD5 SHA SHA224 SHA256 SHA384 SHA512)", n.Line, n.Value)
	}
	*p = AuthProtocol(v)
	return nil
}

// PrivProtocol is a USM privacy protocol; zero means none.
type PrivProtocol gosnmp.SnmpV3PrivProtocol

var privProtocols = map[string]gosnmp.SnmpV3PrivProtocol{
	"DES": gosnmp.DES, "AES": gosnmp.AES, "AES192": gosnmp.AES192,
	"AES256": gosnmp.AES256, "AES192C": gosnmp.AES192C, "AES256C": gosnmp.AES256C,
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (p *PrivProtocol) UnmarshalYAML(n *yaml.Node) error {
	v, ok := PrivProtocolByName(n.Value)
	if !ok {
		return fmt.Errorf("line %d: unknown priv_protocol %q (want one of DES AES AES192 AES256 AES192C AES256C)", n.Line, n.Value)
	}
	*p = PrivProtocol(v)
	return nil
}

// Sources are the networks packets and messages may come from
// (allowed_sources). Every input checks a sender with Allow before anything
// is parsed.
type Sources []Prefix

// Allow reports whether addr is in one of the networks; an empty list
// allows any.
func (s Sources) Allow(addr netip.Addr) bool {
	if len(s) == 0 {
		return true
	}
	addr = addr.Unmap()
	for _, p := range s {
		if netip.Prefix(p).Contains(addr) {
			return true
		}
	}
	return false
}

// Prefix is a CIDR; a bare address means that one host.
type Prefix netip.Prefix

// UnmarshalYAML implements yaml.Unmarshaler.
func (p *Prefix) UnmarshalYAML(n *yaml.Node) error {
	if a, err := netip.ParseAddr(n.Value); err == nil {
		*p = Prefix(netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		return nil
	}
	v, err := netip.ParsePrefix(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: allowed_sources: %q is not a CIDR (e.g. 10.0.0.0/8)", n.Line, n.Value)
	}
	*p = Prefix(v.Masked())
	return nil
}

// EngineID is an SNMP engine ID (RFC 3411: 5 to 32 octets), written in hex
// with or without 0x.
type EngineID []byte

// UnmarshalYAML implements yaml.Unmarshaler.
func (e *EngineID) UnmarshalYAML(n *yaml.Node) error {
	b, err := ParseEngineID(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: engine_id: %w", n.Line, err)
	}
	*e = b
	return nil
}

// ParseEngineID parses a hex engine ID.
func ParseEngineID(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"))
	if err != nil {
		return nil, fmt.Errorf("%q is not hex", s)
	}
	if len(b) < 5 || len(b) > 32 {
		return nil, fmt.Errorf("%q is %d octets; an engine ID has 5 to 32", s, len(b))
	}
	return b, nil
}

// lineOf finds the line of a mapping key path, or of the document.
func lineOf(root *yaml.Node, path ...string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line = n.Content[i].Line
				n = n.Content[i+1]
				found = true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

// lineOfItem finds the line of item i of a top-level sequence.
func lineOfItem(root *yaml.Node, key string, i int) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return n.Line
	}
	for j := 0; j+1 < len(n.Content); j += 2 {
		if n.Content[j].Value == key {
			seq := n.Content[j+1]
			if seq.Kind == yaml.SequenceNode && i < len(seq.Content) {
				return seq.Content[i].Line
			}
			return n.Content[j].Line
		}
	}
	return n.Line
}
