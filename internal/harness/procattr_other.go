//go:build !linux

package harness

import "os/exec"

// dieWithParent is a no-op where the kernel offers no parent-death signal;
// Close still stops the emulator.
func dieWithParent(*exec.Cmd) {}
