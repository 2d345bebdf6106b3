package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

const (
	coverageAll  = "data.resourcedirectory_message_coverage.all"
	coverageProd = "data.resourcedirectory_message_coverage.production"
	directoryDS  = "data.resourcedirectory_directory.this"
)

// coverageHCL checks FaultMessage and SecurityMessage over the whole
// directory (with a check block that warns) and FaultMessage over
// Production (with a postcondition that fails the plan).
const coverageHCL = `
data "resourcedirectory_directory" "this" {}

data "resourcedirectory_message_coverage" "all" {
  message_types = ["FaultMessage", "SecurityMessage"]
}

data "resourcedirectory_message_coverage" "production" {
  folder_id     = data.resourcedirectory_directory.this.folders["Production"].id
  message_types = ["FaultMessage"]

  lifecycle {
    postcondition {
      condition     = self.covered
      error_message = "Production has accounts without a verified FaultMessage contact:\n${join("\n", self.gap_messages)}"
    }
  }
}

check "coverage" {
  assert {
    condition     = data.resourcedirectory_message_coverage.all.covered
    error_message = "Message coverage gaps:\n${join("\n", data.resourcedirectory_message_coverage.all.gap_messages)}"
  }
}
`

// addCoverageContact creates a contact out of band, binds it to member and,
// with verify, completes its verification.
func (e *testEnv) addCoverageContact(name string, types []string, member string, verify bool) string {
	e.t.Helper()
	ctx := context.Background()
	email := strings.ToLower(name) + "@example.com"
	out, err := e.client.AddMessageContact(ctx, rdapi.AddMessageContactInput{
		Name: name, EmailAddress: email, Title: "Other", MessageTypes: types,
	})
	if err != nil {
		e.t.Fatalf("adding contact %s: %v", name, err)
	}
	if err := e.client.AssociateMembers(ctx, out.ContactID, []string{member}); err != nil {
		e.t.Fatalf("binding contact %s: %v", name, err)
	}
	if verify {
		if err := e.emulated().Verify(out.ContactID, email); err != nil {
			e.t.Fatal(err)
		}
	}
	return out.ContactID
}

// expectCheckFailed is a state check: the check block named failed, and its
// message says each of want.
type expectCheckFailed struct {
	name string
	want []string
}

func (c expectCheckFailed) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, r := range req.State.Checks {
		if r.Address.ToDisplay != "check."+c.name {
			continue
		}
		if r.Status != tfjson.CheckStatusFail {
			resp.Error = fmt.Errorf("check %s is %s, want fail", c.name, r.Status)
			return
		}
		var msgs []string
		for _, in := range r.Instances {
			for _, p := range in.Problems {
				msgs = append(msgs, p.Message)
			}
		}
		all := strings.Join(msgs, "\n")
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				resp.Error = fmt.Errorf("check %s's message lacks %q:\n%s", c.name, w, all)
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("the state records no result of check %s", c.name)
}

// faultGap matches a FaultMessage gap.
func faultGap(account, reason string, unverified ...string) knownvalue.Check {
	names := make([]knownvalue.Check, len(unverified))
	for i, n := range unverified {
		names[i] = knownvalue.StringExact(n)
	}
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"account_id":          knownvalue.StringExact(account),
		"message_type":        knownvalue.StringExact("FaultMessage"),
		"reason":              knownvalue.StringExact(reason),
		"unverified_contacts": knownvalue.ListExact(names),
	})
}

func deliveryCheck(messageType, contact, boundTo, boundToID string, verified bool) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"message_type": knownvalue.StringExact(messageType),
		"contact_name": knownvalue.StringExact(contact),
		"bound_to":     knownvalue.StringExact(boundTo),
		"bound_to_id":  knownvalue.StringExact(boundToID),
		"verified":     knownvalue.Bool(verified),
	})
}

func accountIDs(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	return knownvalue.ListExact(checks)
}

