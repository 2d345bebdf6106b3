// Package e2e holds the end-to-end tests: the README's installation recipes
// (install_test.go), the CLI and the provider as the separate processes a
// user runs, interrupted and contending (process_test.go), and `tofu test`
// of the example module (tftest_test.go). Each runs a real CLI, OpenTofu
// and, when present, Terraform (harness.CLIs), against the emulator,
// through internal/harness; the package has no code outside its tests.
package e2e
