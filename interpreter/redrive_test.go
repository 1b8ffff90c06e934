package interpreter_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
)

// flaky fails each state named in failing the first time it runs, and counts every call by state.
type flaky struct {
	mu      sync.Mutex
	calls   map[string]int
	failing map[string]bool
}

func (f *flaky) Invoke(_ context.Context, req *interpreter.TaskRequest) (any, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[req.StateName]++
	if f.failing[req.StateName] && f.calls[req.StateName] == 1 {
		return nil, failure.New("Boom", "the first call of "+req.StateName)
	}
	return map[string]any{"state": req.StateName}, nil
}

// TestRedrive: an execution that failed runs again from the states that did not succeed, with their
// input: the Task that succeeded before the failure does not run again, nor does the Parallel branch or
// the Map iteration that succeeded; the failed ones do, and the execution goes on from there.
func TestRedrive(t *testing.T) {
	task := func(name, next string) string {
		return `"` + name + `":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","ResultPath":"$.` + name + `",` + next + `}`
	}
	for _, tc := range []struct {
		name, def, input, want string
		failing                []string
		calls                  map[string]int
	}{
		{name: "a failed Task",
			def:     `{"StartAt":"A","States":{` + task("A", `"Next":"B"`) + `,` + task("B", `"Next":"C"`) + `,` + task("C", `"End":true`) + `}}`,
			input:   `{}`,
			want:    `{"A":{"state":"A"},"B":{"state":"B"},"C":{"state":"C"}}`,
			failing: []string{"B"}, calls: map[string]int{"A": 1, "B": 2, "C": 1}},
		{name: "a failed Parallel branch",
			def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
				{"StartAt":"X","States":{` + task("X", `"End":true`) + `}},
				{"StartAt":"Y","States":{` + task("Y", `"Next":"Z"`) + `,` + task("Z", `"End":true`) + `}}]}}}`,
			input:   `{}`,
			want:    `[{"X":{"state":"X"}},{"Y":{"state":"Y"},"Z":{"state":"Z"}}]`,
			failing: []string{"Z"}, calls: map[string]int{"X": 1, "Y": 1, "Z": 2}},
		{name: "failed Map iterations",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,"ItemProcessor":{"StartAt":"I","States":{
				"I":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":2,"Next":"F"}],"Default":"T"},
				` + task("T", `"End":true`) + `,` + task("F", `"End":true`) + `}}}}}`,
			input:   `[{"n":1},{"n":2},{"n":3}]`,
			want:    `[{"n":1,"T":{"state":"T"}},{"n":2,"F":{"state":"F"}},{"n":3,"T":{"state":"T"}}]`,
			failing: []string{"F"}, calls: map[string]int{"T": 2, "F": 2}}, // T: item 0 before, item 2 after
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := &flaky{calls: map[string]int{}, failing: map[string]bool{}}
			for _, s := range tc.failing {
				inv.failing[s] = true
			}
			d := newDurable(t, tc.def, tc.input, inv)
			res := d.start()
			require.Equal(t, interpreter.Failed, res.Status)
			assert.Equal(t, "Boom", res.Error)
			require.NotEmpty(t, res.Final)

			point, err := interpreter.RedrivePoint(res.Final)
			require.NoError(t, err)
			d.cfg.EventsBefore = int64(len(d.events))
			d.cfg.RedriveCount = 1
			res = d.resume(&interpreter.Parked{Checkpoint: point}, interpreter.Wake{})
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			assert.JSONEq(t, tc.want, oj.JSON(res.Output, &oj.Options{Sort: true}))
			assert.Equal(t, tc.calls, inv.calls)
		})
	}
}

// TestRedriveOfWhatCannotBeRead: a final checkpoint that is not one is an error, not a panic.
func TestRedriveOfWhatCannotBeRead(t *testing.T) {
	_, err := interpreter.RedrivePoint([]byte(`{"phase":`))
	require.Error(t, err)
	assert.False(t, errors.Is(err, context.Canceled))
}
