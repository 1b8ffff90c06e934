package graph

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCoverage(t *testing.T) {
	g := Build(check(t, loop))
	c := NewCoverage(g)
	// Round the loop once, with a retry, then out through the rule and the Default that share Done.
	c.Add(history(t, "1 0 ExecutionStarted", "2 1 TaskStateEntered T", "3 2 TaskScheduled", "4 3 TaskSucceeded",
		"5 4 TaskStateExited T", "6 5 ChoiceStateEntered Loop", "7 6 ChoiceStateExited Loop", "8 7 TaskStateEntered T",
		"9 8 TaskScheduled", "10 9 TaskFailed Retryable", "11 10 TaskScheduled", "12 11 TaskSucceeded", "13 12 TaskStateExited T",
		"14 13 ChoiceStateEntered Loop", "15 14 ChoiceStateExited Loop", "16 15 SucceedStateEntered Done",
		"17 16 SucceedStateExited Done", "18 17 ExecutionSucceeded"))
	// Fatal is caught by the first catcher, whose ErrorEquals names it; the second, States.ALL, would too.
	c.Add(history(t, "1 0 ExecutionStarted", "2 1 TaskStateEntered T", "3 2 TaskScheduled", "4 3 TaskFailed Fatal",
		"5 4 TaskStateExited T", "6 5 PassStateEntered Handle", "7 6 PassStateExited Handle", "8 7 ExecutionSucceeded"))
	want := `{
  "executions": 2,
  "states": {"covered": 4, "total": 4, "items": [
    {"id": "T", "name": "T", "type": "Task", "entered": 3},
    {"id": "Loop", "name": "Loop", "type": "Choice", "entered": 2},
    {"id": "Handle", "name": "Handle", "type": "Pass", "entered": 1},
    {"id": "Done", "name": "Done", "type": "Succeed", "entered": 1}]},
  "transitions": {"covered": 5, "total": 6, "items": [
    {"from": "T", "to": "Loop", "kind": "next", "taken": 2},
    {"from": "T", "to": "Handle", "kind": "catch", "label": "Fatal", "taken": 1},
    {"from": "T", "to": "Handle", "kind": "catch", "label": "States.ALL", "taken": 0},
    {"from": "Loop", "to": "T", "kind": "choice", "label": "$.again == true", "taken": 1},
    {"from": "Loop", "to": "Done", "kind": "choice", "label": "$.again is absent", "taken": 1},
    {"from": "Loop", "to": "Done", "kind": "default", "taken": 1}]},
  "choiceRules": {"covered": 3, "total": 3, "items": [
    {"state": "Loop", "rule": "1", "label": "$.again == true", "next": "T", "matched": 1},
    {"state": "Loop", "rule": "2", "label": "$.again is absent", "next": "Done", "matched": 1, "shared": true},
    {"state": "Loop", "rule": "Default", "next": "Done", "matched": 1, "shared": true}]},
  "catchers": {"covered": 1, "total": 2, "items": [
    {"state": "T", "index": 0, "errorEquals": ["Fatal"], "next": "Handle", "used": 1},
    {"state": "T", "index": 1, "errorEquals": ["States.ALL"], "next": "Handle", "used": 0}]},
  "retriers": {"covered": 1, "total": 2, "items": [
    {"state": "T", "index": 0, "errorEquals": ["Retryable"], "used": 1},
    {"state": "T", "index": 1, "errorEquals": ["States.ALL"], "used": 0}]}
}`
	got, err := json.Marshal(c.Report())
	require.NoError(t, err)
	assert.JSONEq(t, want, string(got))

	c.Colour()
	g.Walk(func(n *Node) { assert.Equal(t, StatusCovered, n.Status, n.ID) })
}

func TestCoverageNested(t *testing.T) {
	g := Build(check(t, nested))
	c := NewCoverage(g)
	c.Add(history(t, "1 0 ExecutionStarted", "2 1 ChoiceStateEntered Check", "3 2 ChoiceStateExited Check",
		"4 3 MapStateEntered Each", "5 4 MapStateStarted", "6 5 MapIterationStarted", "7 6 PassStateEntered Step",
		"8 7 PassStateExited Step", "9 8 MapIterationSucceeded", "10 5 MapStateSucceeded", "11 10 MapStateExited Each",
		"12 11 SucceedStateEntered Done", "13 12 SucceedStateExited Done", "14 13 ExecutionSucceeded"))
	r := c.Report()
	assert.Equal(t, Section[ChoiceRuleItem]{Covered: 1, Total: 3, Items: []ChoiceRuleItem{
		{State: "Check", Rule: "1", Label: "$.n > 3", Next: "Fan out"},
		{State: "Check", Rule: "2", Label: `!($.kind == "book")`, Next: "Each", Matched: 1},
		{State: "Check", Rule: "Default", Next: "Nope"},
	}}, r.ChoiceRules)
	assert.Equal(t, 4, r.States.Covered)
	c.Colour()
	got := map[string]string{}
	g.Walk(func(n *Node) { got[n.ID] = n.Status })
	assert.Equal(t, map[string]string{"Check": StatusCovered, "Each": StatusCovered, "Each/Step": StatusCovered, "Done": StatusCovered,
		"Fan out": StatusNotCovered, "Fan out/0/a~1b": StatusNotCovered, "Fan out/1/B": StatusNotCovered, "Nope": StatusNotCovered}, got)
}
