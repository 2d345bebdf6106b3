package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// ProviderSource is this provider's source address.
const ProviderSource = "rdcontact/resourcedirectory"

// RegistryHosts are the hostnames a source address without one resolves
// to: Terraform's and OpenTofu's.
var RegistryHosts = []string{"registry.terraform.io", "registry.opentofu.org"}

// Installation is how a CLI installs providers: the provider_installation
// block of a CLI configuration. The zero value installs nothing: a test
// never downloads.
type Installation struct {
	// DevOverrides maps source addresses (such as ProviderSource) to the
	// directory holding the provider's binary, under every registry
	// hostname. With them there is no init.
	DevOverrides map[string]string
	// Mirror is a filesystem mirror (AddToMirror lays one out).
	Mirror string
	// Hosts route a registry hostname's provider service (providers.v1) to
	// another URL: a stand-in registry on loopback.
	Hosts map[string]string
}

// CLIConfig renders the CLI configuration.
func (i Installation) CLIConfig() string {
	var b strings.Builder
	b.WriteString("# Written by internal/harness.\nprovider_installation {\n")
	if len(i.DevOverrides) > 0 {
		b.WriteString("  dev_overrides {\n")
		for _, src := range sortedKeys(i.DevOverrides) {
			for _, host := range RegistryHosts {
				fmt.Fprintf(&b, "    %q = %q\n", host+"/"+src, i.DevOverrides[src])
			}
		}
		b.WriteString("  }\n")
	}
	if i.Mirror != "" {
		fmt.Fprintf(&b, "  filesystem_mirror {\n    path = %q\n  }\n", i.Mirror)
	}
	if len(i.Hosts) > 0 {
		b.WriteString("  direct {}\n")
	}
	b.WriteString("}\n")
	for _, host := range sortedKeys(i.Hosts) {
		fmt.Fprintf(&b, "\nhost %q {\n  services = {\n    \"providers.v1\" = %q\n  }\n}\n", host, i.Hosts[host])
	}
	return b.String()
}

// Write writes the CLI configuration to path (for TF_CLI_CONFIG_FILE) and
// returns path.
func (i Installation) Write(path string) (string, error) {
	return path, os.WriteFile(path, []byte(i.CLIConfig()), 0o644)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// AddToMirror copies the provider binary into the filesystem mirror dir,
// in the unpacked layout, as source (namespace/type) at version for this
// platform, under every registry hostname, with the file name the CLIs
// look for. It returns the paths written.
func AddToMirror(dir, source, version, binary string) ([]string, error) {
	b, err := os.ReadFile(binary)
	if err != nil {
		return nil, err
	}
	_, typ, ok := strings.Cut(source, "/")
	if !ok || strings.Contains(typ, "/") {
		return nil, fmt.Errorf("source %q is not namespace/type", source)
	}
	var out []string
	for _, host := range RegistryHosts {
		d := filepath.Join(dir, host, source, version, runtime.GOOS+"_"+runtime.GOARCH)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
		p := filepath.Join(d, "terraform-provider-"+typ+"_v"+version)
		if err := os.WriteFile(p, b, 0o755); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
