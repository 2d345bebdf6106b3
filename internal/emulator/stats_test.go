package emulator

import (
	"maps"
	"testing"
)

// TestStats_writesAndReads: Writes lists the calls of mutating actions,
// Reads counts the others.
func TestStats_writesAndReads(t *testing.T) {
	e := New()
	calls := func(s *Stats) map[string]int { return s.Calls }
	for _, action := range []string{"AddMessageContact", "GetMessageContact", "ListMessageContacts",
		"ListMessageContacts", "DeleteMessageContact", "GetMessageContactDeletionStatus", "CancelMessageContactUpdate"} {
		e.count(calls, action)
	}
	st := e.Stats()
	want := map[string]int{"AddMessageContact": 1, "DeleteMessageContact": 1, "CancelMessageContactUpdate": 1}
	if got := st.Writes(); !maps.Equal(got, want) {
		t.Errorf("Writes() = %v, want %v", got, want)
	}
	if got := st.Reads(); got != 4 {
		t.Errorf("Reads() = %d, want 4", got)
	}
}
