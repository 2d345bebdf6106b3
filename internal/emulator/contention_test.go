package emulator

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/tea"
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

// The case the issue measured: ten parallel writers at -latency 20ms
// -lock-scope account, no mutation hold, really conflict.
func TestContention_parallelWritersAtLatency(t *testing.T) {
	s := NewServer(t, WithSettings(func(cfg *Settings) {
		cfg.Latency = 20 * time.Millisecond
		cfg.LockScope = LockPerAccount
	}))
	names := []string{"Wa", "Wb", "Wc", "Wd", "We", "Wf", "Wg", "Wh", "Wi", "Wj"}
	var (
		wg         sync.WaitGroup
		start      = make(chan struct{})
		mu         sync.Mutex
		ok, refuse int
	)
	for _, name := range names {
		c := newSDK(t, s, signV3)
		wg.Go(func() {
			<-start
			_, err := c.call("AddMessageContact", addParams(name))
			mu.Lock()
			defer mu.Unlock()
			var se *tea.SDKError
			switch {
			case err == nil:
				ok++
			case errors.As(err, &se) && tea.StringValue(se.Code) == "ConcurrentCallNotSupported" && tea.IntValue(se.StatusCode) == 429:
				refuse++
			default:
				t.Errorf("%s: %v", name, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if ok == 0 || refuse == 0 || ok+refuse != len(names) {
		t.Fatalf("%d created, %d refused with 429: want some of each", ok, refuse)
	}
	if st := s.Stats(); st.Conflicts["AddMessageContact"] != refuse || st.MaxConcurrentMutations != 1 || s.Len() != ok {
		t.Errorf("stats = %+v, contacts = %d; want %d conflicts, at most one writer at a time, %d contacts", st, s.Len(), refuse, ok)
	}
}
