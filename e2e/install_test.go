package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/hashicorp/terraform-exec/tfexec"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
)

// The README's installation recipe, run as a user would: `make install`,
// the CLI configuration copied from README.md, then `init` and `plan` of a
// module that uses this provider beside another one. Nothing is
// downloaded: the other provider comes from a stand-in registry on
// loopback, which a `host` block appended to the README's configuration
// puts behind the registry hostname.

const (
	companionNS   = "rdtest"
	companionType = "companion"
	companionVer  = "1.0.0"
)

// TestInstall_mirrorLayout checks what `make install` lays out: the
// registry's unpacked layout under both hostnames, with the binary name the
// CLIs look for.
func TestInstall_mirrorLayout(t *testing.T) {
	mirror := makeInstall(t)
	platform := runtime.GOOS + "_" + runtime.GOARCH
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		p := filepath.Join(mirror, host, providerAddress, installVersion, platform, "terraform-provider-resourcedirectory_v"+installVersion)
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("make install did not create %s: %v", p, err)
			continue
		}
		if fi.Mode()&0o111 == 0 {
			t.Errorf("%s is not executable (%v)", p, fi.Mode())
		}
	}
}

// TestInstall_readme runs init and plan with the README's filesystem-mirror
// configuration, on a module that needs a second provider from the
// (stand-in) registry, on every CLI available.
func TestInstall_readme(t *testing.T) {
	clis := harness.CLIs(t)
	section := readmeSection(t, "### From source, beside other providers")
	cliConfig := blockWith(t, codeBlocks(section, "hcl"), "filesystem_mirror")
	moduleTF := blockWith(t, codeBlocks(section, "hcl"), "required_providers")
	if !strings.Contains(cliConfig, readmeHome+"/.terraform.d/plugins") {
		t.Fatalf("the README's CLI configuration does not use the default mirror %s/.terraform.d/plugins:\n%s", readmeHome, cliConfig)
	}
	mirror := makeInstall(t)
	cliConfig = strings.ReplaceAll(cliConfig, readmeHome+"/.terraform.d/plugins", mirror)

	// The module: the README's terraform block plus the second provider, and
	// one resource for each so that plan configures both.
	withCompanion := strings.Replace(moduleTF, "required_providers {\n",
		fmt.Sprintf("required_providers {\n    %s = {\n      source  = %q\n      version = %q\n    }\n",
			companionType, companionNS+"/"+companionType, companionVer), 1)
	if withCompanion == moduleTF {
		t.Fatalf("the README's module block has no `required_providers {` line:\n%s", moduleTF)
	}
	module := withCompanion + `
resource "resourcedirectory_message_contact" "ops" {
  name          = "Ops"
  email_address = "ops@example.com"
  title         = "TechnicalDirector"
  message_types = ["FaultMessage"]
}

# The companion provider is a copy of this one published under another
# address; its resources keep their type names, so they name it explicitly.
resource "resourcedirectory_message_contact" "via_companion" {
  provider      = ` + companionType + `
  name          = "Finance"
  email_address = "finance@example.com"
  title         = "FinanceDirector"
  message_types = ["AccountExpenses"]
}
`
	reg := newStandInRegistry(t, filepath.Join(mirror, "registry.terraform.io", providerAddress, installVersion,
		runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-resourcedirectory_v"+installVersion))

	for _, cli := range clis {
		t.Run(cli.Name, func(t *testing.T) {
			rc := writeFile(t, filepath.Join(t.TempDir(), "cli.tfrc"), cliConfig+reg.hostBlocks())
			ws := recipeWorkspace(t, cli, rc, module)

			reg.reset()
			out, err := run(t, ws, func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Init(ctx) })
			if err != nil {
				t.Fatalf("init with the README's configuration failed: %v\n%s", err, out)
			}
			if got := reg.requested(); !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, "/"+companionNS+"/"+companionType+"/") }) ||
				slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, "/rdcontact/") }) {
				t.Errorf("the registry saw %v: want requests for %s/%s only, never for rdcontact", got, companionNS, companionType)
			}
			lock, err := os.ReadFile(filepath.Join(ws.Dir, ".terraform.lock.hcl"))
			if err != nil {
				t.Fatalf("init wrote no lock file: %v\n%s", err, out)
			}
			for _, want := range []string{
				fmt.Sprintf("provider %q {\n  version = %q", cli.Host+"/"+providerAddress, installVersion),
				fmt.Sprintf("provider %q {\n  version     = %q", cli.Host+"/"+companionNS+"/"+companionType, companionVer),
			} {
				if !strings.Contains(normaliseLock(string(lock)), normaliseLock(want)) {
					t.Errorf("the lock file lacks %q:\n%s", want, lock)
				}
			}

			var changes bool
			out, err = run(t, ws, func(ctx context.Context, tf *tfexec.Terraform) (err error) {
				changes, err = tf.Plan(ctx) // -detailed-exitcode
				return err
			})
			if err != nil || !changes {
				t.Fatalf("plan -detailed-exitcode: changes %v (%v), want exit code 2 (changes):\n%s", changes, err, out)
			}
			if !strings.Contains(out, "Plan: 2 to add, 0 to change, 0 to destroy.") {
				t.Errorf("plan does not propose the two contacts:\n%s", out)
			}

			// A second init is what CI does on every run: it must verify
			// the locked checksums and succeed without -upgrade.
			if out, err := run(t, ws, func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Init(ctx) }); err != nil {
				t.Fatalf("a second init against the lock file failed: %v\n%s", err, out)
			}
		})
	}
}

