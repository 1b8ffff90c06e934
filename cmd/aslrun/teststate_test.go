package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTestStateCommand(t *testing.T) {
	dir := t.TempDir()
	task := write(t, dir, "task.json", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
		"Parameters":{"FunctionName":"f","Payload.$":"$"},"ResultSelector":{"code.$":"$.StatusCode"},"Next":"After",
		"Catch":[{"ErrorEquals":["Boom"],"Next":"Caught"}]}`)
	machine := write(t, dir, "machine.asl.json", `{"StartAt":"Greet","States":{
		"Greet":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:echo","Next":"Check"},
		"Check":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"Done"}],"Default":"Done"},
		"Done":{"Type":"Succeed"}}}`)
	handlers := write(t, dir, "h.json", `{"echo": {"echo": true}}`)
	tests := []struct {
		name   string
		args   []string
		code   int
		status string
		output string // JSON; "" when absent
		next   string
		stderr string // a fragment
	}{
		{"a mocked result", []string{task, "--mock-result", `{"StatusCode":200}`}, 0, "SUCCEEDED", `{"code":200}`, "After", ""},
		{"a mocked error caught", []string{task, "--mock-error", "Boom:it broke"}, 0, "CAUGHT_ERROR", `{"Error":"Boom","Cause":"it broke"}`, "Caught", ""},
		{"a mocked error not caught", []string{task, "--mock-error", "Other"}, 1, "FAILED", "", "", "state FAILED: Other"},
		{"a mock that fails the integration's shape", []string{task, "--mock-result", `{"StatusCode":"200"}`}, 2, "", "", "",
			"ValidationException: Mock result schema validation error: Field 'StatusCode' must be a number"},
		{"the same mock unchecked", []string{task, "--mock-result", `{"StatusCode":"200"}`, "--field-validation", "none"}, 0, "SUCCEEDED", `{"code":"200"}`, "After", ""},
		{"a machine's StartAt, running its handler", []string{machine, "--input", `{"ok":true}`, "--handlers", handlers}, 0, "SUCCEEDED", `{"ok":true}`, "Check", ""},
		{"a machine's state by name", []string{machine, "--state", "Check", "--input", `{"ok":false}`}, 0, "SUCCEEDED", `{"ok":false}`, "Done", ""},
		{"a state the machine lacks", []string{machine, "--state", "Nope"}, 2, "", "", "", "State not found in definition"},
		{"both mocks", []string{task, "--mock-result", `{}`, "--mock-error", "E"}, 2, "", "", "", "not both"},
		{"a missing definition", []string{dir + "/none.json"}, 2, "", "", "", "cannot read the definition"},
		{"a bad state configuration", []string{task, "--mock-error", "Boom", "--state-configuration", `{"retries":1}`}, 2, "", "", "", "--state-configuration"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", append([]string{"test-state"}, tc.args...)...)
			require.Equal(t, tc.code, code, "stdout %s stderr %s", stdout, stderr)
			assert.Contains(t, stderr, tc.stderr)
			if tc.status == "" {
				return
			}
			var out map[string]any
			require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
			assert.Equal(t, tc.status, out["status"])
			if tc.output != "" {
				assert.JSONEq(t, tc.output, out["output"].(string))
			} else {
				assert.NotContains(t, out, "output")
			}
			if tc.next != "" {
				assert.Equal(t, tc.next, out["nextState"])
			} else {
				assert.NotContains(t, out, "nextState")
			}
		})
	}
}

// --inspection debug prints the data after each stage, with the context and variables given.
func TestTestStateCommandInspection(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "s.json", `{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Assign":{"token.$":"$$.Task.Token"},
		"Parameters":{"QueueUrl":"q","MessageBody":{"token.$":"$$.Task.Token","v.$":"$my"}},"End":true}`)
	code, stdout, stderr := aslrun(t, "", "test-state", def, "--inspection", "debug", "--mock-result", `{"done":true}`,
		"--context", `{"Task":{"Token":"abcd123"}}`, "--variables", `{"my":1}`)
	require.Equal(t, 0, code, stderr)
	var out struct {
		Status         string            `json:"status"`
		InspectionData map[string]string `json:"inspectionData"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	assert.Equal(t, "SUCCEEDED", out.Status)
	assert.JSONEq(t, `{"QueueUrl":"q","MessageBody":{"token":"abcd123","v":1}}`, out.InspectionData["afterParameters"])
	assert.JSONEq(t, `{"done":true}`, out.InspectionData["result"])
	assert.JSONEq(t, `{"my":1,"token":"abcd123"}`, out.InspectionData["variables"])
}
