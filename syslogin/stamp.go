package syslogin

// Huawei's information centre writes the time stamp in the form
// `info-center timestamp log {date | short-date | format-date
// [precision-time ...] | boot} [without-timezone]` selects:
//
//	date         Nov 29 2026 04:56:42            (the default on most products)
//	             Nov  9 2026 04:56:42.120+08:00  (precision and zone where configured)
//	short-date   Nov 29 04:56:42                 (RFC 3164's own stamp)
//	format-date  2026-11-29 04:56:42             (the default on NE8000, VRP V8)
//	             2026-11-29 04:56:42.3+08:00
//	boot         1234567.890123                  (time since start, no calendar date)
//
// go-syslog reads RFC 3164's "Mmm dd hh:mm:ss" and RFC 3339 only, so
// rewriteStamp puts every other form into the first before parsing. The
// exporter stamps events with their arrival time, as it does traps, so the
// value of the device's stamp is never used: only its shape matters.

// stampLen is the length of an RFC 3164 stamp, "Mmm dd hh:mm:ss".
const stampLen = 15

var monthNames = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// bootStamp stands for a boot stamp, which has no calendar date: any valid
// stamp does, since the value is not used.
var bootStamp = [stampLen]byte{'J', 'a', 'n', ' ', ' ', '1', ' ', '0', '0', ':', '0', '0', ':', '0', '0'}

// rewriteStamp writes msg with its time stamp in RFC 3164 form into dst
// (reused, so that steady state allocates nothing). ok is false when msg
// needs no rewrite: a plain RFC 3164 stamp, an RFC 5424 message, or
// anything that is not a stamp, left to go-syslog to read or refuse.
func rewriteStamp(dst, msg []byte) (out []byte, ok bool) {
	if len(msg) < 2 || msg[0] != '<' {
		return nil, false
	}
	gt := 1
	for gt < len(msg) && gt < 5 && isDigit(msg[gt]) {
		gt++
	}
	if gt == 1 || gt >= len(msg) || msg[gt] != '>' {
		return nil, false
	}
	s := msg[gt+1:]
	stamp, end, ok := readStamp(s)
	if !ok {
		return nil, false
	}
	dst = append(dst[:0], msg[:gt+1]...)
	dst = append(dst, stamp[:]...)
	return append(dst, s[end:]...), true
}

// readStamp recognises a Huawei stamp at the start of s that go-syslog
// would not read as it is, and returns its RFC 3164 form and its length;
// s[end] is the space before the HOSTNAME.
func readStamp(s []byte) (stamp [stampLen]byte, end int, ok bool) {
	switch {
	case len(s) > 0 && isLetter(s[0]):
		return readMonthStamp(s)
	case len(s) > 4 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3]) && s[4] == '-':
		return readFormatDate(s)
	}
	return readBootStamp(s)
}

// readMonthStamp reads the date and short-date forms: "Mmm d[d] [yyyy ]
// hh:mm:ss[.fff][zone]", the day space- or zero-padded. A plain RFC 3164
// stamp is not rewritten (ok is false).
func readMonthStamp(s []byte) (stamp [stampLen]byte, end int, ok bool) {
	month := monthIndex(s)
	if month < 0 || len(s) < 4 || s[3] != ' ' {
		return stamp, 0, false
	}
	i := 4
	if i < len(s) && s[i] == ' ' {
		i++
	}
	day, i, ok := readNumber(s, i, 1, 2)
	if !ok || day < 1 || day > 31 || i >= len(s) || s[i] != ' ' {
		return stamp, 0, false
	}
	i++
	plain := true
	if i+5 <= len(s) && allDigits(s[i:i+4]) && s[i+4] == ' ' {
		i += 5 // the year
		plain = false
	}
	if i+8 > len(s) || !isClock(s[i:i+8]) {
		return stamp, 0, false
	}
	clock := s[i : i+8]
	end = skipZone(s, skipFraction(s, i+8))
	if end >= len(s) || s[end] != ' ' {
		return stamp, 0, false
	}
	if plain && end == i+8 {
		return stamp, 0, false // RFC 3164 already
	}
	return formatStamp(month, day, clock), end, true
}

