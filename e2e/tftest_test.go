package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// tftestModule is the module whose tests/*.tftest.hcl the README shows to
// module authors.
const tftestModule = "examples/modules/contacts"

// TestTFTest_contactsModule runs `tofu test` (and `terraform test` when a
// Terraform binary exists) on examples/modules/contacts as a module author
// would: the provider installed with `make install` and the README's CLI
// configuration, the emulator started with `rdemulator -listen
// 127.0.0.1:0`, and the provider pointed at it through the environment.
func TestTFTest_contactsModule(t *testing.T) {
	clis := harness.CLIs(t)
	rc := mirrorCLIConfig(t)
	bin := harness.Built(t).Emulator

	for _, cli := range clis {
		t.Run(cli.Name, func(t *testing.T) {
			emu := startEmulator(t, harness.EmulatorConfig{Binary: bin})
			ws := newWorkspace(t, harness.WorkspaceConfig{
				CLI: cli, Dir: copyModule(t, filepath.Join(moduleRoot(t), tftestModule)), CLIConfig: rc, Endpoint: emu.URL,
			})
			if out, err := run(t, ws, func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Init(ctx) }); err != nil {
				t.Fatalf("init: %v\n%s", err, out)
			}
			var out bytes.Buffer
			if err := ws.TF.Test(t.Context(), &out); err != nil { // test -json
				t.Fatalf("%s test failed: %v\n%s", cli.Name, err, out.String())
			}
			runs, summary := testResults(t, out.String())
			for _, name := range []string{
				"requires_a_security_contact",
				"creates_contacts_awaiting_verification",
				"changes_a_title",
				"plans_a_title_change_in_place",
			} {
				if runs[name] != "pass" {
					t.Errorf("run %q: %q, want pass:\n%s", name, runs[name], out.String())
				}
			}
			if summary != "Success! 4 passed, 0 failed." {
				t.Errorf("the test summary is %q, want \"Success! 4 passed, 0 failed.\":\n%s", summary, out.String())
			}

			// The test run destroys what it created.
			client, err := rdapi.New(rdapi.Options{
				Endpoint:    emu.URL,
				Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
			})
			if err != nil {
				t.Fatal(err)
			}
			for c, err := range client.ListMessageContacts(t.Context(), rdapi.ListMessageContactsInput{}) {
				if err != nil {
					t.Fatal(err)
				}
				t.Errorf("after the test run the emulator still holds contact %s (%s)", c.ContactID, c.Name)
			}
		})
	}
}

// testResults reads the machine-readable output of `test -json`: the
// status of each run by name (Terraform also reports a run's progress,
// without a status), and the summary's message.
func testResults(t *testing.T, out string) (runs map[string]string, summary string) {
	t.Helper()
	runs = map[string]string{}
	for line := range strings.Lines(out) {
		var m struct {
			Type    string `json:"type"`
			Message string `json:"@message"`
			Run     struct {
				Run    string `json:"run"`
				Status string `json:"status"`
			} `json:"test_run"`
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("a line of test -json is not JSON (%v): %q", err, line)
		}
		switch m.Type {
		case "test_run":
			if m.Run.Status != "" {
				runs[m.Run.Run] = m.Run.Status
			}
		case "test_summary":
			summary = m.Message
		}
	}
	return runs, summary
}

// copyModule copies a module folder (without any .terraform state a manual
// run left behind) into a temporary folder, so that init and test write
// nothing into the repository.
func copyModule(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(d.Name(), ".tfstate") || d.Name() == ".terraform.lock.hcl" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
