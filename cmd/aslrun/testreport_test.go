package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/graph"
)

// readJUnit reads a JUnit report back, which also checks that it is XML.
func readJUnit(t *testing.T, path string) junitSuites {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(data), `<?xml version="1.0" encoding="UTF-8"?>`))
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(data, &doc))
	return doc
}

// TestTestReportsDocsExample runs the AWS documentation's mock config example (definitions/mock-config):
// a JUnit report with its 3 test cases, and the coverage.
func TestTestReportsDocsExample(t *testing.T) {
	dir := t.TempDir()
	junit := filepath.Join(dir, "junit.xml")
	code, stdout, stderr := aslrun(t, "", "test", "../../definitions/mock-config/LambdaSQSIntegration.asl.json",
		"--mock-config", "../../definitions/mock-config/MockConfigFile.json", "--junit", junit, "--coverage")
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 9, stdout)
	assert.Equal(t, []string{
		"coverage of 3 test cases:",
		"  states              2/2  100%",
		"  transitions         1/1  100%",
		"  choice rules        0/0     -",
		"  catchers            0/0     -",
		"  retriers            1/1  100%",
	}, lines[3:])
	doc := readJUnit(t, junit)
	assert.Equal(t, 3, doc.Tests)
	require.Len(t, doc.Suites, 1)
	s := doc.Suites[0]
	assert.Equal(t, "LambdaSQSIntegration", s.Name)
	assert.Equal(t, 3, s.Tests)
	assert.Equal(t, 0, s.Failures)
	var names []string
	for _, c := range s.Cases {
		names = append(names, c.Name)
		assert.Equal(t, "LambdaSQSIntegration", c.Classname)
		assert.Nil(t, c.Failure)
	}
	assert.Equal(t, []string{"HappyPath", "HybridPath", "RetryPath"}, names)
}

func TestTestReports(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "LambdaSQSIntegration.asl.json", lambdaSQS)
	// HappyPath is expected to fail, so that the report has a failure.
	cfg := write(t, dir, "MockConfigFile.json", strings.Replace(mockConfig, `"x-aslrun-expect": {"LambdaSQSIntegration": {`,
		`"x-aslrun-expect": {"LambdaSQSIntegration": {"HappyPath": {"status": "FAILED", "error": "Oops"},`, 1))
	junit := filepath.Join(dir, "out", "junit.xml")
	require.NoError(t, os.Mkdir(filepath.Dir(junit), 0o755))
	covJSON := filepath.Join(dir, "out", "coverage.json")
	svg := filepath.Join(dir, "out", "coverage.svg")
	mmd := filepath.Join(dir, "out", "coverage.mmd")
	code, stdout, stderr := aslrun(t, "", "test", def, "--mock-config", cfg, "--junit", junit, "--coverage",
		"--coverage-json", covJSON, "--graph", svg)
	assert.Equal(t, 1, code, stderr)
	assert.Equal(t, "1 of 3 test cases failed\n", stderr)
	assert.Contains(t, stdout, `PASS RetryPath SUCCEEDED {"MD5OfMessageBody":"3bcb6e8e","MessageId":"3bcb6e8e-8b51"}`+"\n"+
		"coverage of 3 test cases:\n"+
		"  states              2/2  100%\n"+
		"  transitions         1/1  100%\n"+
		"  choice rules        0/0     -\n"+
		"  catchers            0/0     -\n"+
		"  retriers            1/1  100%\n")

	doc := readJUnit(t, junit)
	assert.Equal(t, 3, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	s := doc.Suites[0]
	assert.Equal(t, 1, s.Failures)
	require.Len(t, s.Cases, 3)
	happy := s.Cases[1]
	assert.Equal(t, "HappyPath", happy.Name)
	require.NotNil(t, happy.Failure)
	assert.Equal(t, "expected FAILED", happy.Failure.Message)
	assert.Equal(t, "expected: status FAILED, error \"Oops\"\n"+
		`actual:   status SUCCEEDED, output {"MD5OfMessageBody":"3bcb6e8e","MessageId":"3bcb6e8e-8b51"}`+"\n", happy.Failure.Body)
	assert.Nil(t, s.Cases[0].Failure, "ErrorPath ends as expected")

	data, err := os.ReadFile(covJSON)
	require.NoError(t, err)
	var report graph.Report
	require.NoError(t, json.Unmarshal(data, &report))
	assert.Equal(t, 3, report.Executions)
	assert.Equal(t, []graph.StateItem{{ID: "LambdaState", Name: "LambdaState", Type: "Task", Entered: 3},
		{ID: "SQSState", Name: "SQSState", Type: "Task", Entered: 2}}, report.States.Items)
	assert.Equal(t, []graph.RetrierItem{{State: "LambdaState", Index: 0, ErrorEquals: []string{"States.ALL"}, Used: 6}}, report.Retriers.Items,
		"RetryPath retries 3 times, ErrorPath 3 times before it gives up")

	data, err = os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(data), ">Covered</text>")

	code, _, stderr = aslrun(t, "", "test", def, "--mock-config", cfg, "--test-case", "RetryPath", "--graph", mmd)
	require.Equal(t, 0, code, stderr)
	data, err = os.ReadFile(mmd)
	require.NoError(t, err)
	assert.Contains(t, string(data), "class n1,n2 covered\n")
}

func TestTestReportsBadFlags(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "LambdaSQSIntegration.asl.json", lambdaSQS)
	cfg := write(t, dir, "MockConfigFile.json", mockConfig)
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"a graph of an unknown format", []string{"--graph", filepath.Join(dir, "g.png")},
			"aslrun: --graph " + filepath.Join(dir, "g.png") + ": name a .dot, .gv, .mmd, .mermaid or .svg file\n"},
		{"a JUnit file that cannot be written", []string{"--junit", filepath.Join(dir, "no", "j.xml")}, "aslrun: --junit: open "},
		{"a coverage file that cannot be written", []string{"--coverage-json", filepath.Join(dir, "no", "c.json")}, "aslrun: --coverage-json: open "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := aslrun(t, "", append([]string{"test", def, "--mock-config", cfg}, tc.args...)...)
			assert.Equal(t, 2, code)
			assert.True(t, strings.HasPrefix(stderr, tc.stderr), stderr)
		})
	}
}