// TestInstall_devOverrides checks the README's dev_overrides recipe: plan
// works without init, and init fails as the README warns.
func TestInstall_devOverrides(t *testing.T) {
	clis := harness.CLIs(t)
	section := readmeSection(t, "### For provider development: `dev_overrides`")
	cliConfig := blockWith(t, codeBlocks(section, "hcl"), "dev_overrides")
	moduleTF := blockWith(t, codeBlocks(readmeSection(t, "### From source, beside other providers"), "hcl"), "required_providers")
	if !strings.Contains(section, "go install .") {
		t.Fatal("the dev_overrides section does not say `go install .`")
	}
	// What `go install .` puts in ~/go/bin.
	bins := harness.Built(t)
	cliConfig = strings.ReplaceAll(cliConfig, readmeHome+"/go/bin", bins.ProviderDir)
	reg := newStandInRegistry(t, bins.Provider)

	for _, cli := range clis {
		t.Run(cli.Name, func(t *testing.T) {
			rc := writeFile(t, filepath.Join(t.TempDir(), "cli.tfrc"), cliConfig+reg.hostBlocks())
			ws := recipeWorkspace(t, cli, rc, moduleTF+`
resource "resourcedirectory_message_contact" "ops" {
  name          = "Ops"
  email_address = "ops@example.com"
  title         = "TechnicalDirector"
  message_types = ["FaultMessage"]
}
`)
			out, err := run(t, ws, func(ctx context.Context, tf *tfexec.Terraform) error { _, err := tf.Plan(ctx); return err })
			if err != nil {
				t.Fatalf("plan without init failed: %v\n%s", err, out)
			}
			for _, want := range []string{"Provider development overrides are in effect", "Plan: 1 to add"} {
				if !strings.Contains(out, want) {
					t.Errorf("plan output lacks %q:\n%s", want, out)
				}
			}

			out, err = run(t, ws, func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Init(ctx) })
			if err == nil {
				t.Fatalf("init with dev_overrides succeeded, but the README says it fails:\n%s", out)
			}
			if !strings.Contains(strings.Join(strings.Fields(out), " "), "Failed to query available provider packages") {
				t.Errorf("init failed differently from what the README says:\n%s", out)
			}
		})
	}
}

