//go:build unix

package harness

import (
	"bytes"
	"os/exec"
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
