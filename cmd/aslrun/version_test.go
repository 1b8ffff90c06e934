package main

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadBuildInfo: what each way of building stamps is reported, and a build that stamps nothing is devel.
func TestReadBuildInfo(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	vcs := func(rev, time, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "-buildmode", Value: "exe"}, {Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: time}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{name: "go build in a checkout with changes",
			bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20260102150405-0bcc015e5a12+dirty"},
				Settings: vcs("0bcc015e5a12aaaa", "2026-01-02T15:04:05Z", "true")}, ok: true,
			want: "aslrun v0.0.0-20260102150405-0bcc015e5a12+dirty\ncommit: 0bcc015e5a12aaaa, with uncommitted changes\n" +
				"date:   2026-01-02T15:04:05Z (the commit's)\ngo:     go1.26.8 " + platform + "\n"},
		{name: "go build of a tagged, clean checkout",
			bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"},
				Settings: vcs("0bcc015e5a12aaaa", "2026-01-02T15:04:05Z", "false")}, ok: true,
			want: "aslrun v1.2.3\ncommit: 0bcc015e5a12aaaa\ndate:   2026-01-02T15:04:05Z (the commit's)\ngo:     go1.26.8 " + platform + "\n"},
		{name: "go install @version: the module's version, no checkout",
			bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}}, ok: true,
			want: "aslrun v1.2.3\ncommit: unknown (no version control information in this build)\ngo:     go1.26.8 " + platform + "\n"},
		{name: "go run",
			bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, ok: true,
			want: "aslrun devel\ncommit: unknown (no version control information in this build)\ngo:     go1.26.8 " + platform + "\n"},
		{name: "no build info", ok: false,
			want: "aslrun devel\ncommit: unknown (no version control information in this build)\ngo:     " + runtime.Version() + " " + platform + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, readBuildInfo(tt.bi, tt.ok).String())
		})
	}
}

// TestVersionCommand: aslrun version and aslrun --version print the same, the build info of the binary.
func TestVersionCommand(t *testing.T) {
	want := readBuildInfo(debug.ReadBuildInfo()).String()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var stdout, stderr bytes.Buffer
		code := run(args, strings.NewReader(""), &stdout, &stderr)
		require.Equal(t, 0, code, stderr.String())
		assert.Equal(t, want, stdout.String(), args)
		assert.True(t, strings.HasPrefix(stdout.String(), "aslrun "), stdout.String())
	}
	code := run([]string{"version", "extra"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	assert.Equal(t, 2, code)
}
