package rdapi_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// shiftedClock is an emulator clock running offset behind (or ahead of) the
// wall clock, to create contacts "in the past" within the signature's
// 15-minute skew allowance.
type shiftedClock struct{ offset atomic.Int64 }

func (c *shiftedClock) now() time.Time      { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *shiftedClock) set(d time.Duration) { c.offset.Store(int64(d)) }

// TestAmbiguousAdd_neverAdoptsAnothersContact is the takeover of issue 8:
// workspace A manages a contact; workspace B declares the same name, email
// address, phone, title and message types; B's Add loses its reply. B must
// not come back with A's contact.
func TestAmbiguousAdd_neverAdoptsAnothersContact(t *testing.T) {
	clock := &shiftedClock{}
	emu := emulator.NewServer(t, emulator.WithClock(clock.now))
	a, b := newClient(t, emu), newClient(t, emu)
	in := addInput("Owneraaa")

	clock.set(-10 * time.Minute) // A created its contact ten minutes ago
	owned := mustAdd(t, a, in)
	clock.set(0)

	emu.DropNext("AddMessageContact", 1)
	out, err := b.AddMessageContact(context.Background(), in)
	if err == nil {
		t.Fatalf("B adopted %s (A's contact %s)", out.ContactID, owned)
	}
	if !rdapi.IsCode(err, rdapi.CodeNameAlreadyUsed) || !strings.Contains(err.Error(), owned) ||
		!strings.Contains(err.Error(), "before this create's first attempt") {
		t.Errorf("err = %v, want AlreadyUsed naming %s and saying it predates the create", err, owned)
	}
	if n := emu.Len(); n != 1 {
		t.Errorf("%d contacts, want 1", n)
	}

	t.Run("bound contact", func(t *testing.T) {
		in := addInput("Ownerbbb")
		id := mustAdd(t, a, in) // created just now, in B's window, but already bound
		if err := a.AssociateMembers(context.Background(), id, []string{emu.Directory().RootID}); err != nil {
			t.Fatal(err)
		}
		emu.DropNext("AddMessageContact", 1)
		if out, err := b.AddMessageContact(context.Background(), in); err == nil || !rdapi.IsCode(err, rdapi.CodeNameAlreadyUsed) {
			t.Errorf("Add = %+v, %v; want AlreadyUsed", out, err)
		}
	})

	t.Run("another create of the same client", func(t *testing.T) {
		in := addInput("Ownerccc")
		id := mustAdd(t, a, in)
		emu.DropNext("AddMessageContact", 1)
		if out, err := a.AddMessageContact(context.Background(), in); err == nil {
			t.Errorf("a second create adopted %s, already returned to the first", out.ContactID)
		} else if !strings.Contains(err.Error(), id) {
			t.Errorf("err = %v, want it to name %s", err, id)
		}
	})
}

// TestAmbiguousAdd_readAfterCreateDelay: the lost reply's contact is not
// listed yet when the retry says the name is taken; the client waits for it
// instead of reporting "another contact has the name".
func TestAmbiguousAdd_readAfterCreateDelay(t *testing.T) {
	emu := emulator.NewServer(t, emulator.WithSettings(func(s *emulator.Settings) { s.ReadAfterCreateDelay = 1500 * time.Millisecond }))
	c := newClient(t, emu)
	emu.DropNext("AddMessageContact", 1)
	out, err := c.AddMessageContact(context.Background(), addInput("tom"))
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	assertAdopted(t, emu, out)
}

// TestAmbiguousAdd_retriesExhausted: every attempt loses its reply (the
// first one committed); the client looks the contact up instead of failing.
func TestAmbiguousAdd_retriesExhausted(t *testing.T) {
	emu := emulator.NewServer(t)
	c := newClient(t, emu, func(o *rdapi.Options) { o.MaxRetries = 3 })
	emu.DropNext("AddMessageContact", 4)
	out, err := c.AddMessageContact(context.Background(), addInput("tom"))
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	assertAdopted(t, emu, out)
	if n := emu.Stats().Calls["AddMessageContact"]; n != 4 {
		t.Errorf("%d Add calls, want 4", n)
	}
}

// TestAmbiguousAdd_contextEndsInFlight: the create's timeout (or an
// interrupt) ends the context while the Add that committed is in flight.
// The attempt counts as possibly committed and the contact is found.
func TestAmbiguousAdd_contextEndsInFlight(t *testing.T) {
	emu := emulator.NewServer(t, emulator.WithSettings(func(s *emulator.Settings) { s.MutationHold = 2 * time.Second }))
	c := newClient(t, emu)
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	out, err := c.AddMessageContact(ctx, addInput("tom"))
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	assertAdopted(t, emu, out)

	t.Run("cancelled before sending", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.AddMessageContact(ctx, addInput("jerry"))
		if err == nil || strings.Contains(err.Error(), "may have created") {
			t.Errorf("err = %v, want a plain context error: nothing was sent", err)
		}
		if emu.Len() != 1 {
			t.Errorf("%d contacts, want 1", emu.Len())
		}
	})
}

func assertAdopted(t *testing.T, emu *emulator.Server, out *rdapi.AddMessageContactOutput) {
	t.Helper()
	contacts := emu.Contacts()
	if len(contacts) != 1 {
		t.Fatalf("%d contacts, want 1", len(contacts))
	}
	if !out.Recovered || out.ContactID != contacts[0].ID || out.Contact == nil || out.Contact.Name != contacts[0].Name {
		t.Errorf("out = %+v, want the recovered %s", out, contacts[0].ID)
	}
}

