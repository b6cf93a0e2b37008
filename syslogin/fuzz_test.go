package syslogin

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// seeds reads one seed per line of a file in testdata.
func seeds(f *testing.F, name string) []string {
	file, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	var out []string
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil || len(out) == 0 {
		f.Fatalf("no seeds in testdata/%s: %v", name, err)
	}
	return out
}

// FuzzParseMessage holds the Huawei parser to its contract whatever the
// text: no panic; a message it does not count is ErrNotHuawei or
// ErrOtherMessage; an event is one of the catalogue's, its label values
// are bounded valid UTF-8, its numbers are numbers, and its reason is a
// label value the catalogue allows. Seed corpus: testdata/huawei.txt.
func FuzzParseMessage(f *testing.F) {
	for _, s := range seeds(f, "huawei.txt") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ev, err := ParseMessage(text)
		if err != nil {
			if !errors.Is(err, ErrNotHuawei) && !errors.Is(err, ErrOtherMessage) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		checkEvent(t, ev)
		again, _ := ParseMessage(text)
		if again != ev {
			t.Fatalf("not deterministic: %+v then %+v", ev, again)
		}
	})
}

// FuzzSyslogMessage drives raw datagram bytes through go-syslog, the
// timestamp rewrite and the Huawei parser, as the listener does. Seed
// corpus: testdata/syslog.txt, and a message in every time-stamp format
// (stampForms).
func FuzzSyslogMessage(f *testing.F) {
	for _, s := range seeds(f, "syslog.txt") {
		f.Add([]byte(s))
	}
	for _, s := range stampForms {
		f.Add([]byte("<188>" + s.stamp + " USG6000 %%01IPSEC/4/IPSECNEGOFAIL(t)[3]:" + huaweiDesc))
	}
	p := newParser()
	f.Fuzz(func(t *testing.T, msg []byte) {
		checkRewrite(t, msg)
		text, _, err := p.parse(append([]byte(nil), msg...))
		if err != nil {
			return
		}
		if ev, err := ParseMessage(text); err == nil {
			checkEvent(t, ev)
		}
	})
}

// checkRewrite holds the time-stamp rewrite to its contract: what it
// writes is the PRI, an RFC 3164 stamp and the rest of the message after
// the device's stamp, unchanged.
func checkRewrite(t *testing.T, msg []byte) {
	t.Helper()
	out, ok := rewriteStamp(nil, msg)
	if !ok {
		return
	}
	gt := bytes.IndexByte(out, '>')
	if gt < 1 || len(out) < gt+1+stampLen || !bytes.Equal(out[:gt+1], msg[:gt+1]) {
		t.Fatalf("rewriteStamp(%q) = %q: the PRI is not kept", msg, out)
	}
	stamp, rest := out[gt+1:gt+1+stampLen], out[gt+1+stampLen:]
	if _, err := time.Parse(time.Stamp, string(stamp)); err != nil {
		t.Fatalf("rewriteStamp(%q) wrote the stamp %q: %v", msg, stamp, err)
	}
	if !bytes.HasSuffix(msg, rest) || len(rest) == 0 || rest[0] != ' ' {
		t.Fatalf("rewriteStamp(%q) = %q: the rest of the message is not kept", msg, out)
	}
}

func checkEvent(t *testing.T, ev pipeline.Event) {
	t.Helper()
	n, ok := mib.NotificationByName(ev.Notification)
	if !ok {
		t.Fatalf("notification %q is not in the catalogue", ev.Notification)
	}
	if ev.Kind != n.Kind && ev.Kind != mib.KindNotification {
		t.Fatalf("kind %s for %s", ev.Kind, n.Name)
	}
	for _, v := range []string{ev.Peer, ev.PeerPort, ev.Interface, ev.Vsys, ev.Reason, ev.ReasonCode, ev.SeqNum, ev.PolicyName, ev.LocalAddress} {
		if len(v) > 128 || !utf8.ValidString(v) {
			t.Fatalf("label value %q: %d bytes, valid UTF-8 %v", v, len(v), utf8.ValidString(v))
		}
	}
	if len(ev.ReasonText) > 256 || !utf8.ValidString(ev.ReasonText) {
		t.Fatalf("reason text of %d bytes", len(ev.ReasonText))
	}
	for _, num := range []string{ev.PeerPort, ev.ReasonCode, ev.SeqNum} {
		if num == "" {
			continue
		}
		if v, err := strconv.ParseUint(num, 10, 32); err != nil || strconv.FormatUint(v, 10) != num {
			t.Fatalf("number field %q", num)
		}
	}
	switch ev.Kind {
	case mib.KindNegotiationFailure:
		if ev.Reason == mib.UnknownReason {
			break
		}
		code, _ := strconv.Atoi(ev.ReasonCode)
		if r, ok := mib.ReasonByCode(code); !ok || r.Slug != ev.Reason {
			t.Fatalf("reason %q with code %q is not the catalogue's", ev.Reason, ev.ReasonCode)
		}
	case mib.KindTunnelDown:
		if _, ok := mib.TeardownBySlug(ev.Reason); !ok && ev.Reason != mib.OtherOfflineReason && ev.Reason != "" {
			t.Fatalf("teardown reason %q is not a catalogue slug", ev.Reason)
		}
	default:
		if ev.Reason != "" || ev.ReasonCode != "" {
			t.Fatalf("%s with reason %q, code %q", ev.Kind, ev.Reason, ev.ReasonCode)
		}
	}
}
