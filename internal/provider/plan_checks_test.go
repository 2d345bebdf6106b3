package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestPlanTime_timeoutsMustBePositive: a zero or negative operation timeout
// fails at plan time, naming the attribute, instead of failing the apply
// with "waiting for another write of this client to finish".
func TestPlanTime_timeoutsMustBePositive(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	for _, v := range []string{"0s", "-1s"} {
		t.Run(v, func(t *testing.T) {
			c := newContact("test")
			c.extra = `  timeouts { create = "` + v + `" }`
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Factories,
				Steps: []resource.TestStep{{
					Config:      env.config(c),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*timeouts.create must be a positive duration.*` + v),
				}},
			})
		})
	}
	t.Run("binding and provider", func(t *testing.T) {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config: env.providerHCL() + `
resource "resourcedirectory_message_contact_binding" "b" {
  contact_id = "c-0123456789abcdef"
  member_id  = "fd-abcdef"
  timeouts { delete = "-5m" }
}`,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*timeouts.delete must be a positive duration.*-5m`),
				},
				{
					Config:      env.providerHCL(`request_timeout = "0s"`) + newContact("test").String(),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*request_timeout must be a positive duration`),
				},
			},
		})
	})
}

// TestPlanTime_invalidEmails: the three addresses of issue 8 fail at plan
// time.
func TestPlanTime_invalidEmails(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	for _, addr := range []string{"ü@例え.jp", "alice@-example.com",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com"} {
		c := newContact("test")
		c.email = addr
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				Config:      env.config(c),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid Email Address`),
			}},
		})
	}
}
