package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// buildInfo is what a binary knows of its build, from the build info the go command stamps into it: no
// -ldflags are needed.
type buildInfo struct {
	// Version is the main module's: v1.2.3 under go install ...@v1.2.3, a pseudo-version such as
	// v0.0.0-20260102150405-0bcc015e5a12+dirty under go build in a checkout (Go 1.24+), devel under go run.
	Version string
	// Commit, Time and Modified are the checkout's (vcs.revision, vcs.time, vcs.modified): go build and go
	// install in a checkout stamp them, go run and go install ...@version do not. Time is the commit's:
	// builds are reproducible, so there is no build time to report.
	Commit, Time string
	Modified     bool
	// Go is the toolchain, Platform the GOOS/GOARCH the binary runs on.
	Go, Platform string
}

// readBuildInfo interprets runtime/debug.ReadBuildInfo's answer.
func readBuildInfo(bi *debug.BuildInfo, ok bool) buildInfo {
	info := buildInfo{Version: "devel", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if !ok || bi == nil {
		return info
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		info.Version = v
	}
	if bi.GoVersion != "" {
		info.Go = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// String is what aslrun version and aslrun --version print.
func (b buildInfo) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "aslrun %s\n", b.Version)
	switch {
	case b.Commit == "":
		s.WriteString("commit: unknown (no version control information in this build)\n")
	case b.Modified:
		fmt.Fprintf(&s, "commit: %s, with uncommitted changes\n", b.Commit)
	default:
		fmt.Fprintf(&s, "commit: %s\n", b.Commit)
	}
	if b.Time != "" {
		fmt.Fprintf(&s, "date:   %s (the commit's)\n", b.Time)
	}
	fmt.Fprintf(&s, "go:     %s %s\n", b.Go, b.Platform)
	return s.String()
}

func newVersionCmd(info buildInfo) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and date of this build",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), info)
			return err
		},
	}
}
