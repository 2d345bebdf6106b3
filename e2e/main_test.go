package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
)

// TestMain gives the tests the directory in which the binaries and the
// mirror of `make install` are built once and shared.
func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }

const (
	readmeHome      = "/home/you"
	installVersion  = "0.1.0" // the GNUmakefile's VERSION default, which the README promises
	providerAddress = harness.ProviderSource
)

// moduleRoot is the repository's root, where README.md and the
// GNUmakefile are.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := harness.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// readmeSection returns the text of the README section whose heading starts
// with heading, up to the next heading of the same or a higher level
// (lines inside code fences are not headings).
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(moduleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	level := strings.Index(heading, " ")
	var (
		out            []string
		inside, fenced bool
	)
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if !fenced && strings.HasPrefix(line, "#") {
			if hashes := strings.Index(line, " "); hashes > 0 && strings.Trim(line[:hashes], "#") == "" {
				if inside && hashes <= level {
					break
				}
				if strings.HasPrefix(strings.TrimRight(line, "\n"), heading) {
					inside = true
					continue
				}
			}
		}
		if inside {
			out = append(out, line)
		}
	}
	if !inside {
		t.Fatalf("README.md has no section %q", heading)
	}
	return strings.Join(out, "")
}

// codeBlocks returns the fenced code blocks of the given language in text.
func codeBlocks(text, lang string) []string {
	var out []string
	for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// blockWith returns the only block containing marker.
func blockWith(t *testing.T, blocks []string, marker string) string {
	t.Helper()
	var found []string
	for _, b := range blocks {
		if strings.Contains(b, marker) {
			found = append(found, b)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one code block containing %q, found %d", marker, len(found))
	}
	return found[0]
}

var install struct {
	once   sync.Once
	mirror string
	err    error
}

// makeInstall runs the README's `make install` once per test binary, into
// a mirror in the harness's run directory, and returns the mirror.
func makeInstall(t *testing.T) string {
	t.Helper()
	section := readmeSection(t, "### From source, beside other providers")
	if !regexp.MustCompile(`(?m)^make install\b`).MatchString(blockWith(t, codeBlocks(section, "sh"), "make install")) {
		t.Fatal("the README's installation commands have no `make install` line")
	}
	root, mirror := moduleRoot(t), filepath.Join(harness.RunDir(t), "mirror")
	install.once.Do(func() {
		cmd := exec.Command("make", "--no-print-directory", "install", "INSTALL_MIRROR="+mirror)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			install.err = fmt.Errorf("make install: %v\n%s", err, out)
		}
		install.mirror = mirror
	})
	if install.err != nil {
		t.Fatal(install.err)
	}
	return install.mirror
}

// mirrorCLIConfig writes the README's filesystem-mirror CLI configuration,
// pointed at the mirror makeInstall filled, and returns its path.
func mirrorCLIConfig(t *testing.T) string {
	t.Helper()
	section := readmeSection(t, "### From source, beside other providers")
	cliConfig := strings.ReplaceAll(blockWith(t, codeBlocks(section, "hcl"), "filesystem_mirror"),
		readmeHome+"/.terraform.d/plugins", makeInstall(t))
	return writeFile(t, filepath.Join(t.TempDir(), "cli.tfrc"), cliConfig)
}

// startEmulator starts an emulator as cfg says and stops it at cleanup,
// failing the test if it does not stop cleanly.
func startEmulator(t *testing.T, cfg harness.EmulatorConfig) *harness.Emulator {
	t.Helper()
	emu, err := harness.StartEmulator(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := emu.Close(); err != nil {
			t.Error(err)
		}
	})
	return emu
}

// newWorkspace is a workspace in a new temporary directory, or in dir.
func newWorkspace(t *testing.T, cfg harness.WorkspaceConfig) *harness.Workspace {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	ws, err := harness.NewWorkspace(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// run runs one terraform-exec command in ws, within processWait, and
// returns what the CLI printed. It is safe to call from any goroutine.
func run(t *testing.T, ws *harness.Workspace, f func(ctx context.Context, tf *tfexec.Terraform) error) (string, error) {
	ctx, cancel := context.WithTimeout(t.Context(), processWait)
	defer cancel()
	var out strings.Builder
	err := ws.Do(&out, func(tf *tfexec.Terraform) error { return f(ctx, tf) })
	return out.String(), err
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
