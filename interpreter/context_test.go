package interpreter_test

import (
	"context"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/jsonpath"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

var errAgain = failure.New("Again", "once more")

// contextPaths are the $$ paths the typed context object serves, and some it leaves to $$ built whole.
var contextPaths = []string{
	"$$.Execution", "$$.Execution.Id", "$$.Execution.Input", "$$.Execution.Input.k[1]", "$$.Execution.Name",
	"$$.Execution.RoleArn", "$$.Execution.StartTime", "$$.Execution.RedriveCount", "$$.StateMachine",
	"$$.StateMachine.Id", "$$.StateMachine.Name", "$$.State", "$$.State.Name", "$$.State.EnteredTime",
	"$$['State']['Name']", "$$.Execution['Id','Name']", "$$.Execution.Input.k[*]",
}

// contextFields is a JSONPath template reading each path, and $$ whole last: the fields are evaluated in
// order, so the paths read the typed fields before $$ is built.
func contextFields(paths []string) string {
	fields := ""
	for i, p := range paths {
		fields += `"` + fieldKey(i) + `.$":"` + p + `",`
	}
	return "{" + fields + `"whole.$":"$$"}`
}

// fieldKey names the field of path i in contextFields.
func fieldKey(i int) string { return "f" + string(rune('a'+i/26)) + string(rune('a'+i%26)) }

// requireFromWhole checks that every field of got is what its path selects from got's "whole", the
// context object built as a map.
func requireFromWhole(t *testing.T, paths []string, got any) {
	t.Helper()
	obj, ok := value.Plain(got).(map[string]any)
	require.True(t, ok, "%v", got)
	whole := obj["whole"]
	require.NotNil(t, whole)
	for i, p := range paths {
		jp, err := jsonpath.Parse(p)
		require.NoError(t, err)
		want, found := jp.Get(whole)
		require.True(t, found, "%s in %s", p, oj.JSON(whole))
		assert.Equal(t, want, obj[fieldKey(i)], "%s", p)
	}
}

func TestContextPathsOfAState(t *testing.T) {
	paths := append(contextPaths[:len(contextPaths):len(contextPaths)], "$$.State.RetryCount", "$$.Task.Token")
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Parameters":` + contextFields(paths) + `,"ResultPath":"$.got","End":true,
		"Retry":[{"ErrorEquals":["Again"],"IntervalSeconds":1,"MaxAttempts":2}]}}}`
	calls := 0
	inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		calls++
		params, _ := value.AsMap(req.Input)
		assert.Equal(t, req.Token, params[fieldKey(len(paths)-1)], "the token the Task was given")
		assert.Equal(t, int64(calls-1), params[fieldKey(len(paths)-2)], "$$.State.RetryCount")
		if calls == 1 {
			return nil, errAgain
		}
		return nil, req.Answers.SendTaskSuccess(req.Token, oj.JSON(params))
	})
	res, _ := run(t, def, `{"k":[1,2,3]}`, inv)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	got := res.Output.(map[string]any)["got"]
	requireFromWhole(t, paths, got)
}

func TestContextPathsOfAMapItem(t *testing.T) {
	paths := append(contextPaths[:len(contextPaths):len(contextPaths)], "$$.Map.Item.Index", "$$.Map.Item.Value",
		"$$.Map.Item.Value.id", "$$.Map.Item.Source", "$$.Map.Item", "$$.Map")
	for _, tt := range []struct {
		name, input string
		more        []string
	}{
		{"array", `{"k":[1,2],"items":[{"id":"a"},{"id":"b"},{"id":"c"}]}`, nil},
		{"object entries", `{"k":[1,2],"items":{"x":{"id":"a"},"y":{"id":"b"}}}`, []string{"$$.Map.Item.Key"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			all := append(paths[:len(paths):len(paths)], tt.more...)
			def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemSelector":` + contextFields(all) + `,
				"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
			res, _ := run(t, def, tt.input, nil)
			require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
			items := res.Output.([]any)
			require.NotEmpty(t, items)
			for i, it := range items {
				requireFromWhole(t, all, it)
				assert.Equal(t, int64(i), it.(map[string]any)["whole"].(map[string]any)["Map"].(map[string]any)["Item"].(map[string]any)["Index"])
			}
		})
	}
}

// TestContextPathErrors checks that a $$ path selecting nothing fails as it does on $$ built whole: the
// typed fields take up the path with its own words.
func TestContextPathErrors(t *testing.T) {
	for _, tt := range []struct {
		name, def, cause string
	}{
		{"InputPath past Execution.Input",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$$.Execution.Input.a.missing.x","End":true}}}`,
			"Invalid path '$$.Execution.Input.a.missing.x' : Missing property in path $['Execution']['Input']['a']['missing']"},
		{"InputPath on a name of the state",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$$.State.Name.x","End":true}}}`,
			"Invalid path '$$.State.Name.x' : Expected to find an object with property ['x'] in path $['State']['Name'] but found 'java.lang.String'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."},
		{"no token outside a waiting Task",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$$.Task.Token","End":true}}}`,
			"Invalid path '$$.Task.Token' : Missing property in path $['Task']"},
		{"no retry count in a Pass",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$$.State.RetryCount","End":true}}}`,
			"Invalid path '$$.State.RetryCount' : No results for path: $['State']['RetryCount']"},
		{"no Map item outside an ItemSelector",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"i.$":"$$.Map.Item.Index"},"End":true}}}`,
			"The JSONPath '$$.Map.Item.Index' specified for the field 'i.$' could not be found in the input '{\"a\":{},\"l\":[1]}'"},
		{"no Key of an array's item",
			`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.l","ItemSelector":{"k.$":"$$.Map.Item.Key"},
				"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			"The JSONPath '$$.Map.Item.Key' specified for the field 'k.$' could not be found in the input '{\"a\":{},\"l\":[1]}'"},
		{"past an item's value",
			`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.l","ItemSelector":{"k.$":"$$.Map.Item.Value.x"},
				"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			"The JSONPath '$$.Map.Item.Value.x' specified for the field 'k.$' could not be found in the input '{\"a\":{},\"l\":[1]}'"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := run(t, tt.def, `{"a":{},"l":[1]}`, nil)
			require.Equal(t, interpreter.Failed, res.Status)
			assert.Equal(t, "States.Runtime", res.Error)
			assert.Contains(t, res.Cause, tt.cause)
		})
	}
}

// TestContextInIntrinsicsAndChoice reads typed fields through an intrinsic's argument and a Choice rule.
func TestContextInIntrinsicsAndChoice(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.l",
		"ItemSelector":{"s.$":"States.Format('{}:{}:{}', $$.Map.Item.Index, $$.Map.Item.Value, $$.State.Name)"},
		"ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
			{"Variable":"$$.State.Name","StringEquals":"C","Next":"Yes"}],"Default":"No"},
			"Yes":{"Type":"Pass","End":true},"No":{"Type":"Fail","Error":"Wrong"}}},"End":true}}}`
	res, _ := run(t, def, `{"l":["x","y"]}`, nil)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	assert.Equal(t, []any{map[string]any{"s": "0:x:M"}, map[string]any{"s": "1:y:M"}}, res.Output)
}

