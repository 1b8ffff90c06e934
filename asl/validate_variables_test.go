package asl

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// variableCases hold, for each rule on workflow variables, a definition that keeps it (want nothing) and
// ones that break it (want the one diagnostic, "CODE pointer", and a fragment of its message). The
// source of each rule is in validate_variables.go.
var variableCases = []struct{ name, def, want, msg string }{
	// Names.
	{name: "names", def: jsonataSM(`"A": {"Type": "Pass", "Assign": {"x": 1, "_y2": 2, "größe": 3, "` + strings.Repeat("v", 80) + `": 4}, "End": true}`)},
	{name: "assign to states", def: jsonataSM(`"A": {"Type": "Pass", "Assign": {"states": 1}, "End": true}`),
		want: "RESERVED_VARIABLE_NAME /States/A/Assign/states", msg: "Cannot assign to reserved variable '$states'."},
	{name: "assign to states in a JSONPath state", def: sm(`"A": {"Type": "Pass", "Assign": {"states.$": "$.a"}, "End": true}`),
		want: "RESERVED_VARIABLE_NAME /States/A/Assign/states.$", msg: "Cannot assign to reserved variable '$states'."},
	{name: "name not an identifier", def: jsonataSM(`"A": {"Type": "Pass", "Assign": {"top-level": 1}, "End": true}`),
		want: "UNREADABLE_VARIABLE_NAME /States/A/Assign/top-level", msg: "no expression can read it as $top-level"},
	{name: "name starting with a digit", def: sm(`"A": {"Type": "Pass", "Assign": {"1x": 1}, "End": true}`),
		want: "UNREADABLE_VARIABLE_NAME /States/A/Assign/1x"},
	{name: "name of 81 characters", def: jsonataSM(`"A": {"Type": "Pass", "Assign": {"` + strings.Repeat("v", 81) + `": 1}, "End": true}`),
		want: "UNREADABLE_VARIABLE_NAME /States/A/Assign/" + strings.Repeat("v", 81), msg: "at most 80 characters"},

	// Where Assign may be: Parse refuses it elsewhere.
	{name: "assign in a choice rule and a catcher", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Assign": {"a": 1}, "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"c": 1}, "Next": "B"}], "Next": "B"}, "B": {"Type": "Choice", "Choices": [{"Variable": "$a", "IsPresent": true, "Assign": {"r": 1}, "Next": "C"}], "Assign": {"d": 1}, "Default": "C"}, "C": {"Type": "Wait", "Seconds": 1, "Assign": {"w.$": "States.Format('{}{}{}', $c, $r, $d)"}, "End": true}`)},
	{name: "assign in a succeed state", def: sm(`"A": {"Type": "Succeed", "Assign": {"a": 1}}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A", msg: "Field 'Assign' is not supported"},
	{name: "assign in a fail state", def: sm(`"A": {"Type": "Fail", "Assign": {"a": 1}}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A", msg: "Field 'Assign' is not supported"},
	{name: "assign in a nested choice rule", def: sm(`"A": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.x", "IsNull": true, "Assign": {"a": 1}}, "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Choices/0/Not", msg: "Field 'Assign' is not supported"},

	// References: AWS creates the machine and fails the execution (the recorded cases
	// variables/assign_reference_variables__test_undefined_reference_*), so these are warnings.
	{name: "references", def: sm(`"A": {"Type": "Pass", "Assign": {"items": [1], "v": {"x": 1}}, "Next": "B"}, "B": {"Type": "Map", "ItemsPath": "$items", "InputPath": "$v", "ItemProcessor": {"StartAt": "C", "States": {"C": {"Type": "Pass", "Parameters": {"x.$": "$v.x"}, "End": true}}}, "End": true}`)},
	{name: "undefined in an expression", def: jsonataSM(`"A": {"Type": "Pass", "Output": "{% $doesNotExist %}", "End": true}`),
		want: "UNDEFINED_VARIABLE /States/A/Output", msg: "No state assigns the variable '$doesNotExist', so it is undefined here"},
	{name: "undefined in an assign", def: jsonataSM(`"A": {"Type": "Pass", "Assign": {"result": "{% $doesNotExist %}"}, "End": true}`),
		want: "UNDEFINED_VARIABLE /States/A/Assign/result", msg: "'$doesNotExist'"},
	{name: "a typo of $states", def: jsonataSM(`"A": {"Type": "Pass", "Output": {"x": "{% $state.input %}"}, "End": true}`),
		want: "UNDEFINED_VARIABLE /States/A/Output/x", msg: "'$state'"},
	{name: "expression's own variables and functions", def: jsonataSM(`"A": {"Type": "Pass", "Output": "{% ( $t := $sum([1]); $f := function($v) { $v + $t }; $f($random()) & $uuid() & $states.input ) %}", "End": true}`)},
	{name: "undefined in a template", def: sm(`"A": {"Type": "Pass", "Parameters": {"x.$": "$nope.x"}, "End": true}`),
		want: "UNDEFINED_VARIABLE /States/A/Parameters/x.$", msg: "'$nope'"},
	{name: "undefined in an intrinsic function", def: sm(`"A": {"Type": "Pass", "Parameters": {"x.$": "States.Format('{}', $nope)"}, "End": true}`),
		want: "UNDEFINED_VARIABLE /States/A/Parameters/x.$"},
	{name: "undefined in a choice variable", def: sm(`"A": {"Type": "Choice", "Choices": [{"Variable": "$nope", "IsPresent": true, "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}`),
		want: "UNDEFINED_VARIABLE /States/A/Choices/0/Variable"},
	{name: "undefined in a path field", def: sm(`"A": {"Type": "Wait", "SecondsPath": "$nope", "End": true}`),
		want: "UNDEFINED_VARIABLE /States/A/SecondsPath"},

	// Scopes.
	{name: "branches read the outer scope and keep their own", def: sm(`"A": {"Type": "Pass", "Assign": {"x": 42}, "Next": "P"}, "P": {"Type": "Parallel", "Branches": [` +
		`{"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Assign": {"innerX.$": "$x"}, "End": true}}}, ` +
		`{"StartAt": "B2", "States": {"B2": {"Type": "Pass", "Assign": {"innerX.$": "$x"}, "End": true}}}], "End": true}`)},
	{name: "read from outside a branch", def: sm(`"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"y": 1}, "End": true}}}], "Next": "C"}, "C": {"Type": "Pass", "Parameters": {"y.$": "$y"}, "End": true}`),
		want: "VARIABLE_OUT_OF_SCOPE /States/C/Parameters/y.$", msg: "assigned only at /States/A/Branches/0/States/B/Assign/y, inside /States/A/Branches/0"},
	{name: "read from another branch", def: jsonataSM(`"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"y": 1}, "End": true}}}, {"StartAt": "C", "States": {"C": {"Type": "Pass", "Output": "{% $y %}", "End": true}}}], "End": true}`),
		want: "VARIABLE_OUT_OF_SCOPE /States/A/Branches/1/States/C/Output"},
	{name: "read from outside a map", def: sm(`"A": {"Type": "Map", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"y": 1}, "End": true}}}, "Next": "C"}, "C": {"Type": "Choice", "Choices": [{"Variable": "$y", "IsPresent": true, "Next": "D"}], "Default": "D"}, "D": {"Type": "Succeed"}`),
		want: "VARIABLE_OUT_OF_SCOPE /States/C/Choices/0/Variable"},
	{name: "assigned outside and inside", def: sm(`"A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "M"}, "M": {"Type": "Map", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"x": 2}, "End": true}}}, "End": true}`),
		want: "VARIABLE_ASSIGNED_IN_OUTER_SCOPE /States/M/ItemProcessor/States/B/Assign/x", msg: "also assigned at /States/A/Assign/x"},
	{name: "a catcher assigns in the outer scope", def: jsonataSM(`"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"e": 1}, "End": true}}}], "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"e": "{% $states.errorOutput %}"}, "Next": "C"}], "Next": "C"}, "C": {"Type": "Pass", "Output": "{% $e %}", "End": true}`),
		want: "VARIABLE_ASSIGNED_IN_OUTER_SCOPE /States/A/Branches/0/States/B/Assign/e", msg: "also assigned at /States/A/Catch/0/Assign/e"},
	{name: "a distributed map reads no outer variable", def: sm(`"A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "M"}, "M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "B", "States": {"B": {"Type": "Pass", "Parameters": {"x.$": "$x"}, "End": true}}}, "End": true}`),
		want: "VARIABLE_OUT_OF_SCOPE /States/M/ItemProcessor/States/B/Parameters/x.$", msg: "outside the DISTRIBUTED Map processor"},
}

func TestVariables(t *testing.T) {
	for _, tc := range variableCases {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := Check([]byte(tc.def), Options{})
			if tc.want == "" {
				assert.Empty(t, found(ds))
				return
			}
			require.Equal(t, []string{tc.want}, found(ds))
			assert.Contains(t, ds[0].Message, tc.msg)
			// The schema, the reserved name and an outer name assigned again inside are refused; the rest
			// are warnings.
			wantSeverity := SeverityWarning
			if strings.HasPrefix(tc.want, CodeSchema) || strings.HasPrefix(tc.want, CodeReservedVariable) ||
				strings.HasPrefix(tc.want, CodeVariableNameInUse) {
				wantSeverity = SeverityError
			}
			assert.Equal(t, wantSeverity, ds[0].Severity)
		})
	}
}

// TestVariablePosition: a reference points at its "$", inside a path or an expression.
func TestVariablePosition(t *testing.T) {
	def := "{\"StartAt\": \"A\", \"States\": {\n" +
		"  \"A\": {\"Type\": \"Pass\", \"Parameters\": {\"x.$\": \"States.Format('{}', $nope)\"}, \"Next\": \"B\"},\n" +
		"  \"B\": {\"Type\": \"Pass\", \"QueryLanguage\": \"JSONata\", \"Output\": \"{% 1 + $other %}\", \"End\": true}\n}}"
	_, ds := Check([]byte(def), Options{})
	require.Len(t, ds, 2)
	assert.Equal(t, "2:68: warning UNDEFINED_VARIABLE: No state assigns the variable '$nope', so it is undefined here at /States/A/Parameters/x.$", ds[0].String())
	assert.Equal(t, "3:71: warning UNDEFINED_VARIABLE: No state assigns the variable '$other', so it is undefined here at /States/B/Output", ds[1].String())
}
