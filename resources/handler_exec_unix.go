//go:build unix

package resources

import (
	"os"
	"os/exec"
	"syscall"
)

// execRun runs cmd as the leader of a process group of its own, so that one signal reaches every process a
// script starts: the end of the call's context kills the group, and so does the command's exit, so that
// nothing it left running outlives the call.
func execRun(cmd *exec.Cmd) error {
	cmd.SysProcAttr = execProcAttr()
	cmd.Cancel = func() error { return execKillGroup(cmd.Process) }
	release := execHoldThread()
	err := cmd.Run()
	release()
	if cmd.Process != nil {
		// ESRCH when nothing was left.
		_ = execKillGroup(cmd.Process)
	}
	return err
}

// execKillGroup kills the process group that p leads.
func execKillGroup(p *os.Process) error { return syscall.Kill(-p.Pid, syscall.SIGKILL) }
