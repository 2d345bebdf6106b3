package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/incumbent"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// The switch from the alicloud provider: a state that
// alicloud_resource_manager_message_contact wrote, moved to
// resourcedirectory_message_contact with moved blocks, on every CLI that can
// (docs/guides/migrate-from-alicloud.md). The alicloud provider is a
// stand-in (internal/incumbent) in a filesystem mirror: init installs it
// because the state names it, and it serves the incumbent's recorded schema
// and nothing else. The contacts are created through the API and the state
// is written for them in exactly the shape the incumbent writes.

// incumbentVersion is the version the stand-in is mirrored as.
const incumbentVersion = "1.259.0"

// migrationCLIs are the CLIs of harness.CLIs plus the Terraform of
// TERRAFORM_LATEST (make test sets it to shared/tools' Terraform 1.15.9 when
// it exists), each gated on the first version that moves state across
// resource types: Terraform 1.8, OpenTofu 1.10.
func migrationCLIs(t *testing.T) []harness.CLI {
	t.Helper()
	clis := harness.CLIs(t)
	if p := os.Getenv("TERRAFORM_LATEST"); p != "" {
		c, err := harness.NewCLI(p)
		if err != nil {
			t.Fatalf("TERRAFORM_LATEST: %v", err)
		}
		if !slices.ContainsFunc(clis, func(o harness.CLI) bool { return o.Path == c.Path }) {
			clis = append(clis, c)
		}
	} else {
		t.Log("TERRAFORM_LATEST is not set (make test sets it to ../shared/tools/terraform-1.15.9 when that exists): " +
			"the migration runs on the CLIs of TF_ACC_TERRAFORM_PATH and TERRAFORM only")
	}
	return clis
}

// skipBelowMoves skips a CLI that cannot move state across resource types,
// and returns its version for subtest names.
func skipBelowMoves(t *testing.T, ws *harness.Workspace) string {
	t.Helper()
	v, _, err := ws.TF.Version(t.Context(), true)
	if err != nil {
		t.Fatal(err)
	}
	first := [2]int{1, 8}
	if ws.CLI.Product == "OpenTofu" {
		first = [2]int{1, 10}
	}
	if seg := v.Segments(); seg[0] < first[0] || seg[0] == first[0] && seg[1] < first[1] {
		t.Skipf("%s %s cannot move state from one resource type to another (moved blocks across types need "+
			"Terraform 1.8+ or OpenTofu 1.10+); the guide's import path applies", ws.CLI.Product, v)
	}
	return v.String()
}

// migrationMirror is a filesystem mirror holding this provider and the
// stand-in alicloud provider, built once per test binary.
func migrationMirror(t *testing.T) string {
	t.Helper()
	mirror := filepath.Join(harness.RunDir(t), "migration-mirror")
	standIn := filepath.Join(harness.RunDir(t), "terraform-provider-alicloud")
	migration.once.Do(func() {
		cmd := exec.Command("go", "build", "-trimpath", "-o", standIn, "./internal/incumbent/cmd/terraform-provider-alicloud")
		cmd.Dir = moduleRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			migration.err = fmt.Errorf("building the stand-in alicloud provider: %v\n%s", err, out)
			return
		}
		if _, err := harness.AddToMirror(mirror, incumbent.ProviderSource, incumbentVersion, standIn); err != nil {
			migration.err = err
			return
		}
		_, migration.err = harness.AddToMirror(mirror, harness.ProviderSource, installVersion, harness.Built(t).Provider)
	})
	if migration.err != nil {
		t.Fatal(migration.err)
	}
	return mirror
}

var migration struct {
	once sync.Once
	err  error
}

