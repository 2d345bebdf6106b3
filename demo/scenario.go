package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// asyncDelete is how long the emulator keeps a deleted contact in the
// Deleting state.
const asyncDelete = 2 * time.Second

// demo holds the scenario's state across steps.
type demo struct {
	n   *narrator
	emu *harness.Emulator
	cli *cli
	// api is a client of the emulator playing "someone else": a colleague in
	// the console, or the checks that look at what the API really holds.
	api *rdapi.Client
	dir string

	rootID, folderID string
	cfg              configSpec
	mainTF           string // the main.tf last written
}

// newDemo prepares the scenario folder: CLI configuration, variables and
// the step-1 configuration.
func newDemo(n *narrator, emu *harness.Emulator, tool harness.CLI, providerDir, dir string) (*demo, error) {
	c, err := newCLI(n, tool, dir, providerDir, emu.URL)
	if err != nil {
		return nil, err
	}
	api, err := rdapi.New(rdapi.Options{
		Endpoint:    emu.URL,
		Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
		UserAgent:   "rd-demo",
	})
	if err != nil {
		return nil, err
	}
	d := &demo{n: n, emu: emu, cli: c, api: api, dir: dir}

	// cmd/rdemulator serves the default directory unless given -directory.
	dirTree := emulator.DefaultDirectory()
	d.rootID = dirTree.RootID
	for _, f := range dirTree.Folders {
		if f.Name == "Production" {
			d.folderID = f.ID
		}
	}
	if d.folderID == "" {
		return nil, errors.New("the emulator's default directory has no Production folder")
	}
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfvars"), tfvars(d.rootID, d.folderID), 0o644); err != nil {
		return nil, err
	}
	d.cfg = configSpec{
		Contacts: []contactSpec{
			{
				Key:          "security",
				Comment:      "Security incidents and faults go to the security lead.",
				Name:         "LinWei",
				Email:        "lin.wei@example.com",
				Title:        "TechnicalDirector",
				MessageTypes: []string{"FaultMessage", "SecurityMessage"},
			},
			{
				Key:          "finance",
				Comment:      "Bills and expenses go to finance, by email and text message.",
				Name:         "ZhangMin",
				Email:        "zhang.min@example.com",
				Phone:        "86-13800138000",
				Title:        "FinanceDirector",
				MessageTypes: []string{"AccountExpenses"},
			},
			{
				Key:          "operations",
				Comment:      "Service and product notices go to operations.",
				Name:         "ChenJing",
				Email:        "chen.jing@example.com",
				Title:        "MaintenanceDirector",
				MessageTypes: []string{"ProductMessage", "ServiceMessage"},
			},
		},
		Bindings: []bindingSpec{
			{Key: "security_everywhere", Comment: "The security lead hears about every account: bind to the directory root.", ContactKey: "security", MemberVar: "directory_root_id"},
			{Key: "finance_production", Comment: "Finance follows the Production folder's accounts.", ContactKey: "finance", MemberVar: "production_folder_id"},
		},
	}
	return d, nil
}

// writeConfig renders the configuration into main.tf and shows it: whole
// the first time, as a diff afterwards.
func (d *demo) writeConfig(ctx context.Context) error {
	hcl, err := d.cfg.render()
	if err != nil {
		return err
	}
	// Keep the file in canonical layout, as a user's editor would.
	b, err := d.cli.format(ctx, hcl)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(d.dir, "main.tf"), b, 0o644); err != nil {
		return err
	}
	previous := d.mainTF
	d.mainTF = string(b)
	if previous == "" {
		d.n.file("main.tf", strings.Split(strings.TrimRight(d.mainTF, "\n"), "\n"))
	} else {
		d.n.file("main.tf (changes)", lineDiff(previous, d.mainTF))
	}
	return nil
}

// contactOutput is one entry of the contacts output.
type contactOutput struct {
	ID                  string  `json:"id"`
	Status              string  `json:"status"`
	PendingEmailAddress *string `json:"pending_email_address"`
	PendingPhoneNumber  *string `json:"pending_phone_number"`
}

// outputs reads the contacts output.
func (d *demo) outputs(ctx context.Context) (map[string]contactOutput, error) {
	var out map[string]contactOutput
	if err := d.cli.output(ctx, "contacts", &out); err != nil {
		return nil, err
	}
	return out, nil
}

