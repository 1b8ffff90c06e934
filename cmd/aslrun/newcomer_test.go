package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests of issue 22's findings: errors that say what is wrong and what to do, nothing that passes
// silently.

// TestInputFlag: --input tells a missing file from bad JSON text, and refuses an empty value.
func TestInputFlag(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "d.json", echoDef)
	handlers := write(t, dir, "h.json", `{"echo": {"echo": true}}`)
	numberFile := write(t, dir, "42", `{"from": "file"}`)
	tests := []struct {
		name   string
		input  string
		code   int
		stdout string   // JSON; "" to skip
		stderr []string // fragments
	}{
		{"missing file", filepath.Join(dir, "nothere.json"), 2, "",
			[]string{"--input", "nothere.json", "no such file", "- for stdin"}},
		{"missing file, bare name", "nothere.json", 2, "", []string{"no such file", "nothere.json"}},
		{"bad JSON text", `{"a":`, 2, "", []string{"--input", "not valid JSON"}},
		{"empty", "", 2, "", []string{"--input is empty", "'{}'"}},
		{"blank", "  ", 2, "", []string{"--input is empty"}},
		{"an existing file wins over JSON text", numberFile, 0, `{"from":"file"}`, nil},
		{"a JSON number", "42", 0, "42", nil},
		{"a JSON string", `"s"`, 0, `"s"`, nil},
		{"null", "null", 0, "null", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", "execute", def, "--handlers", handlers, "--input", tt.input)
			assert.Equal(t, tt.code, code, "stdout %s stderr %s", stdout, stderr)
			if tt.stdout != "" {
				assert.JSONEq(t, tt.stdout, stdout)
			}
			for _, s := range tt.stderr {
				assert.Contains(t, stderr, s)
			}
			assert.NotContains(t, stderr, "invalid character")
		})
	}
}

// TestInputFlagOtherCommands: test and test-state read --input as execute does.
func TestInputFlagOtherCommands(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "LambdaSQSIntegration.asl.json", lambdaSQS)
	cfg := write(t, dir, "MockConfigFile.json", mockConfig)
	for _, args := range [][]string{
		{"test", def, "--mock-config", cfg, "--input", ""},
		{"test", def, "--mock-config", cfg, "--input", "nothere.json"},
		{"test-state", def, "--input", ""},
		{"test-state", def, "--input", "nothere.json"},
		{"test-state", def, "--mock-result", ""},
	} {
		t.Run(args[0]+" "+args[len(args)-1], func(t *testing.T) {
			code, _, stderr := aslrun(t, "", args...)
			assert.Equal(t, 2, code, stderr)
			assert.NotContains(t, stderr, "invalid character")
		})
	}
}

// TestExecuteJSONEnvelopeOnRefusal: with --format json, execute prints an envelope whatever goes wrong,
// with the diagnostics of a bad definition.
func TestExecuteJSONEnvelopeOnRefusal(t *testing.T) {
	dir := t.TempDir()
	good := write(t, dir, "good.json", echoDef)
	tests := []struct {
		name, errorName, cause string
		args                   []string
		diagnostic             string // a code the diagnostics must hold; "" for none
	}{
		{"invalid definition", "InvalidDefinition", "Invalid State Machine Definition",
			[]string{write(t, dir, "bad.json", `{"StartAt":"X","States":{}}`)}, "MISSING_TRANSITION_TARGET"},
		{"not JSON", "InvalidDefinition", "Invalid State Machine Definition", []string{write(t, dir, "broken.json", `{"StartAt":`)}, "INVALID_JSON_DESCRIPTION"},
		{"missing definition", "aslrun.UsageError", "cannot read the definition", []string{filepath.Join(dir, "none.json")}, ""},
		{"bad input", "InvalidExecutionInput", "--input", []string{good, "--input", "{nope"}, ""},
		{"bad handlers", "aslrun.UsageError", `key "f"`, []string{good, "--handlers", write(t, dir, "h.json", `{"f": {"bogus": 1}}`)}, ""},
		{"bad type", "aslrun.UsageError", "--type", []string{good, "--type", "FAST"}, ""},
		{"bad clock", "aslrun.UsageError", "--clock", []string{good, "--clock", "slow"}, ""},
		{"bad name", "InvalidName", "", []string{good, "--name", "a b"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", append([]string{"execute", "--format", "json"}, tt.args...)...)
			assert.Equal(t, 2, code, stderr)
			var env map[string]any
			require.NoError(t, json.Unmarshal([]byte(stdout), &env), "stdout %q stderr %q", stdout, stderr)
			assert.Equal(t, "NOT_STARTED", env["status"])
			assert.Equal(t, tt.errorName, env["error"])
			assert.Contains(t, env["cause"], tt.cause)
			for _, k := range []string{"output", "executionArn", "startDate", "stopDate"} {
				assert.Contains(t, env, k)
				assert.Nil(t, env[k], k)
			}
			if tt.diagnostic != "" {
				ds, _ := env["diagnostics"].([]any)
				require.NotEmpty(t, ds)
				var codes []any
				for _, d := range ds {
					d, _ := d.(map[string]any)
					assert.Equal(t, tt.args[0], d["file"])
					assert.NotZero(t, d["line"])
					codes = append(codes, d["code"])
				}
				assert.Contains(t, codes, tt.diagnostic)
			} else {
				assert.NotContains(t, env, "diagnostics")
			}
			assert.NotEmpty(t, stderr, "the text message stays on stderr")
		})
	}
}

