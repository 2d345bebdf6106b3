package emulator

import (
	"testing"
	"time"
)

func addParams(name string) map[string]any {
	return map[string]any{"Name": name, "EmailAddress": name + "@example.com", "Title": "TechnicalDirector", "MessageTypes": []string{"AccountExpenses"}}
}

// A writer holds the account's lock for its whole server-side time
// (Latency), without any MutationHold: a second writer arriving meanwhile
// is refused.
func TestContention_latencyHoldsTheLock(t *testing.T) {
	s := NewServer(t, WithSettings(func(cfg *Settings) { cfg.Latency = 300 * time.Millisecond }))
	c := newSDK(t, s, signV3)
	done := make(chan error, 1)
	go func() {
		_, err := newSDK(t, s, signV3).call("AddMessageContact", addParams("alpha"))
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for s.Stats().MaxConcurrentMutations == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first writer never took the lock")
		}
		time.Sleep(time.Millisecond)
	}
	c.mustFail("AddMessageContact", addParams("beta"), "ConcurrentCallNotSupported", 429)
	if err := <-done; err != nil {
		t.Fatalf("the lock holder failed: %v", err)
	}
	if got := s.Stats().Conflicts["AddMessageContact"]; got != 1 || s.Len() != 1 {
		t.Errorf("conflicts = %d, contacts = %d; want 1 and 1", got, s.Len())
	}
}
