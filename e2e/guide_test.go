package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// TestGuide_adoptExistingContacts runs the adoption guide's commands, as
// the generated page shows them, on every CLI: the adoption (plan, apply,
// plan), then "own the values" (the output saved as
// contacts.auto.tfvars.json, the owned configuration in place of the
// adoption's, a plan with no change) and one more command in that folder.
// OpenTofu reads *.auto.tfvars.json even for `output`, so the guide's
// former `output … | jq … > contacts.auto.tfvars.json` broke there (issue
// 21).
func TestGuide_adoptExistingContacts(t *testing.T) {
	clis := harness.CLIs(t)
	root := moduleRoot(t)
	page, err := os.ReadFile(filepath.Join(root, "docs", "guides", "adopt-existing-contacts.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := codeBlocks(string(page), "sh")
	adopt := blockWith(t, blocks, "terraform apply")
	own := blockWith(t, blocks, "terraform output -json contacts")
	check := blockWith(t, blocks, "No changes to resources")
	provider := readRepoFile(t, "examples/provider/provider.tf")
	adoption := readRepoFile(t, "examples/guides/adopt-existing-contacts/main.tf")
	owned := readRepoFile(t, "examples/guides/adopt-existing-contacts/owned/main.tf")
	rc := devOverridesConfig(t)

	for _, cli := range clis {
		t.Run(cli.Name, func(t *testing.T) {
			emu := startEmulator(t, harness.EmulatorConfig{})
			seedContacts(t, emu.URL)
			ws := newWorkspace(t, harness.WorkspaceConfig{CLI: cli, CLIConfig: rc, Endpoint: emu.URL})
			writeFile(t, filepath.Join(ws.Dir, "provider.tf"), provider)
			writeFile(t, filepath.Join(ws.Dir, "main.tf"), adoption)

			out, err := ws.Shell(t.Context(), adopt)
			if err != nil {
				t.Fatalf("the guide's adoption commands failed: %v\n%s", err, out)
			}
			// Three contacts, two of them bound.
			for _, want := range []string{"Plan: 5 to import, 0 to add, 0 to change, 0 to destroy.", "No changes."} {
				if !strings.Contains(out, want) {
					t.Errorf("the adoption does not print %q:\n%s", want, out)
				}
			}

			if out, err := ws.Shell(t.Context(), own); err != nil {
				t.Fatalf("the guide's commands saving the values failed: %v\n%s", err, out)
			}
			vars, err := os.ReadFile(filepath.Join(ws.Dir, "contacts.auto.tfvars.json"))
			if err != nil || !strings.Contains(string(vars), `"contacts"`) || !strings.Contains(string(vars), "FinanceOps") {
				t.Fatalf("contacts.auto.tfvars.json = %q (%v), want the three contacts under \"contacts\"", vars, err)
			}
			writeFile(t, filepath.Join(ws.Dir, "main.tf"), owned)
			out, err = ws.Shell(t.Context(), check)
			if err != nil {
				t.Fatalf("the plan after owning the values failed: %v\n%s", err, out)
			}
			if regexp.MustCompile(`Plan: \d+ to`).MatchString(out) || !strings.Contains(out, "Changes to Outputs") {
				t.Errorf("the plan after owning the values changes resources, or not the output:\n%s", out)
			}
			// The folder still works for every command, output included.
			if out, err := ws.Shell(t.Context(), "terraform output"); err != nil {
				t.Errorf("output in the owned folder failed: %v\n%s", err, out)
			}
		})
	}
}

func readRepoFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(moduleRoot(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// devOverridesConfig writes a CLI configuration that takes the provider
// from the binary the harness built.
func devOverridesConfig(t *testing.T) string {
	t.Helper()
	rc, err := harness.Installation{DevOverrides: map[string]string{harness.ProviderSource: harness.Built(t).ProviderDir}}.
		Write(filepath.Join(t.TempDir(), "cli.tfrc"))
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// seedContacts creates three contacts, as someone did in the console
// before the adoption: one verified and bound to a folder, one awaiting
// verification, one bound to the directory.
func seedContacts(t *testing.T, url string) {
	t.Helper()
	ctx := t.Context()
	c, err := rdapi.New(rdapi.Options{Endpoint: url,
		Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, "")})
	if err != nil {
		t.Fatal(err)
	}
	admin := harness.NewAdmin(url)
	for _, s := range []struct{ name, email, bind string }{
		{"FinanceOps", "finance@example.com", "fd-Prod4Nz7Qa"},
		{"Security", "security@example.com", ""},
		{"Platform", "platform@example.com", "rd-k3Ux9d"},
	} {
		out, err := c.AddMessageContact(ctx, rdapi.AddMessageContactInput{Name: s.name, EmailAddress: s.email,
			Title: "TechnicalDirector", MessageTypes: []string{"ServiceMessage", "FaultMessage"}})
		if err != nil {
			t.Fatal(err)
		}
		if s.bind != "" {
			if _, err := admin.Verify(ctx, out.ContactID, s.email); err != nil {
				t.Fatal(err)
			}
			if err := c.AssociateMembers(ctx, out.ContactID, []string{s.bind}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
