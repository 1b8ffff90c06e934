package resources

import (
	"runtime"
	"syscall"
)

// execProcAttr makes the command a process group leader that the kernel kills when aslrun dies, even by
// SIGKILL, which runs none of aslrun's code.
//
// Only the command gets the signal: a parent-death signal is not inherited, so what a script started lives on
// in the command's process group after a SIGKILL of aslrun (a graceful end still kills the group, through
// the calls' contexts). Closing that gap would take a supervisor process per command, or a sweep of the
// groups left behind when aslrun starts again.
func execProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// execHoldThread locks the calling goroutine to its OS thread until release is called, after the command has
// been waited for. Linux sends the parent-death signal when the thread that forked the command ends, not the
// process (golang/go#27505), and the runtime ends a thread when a goroutine locked to it returns: should the
// goroutine move to another thread between the fork and the wait, as it does under load, any such goroutine
// landing on the forking thread would kill the command. A dedicated starter goroutine would do as well, but
// needs a lifetime of its own; the thread would be blocked in the wait for the command anyway.
func execHoldThread() (release func()) {
	runtime.LockOSThread()
	return runtime.UnlockOSThread
}
