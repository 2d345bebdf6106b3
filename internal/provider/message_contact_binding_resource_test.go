package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

func TestMessageContactBindingResource_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	dir := env.directory()
	c := newContact("test")
	other := newContact("other")
	root := bindTo("root", c, dir.root)
	folder := bindTo("folder", c, dir.folderA)
	moved := bindTo("folder", c, dir.folderB)
	toOther := bindTo("folder", other, dir.folderB)
	var id string

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.config(c, root, folder),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(root.addr(), plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(folder.addr(), plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: append(expectBindingState(root.addr(), dir.root),
					expectBindingState(folder.addr(), dir.folderA)...),
				Check: resource.ComposeTestCheckFunc(
					captureID(c.addr(), &id),
					resource.TestCheckResourceAttrPair(root.addr(), "contact_id", c.addr(), "id"),
					env.expectMembers(c.addr(), dir.root, dir.folderA),
				),
			},
			{
				// Idempotent.
				Config:           env.config(c, root, folder),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: root.addr(), ImportState: true, ImportStateVerify: true, ImportStateKind: resource.ImportCommandWithID},
			{ResourceName: folder.addr(), ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{
				// A binding removed out of band is detected and created again.
				PreConfig: env.outOfBand("unbinding the root", func(ctx context.Context, cl *rdapi.Client) error {
					err := cl.DisassociateMembers(ctx, id, []string{dir.root})
					return err
				}),
				Config: env.config(c, root, folder),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(root.addr(), plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(folder.addr(), plancheck.ResourceActionNoop),
				}},
				Check: env.expectMembers(c.addr(), dir.root, dir.folderA),
			},
			{
				// Another member replaces the binding: the old one is unbound.
				Config: env.config(c, root, moved),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(moved.addr(), plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(root.addr(), plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: expectBindingState(moved.addr(), dir.folderB),
				Check:             env.expectMembers(c.addr(), dir.root, dir.folderB),
			},
			{
				// Another contact replaces the binding too.
				Config: env.config(c, other, root, toOther),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(toOther.addr(), plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeTestCheckFunc(
					env.expectMembers(c.addr(), dir.root),
					env.expectMembers(other.addr(), dir.folderB),
				),
			},
			{
				// Removing a binding from the configuration unbinds it.
				Config: env.config(c, other, toOther),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(root.addr(), plancheck.ResourceActionDestroy),
				}},
				Check: env.expectMembers(c.addr()),
			},
			{Config: env.config(c, root), Check: env.expectMembers(c.addr(), dir.root)},
			{
				// The contact deleted out of band: contact and binding are
				// planned for creation.
				PreConfig: env.outOfBand("deleting the contact", func(ctx context.Context, cl *rdapi.Client) error {
					_, err := cl.DeleteMessageContact(ctx, rdapi.DeleteMessageContactInput{ContactID: id, RetainContactInMembers: ptr(true)})
					return err
				}),
				Config: env.config(c, root),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(c.addr(), plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(root.addr(), plancheck.ResourceActionCreate),
				}},
				Check: env.expectMembers(c.addr(), dir.root),
			},
		},
	})
}

func TestMessageContactBindingResource_invalidArguments(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	badContact := diagText("contact_id must be a message contact ID")
	badMember := diagText("member_id must be the resource directory root ID (rd-…), a folder ID (fd-…) or a 16-digit member account ID")
	step := func(contact, member string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config:      env.config(bindingHCL{label: "test", contact: fmt.Sprintf("%q", contact), member: member}),
			PlanOnly:    true,
			ExpectError: want,
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			step("x-0123456789abcdef", testRootID, badContact),
			step("c-", testRootID, badContact),
			step("c-01234567:89", testRootID, badContact),
			step("c-0123456789abcdef", "folder", badMember),
			step("c-0123456789abcdef", "fd-", badMember),
			step("c-0123456789abcdef", "150000000000000", badMember),   // 15 digits
			step("c-0123456789abcdef", "15000000000000021", badMember), // 17 digits
			step("c-0123456789abcdef", "ab-0123", badMember),
			{
				Config:      env.config(raw(fmt.Sprintf("resource %q \"test\" {\n  member_id = %q\n}\n", bindingType, testRootID))),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`"contact_id" is required`),
			},
		},
	})
}

