package interpreter_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

// stage is one observed StageEvent, its value as compact JSON.
type stage struct {
	state string
	stage interpreter.Stage
	value string
}

func TestObserverSeesEveryStage(t *testing.T) {
	// lambda answers {"Payload": <its input>, "StatusCode": 200}, failing its first call when failFirst is set.
	lambda := func(failFirst bool) interpreter.Invoker {
		calls := 0
		return interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
			calls++
			if failFirst && calls == 1 {
				return nil, errors.New("boom")
			}
			return map[string]any{"Payload": req.Input, "StatusCode": int64(200)}, nil
		})
	}
	const task = `"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","InputPath":"$.order",
		"Parameters":{"id.$":"$.id"},"ResultSelector":{"got.$":"$.Payload.id"},"ResultPath":"$.res","OutputPath":"$.res"`
	tests := []struct {
		name      string
		def       string
		input     string
		failFirst bool
		want      []stage
	}{
		{
			name: "JSONPath Pass",
			def: `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.a","Parameters":{"x.$":"$.b"},
				"ResultPath":"$.r","OutputPath":"$.r","End":true}}}`,
			input: `{"a":{"b":1},"c":2}`,
			want: []stage{
				{"P", interpreter.StageInputPath, `{"b":1}`},
				{"P", interpreter.StageParameters, `{"x":1}`},
				{"P", interpreter.StageResult, `{"x":1}`},
				{"P", interpreter.StageResultSelector, `{"x":1}`},
				{"P", interpreter.StageResultPath, `{"a":{"b":1},"c":2,"r":{"x":1}}`},
				{"P", interpreter.StageOutputPath, `{"x":1}`},
			},
		},
		{
			name:  "JSONPath Task",
			def:   `{"StartAt":"T","States":{"T":{` + task + `,"End":true}}}`,
			input: `{"order":{"id":7,"n":1}}`,
			want: []stage{
				{"T", interpreter.StageInputPath, `{"id":7,"n":1}`},
				{"T", interpreter.StageParameters, `{"id":7}`},
				{"T", interpreter.StageResult, `{"Payload":{"id":7},"StatusCode":200}`},
				{"T", interpreter.StageResultSelector, `{"got":7}`},
				{"T", interpreter.StageResultPath, `{"order":{"id":7,"n":1},"res":{"got":7}}`},
				{"T", interpreter.StageOutputPath, `{"got":7}`},
			},
		},
		{
			name: "each retry runs the stages again",
			def: `{"StartAt":"T","States":{"T":{` + task + `,
				"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":1}],"End":true}}}`,
			input:     `{"order":{"id":7}}`,
			failFirst: true,
			want: []stage{
				{"T", interpreter.StageInputPath, `{"id":7}`},
				{"T", interpreter.StageParameters, `{"id":7}`},
				{"T", interpreter.StageInputPath, `{"id":7}`},
				{"T", interpreter.StageParameters, `{"id":7}`},
				{"T", interpreter.StageResult, `{"Payload":{"id":7},"StatusCode":200}`},
				{"T", interpreter.StageResultSelector, `{"got":7}`},
				{"T", interpreter.StageResultPath, `{"order":{"id":7},"res":{"got":7}}`},
				{"T", interpreter.StageOutputPath, `{"got":7}`},
			},
		},
		{
			name: "JSONata Task",
			def: `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
				"Arguments":{"n":"{% $states.input.n + 1 %}"},"Output":"{% $states.result.Payload.n * 10 %}","End":true}}}`,
			input: `{"n":1}`,
			want: []stage{
				{"T", interpreter.StageArguments, `{"n":2}`},
				{"T", interpreter.StageResult, `{"Payload":{"n":2},"StatusCode":200}`},
				{"T", interpreter.StageOutput, `20`},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []stage
			cfg := interpreter.NewConfig("test", "exec", false)
			cfg.Clock, cfg.Invoker = interpreter.NewVirtualClock(epoch), lambda(tc.failFirst)
			cfg.Observer = func(e interpreter.StageEvent) {
				got = append(got, stage{e.State, e.Stage, oj.JSON(e.Value, &oj.Options{Sort: true})})
			}
			in, err := oj.ParseString(tc.input)
			require.NoError(t, err)
			res := compile(t, tc.def).Run(context.Background(), in, cfg)
			require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
			assert.Equal(t, tc.want, got)
		})
	}
}

// A JSONata Task that waits for its token hands it on in Arguments, which see $states.context.Task.Token.
func TestJSONataArgumentsSeeTaskToken(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task",
		"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Arguments":{"token":"{% $states.context.Task.Token %}"},"TimeoutSeconds":100,"End":true}}}`
	var sent any
	var token string
	inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		sent, token = req.Input, req.Token
		release := req.Clock.Hold()
		go func() {
			defer release()
			_ = req.Answers.SendTaskSuccess(req.Token, `"done"`)
		}()
		return map[string]any{"MessageId": "m-1"}, nil
	})
	res, _ := run(t, def, `{}`, inv)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	require.NotEmpty(t, token)
	assert.Equal(t, map[string]any{"token": token}, value.Plain(sent))
}