// dateVariants are the emulator's readings of the API's undocumented
// dates: the zone CreateDate is written in, and how far the clock that
// stamps it is from the Date header's (within clockTolerance behind, or
// ahead).
var dateVariants = []struct {
	zone emulator.DateZone
	skew time.Duration
}{
	{emulator.ChinaTime, 0},
	{0, 0},
	{emulator.ChinaTime, -50 * time.Millisecond},
	{0, -50 * time.Millisecond},
	{emulator.ChinaTime, 400 * time.Millisecond},
	{0, 400 * time.Millisecond},
}

// TestAmbiguousAdd_adoptsOwnContact: whatever the emulator's latency,
// visibility delay, zone and date clock, and whether or not a successful
// Add has shown the client the zone, an Add whose committed attempt lost
// its reply comes back with its own contact.
func TestAmbiguousAdd_adoptsOwnContact(t *testing.T) {
	faults := []struct {
		name     string
		settings func(*emulator.Settings)
		options  func(*rdapi.Options)
		drop     int
		timeout  time.Duration
	}{
		{name: "lost reply", drop: 1},
		{name: "lost reply at 20 ms latency", settings: func(s *emulator.Settings) { s.Latency = 20 * time.Millisecond }, drop: 1},
		{name: "read-after-create delay", settings: func(s *emulator.Settings) { s.ReadAfterCreateDelay = 1500 * time.Millisecond }, drop: 1},
		{name: "every attempt lost", options: func(o *rdapi.Options) { o.MaxRetries = 2 }, drop: 3},
		{name: "timeout in flight", settings: func(s *emulator.Settings) { s.MutationHold = 1500 * time.Millisecond }, timeout: 300 * time.Millisecond},
	}
	for _, dv := range dateVariants {
		for _, f := range faults {
			for _, zoneSeen := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s%+v/zone seen %v", f.name, dv.zone, dv.skew, zoneSeen)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					emu := emulator.NewServer(t, emulator.WithSettings(func(s *emulator.Settings) {
						s.CreateDateZone, s.CreateDateSkew = dv.zone, dv.skew
					}))
					c := newClient(t, emu, func(o *rdapi.Options) {
						if f.options != nil {
							f.options(o)
						}
					})
					if zoneSeen {
						mustAdd(t, c, addInput("Earlier"))
					}
					if f.settings != nil {
						emu.MustApply(f.settings)
					}
					emu.DropNext("AddMessageContact", f.drop)
					ctx := context.Background()
					if f.timeout > 0 {
						var cancel context.CancelFunc
						ctx, cancel = context.WithTimeout(ctx, f.timeout)
						defer cancel()
					}
					out, err := c.AddMessageContact(ctx, addInput("Mine"))
					if err != nil {
						t.Fatalf("Add: %v", err)
					}
					mc, ok := emu.Contact(out.ContactID)
					if !out.Recovered || !ok || mc.Name != "Mine" {
						t.Errorf("out = %+v, want the recovered contact Mine", out)
					}
				})
			}
		}
	}
}

// TestAmbiguousAdd_refusesIdenticalContactCreatedBeforeTheWindow:
// workspace A creates a contact a few seconds before B's create of the same
// name, email address, phone, title and message types loses its reply.
// The adoption rule leaves a window of at most 2.1 s plus a reply's transit
// before B's attempt (DESIGN.md, "ambiguous creates"); A's contact, created
// 4 s before, lies outside it at any phase of the server's second, so B
// reports it instead of adopting it, whether or not B has seen the zone of
// the API's dates.
func TestAmbiguousAdd_refusesIdenticalContactCreatedBeforeTheWindow(t *testing.T) {
	const before = 4 * time.Second
	for _, dv := range dateVariants {
		if dv.skew > 0 {
			continue // a date clock ahead makes A's contact look younger (DESIGN.md)
		}
		for _, zoneSeen := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s%+v/zone seen %v", dv.zone, dv.skew, zoneSeen), func(t *testing.T) {
				t.Parallel()
				clock := &shiftedClock{}
				emu := emulator.NewServer(t, emulator.WithClock(clock.now), emulator.WithSettings(func(s *emulator.Settings) {
					s.CreateDateZone, s.CreateDateSkew = dv.zone, dv.skew
				}))
				a, b := newClient(t, emu), newClient(t, emu)
				in := addInput("Twin")
				if zoneSeen {
					mustAdd(t, b, addInput("Earlier"))
				}
				clock.set(-before)
				owned := mustAdd(t, a, in)
				clock.set(0)

				emu.DropNext("AddMessageContact", 1)
				out, err := b.AddMessageContact(context.Background(), in)
				if err == nil {
					t.Fatalf("B adopted %s (A's contact %s, created %s before B's attempt)", out.ContactID, owned, before)
				}
				if !rdapi.IsCode(err, rdapi.CodeNameAlreadyUsed) || !strings.Contains(err.Error(), owned) ||
					!strings.Contains(err.Error(), "before this create's first attempt") {
					t.Errorf("err = %v; want AlreadyUsed naming %s and saying it predates the create", err, owned)
				}
				if got := len(emu.Contacts()); got != 1+btoi(zoneSeen) {
					t.Errorf("%d contacts, want %d", got, 1+btoi(zoneSeen))
				}
			})
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
