package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// colorUsage documents --color.
const colorUsage = "colour --trace: auto (when stderr is a terminal and NO_COLOR is unset or empty), always or never"

// useColor resolves --color for output to w. NO_COLOR (no-color.org) turns auto off; an explicit
// --color always wins over it, as a command line wins over the environment.
func useColor(flag string, w io.Writer) (bool, error) {
	switch flag {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		return os.Getenv("NO_COLOR") == "" && isTerminal(w), nil
	}
	return false, fmt.Errorf("--color must be auto, always or never, not %q", flag)
}

// The SGR escape sequences the trace uses.
const (
	sgrReset = "\x1b[0m"
	sgrBold  = "\x1b[1m"
	sgrDim   = "\x1b[2m"
	sgrRed   = "\x1b[31m"
	sgrGreen = "\x1b[32m"
	sgrCyan  = "\x1b[36m"
)

// paint wraps s in the escape sequence sgr when on, else returns s.
func paint(on bool, sgr, s string) string {
	if !on || sgr == "" || s == "" {
		return s
	}
	return sgr + s + sgrReset
}
