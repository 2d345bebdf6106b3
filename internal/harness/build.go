package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// ProviderBinary is the provider's executable name, the one a
// dev_overrides directory must hold.
const ProviderBinary = "terraform-provider-resourcedirectory"

// Binaries are the programs of this module that a run drives besides the
// CLI.
type Binaries struct {
	// ProviderDir holds the provider as ProviderBinary: the directory that
	// dev_overrides name.
	ProviderDir string
	Provider    string
	Emulator    string // cmd/rdemulator
}

// BuildEvent reports the progress of one of Build's go builds, because a
// cold build on a small machine takes minutes.
type BuildEvent struct {
	What     string // "the provider" or "the emulator"
	Package  string // "." or "./cmd/rdemulator"
	Output   string // the binary's path
	Compiled int    // packages compiled so far
	Latest   string // the package compiled last ("" at the start)
	Elapsed  time.Duration
	Done     bool // the build succeeded; Compiled == 0 means it was up to date
}

// BuildError is a failed go build, with the compiler's messages.
type BuildError struct {
	What     string
	Messages []string // every line of go build's output that is not a package path
	Err      error
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("building %s: %v\n%s", e.What, e.Err, strings.Join(e.Messages, "\n"))
}

func (e *BuildError) Unwrap() error { return e.Err }

// Build builds the provider and the emulator of the module at root ("" for
// the module holding the working directory, see ModuleRoot) into dir, with
// -trimpath. progress, when not nil, hears of every package compiled.
func Build(ctx context.Context, root, dir string, progress func(BuildEvent)) (Binaries, error) {
	if root == "" {
		var err error
		if root, err = ModuleRoot(); err != nil {
			return Binaries{}, err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Binaries{}, err
	}
	b := Binaries{ProviderDir: dir, Provider: filepath.Join(dir, ProviderBinary), Emulator: filepath.Join(dir, "rdemulator")}
	for _, t := range []BuildEvent{
		{What: "the provider", Package: ".", Output: b.Provider},
		{What: "the emulator", Package: "./cmd/rdemulator", Output: b.Emulator},
	} {
		if err := goBuild(ctx, root, t, progress); err != nil {
			return Binaries{}, err
		}
	}
	return b, nil
}

// goBuild runs `go build -v` and turns its list of compiled packages into
// events.
func goBuild(ctx context.Context, root string, ev BuildEvent, progress func(BuildEvent)) error {
	if progress == nil {
		progress = func(BuildEvent) {}
	}
	start := time.Now()
	progress(ev)
	cmd := exec.CommandContext(ctx, "go", "build", "-v", "-trimpath", "-o", ev.Output, ev.Package)
	cmd.Dir = root
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting go build: %w", err)
	}
	var messages []string // anything that is not a package path: compiler errors
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		if !isPackagePath(line) {
			messages = append(messages, line)
			continue
		}
		ev.Compiled++
		ev.Latest, ev.Elapsed = line, time.Since(start)
		progress(ev)
	}
	if err := cmd.Wait(); err != nil {
		return &BuildError{What: ev.What, Messages: messages, Err: err}
	}
	ev.Elapsed, ev.Done = time.Since(start), true
	progress(ev)
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

// modulePath is this module's path, which ModuleRoot looks for.
const modulePath = "github.com/rdcontact/terraform-provider-resourcedirectory"

// ModuleRoot returns the directory of this module's go.mod, searched from
// the working directory upwards.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(b), "module "+modulePath+"\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside " + modulePath + ": no go.mod of it above the working directory")
		}
		dir = parent
	}
}

// run is what a test binary builds once and shares: Main makes it and
// removes it.
var run struct {
	dir string

	once sync.Once
	bins Binaries
	err  error
}

// Main runs a test binary's tests (call it from TestMain) with a directory
// for what they build once and share (Built, RunDir), which it removes
// afterwards. It returns the exit code for os.Exit.
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "rd-harness-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		return 1
	}
	run.dir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	return code
}

// RunDir is the directory that Main made for this test binary: for what its
// tests build once and share.
func RunDir(tb testing.TB) string {
	tb.Helper()
	if run.dir == "" {
		tb.Fatal("harness: the package's TestMain must call harness.Main (func TestMain(m *testing.M) { os.Exit(harness.Main(m)) })")
	}
	return run.dir
}

// Built returns the provider and the emulator, built once per test binary
// into RunDir.
func Built(tb testing.TB) Binaries {
	tb.Helper()
	dir := filepath.Join(RunDir(tb), "bin")
	run.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		run.bins, run.err = Build(ctx, "", dir, nil)
	})
	if run.err != nil {
		tb.Fatal(run.err)
	}
	return run.bins
}