// planFile runs `plan -detailed-exitcode -out=name` for the user to watch
// and returns the exit code (0 or 2) and the saved plan.
func (d *demo) planFile(ctx context.Context, name string) (int, *tfjson.Plan, error) {
	changes, err := d.cli.plan(ctx, name)
	if err != nil {
		return 1, nil, fmt.Errorf("%s plan failed: %w", d.cli.Command, err)
	}
	p, err := d.cli.showPlan(ctx, name)
	if err != nil {
		return 1, nil, err
	}
	if changes {
		return 2, p, nil
	}
	return 0, p, nil
}

// expectEmptyPlan runs `plan -detailed-exitcode` and requires exit code 0.
func (d *demo) expectEmptyPlan(ctx context.Context) error {
	changes, err := d.cli.plan(ctx, "")
	if err != nil {
		return fmt.Errorf("%s plan failed: %w", d.cli.Command, err)
	}
	if changes {
		d.n.fail("plan -detailed-exitcode exited 2, expected 0 (no changes)")
		return errors.New("expected an empty plan, exit code 2")
	}
	d.n.ok("plan -detailed-exitcode exits 0: no changes, no false drift")
	return nil
}

// check prints the outcome of one expectation and returns err.
func (d *demo) check(what string, err error) error {
	if err != nil {
		d.n.fail("%s: %v", what, err)
		return fmt.Errorf("%s: %w", what, err)
	}
	d.n.ok("%s", what)
	return nil
}

// stepApply: apply the configuration and show the outputs, pending
// verification included.
func (d *demo) stepApply(ctx context.Context) error {
	d.n.say("Three people receive the directory's notifications: a security lead bound to the whole directory " +
		"(its root), finance bound to the Production folder, and operations. The configuration is what a team " +
		"would commit:")
	if err := d.writeConfig(ctx); err != nil {
		return err
	}
	d.n.say(fmt.Sprintf("With dev_overrides in the CLI configuration there is no `%s init`: %s uses the provider just built.",
		d.cli.Command, d.cli.Product))
	if err := d.cli.apply(ctx, ""); err != nil {
		return err
	}
	d.n.say("The API emails (and texts) every new address a verification link; until the recipient confirms, the " +
		"contact is Verifying and the pending_* attributes show what is awaiting confirmation.")

	outs, err := d.outputs(ctx)
	if err != nil {
		return err
	}
	for _, c := range d.cfg.Contacts {
		err := func() error {
			o, ok := outs[c.Key]
			if !ok {
				return errors.New("missing from the contacts output")
			}
			if !strings.HasPrefix(o.ID, "c-") {
				return fmt.Errorf("id %q is not a contact ID", o.ID)
			}
			if o.Status != rdapi.StatusVerifying {
				return fmt.Errorf("status %q, expected %s", o.Status, rdapi.StatusVerifying)
			}
			if deref(o.PendingEmailAddress) != c.Email {
				return fmt.Errorf("pending_email_address %q, expected %q", deref(o.PendingEmailAddress), c.Email)
			}
			if deref(o.PendingPhoneNumber) != c.Phone {
				return fmt.Errorf("pending_phone_number %q, expected %q", deref(o.PendingPhoneNumber), c.Phone)
			}
			return nil
		}()
		if err := d.check(fmt.Sprintf("%s (%s) is Verifying with its new address(es) pending", c.Key, c.Name), err); err != nil {
			return err
		}
	}

	wantBinding := map[string]string{"security": d.rootID, "finance": d.folderID}
	for key, member := range wantBinding {
		err := func() error {
			got, err := d.api.GetMessageContact(ctx, outs[key].ID)
			if err != nil {
				return err
			}
			if !slices.Contains(got.Members, member) {
				return fmt.Errorf("the API lists members %v", got.Members)
			}
			return nil
		}()
		if err := d.check(fmt.Sprintf("the API shows %s bound to %s", key, member), err); err != nil {
			return err
		}
	}
	return nil
}

