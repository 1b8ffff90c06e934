// Command aslrun runs, lints and serves Amazon States Language state machines.
package main

import (
	"fmt"
	"io"
	"os"

	// The Go handlers of the example workflows, which their sidecar handler files bind as built-ins.
	_ "github.com/aslrun/aslrun/resources/examples"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the CLI and returns the process exit code, so tests can call it in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.Execute(); err != nil {
		var ec exitCode
		if asExit(err, &ec) {
			return int(ec)
		}
		fmt.Fprintln(stderr, "aslrun:", err)
		return 2
	}
	return 0
}
