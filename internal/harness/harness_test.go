package harness

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func apiClient(t *testing.T, url string) *rdapi.Client {
	t.Helper()
	c, err := rdapi.New(rdapi.Options{
		Endpoint:    url,
		Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
		MaxRetries:  -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAdmin_coversEveryEndpoint calls every method of Admin against an
// emulator in this process and checks what each did there; together they
// must request every endpoint the emulator serves.
func TestAdmin_coversEveryEndpoint(t *testing.T) {
	var (
		mu        sync.Mutex
		requested []string
	)
	emu, err := StartEmulator(t.Context(), EmulatorConfig{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if name, ok := strings.CutPrefix(r.URL.Path, "/_emulator/"); ok {
				mu.Lock()
				requested = append(requested, r.Method+" "+name)
				mu.Unlock()
			}
			next.ServeHTTP(w, r)
		})
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() }) // in process: it cannot fail
	ctx, api, admin := t.Context(), apiClient(t, emu.URL), emu.Admin
	added, err := api.AddMessageContact(ctx, rdapi.AddMessageContactInput{
		Name: "Ann", EmailAddress: "ann@example.com", Title: "CEO", MessageTypes: []string{"AccountExpenses"},
	})
	if err != nil {
		t.Fatal(err)
	}

	st, err := admin.State(ctx)
	if err != nil || len(st.Contacts) != 1 || st.Contacts[0].PendingEmail != "ann@example.com" || st.Directory.RootID == "" {
		t.Errorf("State = %+v, %v; want the new contact pending ann@example.com, and the directory", st, err)
	}
	c, err := admin.Verify(ctx, "", "ann@example.com")
	if err != nil || c.ID != added.ContactID || c.Email != "ann@example.com" || c.Status != "Active" {
		t.Errorf("Verify = %+v, %v; want %s Active with ann@example.com verified", c, err, added.ContactID)
	}
	var aerr *AdminError
	if _, err := admin.Verify(ctx, added.ContactID, "nobody@example.com"); !errors.As(err, &aerr) || aerr.StatusCode != http.StatusConflict || aerr.Message == "" {
		t.Errorf("Verify of a target not pending: %v, want an AdminError with 409 and the emulator's message", err)
	}

	set, err := admin.Apply(ctx, func(s *emulator.Settings) { s.Latency = 5 * time.Millisecond })
	want := emulator.DefaultSettings()
	want.Latency = 5 * time.Millisecond
	if err != nil || set != want {
		t.Errorf("Apply = %+v, %v; want the defaults with latency 5ms", set, err)
	}
	if got, err := admin.Settings(ctx); err != nil || got != want || emu.Server.Settings() != want {
		t.Errorf("Settings = %+v, %v (the emulator's: %+v); want %+v", got, err, emu.Server.Settings(), want)
	}

	if err := admin.FailNext(ctx, "GetMessageContact", "ServiceUnavailable", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := api.GetMessageContact(ctx, added.ContactID); !strings.Contains(fmtErr(err), "ServiceUnavailable") {
		t.Errorf("after FailNext the Get returned %v, want ServiceUnavailable", err)
	}
	if err := admin.DropNext(ctx, "GetMessageContact", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := api.GetMessageContact(ctx, added.ContactID); err == nil {
		t.Error("after DropNext the Get succeeded, want a dropped connection")
	}
	reasons := []emulator.FailReason{{AccountID: "1500000000000002", MessageTypes: []string{"AccountExpenses"}}}
	if err := admin.FailNextDeletion(ctx, reasons); err != nil {
		t.Fatal(err)
	}
	if err := admin.FailNext(ctx, "", "", 0); !errors.As(err, &aerr) || aerr.StatusCode != http.StatusBadRequest {
		t.Errorf("a fault without action: %v, want an AdminError with 400", err)
	}

	root := emu.Server.Directory().RootFolderID
	d, err := admin.AddAccount(ctx, emulator.Account{ID: "1500000000000009", Name: "new-app", FolderID: "fd-Dev2Lm5Wx"})
	if err != nil || !slices.ContainsFunc(d.Accounts, func(a emulator.Account) bool { return a.ID == "1500000000000009" && a.FolderID == "fd-Dev2Lm5Wx" }) {
		t.Errorf("AddAccount = %+v, %v; want the directory with the new account in Development", d, err)
	}
	if _, err := admin.AddAccount(ctx, emulator.Account{ID: "1500000000000009", Name: "again", FolderID: root}); !errors.As(err, &aerr) || aerr.StatusCode != http.StatusConflict {
		t.Errorf("adding the account again: %v, want an AdminError with 409", err)
	}
	d, err = admin.MoveAccount(ctx, "1500000000000009", root)
	if err != nil || !slices.ContainsFunc(d.Accounts, func(a emulator.Account) bool { return a.ID == "1500000000000009" && a.FolderID == root }) {
		t.Errorf("MoveAccount = %+v, %v; want the account under the root folder %s", d, err, root)
	}
	d, err = admin.RemoveAccount(ctx, "1500000000000009")
	if err != nil || slices.ContainsFunc(d.Accounts, func(a emulator.Account) bool { return a.ID == "1500000000000009" }) {
		t.Errorf("RemoveAccount = %+v, %v; want the directory without the account", d, err)
	}

	c, err = admin.UpdateContact(ctx, emulator.AdminContactChange{Contact: "Ann", Title: "Other", MessageTypes: []string{"FaultMessage"}})
	if err != nil || c.Title != "Other" || !slices.Equal(c.MessageTypes, []string{"FaultMessage"}) {
		t.Errorf("UpdateContact = %+v, %v; want Ann with title Other and FaultMessage", c, err)
	}
	if c, err = admin.BindContact(ctx, added.ContactID, "fd-Dev2Lm5Wx", "rd-k3Ux9d"); err != nil || len(c.Members) != 2 {
		t.Errorf("BindContact = %+v, %v; want two members", c, err)
	}
	if c, err = admin.UnbindContact(ctx, "Ann", "rd-k3Ux9d"); err != nil || !slices.Equal(c.Members, []string{"fd-Dev2Lm5Wx"}) {
		t.Errorf("UnbindContact = %+v, %v; want Development only", c, err)
	}
	if err := admin.ResetSends(ctx); err != nil {
		t.Error(err)
	}
	if err := admin.DeleteContact(ctx, "Ann"); err != nil || emu.Server.Len() != 0 {
		t.Errorf("DeleteContact: %v, %d contacts left", err, emu.Server.Len())
	}
	if err := admin.DeleteContact(ctx, "Ann"); !errors.As(err, &aerr) || aerr.StatusCode != http.StatusNotFound {
		t.Errorf("deleting Ann again: %v, want an AdminError with 404", err)
	}

	stats, err := admin.Stats(ctx)
	if err != nil || stats.Calls["AddMessageContact"] != 1 || stats.Calls["GetMessageContact"] != 2 {
		t.Errorf("Stats = %+v, %v; want 1 Add and 2 Gets", stats, err)
	}
	if err := admin.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if n := emu.Server.Len(); n != 0 {
		t.Errorf("after Reset %d contacts exist", n)
	}

	mu.Lock()
	defer mu.Unlock()
	slices.Sort(requested)
	if diff := cmp.Diff(emulator.AdminEndpoints(), slices.Compact(requested)); diff != "" {
		t.Errorf("the admin client does not cover the emulator's admin endpoints (-served +requested); "+
			"give each new endpoint a method of Admin and a call here:\n%s", diff)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestSettingsFlags(t *testing.T) {
	flags, err := SettingsFlags(func(s *emulator.Settings) {
		s.Latency = 20 * time.Millisecond
		s.LockScope = emulator.LockPerContact
		s.DailySendLimit = 0
		s.ServerErrorRate = 0.25
	})
	want := []string{"-daily-send-limit=0", "-latency=20ms", "-lock-scope=contact", "-server-error-rate=0.25"}
	if err != nil || !slices.Equal(flags, want) {
		t.Errorf("SettingsFlags = %q, %v; want %q", flags, err, want)
	}
	if _, err := SettingsFlags(func(s *emulator.Settings) { s.Latency = -time.Second }); err == nil || !strings.Contains(err.Error(), "latency") {
		t.Errorf("SettingsFlags of a negative latency: %v, want an error naming latency", err)
	}
}

// TestStartEmulator_process runs rdemulator with settings and reads them
// back through the admin API: the flags SettingsFlags derives are the
// ones the command takes.
func TestStartEmulator_process(t *testing.T) {
	bins := Built(t)
	change := func(s *emulator.Settings) {
		s.Latency = 20 * time.Millisecond
		s.LockScope = emulator.LockPerContact
		s.ReadMode = emulator.ReadVerified
		s.AsyncDelete = 2 * time.Second
	}
	var log bytes.Buffer
	emu, err := StartEmulator(t.Context(), EmulatorConfig{Binary: bins.Emulator, Settings: change, Args: []string{"-seed", "7"}, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() }) // if the test ends before it closes the emulator itself
	want := emulator.DefaultSettings()
	change(&want)
	if got, err := emu.Admin.Settings(t.Context()); err != nil || got != want {
		t.Errorf("the process's settings are %+v (%v), want %+v", got, err, want)
	}
	if emu.Server != nil {
		t.Error("a process has a Server")
	}
	if err := emu.Close(); err != nil {
		t.Errorf("Close: %v\n%s", err, log.String())
	}
	if _, err := emu.Admin.Stats(t.Context()); err == nil {
		t.Error("the emulator still answers after Close")
	}
}

func TestStartEmulator_rejectsMixedConfig(t *testing.T) {
	for name, cfg := range map[string]EmulatorConfig{
		"args in process":    {Args: []string{"-seed", "2"}},
		"options to process": {Binary: "/bin/true", Options: []emulator.Option{emulator.WithSeed(2)}},
		"bad settings":       {Binary: "/bin/true", Settings: func(s *emulator.Settings) { s.ServerErrorRate = 2 }},
	} {
		if emu, err := StartEmulator(t.Context(), cfg); err == nil {
			_ = emu.Close()
			t.Errorf("%s: StartEmulator succeeded", name)
		}
	}
}

func TestInstallation_CLIConfig(t *testing.T) {
	got := Installation{
		DevOverrides: map[string]string{ProviderSource: "/bin/dir"},
		Mirror:       "/mirror",
		Hosts:        map[string]string{"registry.terraform.io": "http://127.0.0.1:1/v1/providers/"},
	}.CLIConfig()
	for _, want := range []string{
		`"registry.terraform.io/rdcontact/resourcedirectory" = "/bin/dir"`,
		`"registry.opentofu.org/rdcontact/resourcedirectory" = "/bin/dir"`,
		"filesystem_mirror {\n    path = \"/mirror\"\n  }",
		"  direct {}\n}\n",
		"host \"registry.terraform.io\" {\n  services = {\n    \"providers.v1\" = \"http://127.0.0.1:1/v1/providers/\"\n  }\n}",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the CLI configuration lacks %q:\n%s", want, got)
		}
	}
	if offline := (Installation{Mirror: "/m"}).CLIConfig(); strings.Contains(offline, "direct") {
		t.Errorf("a configuration without stand-in hosts may download:\n%s", offline)
	}
}

func TestNewCLI(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ path, name, product, command string }{
		{"tofu-d7fa1bcd8b01/tofu", "opentofu", "OpenTofu", "tofu"},
		{"bin/terraform", "terraform", "Terraform", "terraform"},
		{"terraform-1.5.7/terraform", "terraform", "Terraform", "terraform"},
		{"terraform-1.15.9", "terraform", "Terraform", "terraform"},
	} {
		p := filepath.Join(dir, tc.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o755); err != nil {
			t.Fatal(err)
		}
		c, err := NewCLI(p)
		if err != nil || c.Name != tc.name || c.Product != tc.product || c.Command != tc.command || c.Path != p {
			t.Errorf("NewCLI(%s) = %+v, %v; want %s (%s, %s)", tc.path, c, err, tc.name, tc.product, tc.command)
		}
	}
	if _, err := NewCLI(filepath.Join(dir, "missing")); err == nil {
		t.Error("NewCLI of a missing file succeeded")
	}
}

func TestIsPackagePath(t *testing.T) {
	for line, want := range map[string]bool{
		"github.com/hashicorp/terraform-plugin-go/tfprotov6": true,
		"command-line-arguments":                             true,
		"# github.com/x/y":                                   false,
		"./main.go:3:2: undefined: x":                        false,
		"":                                                   false,
	} {
		if got := isPackagePath(line); got != want {
			t.Errorf("isPackagePath(%q) = %v, want %v", line, got, want)
		}
	}
}

// TestWorkspace runs the provider end to end on every CLI: from a
// filesystem mirror (init, apply, an empty plan, destroy) and through
// dev_overrides (a plan without init).
func TestWorkspace(t *testing.T) {
	clis := CLIs(t)
	bins := Built(t)
	mirror := t.TempDir()
	if _, err := AddToMirror(mirror, ProviderSource, "0.1.0", bins.Provider); err != nil {
		t.Fatal(err)
	}
	const contact = `
terraform {
  required_providers {
    resourcedirectory = {
      source  = "rdcontact/resourcedirectory"
    }
  }
}

resource "resourcedirectory_message_contact" "ops" {
  name          = "Ops"
  email_address = "ops@example.com"
  title         = "TechnicalDirector"
  message_types = ["FaultMessage"]
}
`
	for _, cli := range clis {
		t.Run(cli.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			emu, err := StartEmulator(ctx, EmulatorConfig{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = emu.Close() })
			// contactWorkspace is a workspace holding the contact, installing
			// the provider as inst says.
			contactWorkspace := func(inst Installation) *Workspace {
				rc, err := inst.Write(filepath.Join(t.TempDir(), "cli.tfrc"))
				if err != nil {
					t.Fatal(err)
				}
				ws, err := NewWorkspace(WorkspaceConfig{CLI: cli, Dir: t.TempDir(), CLIConfig: rc, Endpoint: emu.URL})
				if err != nil {
					t.Fatal(err)
				}
				if err := ws.WriteFile("main.tf", contact); err != nil {
					t.Fatal(err)
				}
				return ws
			}
			ws := contactWorkspace(Installation{Mirror: mirror})
			var out bytes.Buffer
			if err := ws.Do(&out, func(tf *tfexec.Terraform) error { return tf.Init(ctx) }); err != nil {
				t.Fatalf("init: %v\n%s", err, out.String())
			}
			out.Reset()
			if err := ws.Do(&out, func(tf *tfexec.Terraform) error { return tf.Apply(ctx) }); err != nil {
				t.Fatalf("apply: %v\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), "Apply complete! Resources: 1 added") {
				t.Errorf("Do did not capture the apply's output:\n%s", out.String())
			}
			rs, err := ws.Resources(ctx)
			if err != nil || len(rs) != 1 || rs[0].Address != "resourcedirectory_message_contact.ops" {
				t.Fatalf("Resources = %v, %v; want the contact", rs, err)
			}
			if id := rs[0].AttributeValues["id"]; emu.Server.Len() != 1 || id == nil {
				t.Errorf("the emulator holds %d contacts, the state's id is %v", emu.Server.Len(), id)
			}
			if changes, err := ws.TF.Plan(ctx); err != nil || changes {
				t.Errorf("the plan after apply has changes (%v, %v), want none", changes, err)
			}
			if err := ws.TF.Destroy(ctx); err != nil {
				t.Fatal(err)
			}
			if n := emu.Server.Len(); n != 0 {
				t.Errorf("after destroy %d contacts exist", n)
			}

			// dev_overrides: a plan without init, in a fresh directory.
			dev := contactWorkspace(Installation{DevOverrides: map[string]string{ProviderSource: bins.ProviderDir}})
			out.Reset()
			changes, err := func() (changes bool, err error) {
				err = dev.Do(&out, func(tf *tfexec.Terraform) error { changes, err = tf.Plan(ctx); return err })
				return changes, err
			}()
			if err != nil || !changes || !strings.Contains(out.String(), "Provider development overrides are in effect") {
				t.Errorf("plan with dev_overrides: changes %v, %v; want changes under the overrides:\n%s", changes, err, out.String())
			}
		})
	}
}
