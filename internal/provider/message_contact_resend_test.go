package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// withTrigger sets resend_verification_trigger on a contact block.
func withTrigger(c contactHCL, v string) contactHCL {
	return c.with(func(c *contactHCL) { c.extra = fmt.Sprintf("  resend_verification_trigger = %q", v) })
}

func TestMessageContactResource_resendVerificationTrigger(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("counts verification sends and verifies")
		c := newContact("test")
		c.phone = phoneA
		addr := c.addr()
		var id string
		verify := func(target string) func() {
			return func() {
				if err := env.emulated().Verify(id, target); err != nil {
					t.Fatalf("verifying %s: %v", target, err)
				}
			}
		}
		// send_verification = false does not stop an explicit resend.
		quiet := c.with(func(c *contactHCL) { c.sendVerification = ptr(false) })

		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{Config: env.config(withTrigger(c, "1")), Check: resource.ComposeTestCheckFunc(captureID(addr, &id), env.expectSends(1, 1))},
				{Config: env.config(withTrigger(quiet, "1")), ConfigPlanChecks: updateInPlace(addr), Check: env.expectSends(1, 1)},
				{
					// A new value resends to both pending targets.
					Config:            env.config(withTrigger(quiet, "2")),
					ConfigPlanChecks:  updateInPlace(addr),
					ConfigStateChecks: append(contactChecks(c), expectString(addr, "status", rdapi.StatusVerifying)),
					Check:             env.expectSends(2, 2),
				},
				{
					// Only the phone number is still pending: only it is resent.
					PreConfig:        verify(c.email),
					Config:           env.config(withTrigger(quiet, "3")),
					ConfigPlanChecks: updateInPlace(addr),
					Check:            env.expectSends(2, 3),
				},
				{
					// Nothing pending: nothing sent (the apply warns).
					PreConfig:         verify(phoneA),
					Config:            env.config(withTrigger(quiet, "4")),
					ConfigPlanChecks:  updateInPlace(addr),
					ConfigStateChecks: []statecheck.StateCheck{expectString(addr, "status", rdapi.StatusActive)},
					Check:             env.expectSends(2, 3),
				},
				{
					Config:           env.config(withTrigger(quiet, "4")),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				},
				{
					// Removing the trigger is a change too, with nothing to send.
					Config: env.config(quiet),
					Check:  env.expectSends(2, 3),
				},
			},
		})
	})
}

// TestMessageContactResource_revertCancelsPendingChange: setting
// email_address and phone_number back to their verified values while a
// change is pending cancels the change (one CancelMessageContactUpdate, no
// UpdateMessageContact, nothing sent) instead of submitting the old values.
func TestMessageContactResource_revertCancelsPendingChange(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("verifies and counts calls")
		c := newContact("test")
		c.phone = phoneA
		addr := c.addr()
		changed := c.with(func(c *contactHCL) { c.email = "new@example.com"; c.phone = phoneB })
		onlyEmail := c.with(func(c *contactHCL) { c.email = "new@example.com" })
		var id string
		calls := func(action string, want int) resource.TestCheckFunc {
			return func(*terraform.State) error {
				if got := env.emulated().Stats().Calls[action]; got != want {
					return fmt.Errorf("%s called %d times, want %d", action, got, want)
				}
				return nil
			}
		}

		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{Config: env.config(c), Check: captureID(addr, &id)},
				{
					PreConfig: func() {
						for _, target := range []string{c.email, phoneA} {
							if err := env.emulated().Verify(id, target); err != nil {
								t.Fatal(err)
							}
						}
					},
					Config:            env.config(changed),
					ConfigPlanChecks:  updateInPlace(addr),
					ConfigStateChecks: []statecheck.StateCheck{expectString(addr, "pending_email_address", changed.email), expectString(addr, "pending_phone_number", phoneB)},
					Check:             resource.ComposeTestCheckFunc(env.expectSends(2, 2), calls("UpdateMessageContact", 1)),
				},
				{
					// Phone back to the verified number: only the phone change is cancelled.
					Config:           env.config(onlyEmail),
					ConfigPlanChecks: updateInPlace(addr),
					ConfigStateChecks: append(contactChecks(onlyEmail),
						expectString(addr, "status", rdapi.StatusVerifying),
						expectString(addr, "pending_email_address", changed.email),
						expectNull(addr, "pending_phone_number")),
					Check: resource.ComposeTestCheckFunc(env.expectSends(2, 2),
						calls("CancelMessageContactUpdate", 1), calls("UpdateMessageContact", 1)),
				},
				{
					// Email back too: cancelled, the contact is Active again with its verified values.
					Config:           env.config(c),
					ConfigPlanChecks: updateInPlace(addr),
					ConfigStateChecks: append(contactChecks(c),
						expectString(addr, "status", rdapi.StatusActive),
						expectNull(addr, "pending_email_address"),
						expectNull(addr, "pending_phone_number")),
					Check: resource.ComposeTestCheckFunc(env.expectSends(2, 2),
						calls("CancelMessageContactUpdate", 2), calls("UpdateMessageContact", 1),
						func(*terraform.State) error {
							got, _ := env.emulated().Contact(id)
							if got.Email != c.email || got.Phone != phoneA || got.PendingEmail != "" || got.PendingPhone != "" {
								return fmt.Errorf("emulator holds %+v, want the verified values and nothing pending", got)
							}
							return nil
						}),
				},
				{Config: env.config(c), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			},
		})
	})
}