func TestJSONataContext(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.l %}",
		"ItemSelector":{"v":"{% $states.context.Map.Item.Value %}","i":"{% $states.context.Map.Item.Index %}",
			"state":"{% $states.context.State.Name %}","exec":"{% $states.context.Execution.Name %}"},
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $merge([$states.input, {'inner': $states.context.State.Name}]) %}","End":true}}},
		"Next":"W"},
		"W":{"Type":"Pass","Output":{"whole":"{% $states.context %}","items":"{% $states.input %}","none":"{% $exists($states.context.Task) %}"},"End":true}}}`
	res, _ := run(t, def, `{"l":["x","y"]}`, nil)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	out := res.Output.(map[string]any)
	assert.Equal(t, []any{
		map[string]any{"v": "x", "i": int64(0), "state": "M", "exec": "exec", "inner": "P"},
		map[string]any{"v": "y", "i": int64(1), "state": "M", "exec": "exec", "inner": "P"},
	}, out["items"])
	assert.Equal(t, false, out["none"])
	whole := out["whole"].(map[string]any)
	assert.Equal(t, map[string]any{"Name": "W", "EnteredTime": "2026-01-01T00:00:00.000Z"}, whole["State"])
	assert.Equal(t, "arn:aws:states:us-east-1:123456789012:execution:test:exec", whole["Execution"].(map[string]any)["Id"])
	assert.NotContains(t, whole, "Map")
}

// TestTaskContext checks the context object a handler gets: built when it asks, as the state saw it.
func TestTaskContext(t *testing.T) {
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true,
		"Retry":[{"ErrorEquals":["Again"],"IntervalSeconds":1,"MaxAttempts":1}]}}}`
	var got []map[string]any
	inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		require.NotNil(t, req.Context)
		got = append(got, req.Context())
		if len(got) == 1 {
			return nil, errAgain
		}
		return "ok", nil
	})
	res, _ := run(t, def, `{}`, inv)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	require.Len(t, got, 2)
	for i, c := range got {
		assert.Equal(t, map[string]any{"Name": "T", "EnteredTime": "2026-01-01T00:00:00.000Z", "RetryCount": int64(i)}, c["State"])
		assert.Equal(t, "exec", c["Execution"].(map[string]any)["Name"])
		assert.NotContains(t, c, "Task")
	}
}

