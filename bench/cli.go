package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// providerBinary is the file name the CLI looks for in a dev_overrides
// directory.
const providerBinary = "terraform-provider-resourcedirectory"

// cliConfig makes the CLI use the freshly built provider under both registry
// hostnames the source address may resolve to; with dev_overrides there is
// no init.
const cliConfig = `provider_installation {
  dev_overrides {
    "registry.opentofu.org/rdcontact/resourcedirectory" = %[1]q
    "registry.terraform.io/rdcontact/resourcedirectory" = %[1]q
  }
  direct {}
}
`

// cli runs one CLI binary in one working directory with the environment the
// provider reads its endpoint, keys and batching switch from.
type cli struct {
	bin string
	dir string
	env []string
	log *os.File // every command's output, for a post-mortem
}

func newCLI(bin, dir, providerDir, endpoint string, batch bool, log *os.File) (*cli, error) {
	rc := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(rc, fmt.Appendf(nil, cliConfig, providerDir), 0o644); err != nil {
		return nil, err
	}
	env := []string{}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "ALIBABA_CLOUD_"), strings.HasPrefix(name, "ALICLOUD_"),
			strings.HasPrefix(name, "ALIBABACLOUD_"), strings.HasPrefix(name, "RESOURCEDIRECTORY"),
			strings.HasPrefix(name, "TF_"):
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+rc,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER="+endpoint,
		"ALIBABA_CLOUD_ACCESS_KEY_ID=emulator-access-key-id",
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-access-key-secret",
		"RESOURCEDIRECTORY_BATCH_READS="+strconv.FormatBool(batch),
	)
	return &cli{bin: bin, dir: dir, env: env, log: log}, nil
}

// result is what one CLI command cost.
type result struct {
	wall     time.Duration
	peakRSS  int64 // bytes: the largest VmHWM of the provider processes the command started
	errors   int   // "Error:" diagnostics in the output
	exitCode int
	output   string
}

// run runs the CLI with args, timing it and polling /proc for the peak
// resident set of the provider processes it starts.
func (c *cli) run(ctx context.Context, args ...string) (result, error) {
	args = append(args, "-no-color", "-input=false")
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, fmt.Errorf("starting %s: %w", c.bin, err)
	}
	stop := make(chan struct{})
	var (
		wg   sync.WaitGroup
		peak int64
	)
	wg.Go(func() { peak = pollProviderRSS(cmd.Process.Pid, stop) })
	err := cmd.Wait()
	wall := time.Since(start)
	close(stop)
	wg.Wait()

	r := result{wall: wall, peakRSS: peak, output: out.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.exitCode = exit.ExitCode()
	case err != nil:
		return r, err
	}
	sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
	for sc.Scan() {
		if strings.HasPrefix(strings.TrimLeft(sc.Text(), "│╷ "), "Error:") {
			r.errors++
		}
	}
	if c.log != nil {
		_, _ = fmt.Fprintf(c.log, "==> %s %s (%s, exit %d)\n%s\n", filepath.Base(c.bin), strings.Join(args, " "),
			wall.Round(time.Millisecond), r.exitCode, out.Bytes())
	}
	if r.exitCode != 0 && r.errors == 0 {
		r.errors = 1
	}
	return r, nil
}

// pollProviderRSS samples, every 20 ms until stop closes, the children of
// pid whose name starts like the provider's, and returns the largest VmHWM
// (peak resident set, which the kernel keeps per process) seen, in bytes.
// The last sample of a process is at most 20 ms before it exits.
func pollProviderRSS(pid int, stop <-chan struct{}) int64 {
	var peak int64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		for _, child := range childPIDs(pid) {
			comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", child))
			// comm is cut at 15 bytes: "terraform-provi".
			if err != nil || !strings.HasPrefix(providerBinary, strings.TrimSpace(string(comm))) {
				continue
			}
			if hwm := vmHWM(child); hwm > peak {
				peak = hwm
			}
		}
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
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
