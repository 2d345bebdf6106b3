package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// expectCalls checks the emulator's call counters since the last
// resetStats against check; it runs as a plan check, so that a plan-only
// step can be held to what its refresh cost.
type expectCalls struct {
	env   *testEnv
	check func(calls map[string]int) error
}

func (e expectCalls) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = e.check(e.env.emulated().Stats().Calls)
}

// TestBatchedReads: a refresh of contacts, bindings, a member set and both
// data sources costs list pages and no GetMessageContact, and so does an
// import (from a snapshot of its own); batch_reads = false reads one by one.
func TestBatchedReads(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("counts API calls")
	a, b, c := newContact("alpha"), newContact("bravo"), newContact("charlie")
	blocks := []fmt.Stringer{a, b, c, bindTo("alpha_root", a, testRootID), memberSet("bravo", b, testDevFolderID),
		raw(fmt.Sprintf("data %q \"charlie\" {\n  id = %s.id\n}\n", contactType, c.addr())),
		raw(fmt.Sprintf("data %q \"bravo\" {\n  name = %s.name\n}\n", contactType, b.addr())),
		raw("data \"resourcedirectory_message_contacts\" \"all\" {}\n")}
	config := env.config(blocks...)
	unbatched := env.providerHCL("batch_reads = false")
	for _, bl := range blocks {
		unbatched += "\n" + bl.String()
	}
	var gets int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Two plans (one without refresh: data sources only), each
				// its own provider process with one snapshot: list pages,
				// and not one GetMessageContact.
				PreConfig: env.resetStats,
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{expectCalls{env, func(calls map[string]int) error {
					if calls["GetMessageContact"] != 0 || calls["ListMessageContacts"] < 1 || calls["ListMessageContacts"] > 2 {
						return fmt.Errorf("batched refreshes called %v; want 1 or 2 ListMessageContacts pages and no GetMessageContact", calls)
					}
					return nil
				}}}},
			},
			{
				// An import reads from a snapshot started by the import.
				PreConfig:         env.resetStats,
				ResourceName:      a.addr(),
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateCheck: func([]*terraform.InstanceState) error {
					calls := env.emulated().Stats().Calls
					if calls["GetMessageContact"] != 0 || calls["ListMessageContacts"] < 1 {
						return fmt.Errorf("the import called %v; want list pages and no GetMessageContact", calls)
					}
					return nil
				},
			},
			{
				// batch_reads = false: one GetMessageContact per resource and
				// data source by ID (three contacts, a binding, a member set,
				// a data source), in the plan that refreshes.
				PreConfig: env.resetStats,
				Config:    unbatched,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{expectCalls{env, func(calls map[string]int) error {
					gets = calls["GetMessageContact"]
					if gets < 6 {
						return fmt.Errorf("unbatched refresh made %d GetMessageContact calls, want at least 6", gets)
					}
					return nil
				}}}},
			},
		},
	})
}

// TestBatchedReads_bindingPlans: Terraform plans a new binding twice in an
// apply (once in the plan, once in the apply itself), and the plan-time
// check that its contact exists is served by the snapshot: adding bindings
// to existing contacts costs list pages, no GetMessageContact per binding.
func TestBatchedReads_bindingPlans(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("counts API calls")
	a, b := newContact("alpha"), newContact("bravo")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: env.config(a, b)},
			{
				PreConfig: env.resetStats,
				Config: env.config(a, b, bindTo("alpha_root", a, testRootID), bindTo("alpha_dev", a, testDevFolderID),
					bindTo("bravo_root", b, testRootID)),
				Check: func(*terraform.State) error {
					calls := env.emulated().Stats().Calls
					if calls["AssociateMembers"] != 3 || calls["GetMessageContact"] != 0 {
						return fmt.Errorf("planning and applying 3 bindings called %v; want 3 AssociateMembers and no GetMessageContact", calls)
					}
					return nil
				},
			},
		},
	})
}

// TestBatchedReads_envVar: RESOURCEDIRECTORY_BATCH_READS turns batching off
// when the argument is not set, and a value that is not a boolean is an
// error naming the variable.
func TestBatchedReads_envVar(t *testing.T) {
	env := newTestEnv(t)
	env.requireEmulator("counts API calls")
	c := newContact("alpha")
	config := env.config(c)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { t.Setenv(batchReadsEnvVar, "false"); env.resetStats() },
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{expectCalls{env, func(calls map[string]int) error {
					if calls["GetMessageContact"] != 1 || calls["ListMessageContacts"] != 0 {
						return fmt.Errorf("with %s=false the refresh called %v; want one GetMessageContact and no listing", batchReadsEnvVar, calls)
					}
					return nil
				}}}},
			},
			{
				PreConfig:   func() { t.Setenv(batchReadsEnvVar, "sometimes") },
				Config:      config,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(regexp.QuoteMeta(batchReadsEnvVar) + `\s+must\s+be\s+true\s+or\s+false,\s+got\s+"sometimes"`),
			},
			// Unset again, for the destroy.
			{PreConfig: func() { t.Setenv(batchReadsEnvVar, "") }, Config: config},
		},
	})
}
