package e2e

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
)

// TestREADME_quickStart runs the README's quick start, as a user pastes it
// into a shell, on every CLI: in a copy of the checkout, it builds the
// provider and the emulator, starts the emulator, writes the dev_overrides
// configuration and plans and applies the example. The test changes only
// the emulator's port (a free one, so that runs do not collide), waits for
// the emulator to listen after starting it; Shell stops it at the end.
func TestREADME_quickStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider and the emulator in a copy of the checkout")
	}
	clis := harness.CLIs(t)
	block := blockWith(t, codeBlocks(readmeSection(t, "## Quick start"), "sh"), "go build")
	const readmeAddr = "127.0.0.1:8787"
	if strings.Count(block, readmeAddr) < 2 {
		t.Fatalf("the quick start no longer starts the emulator on %s and points the provider at it:\n%s", readmeAddr, block)
	}
	goEnv := map[string]string{"GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "-mod=mod"}
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		goEnv[name] = strings.TrimSpace(string(out))
	}

	for _, cli := range clis {
		t.Run(cli.Name, func(t *testing.T) {
			addr := freeLoopbackAddr(t)
			var script strings.Builder
			waited := false
			for line := range strings.Lines(strings.ReplaceAll(block, readmeAddr, addr)) {
				script.WriteString(line)
				if code, _, _ := strings.Cut(line, "#"); strings.HasSuffix(strings.TrimSpace(code), "&") {
					fmt.Fprintf(&script, "until curl -s -o /dev/null http://%s/_emulator/settings; do sleep 0.1; done\n", addr)
					waited = true
				}
			}
			if !waited {
				t.Fatalf("the quick start starts no emulator in the background:\n%s", block)
			}
			src := copyCheckout(t)
			ws := newWorkspace(t, harness.WorkspaceConfig{CLI: cli, Dir: src, CLIConfig: devOverridesConfig(t), Env: goEnv})
			out, err := ws.Shell(t.Context(), script.String())
			if err != nil {
				t.Fatalf("the quick start failed on %s: %v\n%s", cli.Product, err, out)
			}
			for _, want := range []string{"Plan: 2 to add, 0 to change, 0 to destroy.", "Apply complete! Resources: 2 added, 0 changed, 0 destroyed."} {
				if !strings.Contains(out, want) {
					t.Errorf("the quick start does not print %q:\n%s", want, out)
				}
			}
		})
	}
}

// freeLoopbackAddr returns a loopback address with a port nothing listens
// on now.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// copyCheckout copies the repository's tracked files, as they are in the
// working tree, into a new directory: a checkout of its own, so that what
// a recipe builds and writes stays out of this one.
func copyCheckout(t *testing.T) string {
	t.Helper()
	root := moduleRoot(t)
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	list, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	dst := t.TempDir()
	for rel := range strings.SplitSeq(strings.TrimRight(string(list), "\x00"), "\x00") {
		from := filepath.Join(root, rel)
		fi, err := os.Lstat(from)
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the working tree, or a link
		}
		to := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := copyFile(from, to, fi.Mode()); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode.Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
