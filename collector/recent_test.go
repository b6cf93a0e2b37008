package collector

import (
	"encoding/json"
	"net/http/httptest"
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

func TestRecentServesJSON(t *testing.T) {
	r := NewRecent(10)
	r.Record(&Event{Kind: KindNegotiationFailure, Notification: "hwIPSecNegotiationFail", Peer: "198.51.100.32",
		Reason: "unknown", ReasonText: `peer <script> sent "garbage"`})
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/events?limit=5", nil))
	var got []map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, w.Body)
	}
	if len(got) != 1 || got[0]["reason_text"] != `peer <script> sent "garbage"` || got[0]["kind"] != "negotiation_failure" {
		t.Errorf("got %v", got)
	}
	w = httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/events?limit=x", nil))
	if w.Code != 400 {
		t.Errorf("bad limit: %d", w.Code)
	}
}