func TestMessageContactBindingResource_apiErrors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.MaxMembersPerContact = 1 }))
	env.requireEmulator("caps the bindings per contact at one")
	c := newContact("test")
	root := bindTo("root", c, testRootID)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				// Well formed, but not in the directory: caught at plan time
				// (TestMemberCheck_withoutTreePermission shows the apply-time error).
				Config: env.config(c, bindTo("unknown", c, "fd-NotInTheTree")),
				ExpectError: regexp.MustCompile(`(?s)Member Not in the Resource Directory.*` +
					diagText(`"fd-NotInTheTree" is not the directory, a folder or a member account`).String()),
			},
			{
				// A contact that does not exist is caught at plan time.
				Config:      env.config(c, bindingHCL{label: "ghost", contact: `"c-0000000000000000"`, member: testRootID}),
				ExpectError: regexp.MustCompile(`(?s)Message Contact Not Found.*` + diagText(`Message contact c-0000000000000000 does not exist, so it cannot be bound`).String()),
			},
			{Config: env.config(c, root), Check: env.expectMembers(c.addr(), testRootID)},
			{
				Config: env.config(c, root, bindTo("folder", c, testProdFolderID)),
				ExpectError: regexp.MustCompile(`(?s)` + diagText("is already bound to the maximum number of objects").String() +
					`.*LimitExceeded\.ContactMembers`),
			},
			{Config: env.config(c, root), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

func TestMessageContactBindingResource_importErrors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	dir := env.directory()
	c := newContact("test")
	b := bindTo("test", c, dir.folderA)
	badID := diagText("The import ID must be \"<contact_id>:<member_id>\"")
	importStep := func(id string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config:        withRequiredProvider(env.config(c, b)),
			ResourceName:  b.addr(),
			ImportState:   true,
			ImportStateId: id,
			ExpectError:   want,
		}
	}
	var contact string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: env.config(c), Check: captureID(c.addr(), &contact)},
			importStep("c-0123456789abcdef", badID),
			importStep("c-0123456789abcdef:", badID),
			importStep(":"+dir.root, badID),
			importStep("x-0123456789abcdef:"+dir.root, regexp.MustCompile(`(?s)`+badID.String()+`.*`+diagText(`the contact ID "x-0123456789abcdef" must be a message contact ID`).String())),
			importStep("c-0123456789abcdef:folder", regexp.MustCompile(`(?s)`+badID.String()+`.*`+diagText(`the member ID "folder" must be the resource directory root ID`).String())),
			// Well formed, but the contact does not exist.
			importStep("c-0000000000000000:"+dir.root, regexp.MustCompile(`Cannot import non-existent remote object`)),
			{
				// The contact exists, but is not bound to the member.
				Config:       withRequiredProvider(env.config(c, b)),
				ResourceName: b.addr(),
				ImportState:  true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return bindingID(contact, dir.folderA), nil
				},
				ExpectError: regexp.MustCompile(`Cannot import non-existent remote object`),
			},
		},
	})
}

