package provider

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// The README's drift recipes, and how these tests play them with
// terraform-plugin-testing:
//
//   - `plan -detailed-exitcode` exits 0 exactly when the refreshed plan has
//     no resource change and no output change: a PlanOnly step, which fails
//     on a non-empty plan unless ExpectNonEmptyPlan is set.
//   - `plan -refresh-only -detailed-exitcode` exits 0 exactly when the
//     refresh changes no managed resource and no output: expectDrift{} on
//     the refreshed plan, whose resource_drift lists what the refresh found
//     changed (the same comparison the CLI makes for -refresh-only).
//
// A RefreshState step (`apply -refresh-only`) then accepts what the refresh
// found, as a user would after reviewing it.

// expectDrift checks the refreshed plan's resource_drift: exactly the
// resources named drifted, each with exactly the listed attributes changed
// ("(deleted)" for a resource that is gone). The empty expectDrift also
// requires that no output changes: it is the condition for
// `plan -refresh-only -detailed-exitcode` to exit 0.
type expectDrift map[string][]string

const driftDeleted = "(deleted)"

func (want expectDrift) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	got := map[string][]string{}
	for _, rc := range req.Plan.ResourceDrift {
		if rc.Change.Actions.Delete() {
			got[rc.Address] = []string{driftDeleted}
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		var changed []string
		for _, k := range slices.Sorted(maps.Keys(after)) {
			if !reflect.DeepEqual(before[k], after[k]) {
				changed = append(changed, k)
			}
		}
		got[rc.Address] = changed
	}
	norm := map[string][]string{}
	for addr, attrs := range want {
		norm[addr] = slices.Sorted(slices.Values(attrs))
	}
	if !reflect.DeepEqual(got, norm) {
		resp.Error = fmt.Errorf("refresh found %v changed outside Terraform, want %v", got, norm)
		return
	}
	if len(want) == 0 {
		for name, oc := range req.Plan.OutputChanges {
			if !oc.Actions.NoOp() {
				resp.Error = fmt.Errorf("output %s changes on refresh; `plan -refresh-only -detailed-exitcode` would exit 2", name)
				return
			}
		}
	}
}

// expectOnlyChange checks that the plan changes exactly the resource addr
// with action, and leaves every other resource alone.
type expectOnlyChange struct {
	addr   string
	action plancheck.ResourceActionType
}

func (e expectOnlyChange) CheckPlan(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr && !rc.Change.Actions.NoOp() && !rc.Change.Actions.Read() {
			resp.Error = fmt.Errorf("%s is planned to %v; only %s should change", rc.Address, rc.Change.Actions, e.addr)
			return
		}
	}
	plancheck.ExpectResourceAction(e.addr, e.action).CheckPlan(ctx, req, resp)
}

// verifyAllPending is a PreConfig hook: every target the contact at *id
// still has pending is verified, as its recipients would.
func (e *testEnv) verifyAllPending(id *string) func() {
	return func() {
		var targets []string
		for v, err := range e.client.ListMessageContactVerifications(context.Background(), *id) {
			if err != nil {
				e.t.Fatalf("listing pending targets of %s: %v", *id, err)
			}
			targets = append(targets, v.Target)
		}
		if len(targets) == 0 {
			e.t.Fatalf("contact %s has nothing pending to verify", *id)
		}
		for _, target := range targets {
			if err := e.emulated().Verify(*id, target); err != nil {
				e.t.Fatalf("verifying %s of %s: %v", target, *id, err)
			}
		}
	}
}

