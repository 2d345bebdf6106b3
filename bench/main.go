// Command bench is the end-to-end benchmark of `make bench`: it drives the
// real OpenTofu (or Terraform) CLI and the built provider against
// cmd/rdemulator with the API's latency, per-action quota and account-wide
// write lock, and prints what apply, refresh and destroy cost for N
// contacts, with batched reads on and off.
//
//	go run ./bench -cli .tools/tofu-*/tofu -n 50,200,500
//
// -only adoption plays the adoption alone (about three minutes at N = 500),
// -only lifecycle everything else.
//
// For each N and batching mode, from a fresh emulator:
//
//   - apply of N contacts at each -parallelism (the emulator is reset and the
//     state removed between them, so each starts from nothing); the lower
//     bound is what the writes cost at best: N serialised writes of
//     -latency each, or N calls at the per-action quota, whichever is larger;
//   - refresh (`plan`, which refreshes) with 10% of the contacts Verifying,
//     then with all Active (verified through the emulator's admin API);
//   - apply of one binding per contact, then a refresh of both;
//   - destroy of everything;
//   - adoption (adoption.go): N contacts, every other one with a member set,
//     made and verified unmeasured, their state dropped; then the README's
//     adoption recipe planned at -parallelism=30 and at the default (each
//     must plan N + N/2 imports), applied, and the adopted directory
//     destroyed. The adoption rows' baseline is `plan -refresh=false` of
//     the adopted configuration.
//
// Each row reports the API calls by action (the emulator's counters,
// differenced around the command), the wall time, its ratio to `plan
// -refresh=false` of the same configuration and state (`plan -destroy
// -refresh=false` for destroy), the peak resident set of the provider
// processes the command started (VmHWM from /proc), and the errors the CLI
// reported. Throttled and conflicting calls that the provider retried count
// as calls and are shown apart.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
)

type options struct {
	cli         string
	sizes       []int
	parallelism []int
	batch       []bool
	latency     time.Duration
	rateLimit   int
	verifying   int // percent of contacts left Verifying
	workDir     string
	keep        bool
	samples     int  // runs of each read-only command (and of every baseline) whose median is reported
	lifecycle   bool // play apply, refresh, bindings and destroy
	adoption    bool // play the adoption and the destroy of the adopted
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		os.Exit(2)
	}
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var (
		o           options
		sizes       = fs.String("n", "50,200,500", "comma-separated numbers of contacts")
		parallelism = fs.String("parallelism", "10,30", "comma-separated -parallelism values of the contact applies")
		batch       = fs.String("batch", "on,off", "batched reads: on, off or on,off")
		only        = fs.String("only", "lifecycle,adoption", "the scenarios to play: lifecycle (apply, refresh, bindings, destroy), adoption, or both")
	)
	fs.StringVar(&o.cli, "cli", os.Getenv("TF_ACC_TERRAFORM_PATH"), "OpenTofu or Terraform CLI (default $TF_ACC_TERRAFORM_PATH)")
	fs.DurationVar(&o.latency, "latency", 20*time.Millisecond, "server-side time of every API call")
	fs.IntVar(&o.rateLimit, "rate-limit", 20, "API calls per second per action (the documented quota)")
	fs.IntVar(&o.verifying, "verifying-percent", 10, "percent of the contacts left Verifying in the second refresh")
	fs.StringVar(&o.workDir, "work", "", "directory for binaries, configurations, state and logs (default: a temporary one)")
	fs.IntVar(&o.samples, "samples", 3, "runs of each plan and of each baseline; the median wall time is reported")
	fs.BoolVar(&o.keep, "keep", false, "keep -work's temporary directory (with cli.log of every command) afterwards")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var err error
	if o.sizes, err = ints(*sizes); err != nil {
		return o, fmt.Errorf("-n: %w", err)
	}
	if o.parallelism, err = ints(*parallelism); err != nil {
		return o, fmt.Errorf("-parallelism: %w", err)
	}
	for f := range strings.SplitSeq(*batch, ",") {
		switch strings.TrimSpace(f) {
		case "on":
			o.batch = append(o.batch, true)
		case "off":
			o.batch = append(o.batch, false)
		default:
			return o, fmt.Errorf("-batch: want on, off or on,off, got %q", *batch)
		}
	}
	for f := range strings.SplitSeq(*only, ",") {
		switch strings.TrimSpace(f) {
		case "lifecycle":
			o.lifecycle = true
		case "adoption":
			o.adoption = true
		default:
			return o, fmt.Errorf("-only: want lifecycle, adoption or lifecycle,adoption, got %q", *only)
		}
	}
	if o.cli == "" {
		return o, errors.New("no CLI: pass -cli PATH or set TF_ACC_TERRAFORM_PATH (make bench-e2e builds OpenTofu)")
	}
	if o.samples < 1 {
		return o, fmt.Errorf("-samples must be at least 1, got %d", o.samples)
	}
	if o.verifying < 0 || o.verifying > 100 {
		return o, fmt.Errorf("-verifying-percent must be 0 to 100, got %d", o.verifying)
	}
	return o, nil
}

