package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

func TestMessageContactResource_lifecycle(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		c := newContact("test")
		c.phone = phoneA
		addr := c.addr()
		renamed := c.with(func(c *contactHCL) { c.name = randomName() })
		retitled := renamed.with(func(c *contactHCL) { c.title = "FinanceDirector" })
		retyped := retitled.with(func(c *contactHCL) { c.messageTypes = []string{"AccountExpenses", "FaultMessage", "SecurityMessage"} })
		reemailed := retyped.with(func(c *contactHCL) { c.email = "renamed@example.com" })
		rephoned := reemailed.with(func(c *contactHCL) { c.phone = phoneB })
		nophone := rephoned.with(func(c *contactHCL) { c.phone = "" })
		flags := nophone.with(func(c *contactHCL) { c.sendVerification = ptr(false); c.retain = ptr(true) })

		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					Config: env.config(c),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					}},
					ConfigStateChecks: append(contactChecks(c),
						expectString(addr, "status", rdapi.StatusVerifying),
						expectString(addr, "pending_email_address", c.email),
						expectString(addr, "pending_phone_number", c.phone),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("send_verification"), knownvalue.Bool(true)),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("retain_contact_in_members_on_destroy"), knownvalue.Bool(false)),
					),
					Check: env.expectSends(1, 1),
				},
				{Config: env.config(renamed), ConfigPlanChecks: updateInPlace(addr), ConfigStateChecks: contactChecks(renamed), Check: env.expectSends(1, 1)},
				{Config: env.config(retitled), ConfigPlanChecks: updateInPlace(addr), ConfigStateChecks: contactChecks(retitled)},
				{Config: env.config(retyped), ConfigPlanChecks: updateInPlace(addr), ConfigStateChecks: contactChecks(retyped), Check: env.expectSends(1, 1)},
				{
					Config:           env.config(reemailed),
					ConfigPlanChecks: updateInPlace(addr),
					ConfigStateChecks: append(contactChecks(reemailed),
						expectString(addr, "status", rdapi.StatusVerifying),
						expectString(addr, "pending_email_address", reemailed.email)),
					Check: env.expectSends(2, 1),
				},
				{
					Config:           env.config(rephoned),
					ConfigPlanChecks: updateInPlace(addr),
					ConfigStateChecks: append(contactChecks(rephoned),
						expectString(addr, "pending_phone_number", phoneB)),
					Check: env.expectSends(2, 2),
				},
				{
					Config:            env.config(nophone),
					ConfigPlanChecks:  updateInPlace(addr),
					ConfigStateChecks: append(contactChecks(nophone), expectNull(addr, "pending_phone_number")),
					Check:             env.expectSends(2, 2),
				},
				{
					Config:           env.config(flags),
					ConfigPlanChecks: updateInPlace(addr),
					ConfigStateChecks: append(contactChecks(flags),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("send_verification"), knownvalue.Bool(false)),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("retain_contact_in_members_on_destroy"), knownvalue.Bool(true))),
				},
				// Back to the defaults, so the imports below match the state.
				{Config: env.config(nophone), ConfigPlanChecks: updateInPlace(addr)},
				{ResourceName: addr, ImportState: true, ImportStateVerify: true, ImportStateKind: resource.ImportCommandWithID},
				{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			},
		})
	})
}

