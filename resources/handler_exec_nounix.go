//go:build !unix

package resources

import "os/exec"

// execRun runs cmd; the end of the call's context kills it (exec.CommandContext's default). Without process
// groups what it started is not killed, nor does it die with aslrun: a Windows job object could do both.
func execRun(cmd *exec.Cmd) error { return cmd.Run() }