// stepVerify: complete a verification in the emulator, refresh, and see
// Active with nothing to change.
func (d *demo) stepVerify(ctx context.Context) error {
	c := d.cfg.contact("security")
	outs, err := d.outputs(ctx)
	if err != nil {
		return err
	}
	id := outs[c.Key].ID
	d.n.say(fmt.Sprintf("%s opens the email and clicks the link. The demo does it through the emulator's admin endpoint:", c.Name))
	d.n.code(fmt.Sprintf(`curl -X POST %s/_emulator/verify -d '{"contact_id":"%s","target":"%s"}'`, d.emu.URL, id, c.Email))
	_, err = d.emu.Admin.Verify(ctx, id, c.Email)
	if err := d.check("the emulator recorded the verification", err); err != nil {
		return err
	}
	d.n.say("A refresh-only apply records what changed on the API side (the verification); no resource is modified:")
	if err := d.cli.applyRefreshOnly(ctx); err != nil {
		return err
	}
	if outs, err = d.outputs(ctx); err != nil {
		return err
	}
	err = func() error {
		o := outs[c.Key]
		if o.Status != rdapi.StatusActive {
			return fmt.Errorf("status %q", o.Status)
		}
		if o.PendingEmailAddress != nil || o.PendingPhoneNumber != nil {
			return fmt.Errorf("pending_email_address %q, pending_phone_number %q", deref(o.PendingEmailAddress), deref(o.PendingPhoneNumber))
		}
		return nil
	}()
	if err := d.check(c.Key+" is Active and nothing is pending any more", err); err != nil {
		return err
	}
	err = func() error {
		for _, other := range []string{"finance", "operations"} {
			if s := outs[other].Status; s != rdapi.StatusVerifying {
				return fmt.Errorf("%s is %s", other, s)
			}
		}
		return nil
	}()
	if err := d.check("the contacts that did not verify are still Verifying", err); err != nil {
		return err
	}
	return d.expectEmptyPlan(ctx)
}

// stepUpdate: change a title and a message type; the plan is an in-place
// update of exactly those attributes.
func (d *demo) stepUpdate(ctx context.Context) error {
	c := d.cfg.contact("operations")
	d.n.say(fmt.Sprintf("%s moves to project management and should get activity notices instead of product news:", c.Name))
	c.Title = "ProjectDirector"
	c.MessageTypes = []string{"ActivityMessage", "ServiceMessage"}
	if err := d.writeConfig(ctx); err != nil {
		return err
	}
	code, p, err := d.planFile(ctx, "update.tfplan")
	if err != nil {
		return err
	}
	if err := d.check("plan -detailed-exitcode exits 2 (changes pending)", expectCode(code, 2)); err != nil {
		return err
	}
	if err := d.check("the plan updates "+address(c.Key)+" in place: title and message_types, nothing else",
		expectOnlyUpdate(p, address(c.Key), "message_types", "title")); err != nil {
		return err
	}
	if err := d.cli.apply(ctx, "update.tfplan"); err != nil {
		return err
	}
	outs, err := d.outputs(ctx)
	if err != nil {
		return err
	}
	err = func() error {
		got, err := d.api.GetMessageContact(ctx, outs[c.Key].ID)
		if err != nil {
			return err
		}
		types := slices.Sorted(slices.Values(got.MessageTypes))
		if got.Title != c.Title || !slices.Equal(types, c.MessageTypes) {
			return fmt.Errorf("the API holds title %q and message types %v", got.Title, types)
		}
		return nil
	}()
	if err := d.check(fmt.Sprintf("the API now holds title %s and message types %v for the same contact ID", c.Title, c.MessageTypes), err); err != nil {
		return err
	}
	return d.expectEmptyPlan(ctx)
}

