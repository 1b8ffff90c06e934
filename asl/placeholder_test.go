package asl

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// tfTemplate is a Terraform-style definition template: bare and quoted placeholders in numbers, ARNs,
// a States.Format template and Parameters.
const tfTemplate = `{
  "StartAt": "W",
  "TimeoutSeconds": ${timeout},
  "States": {
    "W": {"Type": "Wait", "Seconds": ${wait}, "Next": "T"},
    "T": {"Type": "Task", "Resource": "${lambda_arn}", "TimeoutSeconds": "${task_timeout}", "HeartbeatSeconds": 60,
          "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": ${retries}}],
          "Parameters": {"topic.$": "States.Format('arn:aws:sns:${AWS::Region}:${AWS::AccountId}:{}', $.topic)"},
          "Next": "S"},
    "S": {"Type": "Task", "Resource": "arn:aws:states:${AWS::Region}:${AWS::AccountId}:states:startExecution.sync:2",
          "Parameters": {"StateMachineArn": "${ChildArn}", "Input": {"wait": "${wait}"}}, "End": true}
  }
}`

// TestPlaceholders: in every mode but PlaceholdersNone a placeholder is a value of the right type, reported
// once where it is used; PlaceholdersNone checks the text as AWS would receive it.
func TestPlaceholders(t *testing.T) {
	names := []string{
		"PLACEHOLDER /TimeoutSeconds", "PLACEHOLDER /States/W/Seconds", "PLACEHOLDER /States/T/Resource",
		"PLACEHOLDER /States/T/TimeoutSeconds", "PLACEHOLDER /States/T/Retry/0/MaxAttempts",
		"PLACEHOLDER /States/T/Parameters/topic.$", "PLACEHOLDER /States/T/Parameters/topic.$",
		"PLACEHOLDER /States/S/Resource", "PLACEHOLDER /States/S/Resource",
		"PLACEHOLDER /States/S/Parameters/StateMachineArn", "PLACEHOLDER /States/S/Parameters/Input/wait",
	}
	for _, tc := range []struct {
		name   string
		def    string
		mode   Placeholders
		want   []string
		errors bool
	}{
		{name: "warn", def: tfTemplate, mode: PlaceholdersWarn, want: names},
		{name: "error", def: tfTemplate, mode: PlaceholdersError, want: names, errors: true},
		{name: "ignore", def: tfTemplate, mode: PlaceholdersIgnore, want: []string{}},
		{name: "none: a bare placeholder is no JSON", def: tfTemplate, want: []string{"INVALID_JSON_DESCRIPTION /"}, errors: true},
		{name: "none: a quoted one is the string it is", mode: PlaceholdersNone,
			def:  sm(`"A": {"Type": "Wait", "Seconds": "${wait}", "Next": "B"}, "B": {"Type": "Task", "Resource": "${Fn}", "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A/Seconds", "PLACEHOLDER_RESOURCE /States/B/Resource"}, errors: true},
		{name: "other problems stay", mode: PlaceholdersWarn,
			def:  sm(`"A": {"Type": "Wait", "Seconds": ${wait}, "Next": "Nowhere"}`),
			want: []string{"MISSING_END_STATE /", "PLACEHOLDER /States/A/Seconds", "MISSING_TRANSITION_TARGET /States/A/Next"}, errors: true},
		{name: "YAML", mode: PlaceholdersWarn,
			def:  "StartAt: A\nStates:\n  A:\n    Type: Wait\n    Seconds: ${wait}\n    End: true\n",
			want: []string{"PLACEHOLDER /States/A/Seconds"}},
		{name: "no placeholder", mode: PlaceholdersWarn, def: sm(`"A": {"Type": "Pass", "Result": "$5 {x}", "End": true}`), want: []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := Check([]byte(tc.def), Options{Placeholders: tc.mode})
			assert.Equal(t, tc.want, found(ds), "%v", ds)
			assert.Equal(t, tc.errors, HasErrors(ds))
		})
	}
}