func TestParseBindingID(t *testing.T) {
	tests := []struct {
		in              string
		contact, member string
		wantErr         string
	}{
		{in: "c-0123456789abcdef:rd-k3Ux9d", contact: "c-0123456789abcdef", member: "rd-k3Ux9d"},
		{in: "c-0123456789abcdef:fd-Prod4Nz7Qa", contact: "c-0123456789abcdef", member: "fd-Prod4Nz7Qa"},
		{in: "c-0123456789abcdef:1500000000000002", contact: "c-0123456789abcdef", member: "1500000000000002"},
		{in: "", wantErr: `got ""`},
		{in: "c-0123456789abcdef", wantErr: `got "c-0123456789abcdef"`},
		{in: "c-0123456789abcdef:", wantErr: `got "c-0123456789abcdef:"`},
		{in: ":rd-k3Ux9d", wantErr: `got ":rd-k3Ux9d"`},
		{in: "rd-k3Ux9d:c-0123456789abcdef", wantErr: `the contact ID "rd-k3Ux9d"`},
		{in: "c-0123456789abcdef:rd-k3Ux9d:extra", wantErr: `the member ID "rd-k3Ux9d:extra"`},
		{in: "c-0123456789abcdef:150000000000000", wantErr: `the member ID "150000000000000"`},
		{in: " c-0123456789abcdef:rd-k3Ux9d", wantErr: `the contact ID " c-0123456789abcdef"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			contact, member, err := parseBindingID(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseBindingID(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || contact != tt.contact || member != tt.member {
				t.Fatalf("parseBindingID(%q) = %q, %q, %v; want %q, %q", tt.in, contact, member, err, tt.contact, tt.member)
			}
			if got := bindingID(contact, member); got != tt.in {
				t.Errorf("bindingID(%q, %q) = %q, want %q", contact, member, got, tt.in)
			}
		})
	}
}

func TestMessageContactBindingResource_parallel(t *testing.T) {
	t.Parallel()
	const n = 12
	dir, ids := largeDirectory()
	opts := []emulator.Option{
		emulator.WithDirectory(dir),
		// Every mutation keeps the account's lock a while, so concurrent
		// writers meet 429 ConcurrentCallNotSupported.
		emulator.WithSettings(func(cfg *emulator.Settings) { cfg.MutationHold = 25 * time.Millisecond }),
	}

	t.Run("one contact", func(t *testing.T) {
		t.Parallel()
		env := newTestEnv(t, opts...)
		env.requireEmulator("uses a custom directory and injected conflicts")
		// Conflicts that the provider must ride out, whatever its own
		// client-side write limit does.
		env.emulated().FailNext("AssociateMembers", rdapi.CodeConcurrentCall, 3)
		c := newContact("test")
		c.sendVerification = ptr(false)
		blocks := []fmt.Stringer{c}
		for i, m := range ids[:n] {
			blocks = append(blocks, bindTo(fmt.Sprintf("b%02d", i), c, m))
		}
		var id string
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					Config: env.config(blocks...),
					Check: resource.ComposeTestCheckFunc(
						captureID(c.addr(), &id),
						func(*terraform.State) error {
							ct, ok := env.emulated().Contact(id)
							if !ok {
								return fmt.Errorf("contact %s missing from the emulator", id)
							}
							if got, want := slices.Sorted(slices.Values(ct.Members)), slices.Sorted(slices.Values(ids[:n])); !slices.Equal(got, want) {
								return fmt.Errorf("emulator bindings of %s: got %v, want %v", id, got, want)
							}
							st := env.emulated().Stats()
							if got := st.Calls["AssociateMembers"]; got < n+3 {
								return fmt.Errorf("AssociateMembers called %d times, want at least %d (12 bindings + 3 injected conflicts)", got, n+3)
							}
							t.Logf("AssociateMembers: %d calls, %d lock conflicts", st.Calls["AssociateMembers"], st.Conflicts["AssociateMembers"])
							return nil
						},
					),
				},
				{Config: env.config(blocks...), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
				{
					// And all unbound at once.
					Config: env.config(c),
					Check:  func(*terraform.State) error { return env.checkMembers(id) },
				},
			},
		})
	})

	t.Run("many contacts", func(t *testing.T) {
		t.Parallel()
		env := newTestEnv(t, opts...)
		env.requireEmulator("uses a custom directory and injected conflicts")
		env.emulated().FailNext("AssociateMembers", rdapi.CodeConcurrentCall, 3)
		var blocks []fmt.Stringer
		contacts := make([]contactHCL, n)
		for i := range contacts {
			c := newContact(fmt.Sprintf("c%02d", i))
			c.sendVerification = ptr(false)
			contacts[i] = c
			blocks = append(blocks, c, bindTo(fmt.Sprintf("b%02d", i), c, ids[i%len(ids)]))
		}
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					Config: env.config(blocks...),
					Check: func(s *terraform.State) error {
						for i, c := range contacts {
							id, err := contactID(s, c.addr())
							if err != nil {
								return err
							}
							ct, ok := env.emulated().Contact(id)
							if !ok || !slices.Equal(ct.Members, []string{ids[i%len(ids)]}) {
								return fmt.Errorf("contact %s (%s): emulator bindings %v, want [%s]", c.label, id, ct.Members, ids[i%len(ids)])
							}
						}
						return nil
					},
				},
				{Config: env.config(blocks...), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			},
		})
	})
}

func TestMessageContactBindingResource_timeouts(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("injects endless failures")
	c := newContact("test")
	b := bindTo("test", c, testRootID)
	b.extra = "  timeouts {\n    create = \"2s\"\n    read   = \"2s\"\n  }"
	var start time.Time
	within := func(what string) func() {
		return func() {
			if took := time.Since(start); took > 30*time.Second {
				t.Errorf("%s took %s despite a 2s timeout", what, took)
			}
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: env.config(c)},
			{
				// Create: the conflict retries stop at the create timeout.
				PreConfig: func() {
					start = time.Now()
					env.emulated().FailNext("AssociateMembers", rdapi.CodeConcurrentCall, 1_000_000)
				},
				Config:      env.config(c, b),
				ExpectError: regexp.MustCompile(`(?s)Unable to Create Message Contact Binding.*ConcurrentCallNotSupported`),
			},
			{
				PreConfig: within("the failing create"),
				Config:    env.config(c),
				Check:     env.expectMembers(c.addr()),
			},
		},
	})
}

func TestMessageContactBindingResource_readAndDeleteTimeouts(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator("injects endless failures")
	const timeouts = "  timeouts {\n    read   = \"2s\"\n    delete = \"2s\"\n  }"
	var start time.Time
	failAll := func() {
		start = time.Now()
		env.emulated().MustApply(func(s *emulator.Settings) { s.ServerErrorRate = 1 })
	}
	restore := func() {
		env.emulated().MustApply(func(s *emulator.Settings) { s.ServerErrorRate = 0 })
		if took := time.Since(start); took > 30*time.Second {
			t.Errorf("the failing operation took %s despite a 2s timeout", took)
		}
	}
	serverError := regexp.MustCompile(`ServiceUnavailable|InternalError`)

	// Read: a refresh gives up at the read timeout. The contact is not in
	// the configuration, so that only the binding is read.
	readID := env.addTestContact("Readers")
	b := bindingHCL{label: "test", contact: fmt.Sprintf("%q", readID), member: testRootID, extra: timeouts}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             func(*terraform.State) error { return env.checkMembers(readID) },
		Steps: []resource.TestStep{
			{Config: env.config(b), Check: func(*terraform.State) error { return env.checkMembers(readID, testRootID) }},
			{
				PreConfig:   failAll,
				Config:      env.config(b),
				ExpectError: regexp.MustCompile(`(?s)Unable to Read Message Contact Binding.*` + serverError.String()),
			},
			{PreConfig: restore, Config: env.config(b), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})

	// Delete runs without a refresh first, so that only the unbinding
	// meets the failures.
	var id string
	c2 := newContact("second")
	b2 := bindTo("second", c2, testProdFolderID)
	b2.extra = timeouts
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             env.checkDestroyed,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		Steps: []resource.TestStep{
			{Config: env.config(c2, b2), Check: captureID(c2.addr(), &id)},
			{
				PreConfig:   failAll,
				Config:      env.config(c2),
				ExpectError: regexp.MustCompile(`(?s)Unable to Delete Message Contact Binding.*` + serverError.String()),
			},
			{
				PreConfig: restore,
				Config:    env.config(c2),
				Check:     env.expectMembers(c2.addr()),
			},
			{Config: env.config(c2, b2), Check: env.expectMembers(c2.addr(), testProdFolderID)},
			{
				// Already unbound out of band: destroying it succeeds.
				PreConfig: env.outOfBand("unbinding", func(ctx context.Context, cl *rdapi.Client) error {
					err := cl.DisassociateMembers(ctx, id, []string{testProdFolderID})
					return err
				}),
				Config: env.config(c2),
				Check:  env.expectMembers(c2.addr()),
			},
			{Config: env.config(c2, b2), Check: env.expectMembers(c2.addr(), testProdFolderID)},
			{
				// The contact itself deleted out of band: destroying the
				// binding (and the contact) succeeds.
				PreConfig: env.outOfBand("deleting the contact", func(ctx context.Context, cl *rdapi.Client) error {
					_, err := cl.DeleteMessageContact(ctx, rdapi.DeleteMessageContactInput{ContactID: id, RetainContactInMembers: ptr(true)})
					return err
				}),
				Config: env.providerHCL(),
			},
		},
	})
}

func TestMessageContactBindingResource_examples(t *testing.T) {
	const dir = "resources/resourcedirectory_message_contact_binding/"

	t.Run("resource.tf", func(t *testing.T) {
		env := newTestEnv(t)
		env.pointExamplesAtTestAPI()
		const contact = "resourcedirectory_message_contact.finance"
		config := readExample(t, dir+"resource.tf")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             env.checkDestroyed,
			Steps: []resource.TestStep{
				{
					Config: config,
					ConfigStateChecks: append(expectBindingState(bindingType+".root", testRootID),
						expectBindingState(bindingType+".production", testProdFolderID)...),
					Check: env.expectMembers(contact, testRootID, testProdFolderID),
				},
				{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			},
		})
	})

	t.Run("import.sh", func(t *testing.T) {
		env := newTestEnv(t)
		env.pointExamplesAtTestAPI()
		id := env.addTestContact("FinanceOps", testProdFolderID)
		// The script is one "terraform import ADDRESS ID" command.
		var addr, importID string
		for line := range strings.Lines(readExample(t, dir+"import.sh", examplePlaceID, id)) {
			if f := strings.Fields(line); len(f) == 4 && f[0] == "terraform" && f[1] == "import" {
				addr, importID = f[2], f[3]
			}
		}
		if addr == "" {
			t.Fatal("import.sh has no terraform import command")
		}
		typ, label, _ := strings.Cut(addr, ".")
		config := fmt.Sprintf("resource %q %q {\n  contact_id = %q\n  member_id  = %q\n}\n", typ, label, id, testProdFolderID)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				Config:          withRequiredProvider(config),
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportCommandWithID,
				ImportStateId:   importID,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d objects, want 1", len(states))
					}
					want := map[string]string{"id": id + ":" + testProdFolderID, "contact_id": id, "member_id": testProdFolderID}
					for k, v := range want {
						if got := states[0].Attributes[k]; got != v {
							return fmt.Errorf("imported %s = %q, want %q", k, got, v)
						}
					}
					return nil
				},
			}},
		})
	})

	t.Run("import-by-string-id.tf", func(t *testing.T) {
		env := newTestEnv(t)
		env.pointExamplesAtTestAPI()
		id := env.addTestContact("FinanceOps", testProdFolderID)
		config := readExample(t, dir+"import-by-string-id.tf", examplePlaceID, id)
		addr := bindingType + ".production"
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
					}},
					ConfigStateChecks: []statecheck.StateCheck{expectString(addr, "id", id+":"+testProdFolderID)},
				},
				{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			},
			// Destroying the imported binding unbinds the folder; the
			// contact itself was not managed.
			CheckDestroy: func(*terraform.State) error { return env.checkMembers(id) },
		})
	})
}
