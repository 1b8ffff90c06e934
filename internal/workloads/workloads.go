// Package workloads generates the benchmark workloads of ../shared/bench (its gen.py) for the benchmarks
// of every package that runs them.
package workloads

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/stretchr/testify/require"
)

// Names are the workloads, in the order the benchmarks run them.
var Names = []string{"pass-chain-1000", "choice-loop", "map-10k", "parallel-fanout", "task-echo-chain", "big-payload"}

// Workload is one generated workload.
type Workload struct {
	Definition []byte
	Input      any
	InputText  string
	// Transitions is the number of state transitions one execution performs.
	Transitions int
	// Express: map-10k records 40,000 events, past a standard execution's 25,000 (AWS would fail it too),
	// so it runs as an express execution, which has no history limit.
	Express bool
	// NoPayloadLimit: big-payload's and map-10k's inputs exceed AWS's 256 KiB payload limit.
	NoPayloadLimit bool
}

// Generate writes the workloads with gen.py into a temporary directory and reads them; it skips the
// benchmark when ../shared or python3 is missing.
func Generate(b *testing.B) map[string]Workload {
	b.Helper()
	_, file, _, _ := runtime.Caller(0)
	gen := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "bench", "gen.py")
	if _, err := os.Stat(gen); err != nil {
		b.Skip("../shared/bench is not beside the checkout")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 is needed to generate the workloads")
	}
	dir := b.TempDir()
	out, err := exec.Command("python3", gen, "--out", dir).CombinedOutput()
	require.NoError(b, err, string(out))
	manifest := map[string]struct{ Transitions int }{}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(b, err)
	require.NoError(b, json.Unmarshal(data, &manifest))
	all := map[string]Workload{}
	for _, name := range Names {
		def, err := os.ReadFile(filepath.Join(dir, name, "definition.json"))
		require.NoError(b, err)
		raw, err := os.ReadFile(filepath.Join(dir, name, "input.json"))
		require.NoError(b, err)
		input, err := source.Decode(raw)
		require.NoError(b, err)
		all[name] = Workload{Definition: def, Input: input, InputText: string(raw), Transitions: manifest[name].Transitions,
			Express: name == "map-10k", NoPayloadLimit: name == "big-payload" || name == "map-10k"}
	}
	return all
}

// Report gives a benchmark's rate: state transitions per second of execution and microseconds per
// transition, for b.N executions of transitions each in elapsed.
func Report(b *testing.B, elapsed time.Duration, transitions int) {
	total := float64(transitions) * float64(b.N)
	b.ReportMetric(total/elapsed.Seconds(), "transitions/s")
	b.ReportMetric(float64(elapsed.Microseconds())/total, "µs/transition")
}
