package resources_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources"
)

func TestHandlerFileSettings(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "f.json"), []byte(`{"sqs":{"queues":["q"]}}`), 0o644))
	tests := []struct {
		name, file, err string
		noEnv           bool
	}{
		{name: "fixtures and no bindings", file: `{"$fixtures": "f.json"}`},
		{name: "unknown setting", file: `{"$other": 1}`, err: `unknown setting "$other"`},
		{name: "fixtures not a path", file: `{"$fixtures": 1}`, err: `"$fixtures" must be the path`},
		{name: "missing fixtures file", file: `{"$fixtures": "nope.json"}`, err: "nope.json"},
		{name: "bad worker entry", file: `{"$workers": [{"queue": "q"}]}`, err: `"$workers"[0] must be {"queue": Q, "builtin": NAME}`},
		{name: "unknown worker", file: `{"$workers": [{"queue": "q", "builtin": "nope/worker"}]}`, err: `no built-in worker "nope/worker"`},
		{name: "unknown builtin", file: `{"f": {"builtin": "nope/handler"}}`, err: `no built-in handler "nope/handler"`},
		{name: "builtin without services", file: `{"f": {"builtin": "x"}}`, noEnv: true, err: "need the embedded services"},
		{name: "settings without services", file: `{"$fixtures": "f.json"}`, noEnv: true, err: "need the embedded services"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := resources.NewRegistry()
			if !tt.noEnv {
				reg.UseEnv(&resources.Env{Services: resources.NewServices()})
			}
			err := reg.AddHandlers(filepath.Join(dir, "h.json"), []byte(tt.file))
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}
