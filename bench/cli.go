package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
)

// cli runs one CLI in one working directory through the harness's
// workspace, with the environment the provider reads its endpoint, keys and
// batching switch from.
type cli struct {
	ws  *harness.Workspace
	log *os.File // every command's output, for a post-mortem
}

func newCLI(ctx context.Context, c harness.CLI, dir, providerDir, endpoint string, batch bool, log *os.File) (*cli, error) {
	rc, err := harness.Installation{DevOverrides: map[string]string{harness.ProviderSource: providerDir}}.Write(filepath.Join(dir, "cli.tfrc"))
	if err != nil {
		return nil, err
	}
	ws, err := harness.NewWorkspace(harness.WorkspaceConfig{
		CLI: c, Dir: dir, CLIConfig: rc, Endpoint: endpoint,
		Env: map[string]string{"RESOURCEDIRECTORY_BATCH_READS": strconv.FormatBool(batch)},
	})
	if err != nil {
		return nil, err
	}
	// terraform-exec asks the CLI its version before some commands, once:
	// ask now, so that no measured command pays for it.
	if _, _, err := ws.TF.Version(ctx, false); err != nil {
		return nil, err
	}
	return &cli{ws: ws, log: log}, nil
}

// command is one CLI command: what the log shows, and its terraform-exec
// call.
type command struct {
	shown string
	run   func(ctx context.Context, tf *tfexec.Terraform) error
}

// plan is `plan`, with -refresh=false and -destroy as asked (the
// baselines): terraform-exec adds -detailed-exitcode, so changes are no
// error.
func plan(refresh, destroy bool) command {
	shown := "plan"
	opts := []tfexec.PlanOption{tfexec.Refresh(refresh), tfexec.Destroy(destroy)}
	if !refresh {
		shown += " -refresh=false"
	}
	if destroy {
		shown += " -destroy"
	}
	return command{shown, func(ctx context.Context, tf *tfexec.Terraform) error {
		_, err := tf.Plan(ctx, opts...)
		return err
	}}
}

// apply is `apply -auto-approve`, at -parallelism when it is positive.
func apply(parallelism int) command {
	shown, opts := "apply -auto-approve", []tfexec.ApplyOption(nil)
	if parallelism > 0 {
		shown, opts = shown+" -parallelism="+strconv.Itoa(parallelism), append(opts, tfexec.Parallelism(parallelism))
	}
	return command{shown, func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Apply(ctx, opts...) }}
}

// refreshOnly is `apply -refresh-only -auto-approve`.
func refreshOnly() command {
	return command{"apply -refresh-only -auto-approve", func(ctx context.Context, tf *tfexec.Terraform) error {
		return tf.Apply(ctx, tfexec.RefreshOnly(true))
	}}
}

// destroy is `destroy -auto-approve`, at -parallelism when it is positive.
func destroy(parallelism int) command {
	shown, opts := "destroy -auto-approve", []tfexec.DestroyOption(nil)
	if parallelism > 0 {
		shown, opts = shown+" -parallelism="+strconv.Itoa(parallelism), append(opts, tfexec.Parallelism(parallelism))
	}
	return command{shown, func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Destroy(ctx, opts...) }}
}

// planWith is `plan` at -parallelism when it is positive.
func planWith(parallelism int) command {
	if parallelism <= 0 {
		return plan(true, false)
	}
	return command{"plan -parallelism=" + strconv.Itoa(parallelism), func(ctx context.Context, tf *tfexec.Terraform) error {
		_, err := tf.Plan(ctx, tfexec.Parallelism(parallelism))
		return err
	}}
}

// result is what one CLI command cost.
type result struct {
	wall    time.Duration
	peakRSS int64 // bytes: the largest VmHWM of the provider processes the command started
	// cpu is the user and system CPU time of the provider processes and of
	// the CLI process, as last sampled.
	cpu      cpuSplit
	errors   int // "Error:" diagnostics in the output
	exitCode int
	output   string
}

