package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// tofuCLI runs the OpenTofu CLI in the scenario folder with an environment
// that contains the demo's CLI configuration and the emulator's endpoint and
// keys, and nothing from the user's own cloud or CLI setup.
type tofuCLI struct {
	bin   string
	dir   string
	env   []string
	n     *narrator
	color bool
}

// cliConfig is the CLI configuration file: dev_overrides make OpenTofu use
// the freshly built provider binary instead of downloading one, under both
// registry hostnames a configuration may resolve the source address to.
const cliConfig = `# Written by the demo: use the locally built provider.
provider_installation {
  dev_overrides {
    "registry.opentofu.org/rdcontact/resourcedirectory"  = %[1]q
    "registry.terraform.io/rdcontact/resourcedirectory" = %[1]q
  }
  direct {}
}
`

// newTofuCLI writes the CLI configuration into dir and prepares the
// environment. The provider reads the endpoint and the keys from the same
// environment variables a pipeline would set.
func newTofuCLI(n *narrator, bin, dir, providerDir, endpoint, accessKeyID, accessKeySecret string) (*tofuCLI, error) {
	rc := filepath.Join(dir, "tofu.rc")
	if err := os.WriteFile(rc, fmt.Appendf(nil, cliConfig, providerDir), 0o644); err != nil {
		return nil, err
	}
	env := scrubbedEnv(os.Environ())
	env = append(env,
		"TF_CLI_CONFIG_FILE="+rc,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER="+endpoint,
		"ALIBABA_CLOUD_ACCESS_KEY_ID="+accessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+accessKeySecret,
	)
	return &tofuCLI{bin: bin, dir: dir, env: env, n: n, color: n.color}, nil
}

// scrubbedEnv drops variables that would make the demo depend on the user's
// machine: Alibaba Cloud credentials and settings, and OpenTofu/Terraform
// CLI settings other than logging.
func scrubbedEnv(environ []string) []string {
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "ALIBABA_CLOUD_"), strings.HasPrefix(name, "ALICLOUD_"),
			strings.HasPrefix(name, "ALIBABACLOUD_"), strings.HasPrefix(name, "RESOURCEDIRECTORY"):
			continue
		case strings.HasPrefix(name, "TF_") && !strings.HasPrefix(name, "TF_LOG"):
			continue
		}
		out = append(out, kv)
	}
	return out
}

// show runs a command the user is meant to watch: the command line is
// printed, its output streamed in a gutter. It returns the exit code; err
// is set only when the command could not run at all.
func (t *tofuCLI) show(ctx context.Context, args ...string) (int, error) {
	t.n.command("tofu " + strings.Join(args, " "))
	if !t.color {
		args = withNoColor(args)
	}
	g := t.n.gutter()
	cmd := t.command(ctx, args...)
	cmd.Stdout = g
	cmd.Stderr = g
	err := cmd.Run()
	g.flush()
	return exitCode(err)
}

// showOK is show for commands that must succeed.
func (t *tofuCLI) showOK(ctx context.Context, args ...string) error {
	code, err := t.show(ctx, args...)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("tofu %s exited with %d", args[0], code)
	}
	return nil
}

// capture runs a command quietly and returns its stdout; a non-zero exit is
// an error carrying stderr.
func (t *tofuCLI) capture(ctx context.Context, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := t.command(ctx, withNoColor(args)...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("tofu %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// captureJSON runs a command that prints JSON and decodes it into v.
func (t *tofuCLI) captureJSON(ctx context.Context, v any, args ...string) error {
	out, err := t.capture(ctx, args...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("decoding the JSON of tofu %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// version returns the first line of `tofu version`.
func (t *tofuCLI) version(ctx context.Context) string {
	out, err := t.capture(ctx, "version")
	if err != nil {
		return "unknown version (" + err.Error() + ")"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first)
}

func (t *tofuCLI) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, t.bin, args...)
	cmd.Dir = t.dir
	cmd.Env = t.env
	// On interruption give the CLI the chance to release its state lock.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 15 * time.Second
	return cmd
}

// withNoColor inserts -no-color after the subcommand for commands that
// accept it.
func withNoColor(args []string) []string {
	if len(args) == 0 {
		return args
	}
	switch args[0] {
	case "version", "fmt", "state":
		return args
	}
	out := append([]string{args[0], "-no-color"}, args[1:]...)
	return out
}

// exitCode turns cmd.Run's error into an exit code.
func exitCode(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.Exited() {
		return exit.ExitCode(), nil
	}
	return -1, err
}
