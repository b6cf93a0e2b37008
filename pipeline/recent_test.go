package pipeline

import (
	"strconv"
	"testing"
)

func TestRecentKeepsTheNewest(t *testing.T) {
	tests := []struct {
		size, recorded, limit int
		want                  []string // peers, newest first
	}{
		{size: 3, recorded: 2, limit: 10, want: []string{"1", "0"}},
		{size: 3, recorded: 5, limit: 10, want: []string{"4", "3", "2"}},
		{size: 3, recorded: 5, limit: 2, want: []string{"4", "3"}},
		{size: 0, recorded: 5, limit: 10, want: []string{}},
	}
	for _, tt := range tests {
		r := NewRecent(tt.size)
		for i := 0; i < tt.recorded; i++ {
			r.Record(&Event{Peer: strconv.Itoa(i)})
		}
		got := r.Last(tt.limit)
		if len(got) != len(tt.want) {
			t.Fatalf("%+v: got %d events", tt, len(got))
		}
		for i := range got {
			if got[i].Peer != tt.want[i] {
				t.Errorf("%+v: event %d is peer %s, want %s", tt, i, got[i].Peer, tt.want[i])
			}
		}
	}
}
