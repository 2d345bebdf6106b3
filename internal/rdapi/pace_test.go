package rdapi

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

// TestPacer_staysUnderTheQuota: a burst of concurrent reads, as a refresh
// at Terraform's default parallelism sends, stays under the API's
// documented 20 calls/s quota: nothing is throttled and nothing needs a
// retry. The pacer and the emulator's token bucket share a virtual clock
// that moves only while every reader waits for its turn, so each call
// reaches the emulator at the very instant the pacer let it go, however
// slowly the machine runs.
func TestPacer_staysUnderTheQuota(t *testing.T) {
	const readers, calls = 10, 45
	clock := newVirtualClock(time.Now(), readers)
	emu := emulator.NewServer(t, emulator.WithClock(clock.Now)) // default quota: 20 calls/s per action
	var retries int
	var mu sync.Mutex
	c, err := New(Options{
		Endpoint:     emu.URL,
		Credentials:  StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		Logger: func(_ context.Context, ev LogEvent) {
			if ev.Retrying {
				mu.Lock()
				retries++
				mu.Unlock()
			}
		},
		paceClock: paceClock{now: clock.Now, sleep: clock.Sleep},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	out, err := c.AddMessageContact(ctx, AddMessageContactInput{Name: "tom", EmailAddress: "tom@example.com",
		Title: "TechnicalDirector", MessageTypes: []string{"AccountExpenses"}})
	if err != nil {
		t.Fatal(err)
	}
	start := clock.Now()

	jobs := make(chan struct{}, calls)
	for range calls {
		jobs <- struct{}{}
	}
	close(jobs)
	var wg sync.WaitGroup
	for range readers {
		wg.Go(func() {
			defer clock.Leave()
			for range jobs {
				if _, err := c.GetMessageContact(ctx, out.ContactID); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()

	if n := emu.Stats().Throttled["GetMessageContact"]; n != 0 || retries != 0 {
		t.Errorf("%d reads throttled, %d retries; want none", n, retries)
	}
	if n := emu.Stats().Calls["GetMessageContact"]; n != calls {
		t.Errorf("%d GetMessageContact calls, want %d", n, calls)
	}
	// Half the quota goes at once, the rest at 20 calls/s: the burst took
	// (45-10)/20 s of the virtual clock, neither less (the pacer let calls
	// go early and the emulator was lenient) nor more (it paced too slowly).
	// (The limiter's float arithmetic may round a turn by a nanosecond.)
	if took, want := clock.Now().Sub(start), (calls-DefaultRateLimit/2)*time.Second/DefaultRateLimit; (took - want).Abs() > time.Microsecond {
		t.Errorf("the reads took %s on the virtual clock, want %s", took, want)
	}
}

// virtualClock is a clock for tests of pacing: it stands still while any of
// its workers runs, and when all of them wait in Sleep, it jumps to the
// earliest wake-up and wakes whoever is due. A worker that is done calls
// Leave.
type virtualClock struct {
	mu       sync.Mutex
	now      time.Time
	workers  int
	sleepers []virtualSleeper
}

type virtualSleeper struct {
	until time.Time
	wake  chan struct{}
}

func newVirtualClock(start time.Time, workers int) *virtualClock {
	return &virtualClock{now: start, workers: workers}
}

func (v *virtualClock) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// Sleep waits until the clock has moved d. ctx is not consulted: the tests
// that use the clock do not cancel.
func (v *virtualClock) Sleep(_ context.Context, d time.Duration) error {
	wake := make(chan struct{})
	v.mu.Lock()
	v.sleepers = append(v.sleepers, virtualSleeper{until: v.now.Add(d), wake: wake})
	v.advance()
	v.mu.Unlock()
	<-wake
	return nil
}

// Leave says a worker is done and will not sleep again.
func (v *virtualClock) Leave() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.workers--
	v.advance()
}

// advance moves the clock when every remaining worker sleeps. It runs with
// v.mu held.
func (v *virtualClock) advance() {
	if len(v.sleepers) == 0 || len(v.sleepers) < v.workers {
		return
	}
	first := slices.MinFunc(v.sleepers, func(a, b virtualSleeper) int { return a.until.Compare(b.until) })
	v.now = first.until
	v.sleepers = slices.DeleteFunc(v.sleepers, func(s virtualSleeper) bool {
		if s.until.After(v.now) {
			return false
		}
		close(s.wake)
		return true
	})
}
