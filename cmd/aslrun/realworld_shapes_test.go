package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExecuteRealWorldShapes runs, end to end, shapes that deployed definitions hold (issue 19):
// integration ARNs with a region and an account, reached by handler keys in either form, and JSONata
// expressions written without blanks inside "{%" and "%}".
func TestExecuteRealWorldShapes(t *testing.T) {
	handlers := write(t, t.TempDir(), "h.json", `{
		"echo": {"echo": true},
		"arn:aws:states:::aws-sdk:s3:getObject": {"return": {"Body": "hello", "ContentType": "text/plain"}},
		"arn:aws:states:eu-west-1:123456789012:sns:publish": {"return": {"MessageId": "m-1"}}
	}`)
	tests := []struct {
		name, def, stdout string
	}{
		{"integrations with a region and an account", `{"StartAt":"Get","States":{
			"Get":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject",
				"Parameters":{"Bucket":"b","Key":"k"},"ResultSelector":{"body.$":"$.Body"},"ResultPath":"$.s3","Next":"Invoke"},
			"Invoke":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:lambda:invoke",
				"Parameters":{"FunctionName":"echo","Payload":{"got.$":"$.s3.body"}},"ResultSelector":{"p.$":"$.Payload","code.$":"$.StatusCode"},"ResultPath":"$.fn","Next":"Notify"},
			"Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",
				"Parameters":{"TopicArn":"t","Message":"m"},"ResultSelector":{"id.$":"$.MessageId"},"ResultPath":"$.sns","End":true}}}`,
			`{"n":21,"s3":{"body":"hello"},"fn":{"p":{"got":"hello"},"code":200},"sns":{"id":"m-1"}}`},
		{"JSONata without blanks", `{"QueryLanguage":"JSONata","StartAt":"P","States":{
			"P":{"Type":"Pass","Assign":{"n":"{%$states.input.n*2%}"},"Next":"Q"},
			"Q":{"Type":"Pass","Output":{"n":"{%$n%}","s":"{%$string($states.input.n)&'!'%}"},"End":true}}}`,
			`{"n":42,"s":"21!"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", "execute", write(t, t.TempDir(), "d.json", tt.def), "--handlers", handlers, "--input", `{"n":21}`)
			assert.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
			assert.JSONEq(t, tt.stdout, stdout)
		})
	}
}

// TestLintPlaceholders: --placeholders decides what a ${...} left in a template gives, and --substitute
// replaces it first, as SAM's DefinitionSubstitutions do.
func TestLintPlaceholders(t *testing.T) {
	def := write(t, t.TempDir(), "sam.asl.json", `{"StartAt": "W", "States": {
		"W": {"Type": "Wait", "Seconds": ${WaitSeconds}, "Next": "T"},
		"T": {"Type": "Task", "Resource": "${ProcessFunctionArn}", "End": true}}}`)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // fragments
		absent string
	}{
		{"warn by default", nil, 0, []string{"warning PLACEHOLDER: '${WaitSeconds}'", "warning PLACEHOLDER: '${ProcessFunctionArn}'"}, "error"},
		{"strict fails on the warnings", []string{"--strict"}, 1, []string{"warning PLACEHOLDER"}, ""},
		{"error", []string{"--placeholders", "error"}, 1, []string{"error PLACEHOLDER: '${WaitSeconds}'"}, ""},
		{"ignore", []string{"--placeholders", "ignore"}, 0, nil, "PLACEHOLDER"},
		{"substituted", []string{"--substitute", "WaitSeconds=30", "--substitute", "ProcessFunctionArn=arn:aws:lambda:us-east-1:123456789012:function:process"}, 0, nil, "PLACEHOLDER"},
		{"substituted wrongly", []string{"--substitute", "WaitSeconds=soon", "--placeholders", "ignore"}, 1, []string{"INVALID_JSON_DESCRIPTION"}, ""},
		{"one left", []string{"--substitute", "WaitSeconds=30"}, 0, []string{"'${ProcessFunctionArn}'"}, "WaitSeconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := lint(t, append([]string{def}, tt.args...)...)
			assert.Equal(t, tt.code, code, "stdout %s stderr %s", stdout, stderr)
			for _, f := range tt.stdout {
				assert.Contains(t, stdout, f)
			}
			if tt.absent != "" {
				assert.NotContains(t, stdout, tt.absent)
			}
		})
	}
	for _, args := range [][]string{{"--placeholders", "maybe"}, {"--substitute", "novalue"}, {"--substitute", "=x"}} {
		code, _, stderr := lint(t, append([]string{def}, args...)...)
		assert.Equal(t, 2, code, "%v: %s", args, stderr)
	}
}

// A Task with Credentials whose handler reaches AWS ({"aws": true}) is refused with States.Runtime: aslrun
// assumes no role, and the call would be made as this machine. A stub ignores them: it is no AWS call.
func TestCredentialsAreNotIgnored(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "creds.asl.json", `{"StartAt":"T","States":{"T":{"Type":"Task",
		"Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Credentials":{"RoleArn":"arn:aws:iam::111122223333:role/other"},"End":true}}}`)
	for _, tc := range []struct {
		name, handler string
		code          int
		want          string
	}{
		{"aws stub", `{"aws": true}`, 1, `"error":"States.Runtime"`},
		{"echo stub", `{"echo": true}`, 0, `"status":"SUCCEEDED"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			handlers := write(t, t.TempDir(), "h.json", `{"arn:aws:lambda:us-east-1:123456789012:function:f": `+tc.handler+`}`)
			code, stdout, stderr := aslrun(t, "", "execute", def, "--handlers", handlers, "--format", "json")
			require.Equal(t, tc.code, code, "stdout %s stderr %s", stdout, stderr)
			assert.Contains(t, stdout, tc.want)
			if tc.code != 0 {
				assert.Contains(t, stdout, "which aslrun does not assume")
				assert.Contains(t, stdout, "arn:aws:iam::111122223333:role/other")
			}
		})
	}
}
