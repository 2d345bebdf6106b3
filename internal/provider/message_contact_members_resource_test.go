package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

const membersType = "resourcedirectory_message_contact_members"

// More objects of the emulator's default directory.
const (
	testProdDBFolderID = "fd-ProdDb8Kc"
	testSecFolderID    = "fd-Sec6Tr1Hy"
)

// testAccountIDs are the member accounts of the emulator's default directory.
var testAccountIDs = []string{"1500000000000001", "1500000000000002", "1500000000000003", "1500000000000004", "1500000000000005"}

// membersHCL builds a resourcedirectory_message_contact_members block.
type membersHCL struct {
	label string
	// contact is an HCL expression (a reference or a quoted literal).
	contact string
	members []string
}

// memberSet declares that contact c is bound to exactly members.
func memberSet(label string, c contactHCL, members ...string) membersHCL {
	return membersHCL{label: label, contact: c.addr() + ".id", members: members}
}

func (m membersHCL) addr() string { return membersType + "." + m.label }

func (m membersHCL) String() string {
	quoted := make([]string, len(m.members))
	for i, s := range m.members {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("resource %q %q {\n  contact_id = %s\n  member_ids = [%s]\n}\n",
		membersType, m.label, m.contact, strings.Join(quoted, ", "))
}

// expectMemberIDs checks member_ids in state.
func expectMemberIDs(addr string, members ...string) statecheck.StateCheck {
	return expectStringSet(addr, "member_ids", members...)
}

// expectBindCalls is a Check: since the last resetStats, the provider made
// exactly associate AssociateMembers and disassociate DisassociateMembers
// calls.
func (e *testEnv) expectBindCalls(associate, disassociate int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.emu == nil {
			return nil
		}
		st := e.emu.Stats()
		if a, d := st.Calls["AssociateMembers"], st.Calls["DisassociateMembers"]; a != associate || d != disassociate {
			return fmt.Errorf("the apply made %d AssociateMembers and %d DisassociateMembers calls, want %d and %d", a, d, associate, disassociate)
		}
		return nil
	}
}

// resetStats is a PreConfig hook that zeroes the emulator's call counters.
func (e *testEnv) resetStats() {
	if e.emu != nil {
		e.emu.ResetStats()
	}
}

// bindOutOfBand returns a PreConfig hook that binds (or, with unbind,
// unbinds) the contact at addr, whose ID *id holds, behind Terraform's back.
func (e *testEnv) bindOutOfBand(id *string, unbind bool, members ...string) func() {
	what := "binding"
	if unbind {
		what = "unbinding"
	}
	return e.outOfBand(what+" "+strings.Join(members, ","), func(ctx context.Context, c *rdapi.Client) error {
		var err error
		if unbind {
			err = c.DisassociateMembers(ctx, *id, members)
		} else {
			err = c.AssociateMembers(ctx, *id, members)
		}
		e.resetStats()
		return err
	})
}