// recipeWorkspace is a workspace holding module as main.tf, with the CLI
// configuration rc and dummy keys: the recipes make no API call (plan of
// new resources reads nothing), and the endpoint is a closed port.
func recipeWorkspace(t *testing.T, cli harness.CLI, rc, module string) *harness.Workspace {
	t.Helper()
	ws := newWorkspace(t, harness.WorkspaceConfig{
		CLI: cli, CLIConfig: rc,
		AccessKeyID: "install-test-key-id", AccessKeySecret: "install-test-key-secret",
	})
	if err := ws.WriteFile("main.tf", module); err != nil {
		t.Fatal(err)
	}
	return ws
}

// normaliseLock collapses runs of spaces, which the CLIs use to align "=".
func normaliseLock(s string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(s, " ")
}

// standInRegistry implements the provider registry protocol's two calls
// for one provider, companionNS/companionType companionVer, for the
// platform the tests run on, with a GPG-signed SHA256SUMS as the CLIs
// require.
type standInRegistry struct {
	srv *httptest.Server

	mu   sync.Mutex
	seen []string
}

func newStandInRegistry(t *testing.T, binary string) *standInRegistry {
	t.Helper()
	bin, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	prefix := fmt.Sprintf("terraform-provider-%s_%s", companionType, companionVer)
	zipName := prefix + "_" + platform + ".zip"

	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	fh := &zip.FileHeader{Name: fmt.Sprintf("terraform-provider-%s_v%s", companionType, companionVer), Method: zip.Deflate}
	fh.SetMode(0o755)
	w, err := zw.CreateHeader(fh)
	if err == nil {
		_, err = w.Write(bin)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(zbuf.Bytes())
	shasums := fmt.Sprintf("%s  %s\n", hex.EncodeToString(sum[:]), zipName)

	key, err := openpgp.NewEntity("stand-in registry", "install test", "install-test@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	var sig bytes.Buffer
	if err := openpgp.DetachSign(&sig, key, strings.NewReader(shasums), nil); err != nil {
		t.Fatal(err)
	}
	var pub bytes.Buffer
	aw, err := armor.Encode(&pub, openpgp.PublicKeyType, nil)
	if err == nil {
		err = key.Serialize(aw)
	}
	if err == nil {
		err = aw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}

	r := &standInRegistry{}
	base := "/v1/providers/" + companionNS + "/" + companionType + "/"
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+base+"versions", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"versions": []any{map[string]any{
			"version": companionVer, "protocols": []string{"6.0"},
			"platforms": []any{map[string]string{"os": runtime.GOOS, "arch": runtime.GOARCH}},
		}}})
	})
	mux.HandleFunc("GET "+base+companionVer+"/download/"+runtime.GOOS+"/"+runtime.GOARCH, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{
			"protocols": []string{"6.0"}, "os": runtime.GOOS, "arch": runtime.GOARCH,
			"filename": zipName, "shasum": hex.EncodeToString(sum[:]),
			"download_url":          r.srv.URL + "/files/" + zipName,
			"shasums_url":           r.srv.URL + "/files/" + prefix + "_SHA256SUMS",
			"shasums_signature_url": r.srv.URL + "/files/" + prefix + "_SHA256SUMS.sig",
			"signing_keys": map[string]any{"gpg_public_keys": []any{map[string]string{
				"key_id": key.PrimaryKey.KeyIdString(), "ascii_armor": pub.String(),
			}}},
		})
	})
	files := map[string][]byte{
		zipName:                    zbuf.Bytes(),
		prefix + "_SHA256SUMS":     []byte(shasums),
		prefix + "_SHA256SUMS.sig": sig.Bytes(),
	}
	mux.HandleFunc("GET /files/{name}", func(w http.ResponseWriter, req *http.Request) {
		b, ok := files[req.PathValue("name")]
		if !ok {
			http.NotFound(w, req)
			return
		}
		_, _ = w.Write(b)
	})
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.seen = append(r.seen, req.URL.Path)
		r.mu.Unlock()
		mux.ServeHTTP(w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// hostBlocks are the CLI configuration lines that route both registry
// hostnames' provider service to the stand-in.
func (r *standInRegistry) hostBlocks() string {
	var b strings.Builder
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		fmt.Fprintf(&b, "\n# Added by the test: the registry, offline.\nhost %q {\n  services = {\n    \"providers.v1\" = %q\n  }\n}\n",
			host, r.srv.URL+"/v1/providers/")
	}
	return b.String()
}

