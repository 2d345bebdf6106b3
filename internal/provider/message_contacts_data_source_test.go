package provider

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

func TestMessageContactsDataSource_filters(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		dir := env.directory()
		// A suffix unique to this run keeps other contacts of a real
		// directory out of the results.
		suffix := randomName()[2:6]
		named := func(label, name string) contactHCL {
			c := newContact(label)
			c.name = name + suffix
			return c
		}
		alpha := named("alpha", "alpha")
		alpha.phone = phoneA
		bravo := named("bravo", "bravo")
		charlie := named("charlie", "charlie")
		alphaChanged := alpha.with(func(c *contactHCL) { c.email = "alpha.new@example.com" })
		bindAlpha, bindCharlie := bindTo("alpha", alpha, dir.folderA), bindTo("charlie", charlie, dir.folderA)
		deps := []string{alpha.addr(), bravo.addr(), charlie.addr(), bindAlpha.addr(), bindCharlie.addr()}
		suffixRe := fmt.Sprintf("%q", suffix+"$")
		all := contactsDataHCL{label: "all", args: map[string]string{"name_regex": suffixRe}, dependsOn: deps}
		inFolder := contactsDataHCL{label: "folder", args: map[string]string{"member": fmt.Sprintf("%q", dir.folderA), "name_regex": suffixRe}, dependsOn: deps}
		byName := contactsDataHCL{label: "bravo", args: map[string]string{"name_regex": fmt.Sprintf("%q", "^bravo"+suffix+"$")}, dependsOn: deps}
		active := contactsDataHCL{label: "active", args: map[string]string{"status": `"Active"`, "name_regex": suffixRe}, dependsOn: deps}
		verifying := contactsDataHCL{label: "verifying", args: map[string]string{"status": `"Verifying"`, "name_regex": suffixRe}, dependsOn: deps}
		// Declared out of order: the data source sorts by name.
		config := func(a contactHCL) string {
			return env.config(charlie, bravo, a, bindAlpha, bindCharlie, all, inFolder, byName, active, verifying)
		}
		var bravoID string

		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					Config: config(alpha),
					ConfigStateChecks: slices.Concat(
						expectListed(all.addr(), alpha, bravo, charlie),
						expectListed(inFolder.addr(), alpha, charlie),
						expectListed(byName.addr(), bravo),
						expectListed(active.addr()),
						expectListed(verifying.addr(), alpha, bravo, charlie),
						[]statecheck.StateCheck{
							expectListedContact(all.addr(), 0, alpha, rdapi.StatusVerifying, alpha.email, alpha.phone, dir.folderA),
							expectListedContact(all.addr(), 1, bravo, rdapi.StatusVerifying, bravo.email, ""),
							expectListedContact(all.addr(), 2, charlie, rdapi.StatusVerifying, charlie.email, "", dir.folderA),
						},
					),
					Check: captureID(bravo.addr(), &bravoID),
				},
				{
					// bravo verified: Active, nothing pending.
					SkipFunc: env.skipOnRealAPI,
					PreConfig: func() {
						if err := env.emulated().Verify(bravoID, bravo.email); err != nil {
							t.Fatal(err)
						}
					},
					Config: config(alpha),
					ConfigStateChecks: slices.Concat(
						expectListed(active.addr(), bravo),
						expectListed(verifying.addr(), alpha, charlie),
						[]statecheck.StateCheck{expectListedContact(active.addr(), 0, bravo, rdapi.StatusActive, "", "")},
					),
				},
				{
					// A changed email is listed as the new, pending address
					// under both read modes.
					Config: config(alphaChanged),
					ConfigStateChecks: []statecheck.StateCheck{
						expectListedContact(all.addr(), 0, alphaChanged, rdapi.StatusVerifying, alphaChanged.email, alpha.phone, dir.folderA),
					},
				},
			},
		})
	})
}

func TestMessageContactsDataSource_invalidArguments(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	step := func(arg, value string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config:      env.config(contactsDataHCL{label: "test", args: map[string]string{arg: value}}),
			PlanOnly:    true,
			ExpectError: want,
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			step("name_regex", `"ops("`, regexp.MustCompile(`(?s)Invalid Regular Expression.*`+diagText("name_regex must be a valid regular expression (RE2 syntax): error parsing regexp").String())),
			step("name_regex", `"(?<=x)ops"`, diagText("name_regex must be a valid regular expression")),
			step("status", `"Pending"`, regexp.MustCompile(`(?s)status is "Pending", which is not a status the API accepts\.\s+It\s+must\s+be\s+one\s+of:\s+Verifying,\s+Active,\s+Deleting`)),
			step("status", `"active"`, regexp.MustCompile(`(?s)status is "active", which is not a status the API accepts\.\s+Did\s+you\s+mean\s+"Active"\?\s+Values\s+are\s+case-sensitive`)),
			step("member", `"folder"`, diagText("member must be the resource directory root ID (rd-…), a folder ID (fd-…) or a 16-digit member account ID")),
			step("member", `"c-0123456789abcdef"`, diagText("member must be the resource directory root ID")),
		},
	})
}

func TestMessageContactsDataSource_unknownMember(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("names a folder that only the emulator's directory lacks")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config: env.config(contactsDataHCL{label: "test", args: map[string]string{"member": `"fd-NotInTheTree"`}}),
			ExpectError: regexp.MustCompile(`(?s)Unable to List Message Contacts.*` +
				diagText(`Member "fd-NotInTheTree" does not exist in the resource directory.`).String() + `.*EntityNotExists\.Member`),
		}},
	})
}

func TestMessageContactsDataSource_example(t *testing.T) {
	env := newTestEnv(t)
	env.pointExamplesAtTestAPI()
	finance := env.addTestContact("FinanceOps", testProdFolderID)
	env.addTestContact("SecOps")
	payroll := env.addTestContact("Payroll", testProdFolderID)
	if err := env.emulated().Verify(payroll, "payroll@example.com"); err != nil {
		t.Fatal(err)
	}
	config := readExample(t, "data-sources/resourcedirectory_message_contacts/data-source.tf")
	pending := func(email string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{"email": knownvalue.StringExact(email), "phone": knownvalue.Null()})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				// Sorted by name: FinanceOps before Payroll.
				statecheck.ExpectKnownOutputValue("production_contact_ids", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact(finance), knownvalue.StringExact(payroll),
				})),
				statecheck.ExpectKnownOutputValue("awaiting_verification", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"FinanceOps": pending("financeops@example.com"),
					"SecOps":     pending("secops@example.com"),
				})),
				statecheck.ExpectKnownOutputValue("ops_contact_emails", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("financeops@example.com"), knownvalue.StringExact("secops@example.com"),
				})),
			},
		}},
	})
}