func TestMessageContactMembersResource_lifecycle(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		env.requireEmulator("counts API calls and uses the emulator's directory")
		c := newContact("test")
		other := newContact("other")
		two := memberSet("test", c, testRootID, testProdFolderID)
		// From two: six more (two calls of five and one), one fewer (one call).
		eight := memberSet("test", c, testProdFolderID, testDevFolderID, testProdDBFolderID, testSecFolderID,
			testAccountIDs[0], testAccountIDs[1], testAccountIDs[2])
		moved := memberSet("test", other, testProdFolderID, testDevFolderID, testProdDBFolderID, testSecFolderID,
			testAccountIDs[0], testAccountIDs[1], testAccountIDs[2])
		var id, otherID string

		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					Config: env.config(c, two),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(two.addr(), plancheck.ResourceActionCreate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						expectMemberIDs(two.addr(), two.members...),
						statecheck.CompareValuePairs(two.addr(), tfjsonpath.New("id"), c.addr(), tfjsonpath.New("id"), compare.ValuesSame()),
						statecheck.CompareValuePairs(two.addr(), tfjsonpath.New("contact_id"), c.addr(), tfjsonpath.New("id"), compare.ValuesSame()),
					},
					Check: resource.ComposeTestCheckFunc(
						captureID(c.addr(), &id),
						env.expectMembers(c.addr(), two.members...),
						env.expectBindCalls(1, 0),
					),
				},
				{
					Config:           env.config(c, two),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				},
				{
					PreConfig: env.resetStats,
					Config:    env.config(c, eight),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(eight.addr(), plancheck.ResourceActionUpdate),
						expectChangedAttributes{addr: eight.addr(), attrs: []string{"member_ids"}},
					}},
					ConfigStateChecks: []statecheck.StateCheck{expectMemberIDs(eight.addr(), eight.members...)},
					Check:             resource.ComposeTestCheckFunc(env.expectMembers(c.addr(), eight.members...), env.expectBindCalls(2, 1)),
				},
				{
					// An object bound outside Terraform is an in-place update
					// that removes it, with one call.
					PreConfig:          env.bindOutOfBand(&id, false, testAccountIDs[3]),
					Config:             env.config(c, eight),
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(eight.addr(), plancheck.ResourceActionUpdate),
						expectChangedAttributes{addr: eight.addr(), attrs: []string{"member_ids"}},
						plancheck.ExpectResourceAction(c.addr(), plancheck.ResourceActionNoop),
					}},
				},
				{
					PreConfig: env.resetStats,
					Config:    env.config(c, eight),
					Check:     resource.ComposeTestCheckFunc(env.expectMembers(c.addr(), eight.members...), env.expectBindCalls(0, 1)),
				},
				{
					// An object unbound outside Terraform is bound again.
					PreConfig:          env.bindOutOfBand(&id, true, testDevFolderID),
					Config:             env.config(c, eight),
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(eight.addr(), plancheck.ResourceActionUpdate),
						expectChangedAttributes{addr: eight.addr(), attrs: []string{"member_ids"}},
					}},
				},
				{
					PreConfig: env.resetStats,
					Config:    env.config(c, eight),
					Check:     resource.ComposeTestCheckFunc(env.expectMembers(c.addr(), eight.members...), env.expectBindCalls(1, 0)),
				},
				{ResourceName: eight.addr(), ImportState: true, ImportStateVerify: true, ImportStateKind: resource.ImportCommandWithID},
				{ResourceName: eight.addr(), ImportState: true, ImportStateKind: resource.ImportBlockWithID},
				{
					// Another contact replaces the resource: the first contact
					// is unbound from what was declared, the other bound.
					PreConfig: env.resetStats,
					Config:    env.config(c, other, moved),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(moved.addr(), plancheck.ResourceActionReplace),
					}},
					Check: resource.ComposeTestCheckFunc(
						captureID(other.addr(), &otherID),
						env.expectMembers(c.addr()),
						env.expectMembers(other.addr(), moved.members...),
						env.expectBindCalls(2, 2),
					),
				},
				{
					// Removing the resource unbinds what it declared, and
					// nothing else.
					PreConfig: env.bindOutOfBand(&otherID, false, testRootID),
					Config:    env.config(c, other),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(moved.addr(), plancheck.ResourceActionDestroy),
					}},
					Check: env.expectMembers(other.addr(), testRootID),
				},
			},
		})
	})
}

// TestMessageContactMembersResource_authoritativeFromCreate: bindings made
// before the resource existed, and not declared, are removed by the create.
func TestMessageContactMembersResource_authoritativeFromCreate(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("uses the emulator's directory")
	id := env.addTestContact("Preexisting", testAccountIDs[4], testDevFolderID)
	set := membersHCL{label: "adopted", contact: fmt.Sprintf("%q", id), members: []string{testRootID, testDevFolderID}}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.resetStats,
				Config:    env.config(set),
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error { return env.checkMembers(id, set.members...) },
					env.expectBindCalls(1, 1),
				),
			},
			{
				// Destroy unbinds what was declared; the contact itself
				// stays (it is not managed here).
				Config:  env.config(set),
				Destroy: true,
				Check:   func(*terraform.State) error { return env.checkMembers(id) },
			},
		},
	})
}

// TestMessageContactMembersResource_atTheCap: a contact bound to as many
// objects as the API allows gets room made before the new bindings.
func TestMessageContactMembersResource_atTheCap(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.WithSettings(func(s *emulator.Settings) { s.MaxMembersPerContact = 3 }))
	env.requireEmulator("lowers the emulator's cap on bindings")
	c := newContact("capped")
	first := memberSet("capped", c, testAccountIDs[0], testAccountIDs[1], testAccountIDs[2])
	second := memberSet("capped", c, testAccountIDs[2], testAccountIDs[3], testAccountIDs[4])
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: env.config(c, first), Check: env.expectMembers(c.addr(), first.members...)},
			{
				Config:            env.config(c, second),
				ConfigStateChecks: []statecheck.StateCheck{expectMemberIDs(second.addr(), second.members...)},
				Check:             env.expectMembers(c.addr(), second.members...),
			},
			{
				// Beyond the cap: a clear error on member_ids, and the state
				// keeps what is bound.
				Config: env.config(c, memberSet("capped", c, testAccountIDs...)),
				ExpectError: regexp.MustCompile(`(?s)Unable to Update Message Contact Members.*would be bound to more\s+objects` +
					`\s+than\s+the\s+API\s+allows`),
			},
			{
				Config:             env.config(c, second),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
		},
	})
}

