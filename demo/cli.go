package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
)

// cli drives the OpenTofu or Terraform CLI in the scenario folder through
// the harness's workspace (terraform-exec, an environment that holds the
// demo's CLI configuration and the emulator's endpoint and keys, and
// nothing from the user's own cloud or CLI setup). Commands the user is
// meant to watch are printed and their output streamed in a gutter.
type cli struct {
	harness.CLI
	ws *harness.Workspace
	n  *narrator
}

// newCLI writes the CLI configuration into dir, whose dev_overrides make
// the CLI use the freshly built provider in providerDir instead of
// downloading one. The provider reads the endpoint and the emulator's keys
// from the same environment variables a pipeline would set.
func newCLI(n *narrator, c harness.CLI, dir, providerDir, endpoint string) (*cli, error) {
	rc, err := harness.Installation{DevOverrides: map[string]string{harness.ProviderSource: providerDir}}.Write(filepath.Join(dir, "cli.tfrc"))
	if err != nil {
		return nil, err
	}
	ws, err := harness.NewWorkspace(harness.WorkspaceConfig{CLI: c, Dir: dir, CLIConfig: rc, Endpoint: endpoint})
	if err != nil {
		return nil, err
	}
	return &cli{CLI: c, ws: ws, n: n}, nil
}

// watch runs one command the user is meant to watch: the command line is
// printed and its output (stdout and stderr) streamed in a gutter.
func (c *cli) watch(shown string, run func(tf *tfexec.Terraform) error) error {
	c.n.command(c.Command + " " + shown)
	g := c.n.gutter()
	err := c.ws.Do(g, run)
	g.flush()
	return err
}

// apply runs `apply -auto-approve`, of the configuration or of a saved plan.
func (c *cli) apply(ctx context.Context, planFile string) error {
	shown, opts := "apply -auto-approve", []tfexec.ApplyOption(nil)
	if planFile != "" {
		shown, opts = "apply "+planFile, append(opts, tfexec.DirOrPlan(planFile))
	}
	return c.watch(shown, func(tf *tfexec.Terraform) error { return tf.Apply(ctx, opts...) })
}

// applyRefreshOnly runs `apply -refresh-only -auto-approve`.
func (c *cli) applyRefreshOnly(ctx context.Context) error {
	return c.watch("apply -refresh-only -auto-approve", func(tf *tfexec.Terraform) error {
		return tf.Apply(ctx, tfexec.RefreshOnly(true))
	})
}

// destroy runs `destroy -auto-approve`.
func (c *cli) destroy(ctx context.Context) error {
	return c.watch("destroy -auto-approve", func(tf *tfexec.Terraform) error { return tf.Destroy(ctx) })
}

// plan runs `plan -detailed-exitcode`, saving the plan in planFile unless
// it is empty, and reports whether the plan has changes (exit code 2).
func (c *cli) plan(ctx context.Context, planFile string) (bool, error) {
	shown, opts := "plan -detailed-exitcode", []tfexec.PlanOption(nil)
	if planFile != "" {
		shown, opts = shown+" -out="+planFile, append(opts, tfexec.Out(planFile))
	}
	var changes bool
	err := c.watch(shown, func(tf *tfexec.Terraform) (err error) {
		changes, err = tf.Plan(ctx, opts...)
		return err
	})
	return changes, err
}

// showPlan reads a saved plan (`show -json planFile`).
func (c *cli) showPlan(ctx context.Context, planFile string) (*tfjson.Plan, error) {
	return c.ws.TF.ShowPlanFile(ctx, planFile)
}

// output decodes the root module output name into v.
func (c *cli) output(ctx context.Context, name string, v any) error {
	outs, err := c.ws.TF.Output(ctx)
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
	rs, err := c.ws.Resources(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Address)
	}
	return out, nil
}

// format returns src in the CLI's canonical layout (`fmt -`).
func (c *cli) format(ctx context.Context, src []byte) ([]byte, error) {
	var out bytes.Buffer
	err := c.ws.TF.Format(ctx, bytes.NewReader(src), &out)
	return out.Bytes(), err
}

// version names the CLI and its version, e.g. "OpenTofu v1.12.6".
func (c *cli) version(ctx context.Context) string {
	v, _, err := c.ws.TF.Version(ctx, true)
	if err != nil {
		return c.Product + " (unknown version: " + err.Error() + ")"
	}
	return c.Product + " v" + v.String()
}