// contactAPI is a client of the emulator at url.
func contactAPI(t *testing.T, url string) *rdapi.Client {
	t.Helper()
	c, err := rdapi.New(rdapi.Options{
		Endpoint:    url,
		Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// create adds a contact through the API, as the incumbent did, and returns
// what the incumbent's state records of it.
func create(t *testing.T, api *rdapi.Client, name, email, phone, title string, types ...string) incumbent.Contact {
	t.Helper()
	out, err := api.AddMessageContact(t.Context(), rdapi.AddMessageContactInput{
		Name: name, EmailAddress: email, PhoneNumber: phone, Title: title, MessageTypes: types,
	})
	if err != nil {
		t.Fatalf("adding %s: %v", name, err)
	}
	return incumbent.Contact{ID: out.ContactID, Name: name, EmailAddress: email, PhoneNumber: phone, Title: title,
		MessageTypes: types, Status: "Verifying", CreateTime: out.CreateDate}
}

const (
	// requiredProviders is the configuration's terraform block during the
	// switch, with the alicloud provider that the state still names.
	requiredProviders = `terraform {
  required_providers {
    alicloud = {
      source = "aliyun/alicloud"
    }
    resourcedirectory = {
      source = "rdcontact/resourcedirectory"
    }
  }
}

provider "alicloud" {
  region                 = "cn-hangzhou"
  protocol               = "HTTP"
  skip_region_validation = true
}
`
	// requiredProvidersAfter is the terraform block once the switch is
	// applied: the alicloud provider is gone.
	requiredProvidersAfter = `terraform {
  required_providers {
    resourcedirectory = {
      source = "rdcontact/resourcedirectory"
    }
  }
}
`
	// switchedResources are reference/main.tf's contacts (plus a count of
	// two moved as a whole) with the resource type changed and moved
	// blocks: a single resource, count instances moved one by one to
	// for_each keys, and a whole count resource. The audit contacts list
	// their message types in another order than the incumbent's state.
	switchedResources = `
resource "resourcedirectory_message_contact" "finance" {
  name          = "finance"
  email_address = "finance@example.com"
  phone_number  = "86-13800138000"
  title         = "%s"
  message_types = ["AccountExpenses", "ServiceMessage"]
}

moved {
  from = alicloud_resource_manager_message_contact.finance
  to   = resourcedirectory_message_contact.finance
}

resource "resourcedirectory_message_contact" "team" {
  for_each      = { opsteam = 0, secteam = 1 }
  name          = each.key
  email_address = "team${each.value}@example.com"
  title         = "MaintenanceDirector"
  message_types = ["FaultMessage"]
}

moved {
  from = alicloud_resource_manager_message_contact.team[0]
  to   = resourcedirectory_message_contact.team["opsteam"]
}

moved {
  from = alicloud_resource_manager_message_contact.team[1]
  to   = resourcedirectory_message_contact.team["secteam"]
}

resource "resourcedirectory_message_contact" "audit" {
  count         = 2
  name          = ["auditors", "reviewers"][count.index]
  email_address = "audit${count.index}@example.com"
  title         = "CEO"
  message_types = ["ServiceMessage", "SecurityMessage"]
}

moved {
  from = alicloud_resource_manager_message_contact.audit
  to   = resourcedirectory_message_contact.audit
}
`
)

// movedAddresses are the moves the plan must show, from -> to.
var movedAddresses = map[string]string{
	"alicloud_resource_manager_message_contact.finance":  "resourcedirectory_message_contact.finance",
	"alicloud_resource_manager_message_contact.team[0]":  `resourcedirectory_message_contact.team["opsteam"]`,
	"alicloud_resource_manager_message_contact.team[1]":  `resourcedirectory_message_contact.team["secteam"]`,
	"alicloud_resource_manager_message_contact.audit[0]": "resourcedirectory_message_contact.audit[0]",
	"alicloud_resource_manager_message_contact.audit[1]": "resourcedirectory_message_contact.audit[1]",
}

// TestMigrateFromAlicloud plays the guide's switch on each CLI: init
// installs both providers, the plan shows every move and no change, the
// apply moves the state without an API write, the next plan is empty, the
// alicloud provider leaves the configuration, drift made outside Terraform
// is caught, and destroy stops the member messages as this provider does.
func TestMigrateFromAlicloud(t *testing.T) {
	clis := migrationCLIs(t)
	rc, err := harness.Installation{Mirror: migrationMirror(t)}.Write(filepath.Join(t.TempDir(), "cli.tfrc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, cli := range clis {
		t.Run(cli.Name+"-"+filepath.Base(cli.Path), func(t *testing.T) {
			deletions := &deleteRecorder{}
			emu := startEmulator(t, harness.EmulatorConfig{Wrap: deletions.wrap})
			ws := newWorkspace(t, harness.WorkspaceConfig{CLI: cli, CLIConfig: rc, Endpoint: emu.URL})
			t.Logf("%s %s", cli.Product, skipBelowMoves(t, ws))
			api := contactAPI(t, emu.URL)

			finance := create(t, api, "finance", "finance@example.com", "86-13800138000", "TechnicalDirector",
				"AccountExpenses", "ServiceMessage")
			team := []incumbent.Contact{
				create(t, api, "opsteam", "team0@example.com", "", "MaintenanceDirector", "FaultMessage"),
				create(t, api, "secteam", "team1@example.com", "", "MaintenanceDirector", "FaultMessage"),
			}
			audit := []incumbent.Contact{
				create(t, api, "auditors", "audit0@example.com", "", "CEO", "SecurityMessage", "ServiceMessage"),
				create(t, api, "reviewers", "audit1@example.com", "", "CEO", "SecurityMessage", "ServiceMessage"),
			}
			writeIncumbentState := func(finance incumbent.Contact) {
				st, err := incumbent.WriteState("0b6b2f0e-1f0c-4c1e-9a57-1d2f3e4a5b6c",
					incumbent.Resource{Name: "finance", Contacts: []incumbent.Contact{finance}},
					incumbent.Resource{Name: "team", Keys: []any{0, 1}, Contacts: team},
					incumbent.Resource{Name: "audit", Keys: []any{0, 1}, Contacts: audit},
				)
				if err != nil {
					t.Fatal(err)
				}
				if err := ws.WriteFile("terraform.tfstate", string(st)); err != nil {
					t.Fatal(err)
				}
			}
			do := func(what string, f func(ctx context.Context, tf *tfexec.Terraform) error) string {
				t.Helper()
				out, err := run(t, ws, f)
				if err != nil {
					t.Fatalf("%s: %v\n%s", what, err, out)
				}
				return out
			}

			// A title the incumbent never checked moves as it is, and the
			// plan rejects it as the validator does, naming the argument.
			invalid := finance
			invalid.Title = "Boss"
			writeIncumbentState(invalid)
			if err := ws.WriteFile("main.tf", requiredProviders+fmt.Sprintf(switchedResources, "Boss")); err != nil {
				t.Fatal(err)
			}
			initOut := do("init", func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Init(ctx) })
			for _, p := range []string{incumbent.ProviderSource, harness.ProviderSource} {
				if !strings.Contains(initOut, "Installed "+p) {
					t.Errorf("init did not install %s from the mirror:\n%s", p, initOut)
				}
			}
			out, err := run(t, ws, func(ctx context.Context, tf *tfexec.Terraform) error {
				_, err := tf.Plan(ctx)
				return err
			})
			if err == nil || !regexp.MustCompile(`(?s)Error: [^\n]*Title.*\n.*title\s+= "Boss"`).MatchString(out) {
				t.Errorf("the plan of an invalid moved title did not fail with the title validator's error (%v):\n%s", err, out)
			}

			// The switch itself.
			writeIncumbentState(finance)
			if err := ws.WriteFile("main.tf", requiredProviders+fmt.Sprintf(switchedResources, "TechnicalDirector")); err != nil {
				t.Fatal(err)
			}
			emu.Server.ResetStats()
			out = do("plan", func(ctx context.Context, tf *tfexec.Terraform) error {
				_, err := tf.Plan(ctx, tfexec.Out("switch.tfplan"))
				return err
			})
			for from, to := range movedAddresses {
				if !strings.Contains(out, "# "+from+" has moved to "+to) {
					t.Errorf("the plan does not show %s has moved to %s", from, to)
				}
			}
			if !strings.Contains(out, "Plan: 0 to add, 0 to change, 0 to destroy.") {
				t.Errorf("the plan after the switch is not 0 to add, 0 to change, 0 to destroy:\n%s", out)
			}
			plan, err := ws.TF.ShowPlanFile(t.Context(), "switch.tfplan")
			if err != nil {
				t.Fatal(err)
			}
			moves := map[string]string{}
			for _, rc := range plan.ResourceChanges {
				if !rc.Change.Actions.NoOp() {
					t.Errorf("the plan would %v %s", rc.Change.Actions, rc.Address)
				}
				moves[rc.PreviousAddress] = rc.Address
			}
			if !maps.Equal(moves, movedAddresses) {
				t.Errorf("planned moves %v, want %v", moves, movedAddresses)
			}
			do("apply", func(ctx context.Context, tf *tfexec.Terraform) error {
				return tf.Apply(ctx, tfexec.DirOrPlan("switch.tfplan"))
			})
			st := emu.Server.Stats()
			if w := st.Writes(); len(w) != 0 {
				t.Errorf("the switch (plan and apply) wrote to the API: %v", w)
			}
			t.Logf("API calls of the switch's plan and apply: %v", st.Calls)

			state, err := ws.TF.Show(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			checkMovedState(t, state, finance, team, audit)
			noChanges := func(when string) {
				t.Helper()
				out, err := run(t, ws, func(ctx context.Context, tf *tfexec.Terraform) error {
					changes, err := tf.Plan(ctx)
					if err == nil && changes {
						err = fmt.Errorf("the plan has changes")
					}
					return err
				})
				if err != nil {
					t.Fatalf("%s: %v\n%s", when, err, out)
				}
			}
			noChanges("the plan after the switch")

			// Once no state names it, the alicloud provider leaves the
			// configuration, and the moved blocks may stay as a record.
			if err := ws.WriteFile("main.tf", requiredProvidersAfter+fmt.Sprintf(switchedResources, "TechnicalDirector")); err != nil {
				t.Fatal(err)
			}
			do("init without alicloud", func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Init(ctx) })
			noChanges("the plan without the alicloud provider")

			// Drift made outside Terraform is caught.
			ceo := "CEO"
			if err := api.UpdateMessageContact(t.Context(), rdapi.UpdateMessageContactInput{ContactID: finance.ID, Title: &ceo}); err != nil {
				t.Fatal(err)
			}
			drift := do("the plan after a change outside Terraform", func(ctx context.Context, tf *tfexec.Terraform) error {
				changes, err := tf.Plan(ctx, tfexec.Out("drift.tfplan"))
				if err == nil && !changes {
					err = fmt.Errorf("the plan has no changes")
				}
				return err
			})
			dp, err := ws.TF.ShowPlanFile(t.Context(), "drift.tfplan")
			if err != nil {
				t.Fatal(err)
			}
			for _, rc := range dp.ResourceChanges {
				want := rc.Address == "resourcedirectory_message_contact.finance"
				if got := rc.Change.Actions.Update(); got != want {
					t.Errorf("%s: actions %v after finance's title changed outside Terraform:\n%s", rc.Address, rc.Change.Actions, drift)
				}
			}

			// Destroy follows this provider's rules: it removes each contact
			// from the settings of the members it is bound to
			// (RetainContactInMembers=false), so it stops receiving their
			// messages, where the incumbent sends no such parameter and the
			// API keeps the contact there. The alicloud provider manages no
			// bindings: these were made in the console. A contact bound to
			// nothing has no settings to leave and is deleted at once (true).
			dir := emulator.DefaultDirectory()
			bound := map[string][]string{finance.ID: {dir.RootID}, team[0].ID: {dir.Folders[0].ID, dir.RootID}, audit[1].ID: {dir.Folders[0].ID}}
			for id, members := range bound {
				if err := api.AssociateMembers(t.Context(), id, members); err != nil {
					t.Fatal(err)
				}
			}
			do("destroy", func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Destroy(ctx) })
			want := map[string]string{}
			for _, c := range append(append([]incumbent.Contact{finance}, team...), audit...) {
				want[c.ID] = "true"
				if bound[c.ID] != nil {
					want[c.ID] = "false"
				}
			}
			if got := deletions.retain(); !maps.Equal(got, want) {
				t.Errorf("destroy sent RetainContactInMembers %v by contact, want %v (false for the 3 bound in the console)", got, want)
			}
			if n := emu.Server.Len(); n != 0 {
				t.Errorf("the emulator holds %d contacts after destroy", n)
			}
		})
	}
}

// deleteRecorder records the RetainContactInMembers parameter of the
// DeleteMessageContact requests that reach the emulator, by contact (the
// last request for each).
type deleteRecorder struct {
	mu   sync.Mutex
	sent map[string]string
}

func (d *deleteRecorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		params := r.URL.Query()
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range form {
				params[k] = append(params[k], v...)
			}
		}
		if r.Header.Get("x-acs-action") == "DeleteMessageContact" || params.Get("Action") == "DeleteMessageContact" {
			d.mu.Lock()
			if d.sent == nil {
				d.sent = map[string]string{}
			}
			d.sent[params.Get("ContactId")] = params.Get("RetainContactInMembers")
			d.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

func (d *deleteRecorder) retain() map[string]string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return maps.Clone(d.sent)
}

// checkMovedState: the state holds the five contacts under their new
// addresses, as the refresh after the move left them: the incumbent's
// values under this provider's names, this provider's defaults, and the
// verification state only the API knows.
func checkMovedState(t *testing.T, state *tfjson.State, finance incumbent.Contact, team, audit []incumbent.Contact) {
	t.Helper()
	want := map[string]incumbent.Contact{
		"resourcedirectory_message_contact.finance":         finance,
		`resourcedirectory_message_contact.team["opsteam"]`: team[0],
		`resourcedirectory_message_contact.team["secteam"]`: team[1],
		"resourcedirectory_message_contact.audit[0]":        audit[0],
		"resourcedirectory_message_contact.audit[1]":        audit[1],
	}
	if state.Values == nil {
		t.Fatal("the state is empty")
	}
	got := map[string]bool{}
	for _, r := range state.Values.RootModule.Resources {
		got[r.Address] = true
		c, ok := want[r.Address]
		if !ok {
			t.Errorf("unexpected resource %s in the state", r.Address)
			continue
		}
		v := r.AttributeValues
		var phone any
		if c.PhoneNumber != "" {
			phone = c.PhoneNumber
		}
		var types []any
		for _, m := range slices.Sorted(slices.Values(c.MessageTypes)) {
			types = append(types, m)
		}
		for attr, w := range map[string]any{
			"id": c.ID, "name": c.Name, "email_address": c.EmailAddress, "phone_number": phone, "title": c.Title,
			"create_date": c.CreateTime, "status": "Verifying", "pending_email_address": c.EmailAddress,
			"pending_phone_number": phone, "send_verification": true, "retain_contact_in_members_on_destroy": false,
		} {
			if fmt.Sprint(v[attr]) != fmt.Sprint(w) {
				t.Errorf("%s: %s = %v, want %v", r.Address, attr, v[attr], w)
			}
		}
		if fmt.Sprint(v["message_types"]) != fmt.Sprint(types) {
			t.Errorf("%s: message_types = %v, want %v", r.Address, v["message_types"], types)
		}
	}
	for addr := range want {
		if !got[addr] {
			t.Errorf("%s is not in the state", addr)
		}
	}
}

// TestMigrateFromAlicloud_apiCalls counts what moving 200 contacts costs
// the API, on the first CLI that can move: the plan and the apply of the
// switch make no write and no more reads than the plan that refreshes the
// same 200 contacts afterwards.
func TestMigrateFromAlicloud_apiCalls(t *testing.T) {
	const n = 200
	clis := migrationCLIs(t)
	rc, err := harness.Installation{Mirror: migrationMirror(t)}.Write(filepath.Join(t.TempDir(), "cli.tfrc"))
	if err != nil {
		t.Fatal(err)
	}
	// Creating the contacts is not what is measured: no rate limit.
	emu := startEmulator(t, harness.EmulatorConfig{Settings: func(s *emulator.Settings) { s.RateLimit = 0 }})
	ws := newWorkspace(t, harness.WorkspaceConfig{CLI: clis[0], CLIConfig: rc, Endpoint: emu.URL})
	t.Logf("%s %s", ws.CLI.Product, skipBelowMoves(t, ws))
	api := contactAPI(t, emu.URL)

	var (
		contacts []incumbent.Contact
		keys     []any
		names    []string
	)
	for i := range n {
		name := fmt.Sprintf("c%c%c", 'a'+i/26, 'a'+i%26)
		contacts = append(contacts, create(t, api, name, fmt.Sprintf("c%03d@example.com", i), "", "CEO", "FaultMessage"))
		keys = append(keys, i)
		names = append(names, fmt.Sprintf("%q", name))
	}
	st, err := incumbent.WriteState("6f1c1f5e-3c1b-4f7e-8d8a-2b4c6d8e0f12", incumbent.Resource{Name: "c", Keys: keys, Contacts: contacts})
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.WriteFile("terraform.tfstate", string(st)); err != nil {
		t.Fatal(err)
	}
	config := requiredProviders + fmt.Sprintf(`
locals {
  names = [%s]
}

resource "resourcedirectory_message_contact" "c" {
  count         = %d
  name          = local.names[count.index]
  email_address = format("c%%03d@example.com", count.index)
  title         = "CEO"
  message_types = ["FaultMessage"]
}

moved {
  from = alicloud_resource_manager_message_contact.c
  to   = resourcedirectory_message_contact.c
}
`, strings.Join(names, ", "), n)
	if err := ws.WriteFile("main.tf", config); err != nil {
		t.Fatal(err)
	}
	step := func(what string, f func(ctx context.Context, tf *tfexec.Terraform) error) {
		t.Helper()
		if out, err := run(t, ws, f); err != nil {
			t.Fatalf("%s: %v\n%s", what, err, out)
		}
	}
	step("init", func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Init(ctx) })

	emu.Server.ResetStats()
	step("the switch's plan", func(ctx context.Context, tf *tfexec.Terraform) error {
		_, err := tf.Plan(ctx, tfexec.Out("switch.tfplan"))
		return err
	})
	step("the switch's apply", func(ctx context.Context, tf *tfexec.Terraform) error {
		return tf.Apply(ctx, tfexec.DirOrPlan("switch.tfplan"))
	})
	moved := emu.Server.Stats()

	emu.Server.ResetStats()
	step("the refresh of the moved contacts", func(ctx context.Context, tf *tfexec.Terraform) error {
		changes, err := tf.Plan(ctx)
		if err == nil && changes {
			err = fmt.Errorf("the plan after the switch has changes")
		}
		return err
	})
	refresh := emu.Server.Stats()

	t.Logf("moving %d contacts (plan and apply): %v; refreshing them: %v", n, moved.Calls, refresh.Calls)
	if w := moved.Writes(); len(w) != 0 {
		t.Errorf("moving %d contacts wrote to the API: %v", n, w)
	}
	if moved.Reads() > refresh.Reads() {
		t.Errorf("moving %d contacts read %d times, a refresh of them %d times", n, moved.Reads(), refresh.Reads())
	}
	if moved.Reads() == 0 {
		t.Errorf("the switch's plan did not refresh the moved contacts")
	}
}