// TestMessageCoverage: contacts bound to the directory, a folder and an
// account, verified and not, in the emulator's nested tree; an account that
// joins a covered folder is covered on the next plan, one moved out of it
// shows in gaps, the check block fails (a warning) naming the gaps, and the
// postcondition fails the plan naming them. Under batched and unbatched
// reads.
func TestMessageCoverage(t *testing.T) {
	for _, batched := range []bool{true, false} {
		t.Run(fmt.Sprintf("batch_reads=%v", batched), func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			env.requireEmulator("changes the directory's tree out of band")
			env.addCoverageContact("Sec", []string{"SecurityMessage", "AccountExpenses"}, testRootID, true)
			prod := env.addCoverageContact("Prod", []string{"FaultMessage"}, testProdFolderID, true)
			env.addCoverageContact("DbOwner", []string{"FaultMessage"}, "1500000000000003", false)
			env.addCoverageContact("Dev", []string{"FaultMessage"}, testDevFolderID, false)
			config := env.providerHCL(fmt.Sprintf("batch_reads = %v", batched)) + coverageHCL
			const newcomer = "1500000000000077"

			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Factories,
				Steps: []resource.TestStep{
					{
						Config: config,
						ConfigStateChecks: []statecheck.StateCheck{
							expectString(directoryDS, "id", testRootID),
							expectString(directoryDS, "root_folder_id", "r-k3Ux9d"),
							statecheck.ExpectKnownValue(directoryDS, tfjsonpath.New("folders").AtMapKey("Production/Databases"),
								knownvalue.ObjectExact(map[string]knownvalue.Check{
									"id": knownvalue.StringExact("fd-ProdDb8Kc"), "name": knownvalue.StringExact("Databases"),
									"path": knownvalue.StringExact("Production/Databases"), "parent_id": knownvalue.StringExact(testProdFolderID),
								})),
							statecheck.ExpectKnownValue(coverageAll, tfjsonpath.New("covered"), knownvalue.Bool(false)),
							statecheck.ExpectKnownValue(coverageAll, tfjsonpath.New("gaps"), knownvalue.ListExact([]knownvalue.Check{
								faultGap("1500000000000001", "no_contact"),
								faultGap("1500000000000004", "only_unverified", "Dev"),
								faultGap("1500000000000005", "no_contact"),
							})),
							// prod-db: FaultMessage from its own unverified contact and from Production's
							// verified one, SecurityMessage from the directory's.
							statecheck.ExpectKnownValue(coverageAll, tfjsonpath.New("accounts").AtSliceIndex(2).AtMapKey("deliveries"),
								knownvalue.ListExact([]knownvalue.Check{
									deliveryCheck("FaultMessage", "DbOwner", "account", "1500000000000003", false),
									deliveryCheck("FaultMessage", "Prod", "folder", testProdFolderID, true),
									deliveryCheck("SecurityMessage", "Sec", "directory", testRootID, true),
								})),
							statecheck.ExpectKnownValue(coverageProd, tfjsonpath.New("covered"), knownvalue.Bool(true)),
							statecheck.ExpectKnownValue(coverageProd, tfjsonpath.New("accounts"), accountIDs("1500000000000002", "1500000000000003")),
							expectCheckFailed{"coverage", []string{
								"1500000000000005 (security-audit, Security): FaultMessage (no contact)",
								"1500000000000004 (dev-sandbox, Development): FaultMessage (only unverified: Dev)",
							}},
						},
					},
					{
						// A member account joins Production/Databases: covered on the next plan.
						PreConfig: func() {
							if err := env.emulated().AddAccount(emulator.Account{ID: newcomer, Name: "newcomer", FolderID: "fd-ProdDb8Kc"}); err != nil {
								t.Fatal(err)
							}
						},
						Config: config,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(coverageProd, tfjsonpath.New("covered"), knownvalue.Bool(true)),
							statecheck.ExpectKnownValue(coverageProd, tfjsonpath.New("accounts"),
								accountIDs("1500000000000002", "1500000000000003", newcomer)),
							statecheck.ExpectKnownValue(coverageProd, tfjsonpath.New("accounts").AtSliceIndex(2).AtMapKey("deliveries"),
								knownvalue.ListExact([]knownvalue.Check{deliveryCheck("FaultMessage", "Prod", "folder", testProdFolderID, true)})),
						},
					},
					{
						// Moved out of Production into Security, it loses Production's contact.
						PreConfig: func() {
							if err := env.emulated().MoveAccount(newcomer, "fd-Sec6Tr1Hy"); err != nil {
								t.Fatal(err)
							}
						},
						Config: config,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(coverageProd, tfjsonpath.New("accounts"), accountIDs("1500000000000002", "1500000000000003")),
							statecheck.ExpectKnownValue(coverageAll, tfjsonpath.New("gaps"), knownvalue.ListExact([]knownvalue.Check{
								faultGap("1500000000000001", "no_contact"),
								faultGap("1500000000000004", "only_unverified", "Dev"),
								faultGap("1500000000000005", "no_contact"),
								faultGap(newcomer, "no_contact"),
							})),
							expectCheckFailed{"coverage", []string{newcomer + " (newcomer, Security): FaultMessage (no contact)"}},
						},
					},
					{
						// Production's contact changes its address: Verifying until the new one
						// is verified, it no longer counts, and the postcondition fails the plan.
						PreConfig: env.outOfBand("changing Prod's email", func(ctx context.Context, c *rdapi.Client) error {
							email := "prod.new@example.com"
							return c.UpdateMessageContact(ctx, rdapi.UpdateMessageContactInput{ContactID: prod, EmailAddress: &email})
						}),
						Config: config,
						ExpectError: regexp.MustCompile(`(?s)Production has accounts without a verified FaultMessage contact.*` +
							diagText("1500000000000002 (prod-app, Production): FaultMessage (only unverified: Prod)").String()),
					},
				},
			})
		})
	}
}

