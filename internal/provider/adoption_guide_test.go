package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

const (
	adoptionExample      = "guides/adopt-existing-contacts/main.tf"
	adoptionOwnedExample = "guides/adopt-existing-contacts/owned/main.tf"
)

// TestExamples_adoptExistingContacts runs the adoption guide's example
// against a directory of 20 contacts created through the API (every title,
// assorted message types and phones, some still Verifying, some with a
// pending change, some bound to the root, folders or accounts): one plan
// imports every contact and member set and changes nothing, the plan after it
// is empty, and the guide's "own the values" configuration, fed the saved
// output, plans no resource change, and a new entry there creates its contact
// and member set. Both emulator read modes, since what the API shows
// for a pending change is undocumented.
func TestExamples_adoptExistingContacts(t *testing.T) {
	for _, mode := range []emulator.ReadMode{emulator.ReadSubmitted, emulator.ReadVerified} {
		t.Run(mode.String(), func(t *testing.T) {
			env := exampleEnv(t)
			env.emulated().MustApply(func(s *emulator.Settings) { s.ReadMode = mode })
			bound := seedDirectory(t, env, 20)
			cfg := readExample(t, "provider/provider.tf") + "\n" + readExample(t, adoptionExample)
			var savedContacts string

			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Factories,
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							expectImportOnly{imports: 20 + bound},
						}},
						// The legacy Check cannot read for_each instances; a state check can.
						ConfigStateChecks: []statecheck.StateCheck{stateCheckFunc(func() error {
							if n := env.emulated().Len(); n != 20 {
								return fmt.Errorf("the emulator holds %d contacts after the adoption, want 20", n)
							}
							return nil
						})},
					},
					{
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectEmptyPlan(),
						}},
						ConfigStateChecks: []statecheck.StateCheck{saveOutput("contacts", &savedContacts)},
					},
					{
						// The guide's next step: the same addresses, from values saved
						// from the adoption's output, plan no resource change (only the
						// output, which that file no longer has, goes away).
						PreConfig:        func() { t.Setenv("TF_VAR_contacts", savedContacts) },
						Config:           readExample(t, "provider/provider.tf") + "\n" + readExample(t, adoptionOwnedExample),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectImportOnly{imports: 0}}},
					},
					{
						// A new entry creates its contact and binds it: the member
						// set takes the new contact's ID, unknown at plan time,
						// through the owned configuration's map of IDs.
						PreConfig: func() { t.Setenv("TF_VAR_contacts", withNewContact(t, savedContacts)) },
						Config:    readExample(t, "provider/provider.tf") + "\n" + readExample(t, adoptionOwnedExample),
						ConfigStateChecks: []statecheck.StateCheck{stateCheckFunc(func() error {
							for _, c := range env.emulated().Contacts() {
								if c.Name == newOwnedContact {
									if !slices.Equal(c.Members, []string{"fd-Sec6Tr1Hy"}) {
										return fmt.Errorf("%s is bound to %v, want [fd-Sec6Tr1Hy]", c.Name, c.Members)
									}
									return nil
								}
							}
							return fmt.Errorf("no contact %s after the apply", newOwnedContact)
						})},
					},
					{
						// NOTE: terraform-plugin-testing's final destroy reads the
						// state through a shim that rejects for_each instances, so
						// destroy here, by removing the configuration.
						Config: readExample(t, "provider/provider.tf"),
						ConfigStateChecks: []statecheck.StateCheck{stateCheckFunc(func() error {
							if n := env.emulated().Len(); n != 0 {
								return fmt.Errorf("%d contacts left after destroying the adopted ones", n)
							}
							return nil
						})},
					},
				},
			})
		})
	}
}

// newOwnedContact is the contact withNewContact adds to the owned values.
const newOwnedContact = "OwnedNew"

