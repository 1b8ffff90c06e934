package graph

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
)

// check parses and validates a definition for a test.
func check(t *testing.T, def string) *asl.StateMachine {
	t.Helper()
	sm, ds := asl.Check([]byte(def), asl.Options{})
	require.False(t, asl.HasErrors(ds), "%v", ds)
	return sm
}

// nested has every kind of node and edge: a Choice with rules and Default, Catch, Retry, a Parallel with
// two branches, a Map, and names that need escaping in IDs.
const nested = `{
  "StartAt": "Check",
  "States": {
    "Check": {"Type": "Choice", "Choices": [
        {"Variable": "$.n", "NumericGreaterThan": 3, "Next": "Fan out"},
        {"Not": {"Variable": "$.kind", "StringEquals": "book"}, "Next": "Each"}
      ], "Default": "Nope"},
    "Fan out": {"Type": "Parallel", "Next": "Done",
      "Catch": [{"ErrorEquals": ["Boom", "States.Timeout"], "Next": "Nope"}],
      "Branches": [
        {"StartAt": "a/b", "States": {"a/b": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
          "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}], "End": true}}},
        {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 1, "End": true}}}
      ]},
    "Each": {"Type": "Map", "ItemProcessor": {"StartAt": "Step", "States": {"Step": {"Type": "Pass", "End": true}}}, "Next": "Done"},
    "Nope": {"Type": "Fail", "Error": "Nope"},
    "Done": {"Type": "Succeed"}
  }
}`

func TestBuild(t *testing.T) {
	g := Build(check(t, nested))
	want := `{
  "startAt": "Check",
  "nodes": [
    {"id": "Check", "name": "Check", "type": "Choice"},
    {"id": "Fan out", "name": "Fan out", "type": "Parallel", "branches": [
      {"startAt": "Fan out/0/a~1b", "nodes": [{"id": "Fan out/0/a~1b", "name": "a/b", "type": "Task",
        "resource": "arn:aws:states:::lambda:invoke", "end": true, "retriers": [{"errorEquals": ["States.ALL"], "maxAttempts": 2}]}], "edges": []},
      {"startAt": "Fan out/1/B", "nodes": [{"id": "Fan out/1/B", "name": "B", "type": "Wait", "end": true}], "edges": []}
    ]},
    {"id": "Each", "name": "Each", "type": "Map", "branches": [
      {"startAt": "Each/Step", "nodes": [{"id": "Each/Step", "name": "Step", "type": "Pass", "end": true}], "edges": []}
    ]},
    {"id": "Nope", "name": "Nope", "type": "Fail", "end": true},
    {"id": "Done", "name": "Done", "type": "Succeed", "end": true}
  ],
  "edges": [
    {"from": "Check", "to": "Fan out", "kind": "choice", "label": "$.n > 3"},
    {"from": "Check", "to": "Each", "kind": "choice", "label": "!($.kind == \"book\")", "index": 1},
    {"from": "Check", "to": "Nope", "kind": "default"},
    {"from": "Fan out", "to": "Done", "kind": "next"},
    {"from": "Fan out", "to": "Nope", "kind": "catch", "label": "Boom, States.Timeout", "errorEquals": ["Boom", "States.Timeout"]},
    {"from": "Each", "to": "Done", "kind": "next"}
  ]
}`
	got, err := json.Marshal(g)
	require.NoError(t, err)
	assert.JSONEq(t, want, string(got))
}

func TestWalk(t *testing.T) {
	g := Build(check(t, nested))
	var ids []string
	g.Walk(func(n *Node) { ids = append(ids, n.ID) })
	assert.Equal(t, []string{"Check", "Fan out", "Fan out/0/a~1b", "Fan out/1/B", "Each", "Each/Step", "Nope", "Done"}, ids)
	n := 0
	g.WalkEdges(func(*Edge) { n++ })
	assert.Equal(t, 6, n)
}

func TestRuleText(t *testing.T) {
	long := `{"Variable": "$.a", "StringEquals": "` + "0123456789012345678901234567890123456789" + `"}`
	for _, tc := range []struct{ rule, want string }{
		{`{"Variable": "$.x", "NumericGreaterThan": 3}`, `$.x > 3`},
		{`{"Variable": "$.x", "NumericLessThanEquals": 2.5}`, `$.x <= 2.5`},
		{`{"Variable": "$.x", "NumericEqualsPath": "$.y"}`, `$.x == $.y`},
		{`{"Variable": "$.s", "StringEquals": "a \"b\" <c>"}`, `$.s == "a \"b\" <c>"`},
		{`{"Variable": "$.s", "StringGreaterThanEquals": "m"}`, `$.s >= "m"`},
		{`{"Variable": "$.s", "StringMatches": "log-*.txt"}`, `$.s matches "log-*.txt"`},
		{`{"Variable": "$.b", "BooleanEquals": false}`, `$.b == false`},
		{`{"Variable": "$.t", "TimestampLessThan": "2024-01-01T00:00:00Z"}`, `$.t < "2024-01-01T00:00:00Z"`},
		{`{"Variable": "$.v", "IsPresent": true}`, `$.v is present`},
		{`{"Variable": "$.v", "IsPresent": false}`, `$.v is absent`},
		{`{"Variable": "$.v", "IsNull": false}`, `$.v is not null`},
		{`{"Variable": "$.v", "IsTimestamp": true}`, `$.v is timestamp`},
		{`{"And": [{"Variable": "$.a", "IsNumeric": true}, {"Or": [{"Variable": "$.a", "NumericEquals": 1}, {"Variable": "$.a", "NumericEquals": 2}]}]}`,
			`$.a is numeric && ($.a == 1 || $.a == 2)`},
		{`{"Not": {"And": [{"Variable": "$.a", "IsString": true}, {"Variable": "$.b", "IsString": true}]}}`, `!($.a is string && $.b is string)`},
		{long, `$.a == "012345678901234567890123456789012345678…`}, // 48 characters,
	} {
		t.Run(tc.want, func(t *testing.T) {
			def := `{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [` +
				tc.rule[:len(tc.rule)-1] + `, "Next": "D"}], "Default": "D"}, "D": {"Type": "Succeed"}}}`
			sm := check(t, def)
			assert.Equal(t, tc.want, RuleText(sm.States["C"].(*asl.Choice).Choices[0]))
		})
	}
}

func TestRuleTextJSONata(t *testing.T) {
	sm := check(t, `{"QueryLanguage": "JSONata", "StartAt": "C", "States": {"C": {"Type": "Choice",
		"Choices": [{"Condition": "{% $states.input.n > 3 %}", "Next": "D"}], "Default": "D"}, "D": {"Type": "Succeed"}}}`)
	assert.Equal(t, "$states.input.n > 3", RuleText(sm.States["C"].(*asl.Choice).Choices[0]))
}
