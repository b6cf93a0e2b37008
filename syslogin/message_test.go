package syslogin

import (
	"strings"
	"testing"
)

const huaweiDesc = "OID 1.3.6.1.4.1.2011.6.122.26.6.14 IPSec tunnel negotiation fails. (ReasonCode=6, PeerAddress=203.0.113.9)"

func TestParseSyslog(t *testing.T) {
	tests := []struct {
		name, msg      string
		host, textHave string
	}{
		// What util-linux logger sends.
		{"logger rfc3164", "<13>Nov 29 05:01:16 vm root: " + negoFail, "vm", "root: " + negoFail},
		{"logger rfc5424", `<13>1 2026-11-29T05:01:16.453645+00:00 vm root - - [timeQuality tzKnown="1" isSynced="0"] ` + negoFail, "vm", negoFail},
		{"rfc5424 without structured data", "<13>1 2026-11-29T05:01:16Z fw-01 - - - - " + negoFail, "fw-01", negoFail},
		{"trailing LF and CR", "<13>Nov 29 05:01:16 vm root: " + negoFail + "\r\n", "vm", "root: " + negoFail},
		// What a Huawei information centre sends: its header is the tag.
		{"huawei default stamp with year", "<188>Nov 29 2026 05:01:16 USG6000 %%01IPSEC/4/IPSECNEGOFAIL(t)[3]:" + huaweiDesc,
			"USG6000", "%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:" + huaweiDesc},
		{"stamp with milliseconds and offset", "<188>Nov  9 2026 05:01:16.120+08:00 USG6000 %%01IPSEC/4/IPSECNEGOFAIL(l)[0]:" + huaweiDesc,
			"USG6000", "%%01IPSEC/4/IPSECNEGOFAIL(l)[0]:" + huaweiDesc},
		{"zero-padded day", "<188>Nov 09 2026 05:01:16 USG6000 %%01IPSEC/4/IPSECNEGOFAIL(l)[0]:" + huaweiDesc,
			"USG6000", "%%01IPSEC/4/IPSECNEGOFAIL(l)[0]:" + huaweiDesc},
		{"short date", "<188>Nov 29 05:01:16 USG6000 %%01IPSEC/4/IPSECNEGOFAIL(t)[3]:" + huaweiDesc,
			"USG6000", "%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:" + huaweiDesc},
		{"iso stamp", "<188>2026-11-29T05:01:16+08:00 USG6000 %%01IPSEC/4/IPSECNEGOFAIL(t)[3]:" + huaweiDesc,
			"USG6000", "%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:" + huaweiDesc},
		{"no flag, no count, no space", "<189>Nov 29 2026 05:01:16 FW-02 IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN:An IPSec tunnel is teared down. (DstIP=203.0.113.20)",
			"FW-02", "IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN:An IPSec tunnel is teared down. (DstIP=203.0.113.20)"},
		{"space after the colon", "<189>Nov 29 2026 05:01:16 FW-02 IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN: An IPSec tunnel is teared down.",
			"FW-02", "IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN: An IPSec tunnel is teared down."},
		{"NE8000: zone, flag after a space, VS prefix", "<164>Nov  5 2021 11:34:18+08:00 NE8000 %%01IPSEC/4/IPSECNEGOFAIL (t):VS=Admin-VS-CID=0x81d80420-OID=1.3.6.1.4.1.2011.6.122.26.6.14;" + huaweiDesc,
			"NE8000", "%%01IPSEC/4/IPSECNEGOFAIL (t):VS=Admin-VS-CID=0x81d80420-OID=1.3.6.1.4.1.2011.6.122.26.6.14;" + huaweiDesc},
		{"USG: format-date, Vsys prefix", "<188>2015-12-28 06:16:28 USG6300 %%01IPSEC/4/IPSECNEGOFAIL(l):Vsys public:" + huaweiDesc,
			"USG6300", "%%01IPSEC/4/IPSECNEGOFAIL(l):Vsys public:" + huaweiDesc},
		{"count and a space", "<188>Nov 29 2026 05:01:16 USG6000 %%01IPSEC/4/IPSECNEGOFAIL(t)[3]: " + huaweiDesc,
			"USG6000", "%%01IPSEC/4/IPSECNEGOFAIL(t)[3]: " + huaweiDesc},
	}
	p := newParser()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, host, err := p.parse([]byte(tt.msg))
			if err != nil {
				t.Fatal(err)
			}
			if host != tt.host || text != tt.textHave {
				t.Errorf("parse(%q)\n = host %q, text %q\nwant host %q, text %q", tt.msg, host, text, tt.host, tt.textHave)
			}
			if _, err := ParseMessage(text); err != nil {
				t.Errorf("the text does not parse as a Huawei message: %v", err)
			}
		})
	}
}

func TestParseSyslogMalformed(t *testing.T) {
	for _, msg := range []string{"", "hello", "<13>", "<999>Nov 29 05:01:16 vm x: y", "\x00\x01\x02"} {
		if text, host, err := newParser().parse([]byte(msg)); err == nil {
			t.Errorf("parse(%q) = %q, %q, want an error", msg, text, host)
		}
	}
}

func TestParserBoundsItsInput(t *testing.T) {
	// go-syslog must not choke on a message as long as the largest allowed.
	msg := "<13>Nov 29 05:01:16 vm root: " + negoFail + " " + strings.Repeat("x", DefaultMaxMessageSize)
	if _, _, err := newParser().parse([]byte(msg)); err != nil {
		t.Fatal(err)
	}
}
