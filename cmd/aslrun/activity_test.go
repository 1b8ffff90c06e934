package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestExecuteBoundActivity: with nobody polling GetActivityTask, a handler bound to an activity Task
// answers it instead.
func TestExecuteBoundActivity(t *testing.T) {
	const arn = "arn:aws:states:us-east-1:123456789012:activity:approve"
	def := write(t, t.TempDir(), "d.json", `{"StartAt":"Approve","States":{"Approve":{"Type":"Task","Resource":"`+arn+`","End":true}}}`)
	tests := []struct{ name, handlers string }{
		{"by the activity ARN", `{"` + arn + `": {"return": {"approved": true}}}`},
		{"by the state name", `{"state:Approve": {"return": {"approved": true}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", "execute", def, "--handlers", write(t, t.TempDir(), "h.json", tt.handlers))
			assert.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
			assert.JSONEq(t, `{"approved":true}`, stdout)
		})
	}
}
