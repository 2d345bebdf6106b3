package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// providerBinary is the file name OpenTofu looks for in a dev_overrides
// directory.
const providerBinary = "terraform-provider-resourcedirectory"

// binaries are the programs the demo runs besides the CLI.
type binaries struct {
	providerDir string // holds providerBinary, for dev_overrides
	emulator    string
}

// buildBinaries builds the provider and the emulator into binDir. The Go
// build cache makes repeated runs cheap; the first one compiles every
// dependency, so it reports progress as it goes.
func buildBinaries(ctx context.Context, n *narrator, root, binDir string) (binaries, error) {
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return binaries{}, err
	}
	b := binaries{providerDir: binDir, emulator: filepath.Join(binDir, "rdemulator")}
	targets := []struct{ what, pkg, out string }{
		{"the provider", ".", filepath.Join(binDir, providerBinary)},
		{"the emulator", "./cmd/rdemulator", b.emulator},
	}
	for _, t := range targets {
		if err := goBuild(ctx, n, root, t.what, t.pkg, t.out); err != nil {
			return binaries{}, err
		}
	}
	return b, nil
}

// goBuild runs `go build -v` and turns its list of compiled packages into
// progress lines, because a cold build on a small machine takes minutes.
func goBuild(ctx context.Context, n *narrator, root, what, pkg, out string) error {
	start := time.Now()
	n.note("building %s (%s); the first build compiles its dependencies and takes a few minutes, later ones are cached", what, pkg)
	cmd := exec.CommandContext(ctx, "go", "build", "-v", "-trimpath", "-o", out, pkg)
	cmd.Dir = root
	cmd.Stdout = os.Stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting go build: %w", err)
	}

	var (
		compiled int
		lastNote = time.Now()
		messages []string // anything that is not a package path: compiler errors
	)
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		if isPackagePath(line) {
			compiled++
			if time.Since(lastNote) >= 10*time.Second {
				n.note("  … %d packages compiled so far (%s elapsed, latest %s)", compiled, time.Since(start).Round(time.Second), line)
				lastNote = time.Now()
			}
			continue
		}
		messages = append(messages, line)
	}
	if err := cmd.Wait(); err != nil {
		for _, m := range messages {
			n.fail("%s", m)
		}
		return fmt.Errorf("building %s: %w", what, err)
	}
	if compiled == 0 {
		n.ok("%s is up to date (%s)", what, out)
	} else {
		n.ok("built %s in %s (%d packages compiled): %s", what, time.Since(start).Round(time.Second), compiled, out)
	}
	return nil
}

// isPackagePath reports whether a `go build -v` line names a package rather
// than carrying a diagnostic.
func isPackagePath(line string) bool {
	if line == "" || strings.ContainsAny(line, " \t:") {
		return false
	}
	return !strings.HasPrefix(line, "#")
}
