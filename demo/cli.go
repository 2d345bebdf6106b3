package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
)

// cli drives the OpenTofu or Terraform CLI through terraform-exec in the
// scenario folder, with an environment that holds the demo's CLI
// configuration and the emulator's endpoint and keys, and nothing from the
// user's own cloud or CLI setup. Commands the user is meant to watch are
// printed and their output streamed in a gutter.
type cli struct {
	tf      *tfexec.Terraform
	bin     string
	product string // "OpenTofu" or "Terraform", for the narration
	command string // "tofu" or "terraform", for the commands shown
	n       *narrator
}

// cliConfig is the CLI configuration file: dev_overrides make the CLI use
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

// newCLI writes the CLI configuration into dir and prepares the
// environment. The provider reads the endpoint and the keys from the same
// environment variables a pipeline would set.
func newCLI(n *narrator, bin, dir, providerDir, endpoint, accessKeyID, accessKeySecret string) (*cli, error) {
	rc := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(rc, fmt.Appendf(nil, cliConfig, providerDir), 0o644); err != nil {
		return nil, err
	}
	tf, err := tfexec.NewTerraform(dir, bin)
	if err != nil {
		return nil, err
	}
	env := scrubbedEnv(os.Environ())
	env["TF_CLI_CONFIG_FILE"] = rc
	env["CHECKPOINT_DISABLE"] = "1"
	env["ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER"] = endpoint
	env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = accessKeyID
	env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = accessKeySecret
	if err := tf.SetEnv(env); err != nil {
		return nil, err
	}
	c := &cli{tf: tf, bin: bin, product: cliName(bin), command: "terraform", n: n}
	if isOpenTofu(bin) {
		c.command = "tofu"
	}
	return c, nil
}

// isOpenTofu tells OpenTofu from Terraform by the executable's name, which
// is all the narration needs (both answer `version -json` alike).
func isOpenTofu(bin string) bool {
	return strings.Contains(strings.ToLower(filepath.Base(bin)), "tofu")
}

// scrubbedEnv drops variables that would make the demo depend on the user's
// machine: Alibaba Cloud credentials and settings, and every OpenTofu and
// Terraform CLI setting (terraform-exec sets the ones it needs itself and
// refuses some of them, such as TF_LOG, when passed by hand).
func scrubbedEnv(environ []string) map[string]string {
	out := map[string]string{}
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "ALIBABA_CLOUD_"), strings.HasPrefix(name, "ALICLOUD_"),
			strings.HasPrefix(name, "ALIBABACLOUD_"), strings.HasPrefix(name, "RESOURCEDIRECTORY"),
			strings.HasPrefix(name, "TF_"):
			continue
		}
		out[name] = value
	}
	return out
}

// watch runs one command the user is meant to watch: the command line is
// printed and its output (stdout and stderr) streamed in a gutter.
func (c *cli) watch(shown string, run func() error) error {
	c.n.command(c.command + " " + shown)
	g := c.n.gutter()
	c.tf.SetStdout(g)
	c.tf.SetStderr(g)
	defer func() {
		c.tf.SetStdout(nil)
		c.tf.SetStderr(nil)
	}()
	err := run()
	g.flush()
	return err
}

// apply runs `apply -auto-approve`, of the configuration or of a saved plan.
func (c *cli) apply(ctx context.Context, planFile string) error {
	shown, opts := "apply -auto-approve", []tfexec.ApplyOption(nil)
	if planFile != "" {
		shown, opts = "apply "+planFile, append(opts, tfexec.DirOrPlan(planFile))
	}
	return c.watch(shown, func() error { return c.tf.Apply(ctx, opts...) })
}

// applyRefreshOnly runs `apply -refresh-only -auto-approve`.
func (c *cli) applyRefreshOnly(ctx context.Context) error {
	return c.watch("apply -refresh-only -auto-approve", func() error {
		return c.tf.Apply(ctx, tfexec.RefreshOnly(true))
	})
}

// destroy runs `destroy -auto-approve`.
func (c *cli) destroy(ctx context.Context) error {
	return c.watch("destroy -auto-approve", func() error { return c.tf.Destroy(ctx) })
}

// plan runs `plan -detailed-exitcode`, saving the plan in planFile unless
// it is empty, and reports whether the plan has changes (exit code 2).
func (c *cli) plan(ctx context.Context, planFile string) (bool, error) {
	shown, opts := "plan -detailed-exitcode", []tfexec.PlanOption(nil)
	if planFile != "" {
		shown, opts = shown+" -out="+planFile, append(opts, tfexec.Out(planFile))
	}
	var changes bool
	err := c.watch(shown, func() (err error) {
		changes, err = c.tf.Plan(ctx, opts...)
		return err
	})
	return changes, err
}

// showPlan reads a saved plan (`show -json planFile`).
func (c *cli) showPlan(ctx context.Context, planFile string) (*tfjson.Plan, error) {
	return c.tf.ShowPlanFile(ctx, planFile)
}

// output decodes the root module output name into v.
func (c *cli) output(ctx context.Context, name string, v any) error {
	outs, err := c.tf.Output(ctx)
	if err != nil {
		return err
	}
	o, ok := outs[name]
	if !ok {
		return fmt.Errorf("the state has no output %q", name)
	}
	if err := json.Unmarshal(o.Value, v); err != nil {
		return fmt.Errorf("decoding output %s: %w", name, err)
	}
	return nil
}

// stateAddresses lists the resources in the state (`show -json`).
func (c *cli) stateAddresses(ctx context.Context) ([]string, error) {
	st, err := c.tf.Show(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	if st.Values == nil {
		return out, nil
	}
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			out = append(out, r.Address)
		}
		for _, child := range m.ChildModules {
			walk(child)
		}
	}
	walk(st.Values.RootModule)
	return out, nil
}

// format returns src in the CLI's canonical layout (`fmt -`).
func (c *cli) format(ctx context.Context, src []byte) ([]byte, error) {
	var out bytes.Buffer
	err := c.tf.Format(ctx, bytes.NewReader(src), &out)
	return out.Bytes(), err
}

// version names the CLI and its version, e.g. "OpenTofu v1.12.6".
func (c *cli) version(ctx context.Context) string {
	v, _, err := c.tf.Version(ctx, true)
	if err != nil {
		return c.product + " (unknown version: " + err.Error() + ")"
	}
	return c.product + " v" + v.String()
}
