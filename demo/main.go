// Command demo plays the narrated tour of the resourcedirectory provider that
// `make demo` runs.
//
// It builds the provider and the emulator (cmd/rdemulator), starts the
// emulator on a loopback port, writes a CLI configuration whose
// dev_overrides point at the freshly built provider, and drives the OpenTofu
// or Terraform CLI through terraform-exec in six steps in a temporary folder:
//
//  1. apply a realistic configuration and show the outputs;
//  2. complete a verification in the emulator and refresh;
//  3. change a title and a message type (an in-place update);
//  4. change a contact behind the CLI's back and catch the drift;
//  5. create a contact outside the CLI and adopt it with an import block;
//  6. destroy everything.
//
// After each step it checks what the narration promises, against the CLI's
// JSON output (read with terraform-json) and against the API itself, and exits non-zero as soon as an
// expectation fails. The emulator is stopped on every exit path.
//
// Usage:
//
//	go run ./demo -cli /path/to/tofu-or-terraform [-keep] [-no-color]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
)

// options is everything run needs; main fills it from flags.
type options struct {
	root    string    // module root: the directory holding go.mod
	cli     string    // path of the OpenTofu or Terraform CLI
	binDir  string    // where the provider and emulator binaries are built
	workDir string    // the scenario's folder; "" means a fresh temporary one
	keep    bool      // keep the scenario's folder after a successful run
	color   bool      // ANSI colours in the narration
	out     io.Writer // narration and CLI output
}

func main() {
	var o options
	flag.StringVar(&o.root, "root", ".", "module root of terraform-provider-resourcedirectory")
	flag.StringVar(&o.cli, "cli", os.Getenv("TF_ACC_TERRAFORM_PATH"), "path of the OpenTofu or Terraform CLI (default $TF_ACC_TERRAFORM_PATH, else tofu, else terraform from PATH)")
	flag.StringVar(&o.cli, "tofu", os.Getenv("TF_ACC_TERRAFORM_PATH"), "the same as -cli")
	flag.StringVar(&o.binDir, "bin-dir", "", "where to build the provider and emulator (default <root>/.tools/demo)")
	flag.StringVar(&o.workDir, "work-dir", "", "folder for the scenario (default a new temporary folder)")
	flag.BoolVar(&o.keep, "keep", false, "keep the scenario folder after a successful run")
	noColor := flag.Bool("no-color", false, "disable colours")
	flag.Parse()

	o.out = os.Stdout
	o.color = !*noColor && os.Getenv("NO_COLOR") == "" && isTerminal(os.Stdout)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo failed: %v\n", err)
		os.Exit(1)
	}
}

