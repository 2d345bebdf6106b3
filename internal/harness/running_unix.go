//go:build unix

package harness

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Running is a CLI command started by Workspace.Start in a process group of
// its own: the CLI and the provider processes it starts.
type Running struct {
	cmd  *exec.Cmd
	buf  bytes.Buffer
	out  lockedWriter // to buf
	done chan struct{}
	err  error // cmd.Wait's, once done is closed
}

// Start starts the CLI with args. The caller ends it: Wait, Interrupt then
// Wait, or Kill.
func (w *Workspace) Start(args ...string) (*Running, error) {
	r := &Running{cmd: w.command(args...), done: make(chan struct{})}
	r.out.w = &r.buf
	r.cmd.Stdout, r.cmd.Stderr = &r.out, &r.out
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	r.cmd.WaitDelay = 5 * time.Second
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		r.err = r.cmd.Wait()
		close(r.done)
	}()
	return r, nil
}

// Done is closed when the CLI has exited.
func (r *Running) Done() <-chan struct{} { return r.done }

// Wait waits for the CLI to exit and returns its output and exit status.
func (r *Running) Wait() (string, error) {
	<-r.done
	return r.Output(), r.err
}

// Output is what the CLI has printed so far.
func (r *Running) Output() string {
	r.out.mu.Lock()
	defer r.out.mu.Unlock()
	return r.buf.String()
}

// Interrupt sends SIGINT to the process group, as Ctrl-C in a terminal
// does: the CLI and its providers get it.
func (r *Running) Interrupt() error { return syscall.Kill(-r.cmd.Process.Pid, syscall.SIGINT) }

// Kill sends SIGKILL to the process group (a provider left behind by its
// CLI included) and waits for the CLI. It is safe to call at any time, and
// again.
func (r *Running) Kill() {
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
	<-r.done
}

// Shell runs script with `sh -e` in the workspace's directory and
// environment, as a user's shell runs a documented recipe: `terraform` and
// `tofu` both name the workspace's CLI, an apply approves itself
// (TF_CLI_ARGS_apply), no command asks for input, and plans and applies
// print without colour. It returns what the
// script printed, stdout and stderr together.
func (w *Workspace) Shell(ctx context.Context, script string) (string, error) {
	shims := filepath.Join(w.Dir, ".home", "bin")
	if err := os.MkdirAll(shims, 0o755); err != nil {
		return "", err
	}
	for _, name := range []string{"terraform", "tofu"} {
		link := filepath.Join(shims, name)
		_ = os.Remove(link)
		if err := os.Symlink(w.CLI.Path, link); err != nil {
			return "", err
		}
	}
	cmd := exec.Command("sh", "-e", "-c", script)
	cmd.Dir = w.Dir
	cmd.Env = []string{"TF_IN_AUTOMATION=1", "TF_INPUT=0", "TF_CLI_ARGS_apply=-auto-approve -no-color", "TF_CLI_ARGS_plan=-no-color"}
	for k, v := range w.env {
		if k == "PATH" {
			v = shims + string(os.PathListSeparator) + v
		}
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	// The script runs as a process group, killed when it ends, so that
	// what it started in the background (an emulator) stops with it; the
	// output is not waited for past that.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		case <-done:
		}
	}()
	err := cmd.Wait()
	close(done)
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, exec.ErrWaitDelay) && cmd.ProcessState.Success() {
		err = nil // a background process held the output open; the script itself succeeded
	}
	return out.String(), err
}
