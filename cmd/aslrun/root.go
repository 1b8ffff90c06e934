package main

import (
	"errors"
	"strconv"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// exitCode is returned by a command that has already reported its outcome and only needs the process to
// exit with a given status (lint's 1 for errors, execute's 1 for a failed execution).
type exitCode int

func (e exitCode) Error() string { return "exit status " + strconv.Itoa(int(e)) }

func asExit(err error, target *exitCode) bool { return errors.As(err, target) }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "aslrun",
		Short:         "Run, lint and serve Amazon States Language state machines locally",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newLintCmd(), newExecuteCmd(), newTestCmd(), newTestStateCmd(), newServeCmd())
	return root
}