func ints(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("want positive integers separated by commas, got %q", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(ctx context.Context, o options) error {
	tool, err := harness.NewCLI(o.cli)
	if err != nil {
		return err
	}
	o.cli = tool.Path
	work := o.workDir
	if work == "" {
		if work, err = os.MkdirTemp("", "rdbench-"); err != nil {
			return err
		}
		if !o.keep {
			defer func() { _ = os.RemoveAll(work) }()
		}
	}
	binDir := filepath.Join(work, "bin")
	fmt.Fprintf(os.Stderr, "bench: building the provider and the emulator into %s\n", binDir)
	bins, err := harness.Build(ctx, "", binDir, nil)
	if err != nil {
		return err
	}
	log, err := os.Create(filepath.Join(work, "cli.log"))
	if err != nil {
		return err
	}
	defer func() { _ = log.Close() }()

	// The API's latency and per-action quota, writes serialised per account,
	// and no daily send limit (every contact gets its verification message,
	// so each can be verified through the admin API).
	emu, err := harness.StartEmulator(ctx, harness.EmulatorConfig{
		Binary: bins.Emulator,
		Settings: func(s *emulator.Settings) {
			s.Latency = o.latency
			s.RateLimit = o.rateLimit
			s.LockScope = emulator.LockPerAccount
			s.DailySendLimit = 0
		},
		Log: os.Stderr,
	})
	if err != nil {
		return err
	}
	defer func() { _ = emu.Close() }()
	fmt.Fprintf(os.Stderr, "bench: emulator at %s (latency %s, %d calls/s per action, lock scope account); CLI %s; log %s\n",
		emu.URL, o.latency, o.rateLimit, o.cli, log.Name())

	printHeader(os.Stdout, o)
	var (
		rows   []row
		failed []error
	)
	for _, n := range o.sizes {
		for _, batch := range o.batch {
			dir := filepath.Join(work, fmt.Sprintf("n%d-batch-%s", n, onOff(batch)))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			c, err := newCLI(ctx, tool, dir, bins.ProviderDir, emu.URL, batch, log)
			if err != nil {
				return err
			}
			s := &scenario{o: o, n: n, batch: batch, emu: emu, cli: c, dir: dir, out: os.Stdout}
			err = s.play(ctx)
			rows = append(rows, s.rows...)
			if err != nil {
				// The other sizes and modes still run; the table shows what was measured.
				err = fmt.Errorf("with %d contacts, batching %s: %w (see %s)", n, onOff(batch), err, log.Name())
				fmt.Fprintln(os.Stderr, "bench:", err)
				failed = append(failed, err)
			}
		}
	}
	printTargets(os.Stdout, rows)
	return errors.Join(failed...)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
