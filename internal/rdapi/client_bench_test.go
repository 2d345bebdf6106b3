package rdapi_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// BenchmarkGetMessageContact measures one GetMessageContact round trip over
// loopback: signing, HTTP, the emulator, retry bookkeeping and decoding.
// The emulator's rate limit is off, so every call is exactly one request.
func BenchmarkGetMessageContact(b *testing.B) {
	emu := emulator.NewServer(b, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.RateLimit = 0 }))
	c := benchClient(b, emu)
	id := benchAdd(b, c, "Get", 1)[0]
	ctx := context.Background()
	emu.ResetStats()
	b.ReportAllocs()
	for b.Loop() {
		mc, err := c.GetMessageContact(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		if mc.ContactID != id {
			b.Fatalf("GetMessageContact returned %q, want %q", mc.ContactID, id)
		}
	}
	benchReportCalls(b, emu, "GetMessageContact", 1)
}

// BenchmarkListMessageContacts lists 500 contacts through the iterator, at
// the default page size and at the API's maximum, and reports the API calls
// one full listing costs: ceil(500/PageSize), and not one more (no trailing
// empty page).
func BenchmarkListMessageContacts(b *testing.B) {
	const contacts = 500
	emu := emulator.NewServer(b, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.RateLimit = 0 }))
	c := benchClient(b, emu)
	benchAdd(b, c, "List", contacts)
	ctx := context.Background()

	for _, size := range []int{rdapi.DefaultPageSize, rdapi.MaxPageSize} {
		b.Run(fmt.Sprintf("page-size=%d", size), func(b *testing.B) {
			in := rdapi.ListMessageContactsInput{PageSize: size}
			emu.ResetStats()
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, err := range c.ListMessageContacts(ctx, in) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != contacts {
					b.Fatalf("listed %d contacts, want %d", n, contacts)
				}
			}
			benchReportCalls(b, emu, "ListMessageContacts", (contacts+size-1)/size)
		})
	}
}

// benchReportCalls reports action's API calls per iteration and fails the
// benchmark when it is not exactly want: a correctness bound.
func benchReportCalls(b *testing.B, emu *emulator.Server, action string, want int) {
	b.Helper()
	calls := emu.Stats().Calls[action]
	b.ReportMetric(float64(calls)/float64(b.N), "api-calls/op")
	if calls != want*b.N {
		b.Fatalf("%d %s calls for %d iterations, want %d per iteration", calls, action, b.N, want)
	}
}

// BenchmarkConcurrentAdd starts 50 AddMessageContact calls at once, as a
// terraform apply creating many contacts does, against an emulator that
// locks the whole account for each mutation and holds the lock 5ms (the
// API answers 429 ConcurrentCallNotSupported to a concurrent mutation).
// One op is one batch of 50; ns/op is its wall time.
//
//   - max-concurrent-writes=1 (the client default) queues the writes inside
//     the client: no conflicts, no retries, about 50 × the hold time;
//   - unlimited sends them all: the emulator refuses all but one and the
//     client's retries (production backoff: 500ms floor, exponential, full
//     jitter) absorb the conflicts.
//
// Every batch must create all 50 contacts, or the benchmark fails.
func BenchmarkConcurrentAdd(b *testing.B) {
	const writers = 50
	for _, tc := range []struct {
		name      string
		maxWrites int
	}{
		{"max-concurrent-writes=1", 1},
		{"max-concurrent-writes=unlimited", -1},
	} {
		b.Run(tc.name, func(b *testing.B) {
			emu := emulator.NewServer(b,
				emulator.WithSettings(func(cfg *emulator.Settings) {
					cfg.MutationHold, cfg.LockScope, cfg.RateLimit = 5*time.Millisecond, emulator.LockPerAccount, 0
				}))
			var retries atomic.Int64
			c := benchClient(b, emu, func(o *rdapi.Options) {
				o.MaxConcurrentWrites = tc.maxWrites
				o.Logger = func(_ context.Context, ev rdapi.LogEvent) {
					if ev.Retrying {
						retries.Add(1)
					}
				}
			})
			ctx := context.Background()
			var conflicts, calls int
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				emu.Reset()
				b.StartTimer()

				var wg sync.WaitGroup
				errs := make([]error, writers)
				for i := range writers {
					wg.Go(func() {
						_, errs[i] = c.AddMessageContact(ctx, addInput(benchName("Conc", i)))
					})
				}
				wg.Wait()

				b.StopTimer()
				for i, err := range errs {
					if err != nil {
						b.Fatalf("writer %d: %v", i, err)
					}
				}
				if n := emu.Len(); n != writers {
					b.Fatalf("%d contacts after a batch of %d adds, want %d", n, writers, writers)
				}
				st := emu.Stats()
				conflicts += st.Conflicts["AddMessageContact"]
				calls += st.Calls["AddMessageContact"]
				b.StartTimer()
			}
			b.StopTimer()
			b.ReportMetric(float64(conflicts)/float64(b.N), "conflicts/op")
			b.ReportMetric(float64(retries.Load())/float64(b.N), "retries/op")
			b.ReportMetric(float64(calls)/float64(b.N), "api-calls/op")
		})
	}
}