// readFormatDate reads the format-date form: "yyyy-mm-dd hh:mm:ss[.fff]
// [zone]", and the same with a T, which is RFC 3339 when it has a zone.
func readFormatDate(s []byte) (stamp [stampLen]byte, end int, ok bool) {
	month, i, ok := readNumber(s, 5, 2, 2)
	if !ok || month < 1 || month > 12 || i >= len(s) || s[i] != '-' {
		return stamp, 0, false
	}
	day, i, ok := readNumber(s, i+1, 2, 2)
	if !ok || day < 1 || day > 31 || i >= len(s) || (s[i] != ' ' && s[i] != 'T') {
		return stamp, 0, false
	}
	i++
	if i+8 > len(s) || !isClock(s[i:i+8]) {
		return stamp, 0, false
	}
	clock := s[i : i+8]
	end = skipZone(s, skipFraction(s, i+8))
	if end >= len(s) || s[end] != ' ' {
		return stamp, 0, false
	}
	return formatStamp(month-1, day, clock), end, true
}

// readBootStamp reads the boot form: two numbers joined by a dot.
func readBootStamp(s []byte) (stamp [stampLen]byte, end int, ok bool) {
	_, i, ok := readNumber(s, 0, 1, 10)
	if !ok || i >= len(s) || s[i] != '.' {
		return stamp, 0, false
	}
	_, end, ok = readNumber(s, i+1, 1, 10)
	if !ok || end >= len(s) || s[end] != ' ' {
		return stamp, 0, false
	}
	return bootStamp, end, true
}

// formatStamp writes "Mmm dd hh:mm:ss", the day space-padded.
func formatStamp(month, day int, clock []byte) (stamp [stampLen]byte) {
	copy(stamp[:3], monthNames[month])
	stamp[3] = ' '
	stamp[4] = ' '
	if day >= 10 {
		stamp[4] = byte('0' + day/10)
	}
	stamp[5] = byte('0' + day%10)
	stamp[6] = ' '
	copy(stamp[7:], clock)
	return stamp
}

// monthIndex returns 0-11 for the month name at the start of s, or -1.
func monthIndex(s []byte) int {
	if len(s) < 3 {
		return -1
	}
	for m, name := range monthNames {
		if string(s[:3]) == name {
			return m
		}
	}
	return -1
}

// readNumber reads lo to hi digits at s[i:] and returns their value and
// where they end.
func readNumber(s []byte, i, lo, hi int) (n, end int, ok bool) {
	end = i
	for end < len(s) && end-i < hi && isDigit(s[end]) {
		n = n*10 + int(s[end]-'0')
		end++
	}
	return n, end, end-i >= lo && (end >= len(s) || !isDigit(s[end]))
}

// skipFraction skips ".ddd" (precision-time) at s[i:].
func skipFraction(s []byte, i int) int {
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && j-i <= 9 && isDigit(s[j]) {
			j++
		}
		if j > i+1 {
			return j
		}
	}
	return i
}

// skipZone skips a UTC offset at s[i:]: "Z", "+08:00" or "+0800", attached
// or after one space (without-timezone writes none).
func skipZone(s []byte, i int) int {
	if i < len(s) && s[i] == 'Z' {
		return i + 1
	}
	j := i
	if j < len(s) && s[j] == ' ' {
		j++
	}
	if j+5 > len(s) || (s[j] != '+' && s[j] != '-') || !allDigits(s[j+1:j+3]) {
		return i
	}
	switch {
	case j+6 <= len(s) && s[j+3] == ':' && allDigits(s[j+4:j+6]):
		return j + 6
	case allDigits(s[j+3 : j+5]):
		return j + 5
	}
	return i
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return len(b) > 0
}

// isClock reports whether b is a time of day, hh:mm:ss.
func isClock(b []byte) bool {
	return len(b) == 8 && twoDigits(b[0:2], 23) && b[2] == ':' && twoDigits(b[3:5], 59) && b[5] == ':' && twoDigits(b[6:8], 59)
}

// twoDigits reports whether b is two digits of a number up to max.
func twoDigits(b []byte, max int) bool {
	return allDigits(b) && int(b[0]-'0')*10+int(b[1]-'0') <= max
}
