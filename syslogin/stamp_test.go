package syslogin

import (
	"testing"
)

// stampForms are the time stamps `info-center timestamp log` writes, one
// per format and option (see stamp.go), each as a device sends it before
// the HOSTNAME.
var stampForms = []struct{ format, stamp string }{
	{"date", "Nov 29 2026 05:01:16"},
	{"date, day space-padded", "Nov  9 2026 05:01:16"},
	{"date, day zero-padded", "Nov 09 2026 05:01:16"},
	{"date, zone", "Nov 29 2026 05:01:16+08:00"},
	{"date, zone after a space", "Nov 29 2026 05:01:16 +08:00"},
	{"date, negative zone", "Nov 29 2026 05:01:16-03:30"},
	{"date, zone without colon", "Nov 29 2026 05:01:16+0800"},
	{"date, milliseconds", "Jan 20 2019 06:31:14.967"},
	{"date, milliseconds and zone", "Nov  9 2026 05:01:16.120+08:00"},
	{"date without year", "Nov 29 05:01:16+08:00"},
	{"date without year, milliseconds", "Nov 29 05:01:16.120"},
	{"short-date", "Nov 29 05:01:16"},
	{"short-date, day space-padded", "Nov  9 05:01:16"},
	{"short-date, day zero-padded", "Nov 09 05:01:16"},
	{"format-date", "2026-11-29 05:01:16"},
	{"format-date, precision-time tenth", "2026-11-29 05:01:16.3"},
	{"format-date, precision-time millisecond", "2026-11-29 05:01:16.345"},
	{"format-date, precision-time microsecond", "2026-11-29 05:01:16.345678"},
	{"format-date, zone", "2026-11-29 05:01:16+08:00"},
	{"format-date, precision-time and zone", "2026-11-29 05:01:16.345+08:00"},
	{"format-date, UTC", "2026-11-29 05:01:16Z"},
	{"format-date with T, no zone", "2026-11-29T05:01:16"},
	{"RFC 3339", "2026-11-29T05:01:16+08:00"},
	{"RFC 3339, fractions", "2026-11-29T05:01:16.453645+00:00"},
	{"boot", "1234567.890123"},
	{"boot, small", "0.5"},
}

// TestTimeStamps sends each time-stamp format through go-syslog and the
// Huawei parser, as the listener does: the HOSTNAME and the header come
// out whole, whatever the stamp.
func TestTimeStamps(t *testing.T) {
	const text = "%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:" + huaweiDesc
	p := newParser()
	for _, tt := range stampForms {
		t.Run(tt.format, func(t *testing.T) {
			msg := "<188>" + tt.stamp + " USG6000 " + text
			gotText, host, err := p.parse([]byte(msg))
			if err != nil {
				t.Fatalf("parse(%q): %v", msg, err)
			}
			if host != "USG6000" || gotText != text {
				t.Errorf("parse(%q)\n = host %q, text %q\nwant host USG6000, text %q", msg, host, gotText, text)
			}
			if _, err := ParseMessage(gotText); err != nil {
				t.Errorf("the text does not parse as a Huawei message: %v", err)
			}
		})
	}
}

func TestRewriteStamp(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<188>Nov 29 2026 05:01:16 host x", "<188>Nov 29 05:01:16 host x"},
		{"<188>Nov  9 2026 05:01:16 host x", "<188>Nov  9 05:01:16 host x"},
		{"<188>Nov 09 2026 05:01:16 host x", "<188>Nov  9 05:01:16 host x"},
		{"<1>Jan 1 2026 00:00:00.5-03:30 h x", "<1>Jan  1 00:00:00 h x"},
		{"<188>Nov 29 05:01:16.120 host x", "<188>Nov 29 05:01:16 host x"},
		{"<188>2026-12-04 10:11:12 host x", "<188>Dec  4 10:11:12 host x"},
		{"<188>2026-12-24 10:11:12.345 +08:00 host x", "<188>Dec 24 10:11:12 host x"},
		{"<188>2026-01-31T10:11:12 host x", "<188>Jan 31 10:11:12 host x"},
		{"<188>987654.321 host x", "<188>Jan  1 00:00:00 host x"},
	}
	for _, tt := range tests {
		got, ok := rewriteStamp(nil, []byte(tt.in))
		if !ok || string(got) != tt.want {
			t.Errorf("rewriteStamp(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	// Left to go-syslog: RFC 3164 and RFC 5424 as they are, and anything
	// that is not a stamp (go-syslog refuses it as malformed).
	for _, in := range []string{
		"<188>Nov 29 05:01:16 host x",
		"<188>Nov 09 05:01:16 host x",
		"<13>1 2026-11-29T05:01:16Z host app - - - msg",
		"<188>Nov 29 2026 05:01:16",          // nothing after it
		"<188>Nov 29 2026 05:01 host x y z",  // not a clock
		"<188>Foo 29 2026 05:01:16 host x",   // not a month
		"<188>Nov 32 2026 05:01:16 host x",   // not a day
		"<188>2026-13-01 05:01:16 host x",    // not a month
		"<188>2026-12-00 05:01:16 host x",    // not a day
		"<188>2026-12-01 05:01:16+08 host x", // half a zone is not one
		"<188>12345678901.1 host x",          // boot halves are 32-bit numbers
		"<188>.5 host x",
		"<188>Nov 29 2026 24:01:16 host x", // not a time of day
		"<188>2026-11-29 05:60:16 host x",
		"<188>Nov 1 00:00:70+0000 host x",
		"<>Nov 29 2026 05:01:16 host x", // an empty PRI
		"Nov 29 2026 05:01:16 host x",   // no PRI
		"<188",
	} {
		if got, ok := rewriteStamp(nil, []byte(in)); ok {
			t.Errorf("rewriteStamp(%q) = %q, want it left alone", in, got)
		}
	}
}

// TestRewriteStampAllocations holds the rewrite to its buffer: once it has
// grown, rewriting allocates nothing.
func TestRewriteStampAllocations(t *testing.T) {
	msg := []byte("<188>2026-11-29 05:01:16.345+08:00 USG6000 %%01IPSEC/4/IPSECNEGOFAIL(t)[3]:" + huaweiDesc)
	buf, _ := rewriteStamp(nil, msg)
	if n := testing.AllocsPerRun(100, func() { buf, _ = rewriteStamp(buf, msg) }); n != 0 {
		t.Errorf("%v allocations per rewrite, want 0", n)
	}
}
