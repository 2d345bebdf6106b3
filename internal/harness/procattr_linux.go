package harness

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel stop cmd when this process dies for any
// reason, such as SIGPIPE when its output is piped to head, so that no
// emulator outlives it.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
