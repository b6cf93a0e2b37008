package soak_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// policy is what the configuration the exporter runs with accepts, in the
// ways the reloads change it.
type policy struct {
	// rotating: the community "rotating" and the v3 user "rotuser" are
	// configured.
	rotating bool
	// narrow: allowed_sources is 127.0.0.1/32 only, so that the senders
	// bound to 127.0.0.2 are refused; else 127.0.0.0/8.
	narrow bool
}

// The v3 users the senders use; "soak" is always configured.
const (
	engineID = "0x80001f888001020304aa"
	authKey  = "authpass123"
	privKey  = "privpass123"
)

func (p policy) config(pki *testenv.PKI) string {
	var b strings.Builder
	communities := "[public]"
	if p.rotating {
		communities = "[public, rotating]"
	}
	fmt.Fprintf(&b, "communities: %s\nusers:\n", communities)
	fmt.Fprintf(&b, "  - {username: soak, auth_protocol: SHA256, auth_passphrase: %s, priv_protocol: AES, priv_passphrase: %s}\n", authKey, privKey)
	if p.rotating {
		fmt.Fprintf(&b, "  - {username: rotuser, auth_protocol: SHA, auth_passphrase: %s, priv_protocol: AES, priv_passphrase: %s}\n", authKey, privKey)
	}
	fmt.Fprintf(&b, "engine_id: %q\n", engineID)
	if p.narrow {
		b.WriteString("allowed_sources: [127.0.0.1/32]\n")
	} else {
		b.WriteString("allowed_sources: [127.0.0.0/8]\n")
	}
	fmt.Fprintf(&b, "syslog:\n  tls:\n    cert_file: %s\n    key_file: %s\n", pki.ServerCert, pki.ServerKey)
	return b.String()
}

// broken are configurations a reload must refuse, keeping the running one:
// each is the current one with one mistake an operator makes.
var broken = []struct {
	name  string
	spoil func(good string) string
}{
	{"unknown key", func(good string) string { return good + "comunities: [typo]\n" }},
	{"bad CIDR", func(good string) string {
		return strings.Replace(good, "allowed_sources: [", "allowed_sources: [127.0.0.0/33, ", 1)
	}},
	{"short passphrase", func(good string) string {
		return strings.Replace(good, "auth_passphrase: "+authKey, "auth_passphrase: short", 1)
	}},
	{"YAML syntax", func(good string) string { return good + "users: [\n" }},
}

// reload changes the configuration for real and sends SIGHUP, with the
// gated senders held so that the ledger knows which configuration each
// send met. Every third reload is broken on purpose: it must fail and
// change nothing; the good file is then put back, so that a restart
// finds it.
func (h *harness) reload(i int) {
	t := h.t
	t.Helper()
	h.gate.Lock()
	defer h.gate.Unlock()
	next := h.policy
	var content, result, what string
	switch i % 3 {
	case 0:
		next.rotating = !next.rotating
		content, result, what = next.config(h.pki), "success", fmt.Sprintf("rotating community and user: %v", next.rotating)
	case 1:
		next.narrow = !next.narrow
		content, result, what = next.config(h.pki), "success", fmt.Sprintf("allowed_sources narrow: %v", next.narrow)
	case 2:
		b := broken[(i/3)%len(broken)]
		content, result, what = b.spoil(h.policy.config(h.pki)), "failure", "broken: "+b.name
		next = h.policy
	}
	reloads := func() float64 {
		n, _ := testenv.Value(h.scrapeLocal(), "ipsec_trap_exporter_config_reloads_total", map[string]string{"result": result})
		return n
	}
	before := reloads()
	if err := os.WriteFile(h.cfgFile, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	h.signal(syscall.SIGHUP)
	deadline := time.Now().Add(30 * time.Second)
	for reloads() == before {
		if time.Now().After(deadline) {
			t.Fatalf("reload %d (%s): ipsec_trap_exporter_config_reloads_total{result=%q} still %v after 30s", i, what, result, before)
		}
		time.Sleep(50 * time.Millisecond)
	}
	h.ledger.count(key{metric: "ipsec_trap_exporter_config_reloads_total", reason: result}, "reload", at, true)
	kind := "reload"
	if result == "failure" {
		kind = "reload-broken"
		if err := os.WriteFile(h.cfgFile, []byte(h.policy.config(h.pki)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h.ledger.event(lifecycleEvent{kind: kind, at: at})
	h.policy = next
}
