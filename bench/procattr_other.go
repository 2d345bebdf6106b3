//go:build !linux

package main

import "os/exec"

// dieWithParent is a no-op where the kernel offers no parent-death signal;
// the harness still stops the emulator on SIGINT and SIGTERM.
func dieWithParent(*exec.Cmd) {}