// TestMessageCoverage_largeTreeCallCount: the coverage of 1,000 accounts in
// 40 folders and 500 contacts costs the tree's pages and the contacts'
// pages, with or without batched reads: no call per account or contact.
func TestMessageCoverage_largeTreeCallCount(t *testing.T) {
	const folders, accounts, contacts = 40, 1000, 500
	for _, batched := range []bool{true, false} {
		t.Run(fmt.Sprintf("batch_reads=%v", batched), func(t *testing.T) {
			t.Parallel()
			dir := emulator.GeneratedDirectory(folders, accounts)
			env := newTestEnv(t, emulator.WithDirectory(dir), emulator.WithSettings(func(s *emulator.Settings) { s.RateLimit = 0 }))
			env.requireEmulator("counts API calls")
			fast, err := rdapi.New(rdapi.Options{Endpoint: env.endpoint, RateLimit: -1,
				Credentials: rdapi.StaticCredentials(env.accessKey, env.secretKey, "")})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			pending := 0
			for i := range contacts {
				name := "Contact" + string(rune('a'+i/676)) + string(rune('a'+i/26%26)) + string(rune('a'+i%26))
				email := fmt.Sprintf("c%d@example.com", i)
				out, err := fast.AddMessageContact(ctx, rdapi.AddMessageContactInput{Name: name, EmailAddress: email,
					Title: "Other", MessageTypes: []string{"FaultMessage", "SecurityMessage"}})
				if err != nil {
					t.Fatal(err)
				}
				member := dir.Accounts[i*2%len(dir.Accounts)].ID
				if i%10 == 0 {
					member = dir.Folders[i%len(dir.Folders)].ID
				}
				if err := fast.AssociateMembers(ctx, out.ContactID, []string{member}); err != nil {
					t.Fatal(err)
				}
				if i%2 == 0 {
					if err := env.emulated().Verify(out.ContactID, email); err != nil {
						t.Fatal(err)
					}
				} else {
					pending++
				}
			}
			perRead := map[string]int{
				"GetResourceDirectory": 1,
				"ListAccounts":         accounts / 100,
				"ListFoldersForParent": folders + 1, // each folder and the root folder
				"ListMessageContacts":  contacts / 100,
			}
			if batched {
				// The snapshot reads the pending targets too, by pages.
				perRead["ListMessageContactVerifications"] = (pending + 99) / 100
			}
			// One leaf folder's accounts keep the CLI's work small; the reads
			// are those of the whole directory all the same.
			config := env.providerHCL(fmt.Sprintf("batch_reads = %v", batched)) + `
data "resourcedirectory_message_coverage" "unit" {
  folder_id = "fd-Gen0000007"
}
`
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Factories,
				Steps: []resource.TestStep{{
					PreConfig:          env.resetStats,
					Config:             config,
					PlanOnly:           true,
					ExpectNonEmptyPlan: false,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{expectCalls{env, func(calls map[string]int) error {
						reads := calls["GetResourceDirectory"]
						if reads < 1 || reads > 2 {
							return fmt.Errorf("the plans read the tree %d times, want 1 per plan (%v)", reads, calls)
						}
						want := map[string]int{}
						for action, n := range perRead {
							want[action] = n * reads
						}
						if diff := cmp.Diff(want, calls); diff != "" {
							return fmt.Errorf("calls of %d coverage reads (-want +got):\n%s", reads, diff)
						}
						return nil
					}}}},
				}},
			})
		})
	}
}

// TestExamples_messageCoverage runs the data source's documented example:
// its check block warns (fails without failing the run) naming every gap,
// and its postcondition fails the plan naming Production's.
func TestExamples_messageCoverage(t *testing.T) {
	env := exampleEnv(t)
	env.addCoverageContact("Ops", []string{"FaultMessage", "SecurityMessage"}, testProdFolderID, true)
	env.addCoverageContact("DbOwner", []string{"FaultMessage", "SecurityMessage"}, "1500000000000003", true)
	cfg := readExample(t, "data-sources/resourcedirectory_message_coverage/data-source.tf")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.resourcedirectory_message_coverage.production", tfjsonpath.New("covered"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.resourcedirectory_message_coverage.all", tfjsonpath.New("accounts"),
						accountIDs("1500000000000002", "1500000000000003", "1500000000000004", "1500000000000005")),
					expectCheckFailed{"message_coverage", []string{
						"1500000000000004 (dev-sandbox, Development): AccountExpenses (no contact)",
						"1500000000000002 (prod-app, Production): ServiceMessage (no contact)",
					}},
				},
			},
			{
				// Both contacts are deleted: the plan fails naming Production's accounts.
				PreConfig: env.outOfBand("deleting Ops and DbOwner", func(ctx context.Context, c *rdapi.Client) error {
					for _, ct := range env.emulated().Contacts() {
						if _, err := c.DeleteMessageContact(ctx, rdapi.DeleteMessageContactInput{ContactID: ct.ID}); err != nil {
							return err
						}
					}
					return nil
				}),
				Config: cfg,
				ExpectError: regexp.MustCompile(`(?s)Production accounts without a verified contact.*` +
					diagText("1500000000000002 (prod-app, Production): FaultMessage (no contact)").String() + `.*` +
					diagText("1500000000000003 (prod-db, Production/Databases): SecurityMessage (no contact)").String()),
			},
		},
	})
}
