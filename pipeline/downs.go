package pipeline

import (
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

// downWindowHours is how far back a tunnel's downs are counted: the last
// day, by the hour.
const downWindowHours = 24

// downHistory counts a tunnel's downs per hour over the last day. It is a
// fixed 24-slot ring (56 bytes a tunnel, however often it flaps) rather than
// a list of times: a tunnel that flaps every second must cost no more
// memory, or state file, than a quiet one. The price is the window's far
// edge: "the last 24 hours" reaches back 23 to 24 hours.
type downHistory struct {
	counts [downWindowHours]uint16 // slot hour%24; saturates at 65535
	last   int64                   // the newest hour counted (Unix hours); 0 when none
}

func unixHour(at int64) int64 { return at / int64(time.Hour) }

// add counts one down at at (Unix nanoseconds). A down older than the
// window is not counted.
func (d *downHistory) add(at int64) { d.addN(unixHour(at), 1) }

func (d *downHistory) addN(hour int64, n int) {
	if hour <= d.last-downWindowHours || n <= 0 {
		return
	}
	if hour > d.last {
		// Clear the slots of the hours between the newest counted and
		// this one: they had no down.
		for h := max(d.last+1, hour-downWindowHours+1); h <= hour; h++ {
			d.counts[h%downWindowHours] = 0
		}
		d.last = hour
	}
	slot := &d.counts[hour%downWindowHours]
	*slot = uint16(min(int(*slot)+n, 1<<16-1))
}

// count is the number of downs in the 24 hours up to now (Unix nanoseconds).
func (d *downHistory) count(now int64) int {
	nowHour := unixHour(now)
	total := 0
	for h := max(d.last-downWindowHours+1, nowHour-downWindowHours+1); h <= d.last && h <= nowHour; h++ {
		total += int(d.counts[h%downWindowHours])
	}
	return total
}

// hours lists the hours with downs, oldest first, for the state file.
func (d *downHistory) hours() []state.DownHour {
	var out []state.DownHour
	for h := max(d.last-downWindowHours+1, 0); h <= d.last && d.last > 0; h++ {
		if n := d.counts[h%downWindowHours]; n > 0 {
			out = append(out, state.DownHour{Hour: time.Unix(h*3600, 0).UTC(), Downs: int(n)})
		}
	}
	return out
}

// restore brings back the hours of a state file; hours outside the
// window at now are left out.
func (d *downHistory) restore(hours []state.DownHour, now time.Time) {
	nowHour := unixHour(now.UnixNano())
	for _, h := range hours {
		hour := unixHour(h.Hour.UnixNano())
		if hour > nowHour || hour <= nowHour-downWindowHours {
			continue
		}
		d.addN(hour, h.Downs)
	}
}