// stepDrift: a colleague changes a contact out of band (the emulator's
// admin API plays the console's edit); the scheduled drift check (plan
// -detailed-exitcode) exits 2 and shows exactly that change.
func (d *demo) stepDrift(ctx context.Context) error {
	c := d.cfg.contact("finance")
	outs, err := d.outputs(ctx)
	if err != nil {
		return err
	}
	id := outs[c.Key].ID
	const consoleTitle = "Other"
	d.n.say(fmt.Sprintf("A colleague edits %s in the console and sets the title to %q. (The demo plays the "+
		"edit with the emulator's admin API, POST /_emulator/contacts/update, outside this provider's client.)", c.Name, consoleTitle))
	_, err = d.emu.Admin.UpdateContact(ctx, emulator.AdminContactChange{Contact: id, Title: consoleTitle})
	if err := d.check(fmt.Sprintf("out-of-band update of %s: Title=%s", id, consoleTitle), err); err != nil {
		return err
	}
	d.n.say("The nightly drift check in CI runs a plan with -detailed-exitcode:")
	code, p, err := d.planFile(ctx, "drift.tfplan")
	if err != nil {
		return err
	}
	if err := d.check("plan -detailed-exitcode exits 2: drift detected", expectCode(code, 2)); err != nil {
		return err
	}
	err = func() error {
		drift, ok := find(p.ResourceDrift, address(c.Key))
		if !ok {
			return fmt.Errorf("%s is not among the changes made outside %s", address(c.Key), d.cli.Product)
		}
		if got := changedAttributes(drift); !slices.Contains(got, "title") {
			return fmt.Errorf("the drift report changes %v", got)
		}
		for _, other := range p.ResourceDrift {
			if other.Address != address(c.Key) && len(changedAttributes(other)) > 0 {
				// Computed-only refreshes (such as status) are informational; a
				// changed argument of another contact would be false drift.
				if slices.ContainsFunc(changedAttributes(other), isArgument) {
					return fmt.Errorf("%s also drifted: %v", other.Address, describe(other))
				}
			}
		}
		return nil
	}()
	if err := d.check(d.cli.Product+" reports the title change as made outside "+d.cli.Product, err); err != nil {
		return err
	}
	if err := d.check("the plan puts back exactly that attribute: an in-place update of title",
		expectOnlyUpdate(p, address(c.Key), "title")); err != nil {
		return err
	}
	if rc, ok := find(p.ResourceChanges, address(c.Key)); ok {
		for _, line := range describe(rc) {
			d.n.note("  planned: %s", line)
		}
	}
	d.n.say("Applying the saved plan restores the declared title:")
	if err := d.cli.apply(ctx, "drift.tfplan"); err != nil {
		return err
	}
	err = func() error {
		got, err := d.api.GetMessageContact(ctx, id)
		if err != nil {
			return err
		}
		if got.Title != c.Title {
			return fmt.Errorf("title %q", got.Title)
		}
		return nil
	}()
	return d.check(fmt.Sprintf("the API holds title %s again", c.Title), err)
}

// isArgument reports whether a top-level attribute is set by the
// configuration (as opposed to computed by the provider).
func isArgument(attr string) bool {
	switch attr {
	case "name", "email_address", "phone_number", "title", "message_types":
		return true
	}
	return false
}

// stepImport: a contact created outside the CLI is adopted with an import
// block; the plan imports it and changes nothing.
func (d *demo) stepImport(ctx context.Context) error {
	adopted := contactSpec{
		Key:          "ceo",
		Comment:      "The CEO's contact, created in the console before " + d.cli.Product + " managed contacts.",
		Name:         "WangFang",
		Email:        "wang.fang@example.com",
		Title:        "CEO",
		MessageTypes: []string{"ActivityMessage", "ProductMessage"},
	}
	d.n.say(fmt.Sprintf("Before this team used %s, someone created %s's contact in the console. "+
		"The demo creates it with AddMessageContact:", d.cli.Product, adopted.Name))
	added, err := d.api.AddMessageContact(ctx, rdapi.AddMessageContactInput{
		Name:         adopted.Name,
		EmailAddress: adopted.Email,
		Title:        adopted.Title,
		MessageTypes: adopted.MessageTypes,
	})
	if err := d.check("AddMessageContact succeeded", err); err != nil {
		return err
	}
	d.n.note("  contact ID %s", added.ContactID)
	d.n.say("To manage it, declare it and add an import block with its ID (an import block can stay in the " +
		"configuration: once the contact is in the state it does nothing):")
	d.cfg.Contacts = append(d.cfg.Contacts, adopted)
	d.cfg.Imports = append(d.cfg.Imports, importSpec{ContactKey: adopted.Key, ID: added.ContactID})
	if err := d.writeConfig(ctx); err != nil {
		return err
	}
	code, p, err := d.planFile(ctx, "import.tfplan")
	if err != nil {
		return err
	}
	err = func() error {
		if code != 0 && code != 2 {
			return fmt.Errorf("exit code %d", code)
		}
		rc, ok := find(p.ResourceChanges, address(adopted.Key))
		if !ok {
			return fmt.Errorf("%s is not in the plan", address(adopted.Key))
		}
		if rc.Change.Importing == nil || rc.Change.Importing.ID != added.ContactID {
			return fmt.Errorf("%s is not imported from %s", address(adopted.Key), added.ContactID)
		}
		if !rc.Change.Actions.NoOp() {
			return fmt.Errorf("after the import the plan would %s %s: %v", action(rc), address(adopted.Key), describe(rc))
		}
		if others := changesOtherThanNoOp(p); len(others) > 0 {
			return fmt.Errorf("the plan also changes %s (%s)", others[0].Address, action(others[0]))
		}
		return nil
	}()
	if err := d.check("the plan imports "+added.ContactID+" and changes nothing: 1 to import, 0 to add, 0 to change", err); err != nil {
		return err
	}
	if err := d.cli.apply(ctx, "import.tfplan"); err != nil {
		return err
	}
	outs, err := d.outputs(ctx)
	if err != nil {
		return err
	}
	err = func() error {
		o, ok := outs[adopted.Key]
		if !ok || o.ID != added.ContactID {
			return fmt.Errorf("the contacts output has %+v", o)
		}
		if deref(o.PendingEmailAddress) != adopted.Email {
			return fmt.Errorf("pending_email_address %q", deref(o.PendingEmailAddress))
		}
		return nil
	}()
	if err := d.check("the state now tracks "+added.ContactID+", still awaiting its email verification", err); err != nil {
		return err
	}
	return d.expectEmptyPlan(ctx)
}

