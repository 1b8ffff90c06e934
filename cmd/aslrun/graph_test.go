package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
)

// TestGraphDefinitions draws every definition of the project in dot and Mermaid: a digraph (a flowchart)
// that names every state, Parallel branches and Map processors included.
func TestGraphDefinitions(t *testing.T) {
	files, err := filepath.Glob("../../definitions/*.asl.json")
	require.NoError(t, err)
	variants, err := filepath.Glob("../../definitions/variants/*.asl.json")
	require.NoError(t, err)
	files = append(files, variants...)
	require.GreaterOrEqual(t, len(files), 7)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		sm, ds := asl.Check(data, asl.Options{})
		require.False(t, asl.HasErrors(ds), "%s: %v", f, ds)
		names := stateNames(&sm.Machine)
		// Mermaid's labels write markup characters as entities.
		mermaidText := strings.NewReplacer(`#`, `#35;`, `"`, `#quot;`, `<`, `#lt;`, `>`, `#gt;`, `&`, `#amp;`)
		for _, tc := range []struct{ format, head, node string }{
			{"dot", `digraph "state machine" {`, `[label="%s\n`},
			{"mermaid", "flowchart TD", `["%s<br/>`},
		} {
			t.Run(filepath.Base(f)+"/"+tc.format, func(t *testing.T) {
				code, stdout, stderr := aslrun(t, "", "graph", f, "--format", tc.format)
				require.Equal(t, 0, code, stderr)
				assert.True(t, strings.HasPrefix(stdout, tc.head), stdout)
				for _, name := range names {
					if tc.format == "mermaid" {
						name = mermaidText.Replace(name)
					}
					assert.Contains(t, stdout, strings.Replace(tc.node, "%s", name, 1), "state %q", name)
				}
			})
		}
	}
}

func TestGraphCommand(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "loop.asl.json", `{"StartAt": "A", "States": {
		"A": {"Type": "Pass", "Next": "B"},
		"B": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 3, "Next": "C"}], "Default": "A"},
		"C": {"Type": "Succeed"}}}`)
	hist := filepath.Join(dir, "history.json")
	code, _, stderr := aslrun(t, "", "execute", def, "--input", `{"n": 5}`, "--history", hist)
	require.Equal(t, 0, code, stderr)
	other := write(t, dir, "other.json", `{"events": [{"id": 1, "type": "ExecutionStarted"},
		{"id": 2, "previousEventId": 1, "type": "PassStateEntered", "stateEnteredEventDetails": {"name": "Z"}}]}`)
	bad := write(t, dir, "bad.json", `{"events": [{"id": 1}]}`)
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		contains []string
		stderr   string
	}{
		{"dot by default", nil, 0, []string{`digraph "state machine" {`, `"B" -> "C" [label="$.n > 3"]`, `"B" -> "A" [label="Default"`}, ""},
		{"svg", []string{"--format", "svg"}, 0, []string{`<svg xmlns="http://www.w3.org/2000/svg"`}, ""},
		{"coloured by a history of execute", []string{"--execution-history", hist}, 0,
			[]string{`"A" [label="A\nPass", fillcolor="#d9f2d9"`, `"~legend/succeeded" [label="Succeeded"`}, ""},
		{"a history of another definition", []string{"--execution-history", other}, 0, []string{`"~legend/notEntered"`},
			"aslrun: warning: --execution-history " + other + " names states that " + def + " does not have: Z\n"},
		{"unknown format", []string{"--format", "png"}, 2, nil, "aslrun: --format must be dot, mermaid or svg, not \"png\"\n"},
		{"unreadable history", []string{"--execution-history", filepath.Join(dir, "nope.json")}, 2, nil,
			"aslrun: --execution-history: open " + filepath.Join(dir, "nope.json") + ": no such file or directory\n"},
		{"not a history", []string{"--execution-history", bad}, 2, nil,
			"aslrun: --execution-history " + bad + ": event 1 of the list: it has no \"type\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", append([]string{"graph", def}, tc.args...)...)
			assert.Equal(t, tc.code, code, stderr)
			assert.Equal(t, tc.stderr, stderr)
			for _, s := range tc.contains {
				assert.Contains(t, stdout, s)
			}
		})
	}
}

// TestGraphTemplate draws a SAM template's state machine, its placeholders filled.
func TestGraphTemplate(t *testing.T) {
	code, stdout, stderr := aslrun(t, "", "graph", "../../definitions/templates/sam/template.yaml#Greeter", "--sub", "Greeting=Hi")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, `digraph "state machine" {`), stdout)
	code, _, stderr = aslrun(t, "", "graph", "../../definitions/templates/sam/template.yaml#Nope")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "Nope")
}

func TestGraphOutputFile(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "hello.asl.json", validDef)
	for _, tc := range []struct{ file, format, head string }{
		{"g.svg", "", "<svg "},
		{"g.mmd", "", "flowchart TD"},
		{"g.gv", "", "digraph "},
		{"g.txt", "", "digraph "},
		{"g.svg", "mermaid", "flowchart TD"},
	} {
		t.Run(tc.file+tc.format, func(t *testing.T) {
			out := filepath.Join(dir, tc.file)
			args := []string{"graph", def, "-o", out}
			if tc.format != "" {
				args = append(args, "--format", tc.format)
			}
			code, stdout, stderr := aslrun(t, "", args...)
			require.Equal(t, 0, code, stderr)
			assert.Empty(t, stdout)
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(string(data), tc.head), string(data))
		})
	}
	code, _, stderr := aslrun(t, "", "graph", def, "-o", filepath.Join(dir, "no", "such", "dir.svg"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "aslrun: -o: open ")
	bad := write(t, dir, "bad.asl.json", invalidDef)
	code, stdout, stderr := aslrun(t, "", "graph", bad)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, bad+":3:")
}

// TestGraphREADMEImage keeps the README's picture what "aslrun graph" draws from the README's execution
// (its history kept in testdata: the Parallel's branches could interleave otherwise).
func TestGraphREADMEImage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pizza.svg")
	code, _, stderr := aslrun(t, "", "graph", "../../definitions/cloud-pizza.asl.json",
		"--execution-history", "testdata/cloud-pizza-error-4.history.json", "-o", out)
	require.Equal(t, 0, code, stderr)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	want, err := os.ReadFile("../../docs/cloud-pizza-error-4.svg")
	require.NoError(t, err)
	assert.True(t, string(want) == string(got), "docs/cloud-pizza-error-4.svg is stale: from cmd/aslrun, run "+
		"go run . graph ../../definitions/cloud-pizza.asl.json --execution-history testdata/cloud-pizza-error-4.history.json -o ../../docs/cloud-pizza-error-4.svg")
}
