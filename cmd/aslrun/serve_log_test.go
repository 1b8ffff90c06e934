package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeAccessLog: serve writes an access line per request in --log-format, and none with --quiet.
func TestServeAccessLog(t *testing.T) {
	tests := []struct {
		name string
		args []string
		// want matches the access line of ListStateMachines; "" wants none.
		want string
	}{
		{name: "text by default", want: `(?m)^time=\S+ op=ListStateMachines status=200 latency_ms=[0-9.]+ request_id=\S+$`},
		{name: "json", args: []string{"--log-format", "json"},
			want: `(?m)^\{"time":"[^"]+","op":"ListStateMachines","status":200,"latency_ms":[0-9.e-]+,"request_id":"[^"]+"\}$`},
		{name: "quiet", args: []string{"--quiet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, stop := startServe(t, append([]string{"--memory"}, tt.args...)...)
			_, err := sdkClient(url).ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{})
			require.NoError(t, err)
			err, text := stop()
			require.NoError(t, err)
			if tt.want == "" {
				assert.NotContains(t, text, "ListStateMachines")
				return
			}
			assert.Regexp(t, tt.want, text)
		})
	}
}

// TestServeLogFormat: the server's own failures take the format too; an unknown format is a usage error.
func TestServeLogFormat(t *testing.T) {
	tests := []struct{ format, want string }{
		{"text", "time=\\S+ level=ERROR msg=\"StartExecution: boom\"\n"},
		{"json", `{"time":"\S+","level":"ERROR","msg":"StartExecution: boom"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			var out bytes.Buffer
			errLog, _, err := serveLog(&out, logFlags{format: tt.format, quiet: true})
			require.NoError(t, err)
			errLog.Print("StartExecution: boom")
			assert.Regexp(t, "^"+tt.want+"$", out.String())
			if tt.format == "json" {
				assert.True(t, json.Valid(bytes.TrimSpace(out.Bytes())))
			}
		})
	}
	var stderr bytes.Buffer
	code := run([]string{"serve", "--memory", "--log-format", "xml"}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	assert.Equal(t, 2, code)
	assert.Equal(t, "aslrun: --log-format: \"xml\" is not a log format: give text or json\n", stderr.String())
}
