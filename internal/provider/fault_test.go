package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// The fault suite (issue 8): each test breaks the API, the network or the
// process in one way and asserts what the user sees: exactly the contacts
// that should exist, all of them in state, no foreign contact in state, and
// a clear error where one is due.

// shiftedClock is an emulator clock offset from the wall clock, to create
// contacts "in the past" within the signature's 15-minute allowance, or
// stopped at one instant while a contact is created (a CreateDate that does
// not depend on how long the create took).
type shiftedClock struct {
	offset  atomic.Int64
	stopped atomic.Int64 // Unix nanoseconds; 0 when the clock runs
}

func (c *shiftedClock) now() time.Time {
	if at := c.stopped.Load(); at != 0 {
		return time.Unix(0, at).UTC()
	}
	return time.Now().Add(time.Duration(c.offset.Load()))
}

func (c *shiftedClock) set(d time.Duration) { c.offset.Store(int64(d)) }

// stopAt stops the clock at t; resume lets it run again.
func (c *shiftedClock) stopAt(t time.Time) { c.stopped.Store(t.UnixNano()) }
func (c *shiftedClock) resume()            { c.stopped.Store(0) }

// viaProxy routes the provider (not the out-of-band client) through a
// faultProxy in front of the emulator.
func (e *testEnv) viaProxy() *faultProxy {
	e.t.Helper()
	e.requireEmulator("puts a faulty network in front of the emulator")
	p := newFaultProxy(e.t, e.emu.URL)
	e.endpoint = p.URL
	return p
}

// inputOf is the AddMessageContact request c's configuration makes.
func inputOf(c contactHCL) rdapi.AddMessageContactInput {
	return rdapi.AddMessageContactInput{Name: c.name, EmailAddress: c.email, PhoneNumber: c.phone, Title: c.title,
		MessageTypes: c.messageTypes}
}

// checkOnlyContacts is a check that the emulator holds exactly the contacts
// ids (plus those in the state when fromState is set).
func (e *testEnv) checkOnlyContacts(fromState []string, ids ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		want := map[string]bool{}
		for _, id := range ids {
			want[id] = true
		}
		for _, addr := range fromState {
			id, err := contactID(s, addr)
			if err != nil {
				return err
			}
			want[id] = true
		}
		got := e.emulated().Contacts()
		if len(got) != len(want) {
			return fmt.Errorf("the emulator holds %d contacts, want %d: %+v", len(got), len(want), got)
		}
		for _, c := range got {
			if !want[c.ID] {
				return fmt.Errorf("unexpected contact %s (%s)", c.ID, c.Name)
			}
		}
		return nil
	}
}

// TestFault_lostReplyNeverTakesOver is issue 8's takeover: workspace A
// manages a contact; workspace B declares the same name, email address,
// title and message types and loses the reply of its Add. B's apply must
// fail without A's contact in its state, and B's destroy must leave A's
// contact alone.
func TestFault_lostReplyNeverTakesOver(t *testing.T) {
	t.Parallel()
	clock := &shiftedClock{}
	env := newTestEnv(t, emulator.WithClock(clock.now))
	env.requireEmulator("injects lost replies")
	c := newContact("b")
	clock.set(-10 * time.Minute)
	a, err := env.client.AddMessageContact(context.Background(), inputOf(c))
	if err != nil {
		t.Fatal(err)
	}
	clock.set(0)
	for _, fault := range []struct {
		name string
		f    proxyFault
	}{
		{"reply lost", resetAfterServer},
		{"reset before the server", resetBeforeServer},
	} {
		t.Run(fault.name, func(t *testing.T) {
			p := env.viaProxy()
			p.on("AddMessageContact", fault.f)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Factories,
				CheckDestroy:             env.checkOnlyContacts(nil, a.ContactID),
				Steps: []resource.TestStep{{
					Config:      env.config(c),
					ExpectError: regexp.MustCompile(`(?s)Message Contact Name Already Used.*` + a.ContactID),
				}},
			})
		})
	}
}

// TestFault_lostReplyNeverTakesOverAContactJustCreated: workspace A creates
// the same contact as B just before B's Add reaches the server (B's Add is
// refused, and its reply lost). The first create of B's run is the
// ambiguous one, so B has not seen the zone of the API's dates. B must not
// adopt A's contact, and must say so, with the import block, under either
// zone.
//
// A's contact is created at the start of a second (the phase least
// favourable to B's rule, which sees only whole seconds) whose end lies
// between 0.9 and 1.9 s before B's attempt reached the proxy: outside the
// rule's window (1.1 s including clockTolerance, DESIGN.md) by at least
// 0.8 s, which B's reading of the server's clock (its request's transit,
// the precision of its probes) must not exceed, and inside nearMiss, so
// that B reports the contact rather than calling it someone else's. The
// emulator's clock is stopped while A creates, so neither the time A's
// create takes nor the phase of the wall clock moves the CreateDate.
func TestFault_lostReplyNeverTakesOverAContactJustCreated(t *testing.T) {
	t.Parallel()
	for _, zone := range []emulator.DateZone{emulator.ChinaTime, 0} {
		t.Run(zone.String(), func(t *testing.T) {
			t.Parallel()
			clock := &shiftedClock{}
			env := newTestEnv(t, emulator.WithClock(clock.now), emulator.WithSettings(func(s *emulator.Settings) { s.CreateDateZone = zone }))
			env.requireEmulator("injects lost replies")
			c := newContact("b")
			var owned atomic.Value
			p := env.viaProxy()
			p.on("AddMessageContact", func(t *testing.T, w http.ResponseWriter, r *http.Request, forward http.HandlerFunc) {
				secondEnd := time.Now().Add(-900 * time.Millisecond).Truncate(time.Second)
				clock.stopAt(secondEnd.Add(-time.Second + time.Millisecond))
				a, err := env.client.AddMessageContact(context.Background(), inputOf(c))
				clock.resume()
				if err != nil {
					t.Errorf("A's create: %v", err)
				} else {
					owned.Store(a.ContactID)
				}
				resetAfterServer(t, w, r, forward)
			})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Factories,
				CheckDestroy: func(s *terraform.State) error {
					id, _ := owned.Load().(string)
					return env.checkOnlyContacts(nil, id)(s)
				},
				Steps: []resource.TestStep{{
					Config:      env.config(c),
					ExpectError: regexp.MustCompile(`(?s)Message Contact May Have Been Created.*c-[A-Za-z0-9]{16}.*import \{`),
				}},
			})
		})
	}
}

