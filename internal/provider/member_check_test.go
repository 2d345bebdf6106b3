package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

func denyActions(t *testing.T, actions string) emulator.Option {
	return emulator.WithSettings(func(s *emulator.Settings) {
		if err := s.DenyActions.UnmarshalText([]byte(actions)); err != nil {
			t.Fatal(err)
		}
	})
}

// A member set or binding naming objects outside the directory fails at
// plan time, every unknown ID named in one error; the root folder's ID is
// explained. (Issue 21 asked for the same of member sets.)
func TestMemberCheck_unknownMembersFailThePlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("uses the emulator's directory")
	id := env.addTestContact("Planned")
	set := membersHCL{label: "ghosts", contact: fmt.Sprintf("%q", id),
		members: []string{"fd-Nope0000001", testDevFolderID, "1500000000009999"}}
	binding := bindingHCL{label: "ghost", contact: fmt.Sprintf("%q", id), member: "fd-Nope0000002"}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:   env.config(set),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Member Not in the Resource Directory.*` + diagText(
					`"1500000000009999", "fd-Nope0000001" are not the directory, folders or member accounts of resource directory rd-k3Ux9d`).String()),
			},
			{
				Config:      env.config(binding),
				PlanOnly:    true,
				ExpectError: diagText(`"fd-Nope0000002" is not the directory, a folder or a member account of resource directory rd-k3Ux9d`),
			},
		},
	})
}

// A caller that may not read the tree plans as before; the apply reports
// the API's refusal with a hint at the permissions that enable the check.
func TestMemberCheck_withoutTreePermission(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, denyActions(t, "ListAccounts"))
	env.requireEmulator("refuses ListAccounts")
	id := env.addTestContact("Unchecked")
	set := membersHCL{label: "ghost", contact: fmt.Sprintf("%q", id), members: []string{"fd-Nope0000001"}}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: env.config(set), PlanOnly: true, ExpectNonEmptyPlan: true},
			{
				Config: env.config(set),
				ExpectError: regexp.MustCompile(`(?s)` + diagText("Plans check every member against the "+
					"resource directory's tree when the credentials may read it (resourcemanager:GetResourceDirectory, "+
					"resourcemanager:ListAccounts, resourcemanager:ListFoldersForParent); see "+rdapi.LeastPrivilegeURL).String() +
					`.*InvalidMember`),
			},
		},
	})
}

// A refused call names the refused RAM action and the least-privilege page,
// whichever resource or data source made it.
func TestPermissionErrors_nameTheAction(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, denyActions(t, "ListFoldersForParent,AddMessageContact"))
	env.requireEmulator("refuses chosen actions")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: env.config(raw("data \"resourcedirectory_directory\" \"this\" {}\n")),
				ExpectError: regexp.MustCompile(`(?s)Unable to Read the Resource Directory.*NoPermission.*` +
					diagText("The caller is not allowed resourcemanager:ListFoldersForParent").String() + `.*` + regexp.QuoteMeta(rdapi.LeastPrivilegeURL)),
			},
			{
				Config: env.config(newContact("refused")),
				ExpectError: regexp.MustCompile(`(?s)NoPermission.*` +
					diagText("The caller is not allowed resourcemanager:AddMessageContact").String()),
			},
		},
	})
}