// run plays the whole demo and returns the first failed expectation.
func run(ctx context.Context, o options) (err error) {
	start := time.Now()
	n := newNarrator(o.out, o.color)

	root, err := filepath.Abs(o.root)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return fmt.Errorf("%s is not the module root (no go.mod): run the demo from the repository root or pass -root", root)
	}
	tool, err := findCLI(o.cli)
	if err != nil {
		return err
	}
	binDir := o.binDir
	if binDir == "" {
		binDir = filepath.Join(root, ".tools", "demo")
	}
	if binDir, err = filepath.Abs(binDir); err != nil {
		return err
	}

	n.title("terraform-provider-resourcedirectory: a guided tour on the local emulator")
	n.say("This demo builds the provider and the Resource Directory API emulator, then uses the " + tool.Product + " CLI " +
		"to manage message contacts exactly as you would against Alibaba Cloud. Nothing leaves this machine: " +
		"the emulator listens on 127.0.0.1 and accepts only its built-in, non-secret AccessKey pair.")

	n.section("Preparing")
	bins, err := harness.Build(ctx, root, binDir, narrateBuild(n))
	if err != nil {
		if be, ok := errors.AsType[*harness.BuildError](err); ok {
			for _, m := range be.Messages {
				n.fail("%s", m)
			}
			return fmt.Errorf("building %s: %w", be.What, be.Err)
		}
		return err
	}

	workDir := o.workDir
	if workDir == "" {
		if workDir, err = os.MkdirTemp("", "rd-demo-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(workDir, 0o755); err != nil {
		return err
	}
	defer func() {
		switch {
		case err != nil:
			n.say("The scenario folder is kept for inspection: " + workDir)
		case o.keep:
			n.say("The scenario folder is kept: " + workDir)
		case o.workDir == "":
			_ = os.RemoveAll(workDir)
		}
	}()

	logPath := filepath.Join(workDir, "emulator.log")
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer func() { _ = log.Close() }()
	emu, err := harness.StartEmulator(ctx, harness.EmulatorConfig{
		Binary: bins.Emulator,
		// Like the real API, delete contacts asynchronously when they are not
		// retained in the members, so that destroy visibly waits.
		Settings: func(s *emulator.Settings) { s.AsyncDelete = asyncDelete },
		Log:      log,
	})
	if err != nil {
		return fmt.Errorf("%w (see %s)", err, logPath)
	}
	defer func() {
		if stopErr := emu.Close(); stopErr != nil && err == nil {
			err = fmt.Errorf("%w (see %s)", stopErr, logPath)
		}
	}()
	n.ok("emulator listening on %s (log: %s)", emu.URL, logPath)

	d, err := newDemo(n, emu, tool, bins.ProviderDir, workDir)
	if err != nil {
		return err
	}
	n.ok("CLI: %s", d.cli.version(ctx))
	n.ok("scenario folder: %s", workDir)

	steps := []struct {
		title string
		play  func(context.Context) error
	}{
		{"Apply a realistic configuration", d.stepApply},
		{"A recipient verifies their email address", d.stepVerify},
		{"Change a title and a message type in place", d.stepUpdate},
		{"Someone changes a contact behind " + d.cli.Product + "'s back", d.stepDrift},
		{"Adopt a contact created outside " + d.cli.Product, d.stepImport},
		{"Destroy", d.stepDestroy},
	}
	for i, s := range steps {
		n.step(i+1, len(steps), s.title)
		if err := s.play(ctx); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("interrupted during step %d", i+1)
			}
			return fmt.Errorf("step %d (%s): %w", i+1, s.title, err)
		}
	}

	n.section("Done")
	n.ok("all %d steps behaved as described, in %s", len(steps), time.Since(start).Round(time.Second))
	n.say("Run the emulator yourself to test your own modules offline:")
	n.code("go run ./cmd/rdemulator -listen 127.0.0.1:8787",
		"export ALIBABA_CLOUD_ENDPOINT_RESOURCEDIRECTORYMASTER=http://127.0.0.1:8787",
		"export ALIBABA_CLOUD_ACCESS_KEY_ID=emulator-access-key-id",
		"export ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-access-key-secret")
	return nil
}

// findCLI resolves the CLI: the flag, else tofu, else terraform from PATH.
func findCLI(flagValue string) (harness.CLI, error) {
	if flagValue == "" {
		for _, name := range []string{"tofu", "terraform"} {
			if p, err := exec.LookPath(name); err == nil {
				return harness.NewCLI(p)
			}
		}
		return harness.CLI{}, errors.New("no CLI: pass -cli PATH (OpenTofu or Terraform) or set TF_ACC_TERRAFORM_PATH (make demo builds OpenTofu)")
	}
	return harness.NewCLI(flagValue)
}

// narrateBuild turns the build's progress into notes: a cold build on a
// small machine takes minutes.
func narrateBuild(n *narrator) func(harness.BuildEvent) {
	var lastNote time.Time
	return func(e harness.BuildEvent) {
		switch {
		case e.Done && e.Compiled == 0:
			n.ok("%s is up to date (%s)", e.What, e.Output)
		case e.Done:
			n.ok("built %s in %s (%d packages compiled): %s", e.What, e.Elapsed.Round(time.Second), e.Compiled, e.Output)
		case e.Compiled == 0:
			n.note("building %s (%s); the first build compiles its dependencies and takes a few minutes, later ones are cached", e.What, e.Package)
			lastNote = time.Now()
		case time.Since(lastNote) >= 10*time.Second:
			n.note("  … %d packages compiled so far (%s elapsed, latest %s)", e.Compiled, e.Elapsed.Round(time.Second), e.Latest)
			lastNote = time.Now()
		}
	}
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
