package config

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestLoadFull(t *testing.T) {
	t.Setenv("NOC_PRIV", "envsecret1")
	cfg, err := Load("testdata/full.yml")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.Communities, ","); got != "public,s3cret" {
		t.Errorf("communities = %s", got)
	}
	if len(cfg.Users) != 2 {
		t.Fatalf("users = %d", len(cfg.Users))
	}
	u0, u1 := cfg.Users[0].USM(), cfg.Users[1].USM()
	if u0.AuthenticationProtocol != gosnmp.SHA256 || u0.PrivacyProtocol != gosnmp.AES256 || u0.PrivacyPassphrase != "envsecret1" {
		t.Errorf("user 0 = %+v", u0)
	}
	if u1.AuthenticationProtocol != gosnmp.MD5 || u1.AuthenticationPassphrase != "filesecret1" || u1.PrivacyProtocol != gosnmp.NoPriv {
		t.Errorf("user 1 = %+v", u1)
	}
	if len(cfg.EngineID) != 10 {
		t.Errorf("engine ID = %x", cfg.EngineID)
	}
	if netip.Prefix(cfg.AllowedSources[1]) != netip.MustParsePrefix("192.0.2.7/32") {
		t.Errorf("bare address = %v", cfg.AllowedSources[1])
	}
	if cfg.Devices["10.1.1.1"] != "fw-hq-01" || cfg.Limits.MaxSeries != 1000 || cfg.Limits.TTL() != 7*24*time.Hour {
		t.Errorf("devices/limits = %v %+v", cfg.Devices, cfg.Limits)
	}
	if !cfg.Syslog.DeviceFromHostname || time.Duration(cfg.Syslog.DedupWindow) != 20*time.Second {
		t.Errorf("syslog = %+v", cfg.Syslog)
	}
}