// stepDestroy: destroy everything; the API holds no contact afterwards.
func (d *demo) stepDestroy(ctx context.Context) error {
	c := d.cfg.contact("finance")
	outs, err := d.outputs(ctx)
	if err != nil {
		return err
	}
	id := outs[c.Key].ID
	folders := emulator.DefaultDirectory().Folders
	dev := folders[slices.IndexFunc(folders, func(f emulator.Folder) bool { return f.Name == "Development" })]
	d.n.say(fmt.Sprintf("Before the teardown, a colleague binds %s to the %s folder in the console (the admin API "+
		"plays it, POST /_emulator/contacts/bind).", c.Name, dev.Name))
	_, err = d.emu.Admin.BindContact(ctx, id, dev.ID)
	if err := d.check(fmt.Sprintf("out-of-band binding of %s to %s", id, dev.ID), err); err != nil {
		return err
	}
	d.n.say(fmt.Sprintf("Destroying unbinds the contacts and deletes them. A contact bound to nothing is deleted at "+
		"once. %s is still bound to %s, and retain_contact_in_members_on_destroy defaults to false, so destroy "+
		"also removes it from that folder's settings: the API does that asynchronously (the emulator takes %s), "+
		"and the provider waits until the contact is gone, warning about the binding it did not manage.",
		c.Name, dev.Name, asyncDelete))
	start := time.Now()
	if err := d.cli.destroy(ctx); err != nil {
		return err
	}
	elapsed := time.Since(start)
	if elapsed < asyncDelete {
		err = fmt.Errorf("destroy returned after %s, before the emulator could finish deleting", elapsed.Round(100*time.Millisecond))
	}
	if err := d.check(fmt.Sprintf("destroy waited for %s's asynchronous deletion (%s)", c.Name, elapsed.Round(100*time.Millisecond)), err); err != nil {
		return err
	}
	err = func() error {
		var left []string
		for c, err := range d.api.ListMessageContacts(ctx, rdapi.ListMessageContactsInput{}) {
			if err != nil {
				return err
			}
			left = append(left, c.ContactID+" ("+c.Name+")")
		}
		if len(left) > 0 {
			return fmt.Errorf("the API still lists %v", left)
		}
		return nil
	}()
	if err := d.check("ListMessageContacts returns no contact", err); err != nil {
		return err
	}
	left, err := d.cli.stateAddresses(ctx)
	if err == nil && len(left) > 0 {
		err = fmt.Errorf("the state still holds %s", strings.Join(left, ", "))
	}
	return d.check("the state is empty", err)
}

// expectCode returns an error unless code is want.
func expectCode(code, want int) error {
	if code != want {
		return fmt.Errorf("exit code %d, expected %d", code, want)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
