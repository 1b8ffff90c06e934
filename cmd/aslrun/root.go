package main

import (
	"errors"
	"runtime/debug"
	"strconv"

	"github.com/spf13/cobra"
)

// exitCode is returned by a command that has already reported its outcome and only needs the process to
// exit with a given status (lint's 1 for errors, execute's 1 for a failed execution).
type exitCode int

func (e exitCode) Error() string { return "exit status " + strconv.Itoa(int(e)) }

func asExit(err error, target *exitCode) bool { return errors.As(err, target) }

func newRootCmd() *cobra.Command {
	info := readBuildInfo(debug.ReadBuildInfo())
	root := &cobra.Command{
		Use:           "aslrun",
		Short:         "Run, lint and serve Amazon States Language state machines locally",
		Version:       info.String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// --version prints what aslrun version does.
	root.SetVersionTemplate("{{.Version}}")
	root.AddCommand(newLintCmd(), newExecuteCmd(), newTestCmd(), newGraphCmd(), newTestStateCmd(), newServeCmd(), newVersionCmd(info))
	return root
}
