package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// CLI is an OpenTofu or Terraform executable.
type CLI struct {
	Path    string // absolute
	Name    string // "opentofu" or "terraform": a subtest's name
	Product string // "OpenTofu" or "Terraform"
	Command string // "tofu" or "terraform", as a user types it
	// Host is the registry hostname the CLI resolves the source address
	// "rdcontact/resourcedirectory" to.
	Host string
}

// NewCLI returns the CLI at path. OpenTofu is told from Terraform by its
// executable's name, which is all the harness needs (both answer `version
// -json` alike).
func NewCLI(path string) (CLI, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return CLI{}, err
	}
	if _, err := os.Stat(p); err != nil {
		return CLI{}, fmt.Errorf("CLI not found: %w", err)
	}
	if strings.Contains(strings.ToLower(filepath.Base(p)), "tofu") {
		return CLI{Path: p, Name: "opentofu", Product: "OpenTofu", Command: "tofu", Host: "registry.opentofu.org"}, nil
	}
	return CLI{Path: p, Name: "terraform", Product: "Terraform", Command: "terraform", Host: "registry.terraform.io"}, nil
}

// DefaultTerraform is where a Terraform CLI is looked for when TERRAFORM is
// not set.
const DefaultTerraform = "/usr/local/bin/terraform"

// CLIPaths returns the CLIs an end-to-end run uses, first the one the
// acceptance tests use: TF_ACC_TERRAFORM_PATH (OpenTofu under make test),
// then a Terraform binary when one exists (TERRAFORM, else
// DefaultTerraform), each once.
func CLIPaths() []string {
	var paths []string
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		paths = append(paths, p)
	}
	tf := os.Getenv("TERRAFORM")
	if tf == "" {
		tf = DefaultTerraform
	}
	if _, err := os.Stat(tf); err == nil && !slices.Contains(paths, tf) {
		paths = append(paths, tf)
	}
	return paths
}

// CLIs returns the CLIs of CLIPaths, and skips the test, saying how to get
// one, when there is none.
func CLIs(tb testing.TB) []CLI {
	tb.Helper()
	var clis []CLI
	for _, p := range CLIPaths() {
		c, err := NewCLI(p)
		if err != nil {
			tb.Fatal(err)
		}
		if !slices.ContainsFunc(clis, func(o CLI) bool { return o.Path == c.Path }) {
			clis = append(clis, c)
		}
	}
	if len(clis) == 0 {
		tb.Skip("no CLI: set TF_ACC_TERRAFORM_PATH to OpenTofu (make test does) or TERRAFORM to a Terraform binary")
	}
	return clis
}