func TestMessageContactMembersResource_invalidArguments(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	step := func(contact string, members []string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config:      env.config(membersHCL{label: "bad", contact: fmt.Sprintf("%q", contact), members: members}),
			PlanOnly:    true,
			ExpectError: want,
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			step("c-qL4HqKONzOM7abcd", []string{testRootID, "fd_nope"},
				diagText("must be the resource directory root ID (rd-…), a folder ID (fd-…) or a 16-digit member account ID")),
			step("c-qL4HqKONzOM7abcd", []string{"150000000000000"}, regexp.MustCompile(`member_ids`)),
			step("contact", []string{testRootID}, diagText("contact_id must be a message contact ID")),
		},
	})
}

func TestMessageContactMembersResource_importErrors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	c := newContact("test")
	set := memberSet("test", c)
	importStep := func(id string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config:        withRequiredProvider(env.config(c, set)),
			ResourceName:  set.addr(),
			ImportState:   true,
			ImportStateId: id,
			ExpectError:   want,
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: env.config(c)},
			importStep(testProdFolderID, diagText("The import ID is the ID of the message contact")),
			importStep("c-qL4HqKONzOM7abcd:"+testProdFolderID, diagText("The import ID is the ID of the message contact")),
			importStep("c-0000000000000000", regexp.MustCompile(`Cannot import non-existent remote object`)),
		},
	})
}

// TestMessageContactMembersResource_emptySet: an empty member_ids is a
// valid statement that the contact is bound to nothing.
func TestMessageContactMembersResource_emptySet(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("uses the emulator's directory")
	id := env.addTestContact("Unbound", testRootID)
	set := membersHCL{label: "none", contact: fmt.Sprintf("%q", id)}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config:            env.config(set),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(set.addr(), tfjsonpath.New("member_ids"), knownvalue.SetExact(nil))},
			Check:             func(*terraform.State) error { return env.checkMembers(id) },
		}},
	})
}

func TestMessageContactMembersResource_examples(t *testing.T) {
	const dir = "resources/" + membersType + "/"
	addr := membersType + ".security"

	t.Run("resource.tf", func(t *testing.T) {
		env := newTestEnv(t)
		env.pointExamplesAtTestAPI()
		config := readExample(t, dir+"resource.tf")
		want := []string{testProdFolderID, testSecFolderID, testAccountIDs[4]}
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					Config:            config,
					ConfigStateChecks: []statecheck.StateCheck{expectMemberIDs(addr, want...)},
					Check:             env.expectMembers(contactType+".security", want...),
				},
				{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			},
		})
	})

	t.Run("import.sh", func(t *testing.T) {
		env := newTestEnv(t)
		env.pointExamplesAtTestAPI()
		id := env.addTestContact("SecOps", testProdFolderID, testAccountIDs[0])
		var importAddr, importID string
		for line := range strings.Lines(readExample(t, dir+"import.sh", examplePlaceID, id)) {
			if f := strings.Fields(line); len(f) == 4 && f[0] == "terraform" && f[1] == "import" {
				importAddr, importID = f[2], f[3]
			}
		}
		if importAddr != addr || importID != id {
			t.Fatalf("import.sh imports %q %q, want %q and the contact ID", importAddr, importID, addr)
		}
		config := membersHCL{label: "security", contact: fmt.Sprintf("%q", id), members: []string{testProdFolderID}}
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				Config:          withRequiredProvider(config.String()),
				ResourceName:    importAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportCommandWithID,
				ImportStateId:   importID,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d objects, want 1", len(states))
					}
					a := states[0].Attributes
					if a["contact_id"] != id || a["member_ids.#"] != "2" {
						return fmt.Errorf("imported %v, want contact_id %s bound to 2 objects", a, id)
					}
					return nil
				},
			}},
		})
	})

	t.Run("import-by-string-id.tf", func(t *testing.T) {
		env := newTestEnv(t)
		env.pointExamplesAtTestAPI()
		id := env.addTestContact("SecOps", testProdFolderID, testSecFolderID)
		config := readExample(t, dir+"import-by-string-id.tf", examplePlaceID, id)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
					}},
					ConfigStateChecks: []statecheck.StateCheck{expectMemberIDs(addr, testProdFolderID, testSecFolderID)},
				},
				{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			},
			// Destroy unbinds what was declared; the contact was not managed.
			CheckDestroy: func(*terraform.State) error { return env.checkMembers(id) },
		})
	})
}
