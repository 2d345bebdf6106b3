package main

import (
	"bufio"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
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
	clis := installCLIs(t)
	rc := mirrorCLIConfig(t)

	bin := filepath.Join(t.TempDir(), "rdemulator")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/rdemulator").CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/rdemulator: %v\n%s", err, out)
	}

	for _, cli := range clis {
		t.Run(cli.name, func(t *testing.T) {
			url := startEmulator(t, bin)
			dir := copyModule(t, tftestModule)
			env := emulatorCLIEnv(t, rc, url)
			run := func(args ...string) (string, error) {
				cmd := exec.Command(cli.bin, args...)
				cmd.Dir, cmd.Env = dir, env
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			if out, err := run("init", "-input=false", "-no-color"); err != nil {
				t.Fatalf("init: %v\n%s", err, out)
			}
			out, err := run("test", "-no-color")
			if err != nil {
				t.Fatalf("%s test failed: %v\n%s", cli.name, err, out)
			}
			for _, want := range []string{
				"run \"requires_a_security_contact\"... pass",
				"run \"creates_contacts_awaiting_verification\"... pass",
				"run \"changes_a_title\"... pass",
				"run \"plans_a_title_change_in_place\"... pass",
				"Success! 4 passed, 0 failed.",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("the test output lacks %q:\n%s", want, out)
				}
			}

			// The test run destroys what it created.
			client, err := rdapi.New(rdapi.Options{
				Endpoint:    url,
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

// mirrorCLIConfig writes the README's filesystem-mirror CLI configuration,
// pointed at the mirror makeInstall filled, and returns its path.
func mirrorCLIConfig(t *testing.T) string {
	t.Helper()
	section := readmeSection(t, "### From source, beside other providers")
	cliConfig := strings.ReplaceAll(blockWith(t, codeBlocks(section, "hcl"), "filesystem_mirror"),
		readmeHome+"/.terraform.d/plugins", makeInstall(t))
	return writeFile(t, filepath.Join(t.TempDir(), "cli.tfrc"), cliConfig)
}

// emulatorCLIEnv is the whole environment of a CLI run with the CLI
// configuration rc and the provider pointed at the emulator at url with
// its default key pair.
func emulatorCLIEnv(t *testing.T, rc, url string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"TF_CLI_CONFIG_FILE=" + rc,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER=" + url,
		"ALIBABA_CLOUD_ACCESS_KEY_ID=" + emulator.DefaultAccessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + emulator.DefaultAccessKeySecret,
	}
}

// startEmulator runs the emulator binary on a free loopback port and
// returns its URL, the first line it prints; it is stopped at cleanup.
func startEmulator(t *testing.T, bin string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-listen", "127.0.0.1:0")
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the emulator's URL: %v", err)
	}
	url := strings.TrimSpace(line)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("the emulator's first line is %q, want its URL", url)
	}
	return url
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