func TestMessageContactResource_identity(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		c := newContact("test")
		addr := c.addr()
		renamed := c.with(func(c *contactHCL) { c.name = randomName() })
		identityIsID := []statecheck.StateCheck{
			statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
				"id": knownvalue.StringRegexp(contactIDPattern),
			}),
			statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
		}
		badIdentity := raw(`import {
  to       = ` + addr + `
  identity = {
    id = "ops@example.com"
  }
}
`)

		resource.UnitTest(t, resource.TestCase{
			TerraformVersionChecks:   identityCLIs,
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					// An identity that is not a contact ID is refused before any call.
					Config:      env.config(c, badIdentity),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Invalid Message Contact ID.*"ops@example.com"`),
				},
				{Config: env.config(c), ConfigStateChecks: identityIsID},
				// An in-place update keeps the identity.
				{Config: env.config(renamed), ConfigPlanChecks: updateInPlace(addr), ConfigStateChecks: identityIsID},
				// Importing by that identity adopts the same contact with no change.
				{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			},
		})
	})
}

func TestMessageContactResource_pendingVerification(t *testing.T) {
	t.Parallel()
	testPendingVerification(t)
}

// TestMessageContactResource_pendingVerificationMasked: the same life under
// an API that masks the targets it lists as awaiting verification (as the
// API reference's examples show them): the state holds the full values,
// plans stay empty, and every verification goes to the full target.
func TestMessageContactResource_pendingVerificationMasked(t *testing.T) {
	t.Parallel()
	testPendingVerification(t, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.VerificationTargets = emulator.TargetsMasked }))
}

func testPendingVerification(t *testing.T, opts ...emulator.Option) {
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		c := newContact("test")
		c.phone = phoneA
		addr := c.addr()
		changed := c.with(func(c *contactHCL) { c.email = "new@example.com"; c.phone = phoneB })
		var id string
		// Steps from the first verification on need the emulator's hook; the
		// real API only lets a human verify, so they are skipped there.
		verify := func(target string) func() {
			return func() {
				if env.emu == nil {
					return
				}
				if err := env.emu.Verify(id, target); err != nil {
					t.Fatalf("verifying %s: %v", target, err)
				}
			}
		}
		emptyPlan := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					Config: env.config(c),
					Check:  captureID(addr, &id),
					ConfigStateChecks: []statecheck.StateCheck{
						expectString(addr, "status", rdapi.StatusVerifying),
						expectString(addr, "pending_email_address", c.email),
						expectString(addr, "pending_phone_number", phoneA),
					},
				},
				{
					// Still pending: a refresh and plan change nothing.
					Config:           env.config(c),
					ConfigPlanChecks: emptyPlan,
					ConfigStateChecks: []statecheck.StateCheck{
						expectString(addr, "email_address", c.email),
						expectString(addr, "pending_email_address", c.email),
					},
				},
				{
					SkipFunc:         env.skipOnRealAPI,
					PreConfig:        verify(c.email),
					Config:           env.config(c),
					ConfigPlanChecks: emptyPlan,
					ConfigStateChecks: []statecheck.StateCheck{
						expectString(addr, "status", rdapi.StatusVerifying),
						expectNull(addr, "pending_email_address"),
						expectString(addr, "email_address", c.email),
						expectString(addr, "pending_phone_number", phoneA),
					},
				},
				{
					SkipFunc:         env.skipOnRealAPI,
					PreConfig:        verify(phoneA),
					Config:           env.config(c),
					ConfigPlanChecks: emptyPlan,
					ConfigStateChecks: append(contactChecks(c),
						expectString(addr, "status", rdapi.StatusActive),
						expectNull(addr, "pending_email_address"),
						expectNull(addr, "pending_phone_number")),
				},
				{
					SkipFunc: env.skipOnRealAPI,
					// A change of both targets: in place, both pending, both sent.
					Config: env.config(changed),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("status")),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("pending_email_address")),
					}},
					ConfigStateChecks: append(contactChecks(changed),
						expectString(addr, "status", rdapi.StatusVerifying),
						expectString(addr, "pending_email_address", changed.email),
						expectString(addr, "pending_phone_number", phoneB)),
					Check: env.expectSends(2, 2),
				},
				{SkipFunc: env.skipOnRealAPI, Config: env.config(changed), ConfigPlanChecks: emptyPlan},
				{
					SkipFunc:         env.skipOnRealAPI,
					PreConfig:        func() { verify(changed.email)(); verify(phoneB)() },
					Config:           env.config(changed),
					ConfigPlanChecks: emptyPlan,
					ConfigStateChecks: append(contactChecks(changed),
						expectString(addr, "status", rdapi.StatusActive),
						expectNull(addr, "pending_email_address"),
						expectNull(addr, "pending_phone_number")),
				},
				{
					SkipFunc: env.skipOnRealAPI,
					// A name change keeps status and pending attributes
					// known in the plan and sends nothing.
					Config: env.config(changed.with(func(c *contactHCL) { c.name = randomName() })),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact(rdapi.StatusActive)),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("pending_email_address"), knownvalue.Null()),
					}},
					Check: env.expectSends(2, 2),
				},
			},
		})
	}, opts...)
}

func TestMessageContactResource_sendVerificationDisabled(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("counts verification sends")
		c := newContact("test")
		c.phone = phoneA
		c.sendVerification = ptr(false)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					Config:            env.config(c),
					ConfigStateChecks: []statecheck.StateCheck{expectString(c.addr(), "pending_email_address", c.email)},
					Check:             env.expectSends(0, 0),
				},
				{
					Config: env.config(c.with(func(c *contactHCL) { c.email = "other@example.com" })),
					Check:  env.expectSends(0, 0),
				},
			},
		})
	})
}

func TestMessageContactResource_drift(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		c := newContact("test")
		c.phone = phoneA
		c.messageTypes = []string{"AccountExpenses", "FaultMessage", "SecurityMessage"}
		addr := c.addr()
		var id string
		outOfBand := func(f func(in *rdapi.UpdateMessageContactInput)) func() {
			return func() {
				in := rdapi.UpdateMessageContactInput{ContactID: id}
				f(&in)
				if err := env.client.UpdateMessageContact(context.Background(), in); err != nil {
					t.Fatalf("out-of-band update: %v", err)
				}
			}
		}
		driftStep := func(attr string, change func(in *rdapi.UpdateMessageContactInput)) []resource.TestStep {
			return []resource.TestStep{
				{
					PreConfig:          outOfBand(change),
					Config:             env.config(c),
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						expectChangedAttributes{addr: addr, attrs: []string{attr}},
					}},
				},
				// Apply puts it back.
				{Config: env.config(c), ConfigStateChecks: contactChecks(c)},
			}
		}
		steps := []resource.TestStep{
			{Config: env.config(c), Check: captureID(addr, &id)},
			// The same message types in another order are no drift, whether
			// the API replies in submitted or sorted order.
			{
				PreConfig: outOfBand(func(in *rdapi.UpdateMessageContactInput) {
					in.MessageTypes = []string{"SecurityMessage", "AccountExpenses", "FaultMessage"}
				}),
				Config:   env.config(c),
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		}
		steps = append(steps, driftStep("name", func(in *rdapi.UpdateMessageContactInput) { in.Name = ptr(randomName()) })...)
		steps = append(steps, driftStep("email_address", func(in *rdapi.UpdateMessageContactInput) { in.EmailAddress = ptr("drift@example.com") })...)
		steps = append(steps, driftStep("phone_number", func(in *rdapi.UpdateMessageContactInput) { in.PhoneNumber = ptr(phoneB) })...)
		steps = append(steps, driftStep("title", func(in *rdapi.UpdateMessageContactInput) { in.Title = ptr("CEO") })...)
		steps = append(steps, driftStep("message_types", func(in *rdapi.UpdateMessageContactInput) {
			in.MessageTypes = []string{"AccountExpenses", "ProductMessage"}
		})...)
		steps = append(steps,
			resource.TestStep{
				PreConfig: func() {
					retain := true
					if _, err := env.client.DeleteMessageContact(context.Background(),
						rdapi.DeleteMessageContactInput{ContactID: id, RetainContactInMembers: &retain}); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config:             env.config(c),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
			},
			resource.TestStep{Config: env.config(c), ConfigStateChecks: contactChecks(c)},
		)
		// Three plans in a row with no change are empty.
		for range 3 {
			steps = append(steps, resource.TestStep{
				Config:   env.config(c),
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			})
		}
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps:                    steps,
		})
	})
}

func TestMessageContactResource_sendLimit(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("needs a send limit the test can reach")
		c := newContact("test")
		c.phone = phoneA
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{{
				// The email send uses the only allowed send; the phone send
				// hits the limit, which is a warning: the apply succeeds.
				Config: env.config(c),
				ConfigStateChecks: append(contactChecks(c),
					expectString(c.addr(), "pending_phone_number", phoneA)),
				Check: func(*terraform.State) error {
					if got := env.emulated().Stats().Errors[rdapi.CodeSendLimit]; got != 1 {
						return fmt.Errorf("%s answers: got %d, want 1", rdapi.CodeSendLimit, got)
					}
					return nil
				},
			}},
		})
	}, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.DailySendLimit = 1 }))
}

func TestMessageContactResource_nameAlreadyUsed(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		c := newContact("test")
		out, err := env.client.AddMessageContact(context.Background(), rdapi.AddMessageContactInput{
			Name: c.name, EmailAddress: "holder@example.com", Title: "CEO", MessageTypes: []string{"ServiceMessage"},
		})
		if err != nil {
			t.Fatalf("adding the contact that holds the name: %v", err)
		}
		t.Cleanup(func() {
			retain := true
			_, _ = env.client.DeleteMessageContact(context.Background(),
				rdapi.DeleteMessageContactInput{ContactID: out.ContactID, RetainContactInMembers: &retain})
		})
		id := regexp.QuoteMeta(out.ContactID)
		other := newContact("other")

		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config: env.config(c),
					ExpectError: regexp.MustCompile(`(?s)Message Contact Name Already Used.*` + id + `.*` +
						`import \{\s+to = resourcedirectory_message_contact.<label>\s+id = "` + id + `".*terraform import or tofu import`),
				},
				{
					// On rename, the error names the holder too.
					Config: env.config(other),
				},
				{
					Config:      env.config(other.with(func(o *contactHCL) { o.name = c.name })),
					ExpectError: regexp.MustCompile(`(?s)Message Contact Name Already Used.*` + id + `.*Choose another name`),
				},
			},
		})
	})
}

// TestMessageContactResource_duplicateNameInConfiguration (issue 21): two
// resources with one name. The loser was told to import the contact its
// sibling had just created, which would put two resources on one contact;
// it is told that two resources declare the name, and the API holds one
// contact.
func TestMessageContactResource_duplicateNameInConfiguration(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	a := newContact("a")
	b := newContact("b").with(func(b *contactHCL) { b.name = a.name })
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.config(a, b),
				ExpectError: regexp.MustCompile(`(?s)Duplicate Message Contact Name.*Two resources in this configuration ` +
					`declare the name "` + a.name + `".*c-[A-Za-z0-9]+.*Give each resource its own name`),
			},
			{
				// One contact holds the name (which resource won is up to
				// the CLI's scheduling). Renamed apart, both apply.
				PreConfig: func() {
					var holders []string
					for mc, err := range env.client.ListMessageContacts(context.Background(), rdapi.ListMessageContactsInput{}) {
						if err != nil {
							t.Fatal(err)
						}
						if mc.Name == a.name {
							holders = append(holders, mc.ContactID)
						}
					}
					if len(holders) != 1 {
						t.Errorf("contacts named %s: %v, want one", a.name, holders)
					}
				},
				Config: env.config(a.with(func(a *contactHCL) { a.name = randomName() }), b.with(func(b *contactHCL) { b.name = randomName() })),
				Check: func(s *terraform.State) error {
					if n := len(s.RootModule().Resources); n != 2 {
						return fmt.Errorf("the state holds %d resources, want 2", n)
					}
					return nil
				},
			},
		},
	})
}

func TestMessageContactResource_asyncDelete(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("controls asynchronous deletion")
		c := newContact("test")
		var id string
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{Config: env.config(c), Check: captureID(c.addr(), &id)},
				{
					// Bound elsewhere, the contact is removed from the folder's
					// settings asynchronously, and the destroy waits for it.
					PreConfig: func() {
						env.bindElsewhere(&id)()
						env.resetStats()
					},
					Config: env.providerHCL(),
					Check: func(*terraform.State) error {
						if _, ok := env.emulated().Contact(id); ok {
							return fmt.Errorf("contact %s still exists after destroy", id)
						}
						// The destroy's plan and apply read the contact from
						// snapshots, and the wait lists the directory until the
						// contact is gone: no GetMessageContact, and no status
						// call within rdapi.DeletionStatusBound.
						calls := env.emulated().Stats().Calls
						if calls["GetMessageContactDeletionStatus"] != 0 || calls["GetMessageContact"] != 0 || calls["ListMessageContacts"] < 3 {
							return fmt.Errorf("the destroy called %v; want ListMessageContacts rounds, no status call and no GetMessageContact", calls)
						}
						return nil
					},
				},
			},
		})
	}, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.AsyncDelete = 1500 * time.Millisecond }))
}

func TestMessageContactResource_asyncDeleteFailure(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("makes an asynchronous deletion fail")
		c := newContact("test")
		var id string
		accounts := env.emulated().Directory().Accounts
		if len(accounts) < 2 {
			t.Fatalf("the default directory has %d accounts, want at least 2", len(accounts))
		}
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{Config: env.config(c), Check: captureID(c.addr(), &id)},
				{
					// Bound elsewhere, the contact is removed from the members'
					// settings asynchronously: that removal fails.
					PreConfig: func() {
						env.bindElsewhere(&id)()
						env.emulated().FailNextDeletion([]emulator.FailReason{
							{AccountID: accounts[0].ID, MessageTypes: []string{"AccountExpenses"}},
							{AccountID: accounts[1].ID, MessageTypes: []string{"FaultMessage", "SecurityMessage"}},
						})
					},
					Config: env.providerHCL(),
					ExpectError: regexp.MustCompile(`(?s)Message Contact Deletion Failed.*` +
						regexp.QuoteMeta(accounts[0].ID) + `: message types AccountExpenses.*` +
						regexp.QuoteMeta(accounts[1].ID) + `: message types FaultMessage, SecurityMessage`),
				},
				// The contact is still managed; the final destroy succeeds.
				{Config: env.config(c), ConfigStateChecks: contactChecks(c)},
			},
		})
	}, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.AsyncDelete = 300 * time.Millisecond }))
}

// TestMessageContactResource_destroyOfAnUnboundContactDoesNotWait: a
// contact bound to nothing once its member set is destroyed is deleted at
// once, with nothing to wait for, although the API would take an hour to
// delete it with RetainContactInMembers=false; one still bound elsewhere
// is removed from that member's settings (TestMessageContactResource_asyncDelete).
func TestMessageContactResource_destroyOfAnUnboundContactDoesNotWait(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("makes asynchronous deletions take an hour")
		c := newContact("test")
		c.extra = "  timeouts {\n    delete = \"20s\"\n  }"
		set := memberSet("test", c, env.directory().folderA, env.directory().root)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy: func(s *terraform.State) error {
				calls := env.emulated().Stats().Calls
				if n := calls["GetMessageContactDeletionStatus"]; n != 0 {
					return fmt.Errorf("polled the deletion status %d times for a contact bound to nothing", n)
				}
				if n := calls["DisassociateMembers"]; n != 1 {
					return fmt.Errorf("%d DisassociateMembers calls, want 1 (the member set)", n)
				}
				return env.checkDestroyed(s)
			},
			Steps: []resource.TestStep{{
				Config:    env.config(c, set),
				Check:     env.expectMembers(c.addr(), env.directory().folderA, env.directory().root),
				PreConfig: env.resetStats,
			}},
		})
	}, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.AsyncDelete = time.Hour }))
}

// TestMessageContactResource_retainedDeletionAsynchronous: should the API
// delete asynchronously even with RetainContactInMembers=true (the emulator's
// retained_deletion = async), the destroy of a contact bound to nothing, and
// of a retained one, waits until each is gone.
func TestMessageContactResource_retainedDeletionAsynchronous(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("deletes retained contacts asynchronously")
		c := newContact("test")
		set := memberSet("test", c, env.directory().folderA)
		retained := newContact("kept")
		retained.retain = ptr(true)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps:                    []resource.TestStep{{Config: env.config(c, set, retained)}},
		})
	}, emulator.WithSettings(func(cfg *emulator.Settings) {
		cfg.RetainedDeletion = emulator.RetainedAsync
		cfg.AsyncDelete = 1500 * time.Millisecond
	}))
}

func TestMessageContactResource_retainOnDestroy(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("checks that no asynchronous deletion is started")
		c := newContact("test")
		c.retain = ptr(true)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy: func(s *terraform.State) error {
				if n := env.emulated().Stats().Calls["GetMessageContactDeletionStatus"]; n != 0 {
					return fmt.Errorf("polled the deletion status %d times for a synchronous deletion", n)
				}
				return env.checkDestroyed(s)
			},
			Steps: []resource.TestStep{{Config: env.config(c)}},
		})
	}, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.AsyncDelete = time.Hour }))
}

func TestMessageContactResource_readAfterCreate(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("delays read-after-create")
		c := newContact("test")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps:                    []resource.TestStep{{Config: env.config(c), ConfigStateChecks: contactChecks(c)}},
		})
	}, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.ReadAfterCreateDelay = 600 * time.Millisecond }))
}

func TestMessageContactResource_throttlingRetried(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("injects throttling")
		c := newContact("test")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{{
				PreConfig: func() {
					emu := env.emulated()
					emu.FailNext("AddMessageContact", "Throttling.User", 1)
					emu.FailNext("AddMessageContact", rdapi.CodeConcurrentCall, 1)
					emu.FailNext("GetMessageContact", "ServiceUnavailable", 1)
				},
				Config:            env.config(c),
				ConfigStateChecks: contactChecks(c),
				Check: func(*terraform.State) error {
					if got := env.emulated().Stats().Calls["AddMessageContact"]; got != 3 {
						return fmt.Errorf("AddMessageContact calls: got %d, want 3 (two retries)", got)
					}
					if env.emulated().Len() != 1 {
						return fmt.Errorf("the emulator holds %d contacts, want 1", env.emulated().Len())
					}
					return nil
				},
			}},
		})
	})
}

func TestMessageContactResource_timeouts(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("injects endless failures")
		c := newContact("test")
		c.extra = "  timeouts {\n    create = \"2s\"\n    read   = \"2s\"\n    delete = \"2s\"\n  }"
		var start time.Time
		var id string
		failAll := func() {
			start = time.Now()
			env.emulated().MustApply(func(s *emulator.Settings) { s.ServerErrorRate = 1 })
		}
		restore := func() {
			env.emulated().MustApply(func(s *emulator.Settings) { s.ServerErrorRate = 0 })
			// Generous bound: a 2s timeout, plus the CLI's own work.
			if took := time.Since(start); took > 30*time.Second {
				t.Errorf("the failing operation took %s despite a 2s timeout", took)
			}
		}
		serverError := regexp.MustCompile(`ServiceUnavailable|InternalError`)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				// Create: retries stop at the create timeout.
				{PreConfig: failAll, Config: env.config(c), ExpectError: serverError},
				{PreConfig: restore, Config: env.config(c), ConfigStateChecks: contactChecks(c), Check: captureID(c.addr(), &id)},
				// Read: a refresh gives up at the read timeout.
				{PreConfig: failAll, Config: env.config(c), ExpectError: serverError},
				// Delete: the wait for an asynchronous deletion (the contact
				// is bound elsewhere) stops at the delete timeout and says so.
				{
					PreConfig: func() {
						restore()
						env.bindElsewhere(&id)()
					},
					Config:      env.providerHCL(),
					ExpectError: regexp.MustCompile(`(?s)Unable to Delete Message Contact.*delete timeout expired`),
				},
				{
					PreConfig: func() { env.emulated().MustApply(func(s *emulator.Settings) { s.AsyncDelete = 0 }) },
					Config:    env.providerHCL(),
				},
			},
		})
	}, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.AsyncDelete = time.Hour }))
}

func TestMessageContactResource_invalidInputs(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	c := newContact("test")
	tests := []struct {
		name   string
		change func(c *contactHCL)
		want   string
	}{
		{"name too short", func(c *contactHCL) { c.name = "a" }, `name\s+must\s+be\s+2\s+to\s+12\s+characters`},
		{"name too long", func(c *contactHCL) { c.name = "abcdefghijklm" }, `name\s+must\s+be\s+2\s+to\s+12\s+characters`},
		{"name with digits", func(c *contactHCL) { c.name = "ops1" }, `English\s+letters\s+or\s+Chinese\s+characters\s+only`},
		{"name with a space", func(c *contactHCL) { c.name = "on call" }, `English\s+letters\s+or\s+Chinese\s+characters\s+only`},
		{"email without domain", func(c *contactHCL) { c.email = "ops@" }, `Invalid\s+Email\s+Address`},
		{"email with display name", func(c *contactHCL) { c.email = "Ops <ops@example.com>" }, `Invalid\s+Email\s+Address`},
		{"phone without country code", func(c *contactHCL) { c.phone = "13800138000" }, `<country\s+code>-<number>`},
		{"phone outside China", func(c *contactHCL) { c.phone = "1-2025550123" }, `Unsupported\s+Phone\s+Country\s+Code`},
		{"phone not a mobile number", func(c *contactHCL) { c.phone = "86-2038001380" }, `11-digit\s+mainland\s+China\s+mobile`},
		{"unknown title", func(c *contactHCL) { c.title = "CTO" }, `title is "CTO", which is not a title the API accepts\.\s+Did\s+you\s+mean\s+"CEO"\?\s+It\s+must\s+be\s+one\s+of:\s+FinanceDirector`},
		{"no message types", func(c *contactHCL) { c.messageTypes = nil }, `message_types\s+set\s+must\s+contain\s+at\s+least\s+1`},
		{"unknown message type", func(c *contactHCL) { c.messageTypes = []string{"AccountExpenses", "Spam"} }, `must\s+be\s+one\s+of.*ServiceMessage`},
	}
	var steps []resource.TestStep
	for _, tt := range tests {
		steps = append(steps, resource.TestStep{
			Config:      env.config(c.with(tt.change)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)` + tt.want),
		})
	}
	steps = append(steps,
		// An import ID that is not a contact ID is refused before any call.
		resource.TestStep{Config: env.config(c)},
		resource.TestStep{
			ResourceName:  c.addr(),
			ImportState:   true,
			ImportStateId: "ops@example.com",
			ExpectError:   regexp.MustCompile(`(?s)Invalid Message Contact ID.*"ops@example.com"`),
		},
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps:                    steps,
	})
}

