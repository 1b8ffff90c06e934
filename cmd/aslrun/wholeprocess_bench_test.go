package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aslrun/aslrun/internal/workloads"
	"github.com/stretchr/testify/require"
)

// alsEnv names aws-local-stepfunctions' local-sfn (e.g. node_modules/.bin/local-sfn after
// `npm install aws-local-stepfunctions@3.0.0`), or its package directory; without it the comparison is skipped.
const alsEnv = "ASLRUN_BENCH_ALS"

// wholeProcessWorkloads are the workloads issue 20's whole-process target names.
var wholeProcessWorkloads = []string{"pass-chain-1000", "choice-loop", "map-10k", "task-echo-chain"}

// alsDriver runs one execution as local-sfn does (the same StateMachine, validation on, one run), but prints
// the output as JSON: local-sfn prints it with console.log, which abbreviates deep objects and long arrays,
// so its output cannot be compared; and local-sfn can only override a Task with an executable spawned per
// call, where aslrun's echo stub runs in process, so the echo is bound in process here too.
// Promise.withResolvers is Node 22's; aws-local-stepfunctions 3.0.0 asks for Node 22 and calls it on its Task
// path, so older Nodes get the standard definition.
const alsDriver = `const fs = require('fs');
if (!Promise.withResolvers) {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new this((a, b) => { resolve = a; reject = b; });
    return { promise, resolve, reject };
  };
}
const [pkg, defFile, inputFile, echo] = process.argv.slice(2);
const { StateMachine } = require(pkg);
const def = JSON.parse(fs.readFileSync(defFile, 'utf8'));
const input = JSON.parse(fs.readFileSync(inputFile, 'utf8'));
const handlers = {};
if (echo === 'echo') {
  for (const [name, s] of Object.entries(def.States)) if (s.Type === 'Task') handlers[name] = async (x) => x;
}
const sm = new StateMachine(def, { validationOptions: { checkPaths: true, checkArn: true } });
sm.run(input, { overrides: { taskResourceLocalHandlers: handlers } }).result.then(
  (out) => process.stdout.write(JSON.stringify(out) + '\n'),
  (err) => { process.stderr.write(String(err && err.message) + '\n'); process.exitCode = 2; });
`

// BenchmarkWholeProcess: one execution as a user runs it, process start to exit, of aslrun's binary and of
// aws-local-stepfunctions (Node) on the same files; both outputs are compared once before timing.
func BenchmarkWholeProcess(b *testing.B) {
	all := workloads.Generate(b)
	bin := buildAslrun(b)
	dir := b.TempDir()
	handlers := filepath.Join(dir, "echo.handlers.json")
	require.NoError(b, os.WriteFile(handlers, []byte(`{"arn:aws:lambda:us-east-1:123456789012:function:echo": {"echo": true}}`), 0o644))
	for _, name := range wholeProcessWorkloads {
		w, ok := all[name]
		require.True(b, ok, name)
		def := filepath.Join(dir, name+".asl.json")
		input := filepath.Join(dir, name+".input.json")
		require.NoError(b, os.WriteFile(def, w.Definition, 0o644))
		require.NoError(b, os.WriteFile(input, []byte(w.InputText), 0o644))
		args := []string{"execute", def, "--input", input}
		if w.Express {
			args = append(args, "--type", "EXPRESS")
		}
		if w.NoPayloadLimit {
			args = append(args, "--no-payload-limit")
		}
		echo := "none"
		if usesTask(b, w.Definition) {
			args = append(args, "--handlers", handlers)
			echo = "echo"
		}
		aslrun := exec.Command(bin, args...)
		// Checked once here, so that every run timed below is known to succeed with this output.
		want := runOnce(b, aslrun)
		b.Run(name+"/aslrun", func(b *testing.B) { timeRuns(b, aslrun) })
		checked := false
		b.Run(name+"/aws-local-stepfunctions", func(b *testing.B) {
			node, pkg, version := alsPackage(b)
			driver := filepath.Join(dir, "als-driver.cjs")
			require.NoError(b, os.WriteFile(driver, []byte(alsDriver), 0o644))
			als := exec.Command(node, driver, pkg, def, input, echo)
			if !checked {
				require.JSONEq(b, want, runOnce(b, als), "aws-local-stepfunctions %s and aslrun disagree on %s", version, name)
				checked = true
			}
			timeRuns(b, als)
		})
	}
}

