package harness

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

// WorkspaceConfig says where and how a Workspace runs its CLI.
type WorkspaceConfig struct {
	CLI CLI
	// Dir is the working directory: the configuration and the local state.
	Dir string
	// CLIConfig is the CLI configuration file (TF_CLI_CONFIG_FILE), for
	// example one that Installation.Write wrote. Required: a run never
	// reads the user's.
	CLIConfig string
	// Endpoint is the emulator's URL, which the provider reads from
	// ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER; "" points it at a
	// closed loopback port (for runs that make no API call).
	Endpoint string
	// AccessKeyID and AccessKeySecret default to the emulator's pair.
	AccessKeyID, AccessKeySecret string
	// Env adds variables, such as RESOURCEDIRECTORY_BATCH_READS.
	Env map[string]string
}

// Workspace is one working directory with its CLI, run hermetically: the
// environment is only PATH, a HOME of its own (Dir/.home), the CLI
// configuration, the provider's endpoint and keys, CHECKPOINT_DISABLE and
// Env, so nothing of the user's cloud or CLI setup leaks in.
//
// TF runs every command terraform-exec covers (init, plan with its exit
// code, apply, destroy, show, output, state, import, query, test, fmt,
// version); Do captures what such a command prints. Start runs a command as
// a process group that can be interrupted as Ctrl-C does, which
// terraform-exec does not offer.
type Workspace struct {
	CLI CLI
	Dir string
	TF  *tfexec.Terraform

	env map[string]string
	mu  sync.Mutex // Do's hold on TF's output writers
}

// closedEndpoint is a loopback port nothing listens on.
const closedEndpoint = "http://127.0.0.1:9"

// NewWorkspace prepares a workspace; it creates Dir if needed.
func NewWorkspace(cfg WorkspaceConfig) (*Workspace, error) {
	if cfg.CLI.Path == "" || cfg.Dir == "" || cfg.CLIConfig == "" {
		return nil, errors.New("harness: a workspace needs CLI, Dir and CLIConfig")
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	home := filepath.Join(dir, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	rc, err := filepath.Abs(cfg.CLIConfig)
	if err != nil {
		return nil, err
	}
	env := map[string]string{
		"PATH":               os.Getenv("PATH"),
		"HOME":               home,
		"TF_CLI_CONFIG_FILE": rc,
		"CHECKPOINT_DISABLE": "1",
		"ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER": or(cfg.Endpoint, closedEndpoint),
		"ALIBABA_CLOUD_ACCESS_KEY_ID":                    or(cfg.AccessKeyID, emulator.DefaultAccessKeyID),
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET":                or(cfg.AccessKeySecret, emulator.DefaultAccessKeySecret),
	}
	for k, v := range cfg.Env {
		env[k] = v
	}
	tf, err := tfexec.NewTerraform(dir, cfg.CLI.Path)
	if err != nil {
		return nil, err
	}
	if err := tf.SetEnv(env); err != nil {
		return nil, err
	}
	return &Workspace{CLI: cfg.CLI, Dir: dir, TF: tf, env: env}, nil
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// WriteFile writes a file of the configuration, such as main.tf.
func (w *Workspace) WriteFile(name, content string) error {
	return os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o644)
}

// Do runs one terraform-exec command (f, with TF) and sends what the CLI
// prints, stdout and stderr, to out, one write at a time. Calls of Do on
// one workspace take turns.
//
//	var out bytes.Buffer
//	err := ws.Do(&out, func(tf *tfexec.Terraform) error { return tf.Apply(ctx) })
func (w *Workspace) Do(out io.Writer, f func(tf *tfexec.Terraform) error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	// terraform-exec copies stdout and stderr in goroutines of their own.
	locked := &lockedWriter{w: out}
	w.TF.SetStdout(locked)
	w.TF.SetStderr(locked)
	defer func() {
		w.TF.SetStdout(nil)
		w.TF.SetStderr(nil)
	}()
	return f(w.TF)
}

// Resources returns every resource in the state (`show -json`), child
// modules included.
func (w *Workspace) Resources(ctx context.Context) ([]*tfjson.StateResource, error) {
	st, err := w.TF.Show(ctx)
	if err != nil || st.Values == nil {
		return nil, err
	}
	var out []*tfjson.StateResource
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		out = append(out, m.Resources...)
		for _, child := range m.ChildModules {
			walk(child)
		}
	}
	walk(st.Values.RootModule)
	return out, nil
}

// command is the CLI with args in the workspace, with its environment.
func (w *Workspace) command(args ...string) *exec.Cmd {
	cmd := exec.Command(w.CLI.Path, args...)
	cmd.Dir = w.Dir
	cmd.Env = []string{"TF_IN_AUTOMATION=1"}
	for k, v := range w.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// ExitCode is the exit status in a CLI command's error: 0 for nil, -1 when
// the command did not run to an exit.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	if e, ok := errors.AsType[*exec.ExitError](err); ok {
		return e.ExitCode()
	}
	return -1
}

// lockedWriter serialises the writes of several goroutines to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