func TestDriftRecipes(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("completes verifications and uses the emulator's directory")
		a := newContact("alpha")
		a.phone = phoneA
		b := newContact("bravo")
		c := newContact("charlie")
		aRoot := bindTo("alpha_root", a, testRootID)
		aFolder := bindTo("alpha_prod", a, testProdFolderID)
		bSet := memberSet("bravo", b, testDevFolderID, testAccountIDs[0])
		byID := raw(fmt.Sprintf("data %q \"bravo\" {\n  id = %s.id\n}\n", contactType, b.addr()))
		all := raw(fmt.Sprintf("data \"resourcedirectory_message_contacts\" \"all\" {\n  name_regex = \"^tf\"\n  depends_on = [%s, %s, %s]\n}\n",
			aRoot.addr(), aFolder.addr(), bSet.addr()))
		config := env.config(a, b, c, aRoot, aFolder, bSet, byID, all)
		var aID, bID, cID string

		// clean: both recipes exit 0.
		clean := resource.TestStep{
			Config:           config,
			PlanOnly:         true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{expectDrift{}}},
		}
		// drifted: `plan -detailed-exitcode` exits 2 proposing exactly
		// action on addr (and, for an update, exactly the attributes
		// changed), and `plan -refresh-only` reports exactly drift.
		drifted := func(what string, change func(), addr string, action plancheck.ResourceActionType, attrs []string, drift expectDrift) []resource.TestStep {
			checks := []plancheck.PlanCheck{expectOnlyChange{addr: addr, action: action}, drift}
			if attrs != nil {
				checks = append(checks, expectChangedAttributes{addr: addr, attrs: attrs})
			}
			return []resource.TestStep{
				{PreConfig: change, Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: checks}},
				// Apply puts it back; then both recipes are quiet again.
				{Config: config, Check: func(*terraform.State) error { t.Logf("%s: restored", what); return nil }},
				clean,
			}
		}
		update := func(f func(in *rdapi.UpdateMessageContactInput)) func() {
			return env.outOfBand("updating alpha", func(ctx context.Context, cl *rdapi.Client) error {
				in := rdapi.UpdateMessageContactInput{ContactID: aID}
				f(&in)
				return cl.UpdateMessageContact(ctx, in)
			})
		}
		argument := func(attr string, f func(in *rdapi.UpdateMessageContactInput), alsoDrifts ...string) []resource.TestStep {
			return drifted(attr+" changed", update(f), a.addr(), plancheck.ResourceActionUpdate, []string{attr},
				expectDrift{a.addr(): append([]string{attr}, alsoDrifts...)})
		}

		steps := []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					captureID(a.addr(), &aID), captureID(b.addr(), &bID), captureID(c.addr(), &cID),
					env.expectMembers(a.addr(), testRootID, testProdFolderID),
					env.expectMembers(b.addr(), bSet.members...),
				),
			},
			// Right after the first apply, both recipes are quiet: the
			// bindings made after the contacts were read are no drift.
			clean,
			{
				// A recipient verifying: `plan -detailed-exitcode` stays 0;
				// refresh-only reports the verification progress.
				PreConfig: env.verifyAllPending(&aID),
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					expectDrift{a.addr(): {"status", "pending_email_address", "pending_phone_number"}},
				}},
			},
			{RefreshState: true},
			clean,
		}
		steps = append(steps, argument("name", func(in *rdapi.UpdateMessageContactInput) { in.Name = ptr(randomName()) })...)
		steps = append(steps, argument("title", func(in *rdapi.UpdateMessageContactInput) { in.Title = ptr("CEO") })...)
		steps = append(steps, argument("message_types", func(in *rdapi.UpdateMessageContactInput) {
			in.MessageTypes = []string{"AccountExpenses", "ProductMessage"}
		})...)
		steps = append(steps, argument("email_address", func(in *rdapi.UpdateMessageContactInput) {
			in.EmailAddress = ptr("drift@example.com")
		}, "pending_email_address", "status")...)
		// A new email address or phone number is pending until verified:
		// refresh-only shows that too (the restores before went back to
		// verified values, so alpha is Active again each time).
		steps = append(steps, argument("phone_number", func(in *rdapi.UpdateMessageContactInput) { in.PhoneNumber = ptr(phoneB) },
			"pending_phone_number", "status")...)
		steps = append(steps, drifted("managed binding removed", env.bindOutOfBand(&aID, true, testRootID),
			aRoot.addr(), plancheck.ResourceActionCreate, nil, expectDrift{aRoot.addr(): {driftDeleted}})...)
		steps = append(steps, drifted("extra member", env.bindOutOfBand(&bID, false, testAccountIDs[1]),
			bSet.addr(), plancheck.ResourceActionUpdate, []string{"member_ids"}, expectDrift{bSet.addr(): {"member_ids"}})...)
		steps = append(steps, drifted("missing member", env.bindOutOfBand(&bID, true, testDevFolderID),
			bSet.addr(), plancheck.ResourceActionUpdate, []string{"member_ids"}, expectDrift{bSet.addr(): {"member_ids"}})...)
		steps = append(steps, drifted("contact deleted", env.outOfBand("deleting charlie", func(ctx context.Context, cl *rdapi.Client) error {
			_, err := cl.DeleteMessageContact(ctx, rdapi.DeleteMessageContactInput{ContactID: cID, RetainContactInMembers: ptr(true)})
			return err
		}), c.addr(), plancheck.ResourceActionCreate, nil, expectDrift{c.addr(): {driftDeleted}})...)

		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps:                    steps,
		})
	})
}

// TestDriftRecipes_outputsFromVerificationState proves the README's warning:
// an output built from status (or pending_*) changes when a recipient
// verifies, so even `plan -detailed-exitcode` exits 2, with no resource
// change.
func TestDriftRecipes_outputsFromVerificationState(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("completes a verification")
	c := newContact("delta")
	config := env.config(c, raw(fmt.Sprintf("output \"delta_status\" {\n  value = %s.status\n}\n", c.addr())))
	var id string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config, Check: captureID(c.addr(), &id)},
			{
				PreConfig:          env.verifyAllPending(&id),
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(c.addr(), plancheck.ResourceActionNoop),
					outputChanges{"delta_status"},
				}},
			},
		},
	})
}

// outputChanges checks that exactly the named outputs change.
type outputChanges []string

func (want outputChanges) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var got []string
	for name, oc := range req.Plan.OutputChanges {
		if !oc.Actions.NoOp() {
			got = append(got, name)
		}
	}
	slices.Sort(got)
	if w := slices.Sorted(slices.Values(want)); !slices.Equal(got, w) {
		resp.Error = fmt.Errorf("outputs changing: %s, want %s", strings.Join(got, ", "), strings.Join(w, ", "))
	}
}