// TestBindHintsWork: the key a failure tells the user to bind is one a handler file accepts, and binding
// it makes the run succeed, for a DefinitionSubstitutions placeholder and for a missing Lambda function
// (whose failure keeps AWS's error and cause; the hint is on stderr).
func TestBindHintsWork(t *testing.T) {
	keyRe := regexp.MustCompile(`under the key ("[^"]+")`)
	tests := []struct {
		name, def, errorName string
		stderr               []string // fragments of the hint besides the key
	}{
		{"placeholder", `{"StartAt":"GetPrice","States":{"GetPrice":{"Type":"Task","Resource":"${GetPriceArn}","End":true}}}`,
			"States.TaskFailed", []string{`"state:GetPrice"`, "--handlers FILE", "README: Handler files"}},
		{"legacy Lambda ARN", `{"StartAt":"GetPrice","States":{"GetPrice":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:PriceFn","End":true}}}`,
			"Lambda.ResourceNotFoundException", []string{`the state "GetPrice"`, `"state:GetPrice"`, "price.handlers.json", "README: Handler files"}},
		{"lambda:invoke", `{"StartAt":"GetPrice","States":{"GetPrice":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"PriceFn"},"OutputPath":"$.Payload","End":true}}}`,
			"Lambda.ResourceNotFoundException", []string{`the state "GetPrice"`, "price.asl.json", "price.handlers.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			def := write(t, dir, "price.asl.json", tt.def)
			code, stdout, stderr := aslrun(t, "", "execute", def)
			require.Equal(t, 1, code, stderr)
			var env map[string]any
			require.NoError(t, json.Unmarshal([]byte(stdout), &env))
			assert.Equal(t, tt.errorName, env["error"])
			if tt.errorName == "Lambda.ResourceNotFoundException" {
				assert.Regexp(t, `^Function not found: arn:aws:lambda:us-east-1:123456789012:function:PriceFn:\$LATEST \(Service: AWSLambda;`, env["cause"], "AWS's cause, unchanged")
			}
			for _, s := range tt.stderr {
				assert.Contains(t, stderr, s)
			}
			m := keyRe.FindStringSubmatch(stderr)
			require.NotNil(t, m, stderr)
			key, err := strconv.Unquote(m[1])
			require.NoError(t, err)

			// The key works in a handler file given with --handlers, and in the sidecar.
			stub, err := json.Marshal(map[string]any{key: map[string]any{"return": map[string]any{"price": 42}}})
			require.NoError(t, err)
			handlers := write(t, t.TempDir(), "h.json", string(stub))
			code, stdout, stderr = aslrun(t, "", "execute", def, "--handlers", handlers)
			require.Equal(t, 0, code, stderr)
			assert.JSONEq(t, `{"price":42}`, stdout)
			write(t, dir, "price.handlers.json", string(stub))
			code, stdout, stderr = aslrun(t, "", "execute", def)
			require.Equal(t, 0, code, stderr)
			assert.JSONEq(t, `{"price":42}`, stdout)
			assert.NotContains(t, stderr, "hint")
		})
	}
}

// TestTestCommandLambdaHint: a test case that leaves a missing Lambda function unmocked says how to bind it.
func TestTestCommandLambdaHint(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "LambdaSQSIntegration.asl.json", lambdaSQS)
	cfg := write(t, dir, "MockConfigFile.json", `{"StateMachines": {"LambdaSQSIntegration": {"TestCases": {"NoMocks": {}}}}, "MockedResponses": {}}`)
	code, _, stderr := aslrun(t, "", "test", def, "--mock-config", cfg)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `the state "LambdaState" of `+def+` calls the Lambda function "HelloWorldFunction"`)
	assert.Equal(t, 1, strings.Count(stderr, "hint:"), "each state is told once, retries included")
}

