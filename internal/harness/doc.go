// Package harness is the one way to run this provider end to end: the
// binaries built once, the emulator in this process or as the real
// rdemulator process, a typed client of its admin API, and a workspace that
// runs a real CLI (OpenTofu or Terraform, at any path) hermetically through
// terraform-exec, with a CLI configuration that installs the provider from
// dev_overrides or a filesystem mirror.
//
// # Binaries
//
// A program builds into a directory of its choice; a test binary builds
// once and shares the result, in a directory that Main removes:
//
//	bins, err := harness.Build(ctx, "", dir, nil) // provider and rdemulator, go build -trimpath
//
//	func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
//	bins := harness.Built(t)                       // once per test binary
//
// # The emulator
//
// StartEmulator is the one constructor; Close (idempotent) stops it. Without
// Binary it serves internal/emulator in this process (Server is the
// emulator, Options and Wrap apply); with Binary it runs rdemulator, whose
// settings become its flags (SettingsFlags). Either way Admin is a client of
// every /_emulator/ endpoint, typed with the emulator's own types:
//
//	emu, err := harness.StartEmulator(ctx, harness.EmulatorConfig{
//		Binary:   bins.Emulator, // "" for in process
//		Settings: func(s *emulator.Settings) { s.Latency = 20 * time.Millisecond },
//	})
//	if err != nil { ... }
//	t.Cleanup(func() { _ = emu.Close() })
//	_, err = emu.Admin.Verify(ctx, "", "ops@example.com")
//	stats, err := emu.Admin.Stats(ctx)
//	_, err = emu.Admin.Apply(ctx, func(s *emulator.Settings) { s.ReadMode = emulator.ReadVerified })
//
// # The CLI and its configuration
//
// CLIs(t) returns the CLIs a test runs on, and skips the test when there is
// none: TF_ACC_TERRAFORM_PATH (OpenTofu under make test) and a Terraform
// binary (TERRAFORM, else /usr/local/bin/terraform). NewCLI takes any path,
// such as /work/shared/tools/terraform-1.15.9. Installation writes the CLI
// configuration: dev_overrides (no init), a filesystem mirror (AddToMirror
// lays out this provider or any stand-in one under both registry
// hostnames), and stand-in registry hosts. Nothing is ever downloaded unless
// Hosts route a registry to loopback.
//
//	rc, err := harness.Installation{Mirror: mirror}.Write(filepath.Join(t.TempDir(), "cli.tfrc"))
//	rc, err := harness.Installation{DevOverrides: map[string]string{harness.ProviderSource: bins.ProviderDir}}.Write(path)
//
// # Workspaces
//
// A Workspace is a working directory and a CLI with an environment of its
// own (nothing of the user's cloud or CLI setup), pointed at the emulator.
// TF is terraform-exec's Terraform: plan with its exit code, apply,
// destroy, show, output, state, import, query, test. Do captures what a
// command prints; Start runs a command that can be interrupted as Ctrl-C
// does (unix).
//
//	ws, err := harness.NewWorkspace(harness.WorkspaceConfig{CLI: cli, Dir: t.TempDir(), CLIConfig: rc, Endpoint: emu.URL})
//	err = ws.WriteFile("main.tf", hcl)
//	var out bytes.Buffer
//	err = ws.Do(&out, func(tf *tfexec.Terraform) error { return tf.Apply(ctx) })
//	changes, err := ws.TF.Plan(ctx) // -detailed-exitcode
//	resources, err := ws.Resources(ctx)
package harness