// BenchmarkStartup: `aslrun --version`, the cost of starting the binary (issue 20: <= 8 ms).
func BenchmarkStartup(b *testing.B) {
	version := exec.Command(buildAslrun(b), "--version")
	require.True(b, strings.HasPrefix(runOnce(b, version), "aslrun "))
	timeRuns(b, version)
}

// usesTask tells whether a definition has Task states at its top level, as task-echo-chain does.
func usesTask(b *testing.B, definition []byte) bool {
	var def struct {
		States map[string]struct{ Type string }
	}
	require.NoError(b, json.Unmarshal(definition, &def))
	for _, s := range def.States {
		if s.Type == "Task" {
			return true
		}
	}
	return false
}

// buildAslrun builds aslrun as go build does in a checkout, into a temporary directory.
func buildAslrun(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "aslrun")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(b, err, string(out))
	return bin
}

// alsPackage finds node and aws-local-stepfunctions' package directory and version from ASLRUN_BENCH_ALS,
// or skips.
func alsPackage(b *testing.B) (node, pkg, version string) {
	b.Helper()
	path := os.Getenv(alsEnv)
	if path == "" {
		b.Skip(alsEnv + " is not set: set it to aws-local-stepfunctions' local-sfn (npm install aws-local-stepfunctions@3.0.0) to compare")
	}
	node, err := exec.LookPath("node")
	require.NoError(b, err, "%s is set, but node is not on PATH", alsEnv)
	pkg, err = filepath.EvalSymlinks(path)
	require.NoError(b, err, alsEnv)
	if info, err := os.Stat(pkg); err == nil && !info.IsDir() {
		pkg = filepath.Dir(filepath.Dir(pkg)) // local-sfn is the package's bin/CLI.cjs
	}
	data, err := os.ReadFile(filepath.Join(pkg, "package.json"))
	require.NoError(b, err, "%s=%s: not local-sfn nor the aws-local-stepfunctions package", alsEnv, path)
	var meta struct{ Name, Version string }
	require.NoError(b, json.Unmarshal(data, &meta), filepath.Join(pkg, "package.json"))
	require.Equal(b, "aws-local-stepfunctions", meta.Name, "%s=%s", alsEnv, path)
	return node, pkg, meta.Version
}

// runOnce runs a copy of cmd and gives its stdout; it fails the benchmark when the process does.
func runOnce(b *testing.B, cmd *exec.Cmd) string {
	b.Helper()
	var stdout, stderr bytes.Buffer
	c := exec.Command(cmd.Path, cmd.Args[1:]...)
	c.Stdout, c.Stderr = &stdout, &stderr
	require.NoError(b, c.Run(), "%s: %s", strings.Join(cmd.Args, " "), stderr.String())
	return stdout.String()
}

// timeRuns runs a copy of cmd b.N times, its output discarded, and reports milliseconds per run, wall-clock
// and CPU (user + system, all the process's threads): on a machine shared with other work, CPU time varies
// less than wall-clock time.
func timeRuns(b *testing.B, cmd *exec.Cmd) {
	b.ResetTimer()
	start := time.Now()
	var cpu time.Duration
	for range b.N {
		c := exec.Command(cmd.Path, cmd.Args[1:]...)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		if err := c.Run(); err != nil {
			b.Fatalf("%s: %v: %s", strings.Join(cmd.Args, " "), err, stderr.String())
		}
		cpu += c.ProcessState.UserTime() + c.ProcessState.SystemTime()
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/run")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/run")
}