// TestTestCommandUnknownMockedState: a test case that mocks a state the definition does not have fails,
// naming the test case, the state and the closest state there is.
func TestTestCommandUnknownMockedState(t *testing.T) {
	dir := t.TempDir()
	const def = `{"StartAt":"CheckInventory","States":{
		"CheckInventory":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:inv","Next":"Fan"},
		"Fan":{"Type":"Parallel","Branches":[{"StartAt":"ChargeCard","States":{"ChargeCard":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge"},"End":true}}}],"Next":"Each"},
		"Each":{"Type":"Map","ItemProcessor":{"StartAt":"Ship","States":{"Ship":{"Type":"Pass","End":true}}},"End":true}}}`
	path := write(t, dir, "Checkout.asl.json", def)
	config := func(states string) string {
		return write(t, t.TempDir(), "mock.json", `{"StateMachines": {"Checkout": {"TestCases": {"Happy": `+states+`}}},
			"MockedResponses": {"R": {"0": {"Return": {"ok": true}}}, "L": {"0": {"Return": {"Payload": {"ok": true}}}}}}`)
	}
	tests := []struct {
		name, states string
		code         int
		stderr       []string
		notStderr    string
	}{
		{"misspelt", `{"checkInventroy": "R", "ChargeCard": "L"}`, 2,
			[]string{"mock.json", `test case "Happy"`, `"checkInventroy"`, path, `did you mean "CheckInventory"?`}, ""},
		{"nothing close", `{"CheckInventory": "R", "ChargeCard": "L", "Refund": "R"}`, 2, []string{`"Refund"`}, "did you mean"},
		{"states in branches and processors count", `{"CheckInventory": "R", "ChargeCard": "L", "Ship": "R"}`, 0, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", "test", path, "--mock-config", config(tt.states))
			assert.Equal(t, tt.code, code, "stdout %s stderr %s", stdout, stderr)
			for _, s := range tt.stderr {
				assert.Contains(t, stderr, s)
			}
			if tt.notStderr != "" {
				assert.NotContains(t, stderr, tt.notStderr)
			}
		})
	}
}

// TestLintDirectoryFindsStateMachines: a directory search lints JSON and YAML files that are state
// machines whatever their names (a SAM project's statemachine/*.json), skips other data files (saying so
// with -v), and fails when it finds no state machine.
func TestLintDirectoryFindsStateMachines(t *testing.T) {
	sam := t.TempDir()
	order := write(t, sam, "statemachine/order.json", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Missing"}}}`)
	refund := write(t, sam, "statemachine/refund.yaml", "StartAt: A\nStates:\n  A: {Type: Succeed}\n")
	broken := write(t, sam, "statemachine/broken.json", `{"StartAt": "A", "States": {`)
	template := write(t, sam, "template.yaml", "Resources:\n  Machine:\n    Properties:\n      Definition:\n        StartAt: A\n        States: {}\n")
	pkg := write(t, sam, "package.json", `{"name": "x"}`)
	write(t, sam, "README.md", "StartAt States")
	write(t, sam, "node_modules/dep/sm.json", `{"StartAt":"A","States":{}}`)
	write(t, sam, ".aws-sam/build/sm.json", `{"StartAt":"A","States":{}}`)

	code, stdout, stderr := lint(t, "-v", sam)
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, order+":1:")
	assert.Contains(t, stdout, "MISSING_TRANSITION_TARGET")
	assert.Contains(t, stdout, broken+":1:")
	assert.NotContains(t, stdout, refund, "valid")
	assert.Contains(t, stderr, "in 3 files")
	for _, skipped := range []string{template, pkg} {
		assert.Contains(t, stderr, "skipped "+skipped)
	}
	assert.Contains(t, stderr, "no StartAt and States at the top level")
	assert.NotContains(t, stdout+stderr, filepath.Join("dep", "sm.json"))
	assert.NotContains(t, stdout+stderr, filepath.Join("build", "sm.json"))
	assert.Contains(t, stderr, "skipped the .json, .yaml and .yml files in "+filepath.Join(sam, "node_modules"))
	assert.Contains(t, stderr, "skipped the .json, .yaml and .yml files in "+filepath.Join(sam, ".aws-sam"))
	assert.NotContains(t, stderr, "README.md", "files that are no data are not listed")

	_, _, stderr = lint(t, sam)
	assert.NotContains(t, stderr, "skipped", "only -v lists the skipped files")

	none := t.TempDir()
	write(t, none, "package.json", `{"name": "x"}`)
	code, stdout, stderr = lint(t, none)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "no state machine in "+none)
	assert.Contains(t, stderr, "-v lists the files skipped")
}

// TestLintYAMLIndentationLine: a mis-indented key is reported on its own line, not where its mapping starts.
func TestLintYAMLIndentationLine(t *testing.T) {
	def := write(t, t.TempDir(), "d.asl.yaml", "StartAt: A\nStates:\n  A:\n    Type: Pass\n   End: true\n")
	code, stdout, _ := lint(t, def)
	assert.Equal(t, 1, code)
	assert.Equal(t, def+":5:4: error INVALID_JSON_DESCRIPTION: did not find expected key at /\n", stdout)
}