func (r *standInRegistry) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = nil
}

func (r *standInRegistry) requested() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// TestInstall_goInstallEmulator runs the README's `go install
// <module>/cmd/rdemulator@<version>` against a module proxy on disk that
// serves this repository's HEAD as that version (what tagging it would
// publish), with every dependency from the local module cache; it is also a
// check that nothing in go.mod (a replace or exclude directive) breaks
// installing by version.
func TestInstall_goInstallEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the emulator in a fresh module cache")
	}
	m := regexp.MustCompile(`(?m)^go install ((github\.com/rdcontact/terraform-provider-resourcedirectory)/cmd/rdemulator)@(v\S+)`).
		FindStringSubmatch(readmeSection(t, "## Testing your own modules offline"))
	if m == nil {
		t.Fatal("the README's emulator section has no `go install github.com/rdcontact/terraform-provider-resourcedirectory/cmd/rdemulator@vX.Y.Z` line")
	}
	pkg, modPath, version := m[1], m[2], m[3]
	if version != "v"+installVersion {
		t.Errorf("the README installs rdemulator %s, want v%s (the version make install uses)", version, installVersion)
	}

	goEnv := func(name string) string {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	proxy := t.TempDir()
	dir := filepath.Join(proxy, modPath, "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The committed tree, as a tag would hold it (git archive leaves out
	// ignored files such as .tools/ and dist/).
	src := t.TempDir()
	archive := exec.Command("sh", "-c", `git archive --format=tar HEAD | tar -x -C "$0"`, src)
	archive.Dir = moduleRoot(t)
	if out, err := archive.CombinedOutput(); err != nil {
		t.Fatalf("git archive HEAD: %v\n%s", err, out)
	}
	var zbuf bytes.Buffer
	if err := modzip.CreateFromDir(&zbuf, module.Version{Path: modPath, Version: version}, src); err != nil {
		t.Fatalf("zipping HEAD as %s@%s: %v", modPath, version, err)
	}
	gomod, err := os.ReadFile(filepath.Join(src, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "list"), version+"\n")
	writeFile(t, filepath.Join(dir, version+".info"), fmt.Sprintf(`{"Version":%q,"Time":"2026-12-02T00:00:00Z"}`, version))
	writeFile(t, filepath.Join(dir, version+".mod"), string(gomod))
	writeFile(t, filepath.Join(dir, version+".zip"), zbuf.String())

	gobin := t.TempDir()
	cmd := exec.Command("go", "install", pkg+"@"+version)
	cmd.Dir = t.TempDir() // outside this module, as a user would run it
	cmd.Env = append(os.Environ(),
		"GOBIN="+gobin,
		"GOMODCACHE="+t.TempDir(),
		"GOFLAGS=-modcacherw",
		// This version from the proxy on disk, the dependencies from the
		// local module cache: tests reach nothing beyond this machine, so
		// the checksum database is not consulted; the module's own go.sum
		// still verifies every dependency it lists.
		"GOPROXY=file://"+filepath.ToSlash(proxy)+",file://"+filepath.ToSlash(filepath.Join(goEnv("GOMODCACHE"), "cache", "download")),
		"GOSUMDB=off",
		"GOWORK=off",
	)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install %s@%s: %v\n%s", pkg, version, err, out)
	}
	// StartEmulator fails unless the process prints its loopback URL.
	emu := startEmulator(t, harness.EmulatorConfig{Binary: filepath.Join(gobin, "rdemulator")})
	if _, err := emu.Admin.Stats(t.Context()); err != nil {
		t.Errorf("the installed rdemulator does not answer: %v", err)
	}
}