// TestChildScopes: a Map iteration or Parallel branch that assigns nothing reads its parent's variables
// (sharing its scope); one that assigns has a scope of its own, whatever its siblings do.
func TestChildScopes(t *testing.T) {
	def := `{"StartAt":"A","States":{
		"A":{"Type":"Pass","Assign":{"x":1},"Next":"M"},
		"M":{"Type":"Map","ItemsPath":"$.l","ResultPath":"$.reads","ItemProcessor":{"StartAt":"R1","States":{
			"R1":{"Type":"Pass","Parameters":{"x.$":"$x"},"End":true}}},"Next":"N"},
		"N":{"Type":"Map","ItemsPath":"$.l","ResultPath":"$.own","ItemProcessor":{"StartAt":"S2","States":{
			"S2":{"Type":"Pass","Assign":{"y.$":"$"},"Next":"R2"},
			"R2":{"Type":"Pass","Parameters":{"x.$":"$x","y.$":"$y"},"End":true}}},"Next":"P"},
		"P":{"Type":"Parallel","ResultPath":"$.branches","Branches":[
			{"StartAt":"S3","States":{"S3":{"Type":"Pass","Assign":{"y":3},"Next":"R3"},
				"R3":{"Type":"Pass","Parameters":{"x.$":"$x","y.$":"$y"},"End":true}}},
			{"StartAt":"R4","States":{"R4":{"Type":"Pass","Parameters":{"x.$":"$x"},"End":true}}}],"Next":"E"},
		"E":{"Type":"Pass","Parameters":{"reads.$":"$.reads","own.$":"$.own","branches.$":"$.branches","x.$":"$x"},"End":true}}}`
	res, _ := run(t, def, `{"l":[7,8,9]}`, nil)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	xy := func(y int64) any { return map[string]any{"x": int64(1), "y": y} }
	assert.Equal(t, map[string]any{
		"reads":    []any{map[string]any{"x": int64(1)}, map[string]any{"x": int64(1)}, map[string]any{"x": int64(1)}},
		"own":      []any{xy(7), xy(8), xy(9)},
		"branches": []any{xy(3), map[string]any{"x": int64(1)}},
		"x":        int64(1),
	}, res.Output)
}