// TestFault_lostReplyDuringReadAfterCreateDelay: the retry after a lost
// reply says the name is taken while the API does not list the new
// contact yet. The provider waits for it and records it.
func TestFault_lostReplyDuringReadAfterCreateDelay(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.WithSettings(func(s *emulator.Settings) { s.ReadAfterCreateDelay = 2 * time.Second }))
	env.requireEmulator("injects lost replies")
	c := newContact("test")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			PreConfig:         func() { env.emulated().DropNext("AddMessageContact", 1) },
			Config:            env.config(c),
			ConfigStateChecks: contactChecks(c),
			Check:             env.checkOnlyContacts([]string{c.addr()}),
		}},
	})
}

// TestFault_lostRepliesExhaustRetries: every attempt loses its reply; the
// first one committed. The contact is found and recorded.
func TestFault_lostRepliesExhaustRetries(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("injects lost replies")
	c := newContact("test")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			PreConfig:         func() { env.emulated().DropNext("AddMessageContact", 3) },
			Config:            env.providerHCL("max_retries = 2") + c.String(),
			ConfigStateChecks: contactChecks(c),
			Check: resource.ComposeTestCheckFunc(env.checkOnlyContacts([]string{c.addr()}), func(*terraform.State) error {
				if n := env.emulated().Stats().Calls["AddMessageContact"]; n != 3 {
					return fmt.Errorf("%d Add calls, want 3", n)
				}
				return nil
			}),
		}},
	})
}

// TestFault_createTimeoutWhileAddInFlight: the create timeout expires while
// the Add that committed is still in flight. The contact is recorded in
// state (not orphaned, not tainted).
func TestFault_createTimeoutWhileAddInFlight(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.WithSettings(func(s *emulator.Settings) { s.MutationHold = 3 * time.Second }))
	env.requireEmulator("holds mutations")
	c := newContact("test")
	c.extra = `  timeouts { create = "1s" }`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config:            env.config(c),
			ConfigStateChecks: contactChecks(c),
			Check:             env.checkOnlyContacts([]string{c.addr()}),
		}},
	})
}

// TestFault_resetsAroundEveryWrite: every write action loses one reply
// (reset after the emulator answered) and one request (reset before it
// reached the emulator); create, update, bind, unbind and destroy all end
// as configured, with exactly the contacts that should exist.
func TestFault_resetsAroundEveryWrite(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	p := env.viaProxy()
	c := newContact("test")
	changed := c.with(func(c *contactHCL) {
		c.email = "changed@example.com"
		c.phone = "86-13900001234"
		c.messageTypes = []string{"AccountExpenses", "FaultMessage"}
	})
	root := env.emulated().Directory().RootID
	binding := raw(fmt.Sprintf("resource %q \"root\" {\n  contact_id = %s.id\n  member_id  = %q\n}\n",
		bindingType, c.addr(), root))
	arm := func(actions ...string) func() {
		return func() {
			for _, a := range actions {
				p.on(a, resetBeforeServer)
				p.on(a, resetAfterServer)
			}
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkOnlyContacts(nil),
		Steps: []resource.TestStep{
			{
				PreConfig:         arm("AddMessageContact", "SendEmailVerificationForMessageContact"),
				Config:            env.config(c),
				ConfigStateChecks: contactChecks(c),
				Check:             env.checkOnlyContacts([]string{c.addr()}),
			},
			{
				PreConfig: arm("UpdateMessageContact", "SendEmailVerificationForMessageContact",
					"SendPhoneVerificationForMessageContact", "AssociateMembers"),
				Config:            env.config(changed, binding),
				ConfigStateChecks: contactChecks(changed),
				Check:             env.checkOnlyContacts([]string{c.addr()}),
			},
			{
				PreConfig: arm("DisassociateMembers"),
				Config:    env.config(changed),
				Check: func(s *terraform.State) error {
					id, err := contactID(s, c.addr())
					if err != nil {
						return err
					}
					if got, _ := env.emulated().Contact(id); len(got.Members) != 0 {
						return fmt.Errorf("still bound to %v", got.Members)
					}
					return nil
				},
			},
			{
				PreConfig: arm("DeleteMessageContact"),
				Config:    env.providerHCL(),
				Check:     env.checkOnlyContacts(nil),
			},
		},
	})
}
