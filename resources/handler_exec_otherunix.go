//go:build unix && !linux

package resources

import "syscall"

// execProcAttr makes the command a process group leader. Without Linux's parent-death signal (FreeBSD has
// one too, left for when aslrun is used there), a command outlives a SIGKILL of aslrun.
func execProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// execHoldThread does nothing: only Linux ties a command to the thread that started it.
func execHoldThread() (release func()) { return func() {} }
