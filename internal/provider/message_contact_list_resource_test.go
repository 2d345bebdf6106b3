package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// queryCLIs gates the tests that need `terraform query` and actions, which
// only Terraform 1.14 and later have: they skip on OpenTofu and on older
// Terraform. list_action_protocol_test.go covers the same behaviour at the
// protocol level on every CLI.
var queryCLIs = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

func TestMessageContactListResource_query(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	a, b := newContact("a"), newContact("b")
	listAll := raw(`list "resourcedirectory_message_contact" "all" {
  provider = resourcedirectory
}
`)
	listByName := raw(`list "resourcedirectory_message_contact" "by_name" {
  provider         = resourcedirectory
  include_resource = true
  config {
    name_regex = "^` + a.name + `$"
  }
}
`)

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   queryCLIs,
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: env.config(a, b)},
			{
				// The query runs in the working directory of the step
				// before, whose configuration (the provider block with the
				// test API's endpoint and keys included) stays beside the
				// .tfquery.hcl file: the query file holds the list blocks
				// only. A second default provider block there is an error
				// from Terraform 1.15 on ("Duplicate provider configuration").
				Query:  true,
				Config: listAll.String() + "\n" + listByName.String(),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLengthAtLeast("resourcedirectory_message_contact.all", 2),
					querycheck.ExpectLength("resourcedirectory_message_contact.by_name", 1),
					querycheck.ExpectIdentity("resourcedirectory_message_contact.by_name", map[string]knownvalue.Check{
						"id": knownvalue.StringRegexp(contactIDPattern),
					}),
					querycheck.ExpectResourceKnownValues("resourcedirectory_message_contact.by_name",
						queryfilter.ByDisplayName(knownvalue.StringRegexp(regexp.MustCompile(`^`+a.name+` \(c-`))),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("email_address"), KnownValue: knownvalue.StringExact(a.email)},
							{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("Verifying")},
						}),
				},
			},
		},
	})
}

// TestActions_triggered runs both actions from a resource's lifecycle, as
// Terraform 1.14 does: a contact created without sending anything gets its
// verification from the action after create.
func TestActions_triggered(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("counts verification sends")
	c := newContact("test")
	c.sendVerification = ptr(false)
	c.extra = `  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.resourcedirectory_send_verification.resend]
    }
  }`
	actions := raw(`action "resourcedirectory_send_verification" "resend" {
  config {
    contact_id = resourcedirectory_message_contact.test.id
    channel    = "email_address"
  }
}
`)

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   queryCLIs,
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: env.config(c, actions), Check: env.expectSends(1, 0)},
		},
	})
}