func TestMessageContactResource_apiErrorOnArgument(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("injects the API's validation errors")
		c := newContact("test")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					PreConfig: func() { env.emulated().FailNext("AddMessageContact", "InvalidParameter.EmailAddress", 1) },
					Config:    env.config(c),
					// The error is attached to email_address and carries the
					// API's code and RequestId.
					ExpectError: regexp.MustCompile(`(?s)Unable to Create Message Contact.*with resourcedirectory_message_contact.test,.*` +
						`email_address.*Code: InvalidParameter.EmailAddress.*RequestId: [0-9A-F-]{36}`),
				},
				{Config: env.config(c)},
				{
					PreConfig: func() { env.emulated().FailNext("UpdateMessageContact", "InvalidParameter.Title", 1) },
					Config:    env.config(c.with(func(c *contactHCL) { c.title = "Other" })),
					ExpectError: regexp.MustCompile(`(?s)Unable to Update Message Contact.*` +
						`title.*Code: InvalidParameter.Title`),
				},
			},
		})
	})
}

func TestMessageContactResource_createFailureKeepsID(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("hides a new contact from reads")
		c := newContact("test")
		c.extra = "  timeouts {\n    create = \"2s\"\n  }"
		var first string
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					// The contact is created but never becomes readable in time.
					Config:      env.config(c),
					ExpectError: regexp.MustCompile(`(?s)Unable to Read Message Contact After Create.*c-`),
				},
				{
					// The ID was saved: Terraform replaces the (tainted) contact
					// instead of leaving it orphaned.
					PreConfig: func() {
						contacts := env.emulated().Contacts()
						if len(contacts) != 1 {
							t.Fatalf("the emulator holds %d contacts, want 1", len(contacts))
						}
						first = contacts[0].ID
						env.emulated().MustApply(func(s *emulator.Settings) { s.ReadAfterCreateDelay = 0 })
					},
					Config: env.config(c),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(c.addr(), plancheck.ResourceActionDestroyBeforeCreate),
					}},
					Check: func(s *terraform.State) error {
						if _, ok := env.emulated().Contact(first); ok {
							return fmt.Errorf("the first contact %s was orphaned", first)
						}
						if n := env.emulated().Len(); n != 1 {
							return fmt.Errorf("the emulator holds %d contacts, want 1", n)
						}
						return nil
					},
				},
			},
		})
	}, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.ReadAfterCreateDelay = time.Hour }))
}
