package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// realworldDir is the real-world corpus of the conformance suite (its manifest tells each definition's
// verdict, substitutions, input, stubs and S3 objects).
const realworldDir = "../../conformance/testdata/realworld"

type realworldRun struct {
	File          string                     `json:"file"`
	Verdict       string                     `json:"verdict"`
	Type          string                     `json:"type"`
	Substitutions map[string]string          `json:"substitutions"`
	Input         json.RawMessage            `json:"input"`
	Stubs         map[string]json.RawMessage `json:"stubs"`
	S3            map[string]json.RawMessage `json:"s3"`
}

// substitute replaces each ${KEY} as CloudFormation's DefinitionSubstitutions and Terraform's templates do:
// as text, so that an unquoted placeholder becomes a number.
func substitute(text string, subs map[string]string) string {
	for k, v := range subs {
		text = strings.ReplaceAll(text, "${"+k+"}", v)
	}
	return text
}

// taskStates lists the names of the Task states at every depth (Parallel branches, Map processors), but
// for those that the embedded S3 serves when the case seeds it (withS3).
func taskStates(states map[string]any, names []string, withS3 bool) []string {
	for name, s := range states {
		st, _ := s.(map[string]any)
		resource, _ := st["Resource"].(string)
		if st["Type"] == "Task" && !(withS3 && strings.Contains(resource, ":aws-sdk:s3:")) {
			names = append(names, name)
		}
		var nested []any
		if bs, ok := st["Branches"].([]any); ok {
			nested = append(nested, bs...)
		}
		for _, k := range []string{"ItemProcessor", "Iterator"} {
			if p, ok := st[k]; ok {
				nested = append(nested, p)
			}
		}
		for _, n := range nested {
			if m, ok := n.(map[string]any); ok {
				sub, _ := m["States"].(map[string]any)
				names = taskStates(sub, names, withS3)
			}
		}
	}
	return names
}

// echoHandlers binds every Task state to an echo stub, except those the manifest stubs otherwise and the
// S3 Tasks of a case that seeds the embedded S3, which serves them.
func echoHandlers(t *testing.T, dir string, c realworldRun, def []byte) string {
	t.Helper()
	var sm struct {
		States map[string]any `json:"States"`
	}
	require.NoError(t, json.Unmarshal(def, &sm))
	h := map[string]any{}
	for _, n := range taskStates(sm.States, nil, len(c.S3) > 0) {
		h["state:"+n] = map[string]any{"echo": true}
	}
	for k, v := range c.Stubs {
		h[k] = v
	}
	if len(c.S3) > 0 {
		b, err := json.Marshal(map[string]any{"s3": c.S3})
		require.NoError(t, err)
		write(t, dir, "fixtures.json", string(b))
		h["$fixtures"] = "fixtures.json"
	}
	b, err := json.Marshal(h)
	require.NoError(t, err)
	return write(t, dir, "handlers.json", string(b))
}

// aslrunCaused tells whether a run's end is aslrun's doing rather than the definition's or its stubs':
// a refusal (exit 2), or States.Runtime that does not come from the data (a path the echoed input lacks).
func aslrunCaused(code int, stdout, stderr string) string {
	switch code {
	case 0:
		return ""
	case 2:
		return "refused: " + firstLine(strings.TrimSpace(stderr))
	}
	var out struct {
		Error string `json:"error"`
		Cause string `json:"cause"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		return "no report: " + stdout + stderr
	}
	if out.Error == "States.Runtime" {
		return "States.Runtime: " + out.Cause
	}
	return ""
}

// TestExecuteRealworld runs every valid definition of the real-world corpus under "aslrun execute" with
// echo stubs, after substituting its placeholders. A Task's own failure (an unknown child state machine, a
// callback nobody answers) is the definition's outcome; a refusal or States.Runtime is aslrun's, and must be
// listed in realworld-known-failures.json ("execute") until fixed, which the test checks both ways.
func TestExecuteRealworld(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(realworldDir, "manifest.json"))
	require.NoError(t, err)
	var m struct {
		Cases []realworldRun `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b, &m))
	b, err = os.ReadFile(filepath.Join(realworldDir, "..", "realworld-known-failures.json"))
	require.NoError(t, err)
	var known struct {
		Execute map[string]string `json:"execute"`
	}
	require.NoError(t, json.Unmarshal(b, &known))
	seen := map[string]bool{}
	outcomes := map[string]int{}
	runs := 0
	for _, c := range m.Cases {
		if c.Verdict != "valid" {
			continue
		}
		runs++
		seen[c.File] = true
		t.Run(c.File, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join(realworldDir, c.File))
			require.NoError(t, err)
			def := []byte(substitute(string(text), c.Substitutions))
			dir := t.TempDir()
			path := write(t, dir, c.File, string(def))
			input := "{}"
			if len(c.Input) > 0 {
				input = string(c.Input)
			}
			args := []string{"execute", path, "--handlers", echoHandlers(t, dir, c, def), "--input", input, "--format", "json"}
			if c.Type != "" {
				args = append(args, "--type", c.Type)
			}
			code, stdout, stderr := aslrun(t, "", args...)
			problem := aslrunCaused(code, stdout, stderr)
			var out struct{ Status, Error string }
			_ = json.Unmarshal([]byte(stdout), &out) // a refusal prints nothing
			switch {
			case problem != "":
				outcomes["aslrun"]++
			case out.Status == "SUCCEEDED":
				outcomes["succeeded"]++
			default:
				outcomes[out.Status+" "+out.Error]++
				t.Logf("%s %s", out.Status, out.Error)
			}
			reason, listed := known.Execute[c.File]
			switch {
			case problem == "" && listed:
				t.Errorf("listed as a known execute failure (%s) but runs now: remove it from realworld-known-failures.json", reason)
			case problem != "" && !listed:
				t.Errorf("aslrun fails the run: %s", problem)
			}
		})
	}
	for f := range known.Execute {
		if !seen[f] {
			t.Errorf("realworld-known-failures.json lists %s for execute, which is no valid definition of the manifest", f)
		}
	}
	keys := make([]string, 0, len(outcomes))
	for k := range outcomes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%3d %s", outcomes[k], k)
	}
	t.Logf("real-world corpus: %d of %d valid definitions end without an aslrun-caused failure", runs-outcomes["aslrun"], runs)
}