func TestDefaults(t *testing.T) {
	cfg, err := Parse([]byte(""), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Limits.MaxSeries != DefaultMaxSeries || cfg.Limits.TTL() != 0 {
		t.Errorf("defaults = %+v", cfg.Limits)
	}
}

func TestRefused(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "communities: [a]\ncomunity: x\n", "line 2: field comunity not found"},
		{"unknown nested key", "limits:\n  max_series: 5\n  ttl: 1h\n", "line 3: field ttl not found"},
		{"bad CIDR", "allowed_sources:\n  - 10.0.0.0/33\n", "line 2: allowed_sources: \"10.0.0.0/33\" is not a CIDR"},
		{"unknown auth protocol", "users:\n  - username: a\n    auth_protocol: SHA1\n    auth_passphrase: longenough\n", "line 3: unknown auth_protocol \"SHA1\""},
		{"unknown priv protocol", "users:\n  - username: a\n    auth_protocol: SHA\n    auth_passphrase: longenough\n    priv_protocol: 3DES\n    priv_passphrase: longenough\n", "line 5: unknown priv_protocol \"3DES\""},
		{"short auth passphrase", "users:\n  - username: a\n    auth_protocol: SHA\n    auth_passphrase: short\n", "line 2: users[0]: auth_passphrase must be at least 8"},
		{"short priv passphrase", "communities: [x]\nusers:\n  - username: a\n    auth_protocol: SHA\n    auth_passphrase: longenough\n    priv_protocol: AES\n    priv_passphrase: short\n", "line 3: users[0]: priv_passphrase must be at least 8"},
		{"priv without auth", "users:\n  - username: a\n    priv_protocol: AES\n    priv_passphrase: longenough\n", "priv_protocol needs an auth_protocol"},
		{"no username", "users:\n  - auth_protocol: SHA\n    auth_passphrase: longenough\n", "username is required"},
		{"two passphrase sources", "users:\n  - username: a\n    auth_protocol: SHA\n    auth_passphrase: longenough\n    auth_passphrase_env: X\n", "give only one of"},
		{"unset env", "users:\n  - username: a\n    auth_protocol: SHA\n    auth_passphrase_env: NOPE\n", "environment variable NOPE is empty"},
		{"missing file", "users:\n  - username: a\n    auth_protocol: SHA\n    auth_passphrase_file: /nonexistent\n", "auth_passphrase_file"},
		{"short engine ID", "engine_id: \"0x8000\"\n", "line 1: engine_id: \"0x8000\" is 2 octets"},
		{"engine ID not hex", "engine_id: zz\n", "is not hex"},
		{"device not an address", "devices:\n  fw1: name\n", "line 2: devices: \"fw1\" is not an IP address"},
		{"negative max_series", "limits:\n  max_series: -1\n", "line 2: limits.max_series must not be negative"},
		{"empty community", "communities:\n  - a\n  - \"\"\n", "line 3: communities[1] is empty"},
		{"bad duration", "limits:\n  series_ttl: soon\n", "soon"},
		{"status both up and down", "devices: {}\ntunnel_status:\n  up: [1]\n  down: [1, 2]\n", "line 2: tunnel_status: 1 is listed twice"},
		{"negative status", "tunnel_status:\n  down: [-2]\n", "line 1: tunnel_status: -2 is negative"},
		{"unknown status key", "tunnel_status:\n  sideways: [3]\n", "line 2: field sideways not found"},
		{"unknown syslog key", "syslog:\n  device_from_host: true\n", "line 2: field device_from_host not found"},
		{"syslog flag not a bool", "syslog:\n  device_from_hostname: sometimes\n", "line 2: cannot unmarshal !!str `sometimes` into bool"},
		{"dedup window too long", "devices: {}\nsyslog:\n  dedup_window: 1h\n", "line 3: syslog.dedup_window 1h is out of range: 0s (off) to 10m"},
		{"dedup window negative", "syslog:\n  dedup_window: -5s\n", "-5s"},
		{"dedup window not a duration", "syslog:\n  dedup_window: soon\n", "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), env(nil))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestTunnelStatus(t *testing.T) {
	cfg, err := Parse([]byte("tunnel_status:\n  up: [1, 3]\n  down: [2]\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if ts := cfg.TunnelStatus; ts == nil || len(ts.Up) != 2 || ts.Up[1] != 3 || len(ts.Down) != 1 || ts.Down[0] != 2 {
		t.Errorf("tunnel_status = %+v", cfg.TunnelStatus)
	}
	if cfg, _ := Parse(nil, env(nil)); cfg.TunnelStatus != nil {
		t.Error("tunnel_status without the key must stay nil (the default mapping)")
	}
}

func TestSyslog(t *testing.T) {
	tests := []struct {
		yaml         string
		fromHostname bool
		window       time.Duration
	}{
		{"", false, DefaultDedupWindow},
		{"syslog: {}\n", false, DefaultDedupWindow},
		{"syslog:\n  device_from_hostname: true\n", true, DefaultDedupWindow},
		{"syslog:\n  dedup_window: 0s\n", false, 0},
		{"syslog:\n  dedup_window: 30s\n  device_from_hostname: false\n", false, 30 * time.Second},
	}
	for _, tt := range tests {
		cfg, err := Parse([]byte(tt.yaml), env(nil))
		if err != nil {
			t.Fatalf("%q: %v", tt.yaml, err)
		}
		if cfg.Syslog.DeviceFromHostname != tt.fromHostname || time.Duration(cfg.Syslog.DedupWindow) != tt.window {
			t.Errorf("%q: syslog = %+v, want device_from_hostname %v, dedup_window %s", tt.yaml, cfg.Syslog, tt.fromHostname, tt.window)
		}
	}
	if d := Default(); time.Duration(d.Syslog.DedupWindow) != DefaultDedupWindow || d.Limits.MaxSeries != DefaultMaxSeries {
		t.Errorf("Default() = %+v", d)
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.yml")
	if err == nil || !strings.Contains(err.Error(), "does-not-exist.yml") {
		t.Fatalf("err = %v", err)
	}
}

func TestSyslogTLS(t *testing.T) {
	pki := testenv.NewPKI(t, "exporter.test")
	files := func(lines ...string) string { return "syslog:\n  tls:\n    " + strings.Join(lines, "\n    ") + "\n" }
	cfg, err := Parse([]byte(files("cert_file: "+pki.ServerCert, "key_file: "+pki.ServerKey)), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if tls := cfg.Syslog.TLS; tls == nil || len(tls.Certificate.Certificate) != 1 || tls.ClientCAs != nil {
		t.Fatalf("syslog.tls = %+v, want the certificate and no client CAs", cfg.Syslog.TLS)
	}
	cfg, err = Parse([]byte(files("cert_file: "+pki.ServerCert, "key_file: "+pki.ServerKey, "client_ca_file: "+pki.CAFile)), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Syslog.TLS.ClientCAs == nil {
		t.Error("client_ca_file read into no pool")
	}
	if cfg, _ := Parse([]byte("syslog:\n  dedup_window: 5s\n"), env(nil)); cfg.Syslog.TLS != nil {
		t.Error("syslog.tls without the key must stay nil")
	}

	for _, tt := range []struct{ name, yaml, want string }{
		{"no key file", files("cert_file: " + pki.ServerCert), "line 2: syslog.tls: key_file is required"},
		{"no such file", "limits: {}\n" + files("cert_file: /nonexistent.pem", "key_file: "+pki.ServerKey), "line 4: syslog.tls: cert_file /nonexistent.pem"},
		{"key of another certificate", files("cert_file: "+pki.ServerCert, "key_file: "+pki.ClientKey), "private key does not match public key"},
		{"no cert file", "\n" + files("key_file: "+pki.ServerKey), "line 3: syslog.tls: cert_file is required"},
		{"client CA not PEM", files("cert_file: "+pki.ServerCert, "key_file: "+pki.ServerKey, "client_ca_file: "+pki.Dir), "line 5: syslog.tls: client_ca_file:"},
		{"client CA without a certificate", files("cert_file: "+pki.ServerCert, "key_file: "+pki.ServerKey, "client_ca_file: "+pki.ServerKey), "no PEM certificate in it"},
		{"unknown key", files("cert: x"), "field cert not found"},
	} {
		_, err := Parse([]byte(tt.yaml), env(nil))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}
