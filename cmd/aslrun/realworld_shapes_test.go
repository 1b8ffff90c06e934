package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
