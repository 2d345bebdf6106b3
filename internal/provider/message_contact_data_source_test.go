package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

func TestMessageContactDataSource_byIDAndName(t *testing.T) {
	t.Parallel()
	forEachReadMode(t, func(t *testing.T, env *testEnv) {
		dir := env.directory()
		c := newContact("test")
		c.phone = phoneA
		changed := c.with(func(c *contactHCL) { c.email = "changed@example.com" })
		b := bindTo("folder", c, dir.folderA)
		// depends_on defers the reads to apply time when the contact changes.
		deps := []string{c.addr(), b.addr()}
		byID := contactDataHCL{label: "by_id", filter: "id = " + c.addr() + ".id", dependsOn: deps}
		byName := contactDataHCL{label: "by_name", filter: "name = " + c.addr() + ".name", dependsOn: deps}
		var id string
		verify := func() {
			for _, target := range []string{c.email, c.phone} {
				if err := env.emulated().Verify(id, target); err != nil {
					t.Fatalf("verifying %s: %v", target, err)
				}
			}
		}
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					Config: env.config(c, b, byID, byName),
					ConfigStateChecks: append(
						expectContactData(byID.addr(), c, rdapi.StatusVerifying, c.email, c.phone, dir.folderA),
						expectContactData(byName.addr(), c, rdapi.StatusVerifying, c.email, c.phone, dir.folderA)...),
					Check: captureID(c.addr(), &id),
				},
				{
					// Verified: Active, nothing pending.
					SkipFunc:  env.skipOnRealAPI,
					PreConfig: verify,
					Config:    env.config(c, b, byID, byName),
					ConfigStateChecks: append(
						expectContactData(byID.addr(), c, rdapi.StatusActive, "", "", dir.folderA),
						expectContactData(byName.addr(), c, rdapi.StatusActive, "", "", dir.folderA)...),
				},
				{
					// A changed email shows the new address, pending, under
					// both read modes.
					Config: env.config(changed, b, byID, byName),
					ConfigStateChecks: append(
						expectContactData(byID.addr(), changed, rdapi.StatusVerifying, changed.email, env.pendingPhoneAfterVerify(c.phone), dir.folderA),
						expectContactData(byName.addr(), changed, rdapi.StatusVerifying, changed.email, env.pendingPhoneAfterVerify(c.phone), dir.folderA)...),
				},
			},
		})
	})
}

func TestMessageContactDataSource_invalidArguments(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	step := func(filter string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config:      env.config(contactDataHCL{label: "test", filter: filter}),
			PlanOnly:    true,
			ExpectError: want,
		}
	}
	exactlyOne := diagText("Exactly one of these attributes must be configured: [id,name]")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			step(`id = "c-0123456789abcdef"`+"\n  name = \"tom\"", exactlyOne),
			step("", exactlyOne),
			step(`id = "contact-1"`, diagText("id must be a message contact ID")),
			step(`id = ""`, diagText("id must be a message contact ID")),
			step(`name = "ops1"`, diagText("name must be 2 to 12 characters, English letters or Chinese characters only")),
			step(`name = "abcdefghijklm"`, diagText("name must be 2 to 12 characters")),
		},
	})
}

func TestMessageContactDataSource_notFound(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	c := newContact("test")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:      env.config(contactDataHCL{label: "test", filter: `id = "c-0000000000000000"`}),
				ExpectError: regexp.MustCompile(`(?s)No Message Contact Found.*` + diagText(`no message contact found with id "c-0000000000000000"`).String()),
			},
			{
				// With a contact present, another name still finds nothing.
				Config: env.config(c, contactDataHCL{label: "test", filter: `name = "Nobody"`, dependsOn: []string{c.addr()}}),
				ExpectError: regexp.MustCompile(`(?s)No Message Contact Found.*` +
					diagText(`no message contact found with name "Nobody"`).String()),
			},
		},
	})
}

func TestMessageContactDataSource_example(t *testing.T) {
	env := newTestEnv(t)
	env.pointExamplesAtTestAPI()
	id := env.addTestContact("FinanceOps", testProdFolderID)
	config := readExample(t, "data-sources/resourcedirectory_message_contact/data-source.tf", examplePlaceID, id)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("finance_contact", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":                    knownvalue.StringExact(id),
						"status":                knownvalue.StringExact(rdapi.StatusVerifying),
						"awaiting_verification": knownvalue.StringExact("financeops@example.com"),
						"bound_to":              knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(testProdFolderID)}),
					})),
				},
			},
			{
				PreConfig: func() {
					if err := env.emulated().Verify(id, "financeops@example.com"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValueAtPath("finance_contact", tfjsonpath.New("status"), knownvalue.StringExact(rdapi.StatusActive)),
					statecheck.ExpectKnownOutputValueAtPath("finance_contact", tfjsonpath.New("awaiting_verification"), knownvalue.Null()),
				},
			},
		},
	})
}
