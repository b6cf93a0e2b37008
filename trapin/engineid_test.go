package trapin

import (
	"bytes"
	"crypto/sha256"
	"os"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
)

// The engine ID derived from the host name (README: "Without engine_id and
// with v3 users configured, the exporter derives a stable engine ID from
// the host name"): RFC 3411's layout with format 5 (octets), the same for
// one host, another for another.
func TestEngineIDFromTheHostName(t *testing.T) {
	seen := map[string]string{}
	for _, host := range []string{"trap-host-1", "trap-host-2", "trap-host-1.example.net", ""} {
		id := []byte(engineIDOf(host))
		sum := sha256.Sum256([]byte("ipsec_trap_exporter\x00" + host))
		want := append([]byte{
			0x80, 0x00, 0x1f, 0x88, // first bit set, enterprise 8072
			0x05, // format 5: octets
		}, sum[:8]...)
		if !bytes.Equal(id, want) {
			t.Errorf("%q: engine ID %x, want %x", host, id, want)
		}
		if len(id) < 5 || len(id) > 32 {
			t.Errorf("%q: %d octets, RFC 3411 allows 5 to 32", host, len(id))
		}
		if engineIDOf(host) != string(id) {
			t.Errorf("%q: not stable", host)
		}
		if other, ok := seen[string(id)]; ok {
			t.Errorf("%q and %q share engine ID %x", host, other, id)
		}
		seen[string(id)] = host
	}
}

// The derived ID is used only when v3 users need one and none is
// configured.
func TestEngineIDIsDerivedOnlyWhenNeeded(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	const user = "users:\n  - {username: noc, auth_protocol: SHA256, auth_passphrase: authpass123}\n"
	for _, c := range []struct {
		name, yaml, want string
		derived          bool
	}{
		{"v3 users, no engine_id", user, engineIDOf(host), true},
		{"v3 users and engine_id", user + "engine_id: \"0x80001f888001020304aa\"\n", "\x80\x00\x1f\x88\x80\x01\x02\x03\x04\xaa", false},
		{"no v3 users", "communities: [public]\n", "", false},
	} {
		cfg, err := config.Parse([]byte(c.yaml), func(string) string { return "" })
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		p, derived := PolicyFrom(cfg, nil)
		if p.EngineID != c.want || derived != c.derived {
			t.Errorf("%s: engine ID %x derived %v, want %x derived %v", c.name, p.EngineID, derived, c.want, c.derived)
		}
	}
}