// run runs c, timing it and polling /proc for the peak resident set of the
// provider processes it starts and for the CPU time they and the CLI use.
func (c *cli) run(ctx context.Context, cmd command) (result, error) {
	stop := make(chan struct{})
	var (
		wg  sync.WaitGroup
		use usage
		out bytes.Buffer
	)
	wg.Go(func() { use = pollProcesses(os.Getpid(), filepath.Base(c.ws.CLI.Path), stop) })
	start := time.Now()
	err := c.ws.Do(&out, func(tf *tfexec.Terraform) error { return cmd.run(ctx, tf) })
	wall := time.Since(start)
	close(stop)
	wg.Wait()

	r := result{wall: wall, peakRSS: use.peakRSS, cpu: use.cpu, exitCode: harness.ExitCode(err), output: out.String()}
	if r.exitCode < 0 {
		return r, err
	}
	sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
	for sc.Scan() {
		if strings.HasPrefix(strings.TrimLeft(sc.Text(), "│╷ "), "Error:") {
			r.errors++
		}
	}
	if c.log != nil {
		_, _ = fmt.Fprintf(c.log, "==> %s %s (%s, exit %d)\n%s\n", c.ws.CLI.Command, cmd.shown,
			wall.Round(time.Millisecond), r.exitCode, out.Bytes())
	}
	if r.exitCode != 0 && r.errors == 0 {
		r.errors = 1
	}
	return r, nil
}

// cpuSplit is the CPU time (user and system) of a command's provider
// processes and of the CLI process itself.
type cpuSplit struct{ provider, cli time.Duration }

// usage is what pollProcesses saw of a command's processes.
type usage struct {
	peakRSS int64
	cpu     cpuSplit
}

// pollProcesses samples, every 20 ms until stop closes, the descendants of
// pid (the CLI is a child of this process, the providers are its
// children): the largest VmHWM (peak resident set, which the kernel keeps
// per process) of those whose name starts like the provider's, in bytes,
// and the CPU time of those and of the CLI (named like cliBinary). The
// last sample of a process is at most 20 ms before it exits, so a short
// process's CPU time may be missing its last 20 ms.
func pollProcesses(pid int, cliBinary string, stop <-chan struct{}) usage {
	var (
		use      usage
		provider = map[int]time.Duration{}
		cli      = map[int]time.Duration{}
	)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		for _, p := range descendants(pid) {
			raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p))
			if err != nil {
				continue
			}
			// comm is cut at 15 bytes: "terraform-provi".
			comm := strings.TrimSpace(string(raw))
			switch {
			case strings.HasPrefix(harness.ProviderBinary, comm):
				use.peakRSS = max(use.peakRSS, vmHWM(p))
				if t, ok := cpuTime(p); ok {
					provider[p] = t
				}
			case strings.HasPrefix(cliBinary, comm):
				if t, ok := cpuTime(p); ok {
					cli[p] = t
				}
			}
		}
		select {
		case <-stop:
			for _, t := range provider {
				use.cpu.provider += t
			}
			for _, t := range cli {
				use.cpu.cli += t
			}
			return use
		case <-tick.C:
		}
	}
}

// clockTick is the unit of /proc/<pid>/stat's CPU times: USER_HZ, 100 on
// every Linux platform Go supports.
const clockTick = 10 * time.Millisecond

// cpuTime reads the user and system CPU time pid has used from
// /proc/<pid>/stat; ok is false if the process is gone.
func cpuTime(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The fields after the command's closing parenthesis, from the state
	// (field 3): utime and stime are fields 14 and 15.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * clockTick, true
}

// descendants lists the children of pid, their children, and so on.
func descendants(pid int) []int {
	var out []int
	for queue := childPIDs(pid); len(queue) > 0; queue = queue[1:] {
		out = append(out, queue[0])
		queue = append(queue, childPIDs(queue[0])...)
	}
	return out
}

// childPIDs lists the children of every thread of pid.
func childPIDs(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for f := range strings.FieldsSeq(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// vmHWM reads the peak resident set of pid from /proc, in bytes (0 if the
// process is gone).
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}