// withNewContact returns the saved contacts output (JSON) with one more
// entry, bound to a folder, as a user adds one to contacts.auto.tfvars.json.
func withNewContact(t *testing.T, saved string) string {
	t.Helper()
	var contacts map[string]any
	if err := json.Unmarshal([]byte(saved), &contacts); err != nil {
		t.Fatalf("the saved contacts output is not a JSON object: %v", err)
	}
	contacts[newOwnedContact] = map[string]any{
		"email_address": "owned-new@example.com",
		"phone_number":  nil,
		"title":         "FinanceDirector",
		"message_types": []string{"AccountExpenses"},
		"members":       []string{"fd-Sec6Tr1Hy"},
	}
	b, err := json.Marshal(contacts)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// seedDirectory creates n contacts through the API with varied values,
// verifies some of them, changes the email of some verified ones (so the
// change is pending) and binds some; it returns the number of contacts bound
// to anything.
func seedDirectory(t *testing.T, env *testEnv, n int) int {
	t.Helper()
	ctx := context.Background()
	members := [][]string{nil, {"fd-Prod4Nz7Qa"}, nil, {"rd-k3Ux9d"}, {"fd-Dev2Lm5Wx", "1500000000000002"}}
	bound := 0
	for i := range n {
		in := rdapi.AddMessageContactInput{
			Name:         "Adopt" + string(rune('A'+i)) + "x",
			EmailAddress: fmt.Sprintf("adopt%02d@example.com", i),
			Title:        rdapi.Titles[i%len(rdapi.Titles)],
			MessageTypes: []string{rdapi.MessageTypes[i%len(rdapi.MessageTypes)]},
		}
		if i%2 == 1 {
			in.MessageTypes = append(in.MessageTypes, rdapi.MessageTypes[(i+1)%len(rdapi.MessageTypes)])
		}
		if i%3 == 0 {
			in.PhoneNumber = fmt.Sprintf("86-138%08d", i)
		}
		out, err := env.client.AddMessageContact(ctx, in)
		if err != nil {
			t.Fatalf("adding contact %d: %v", i, err)
		}
		id := out.ContactID
		if i%2 == 0 { // every other contact is verified, the rest stay Verifying
			verifyAll(t, env, id, in)
			if i%4 == 0 { // and some of the verified ones have a pending change
				email := fmt.Sprintf("adopt%02d-new@example.com", i)
				if err := env.client.UpdateMessageContact(ctx, rdapi.UpdateMessageContactInput{ContactID: id, EmailAddress: &email}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if m := members[i%len(members)]; m != nil {
			if err := env.client.AssociateMembers(ctx, id, m); err != nil {
				t.Fatalf("binding contact %d: %v", i, err)
			}
			bound++
		}
	}
	return bound
}

// verifyAll completes the verification of in's email address and phone number.
func verifyAll(t *testing.T, env *testEnv, id string, in rdapi.AddMessageContactInput) {
	t.Helper()
	for _, target := range []string{in.EmailAddress, in.PhoneNumber} {
		if target == "" {
			continue
		}
		if err := env.emulated().Verify(id, target); err != nil {
			t.Fatalf("verifying %s: %v", target, err)
		}
	}
}

// expectImportOnly is a plan check for "imports to import, 0 to add, 0 to
// change, 0 to destroy" (with imports 0: no resource change at all).
type expectImportOnly struct{ imports int }

func (e expectImportOnly) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	imports := 0
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Mode != tfjson.ManagedResourceMode {
			continue
		}
		if rc.Change.Importing != nil {
			imports++
		}
		if !rc.Change.Actions.NoOp() {
			resp.Error = fmt.Errorf("%s: planned %v, want only an import", rc.Address, rc.Change.Actions)
			return
		}
	}
	if imports != e.imports {
		resp.Error = fmt.Errorf("%d to import, want %d", imports, e.imports)
	}
}

// stateCheckFunc is a state check that ignores the state and runs f.
type stateCheckFunc func() error

func (f stateCheckFunc) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// saveOutput is a state check that stores the JSON of output name in dst.
func saveOutput(name string, dst *string) statecheck.StateCheck {
	return stateCheckWith(func(req statecheck.CheckStateRequest) error {
		if req.State == nil || req.State.Values == nil || req.State.Values.Outputs[name] == nil {
			return fmt.Errorf("no output %q in the state", name)
		}
		b, err := json.Marshal(req.State.Values.Outputs[name].Value)
		*dst = string(b)
		return err
	})
}

// stateCheckWith is a state check that runs f on the state.
type stateCheckWith func(statecheck.CheckStateRequest) error

func (f stateCheckWith) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(req)
}
