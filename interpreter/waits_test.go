package interpreter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
)

// TestMachineWaits: a machine waits when a state of it, or of its branches or iterations, may wait for
// something but the processor; its forks then give each child a goroutine (TestWaitingChildrenWaitTogether).
func TestMachineWaits(t *testing.T) {
	const task = `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}`
	mapOf := func(state string) string {
		return `{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":` + state + `}},"End":true}`
	}
	parallelOf := func(state string) string {
		return `{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},{"StartAt":"J","States":{"J":` + state + `}}],"End":true}`
	}
	tests := []struct {
		name  string
		state string
		waits bool
	}{
		{"Pass", `{"Type":"Pass","End":true}`, false},
		{"Choice and Fail", `{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"F"}],"Default":"F"},"F":{"Type":"Fail"}`, false},
		{"Wait", `{"Type":"Wait","Seconds":1,"End":true}`, true},
		{"Task", task, true},
		{"a Map of Pass", mapOf(`{"Type":"Pass","End":true}`), false},
		{"a Map of a Task", mapOf(task), true},
		{"a Parallel of Pass", parallelOf(`{"Type":"Pass","End":true}`), false},
		{"a Parallel of a Map of a Wait", parallelOf(mapOf(`{"Type":"Wait","Seconds":1,"End":true}`)), true},
		{"a Retry's interval", `{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"Retry":[{"ErrorEquals":["States.ALL"]}],"End":true}`, true},
		{"a Distributed Map", `{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := `{"StartAt":"S","States":{"S":` + tt.state + `}}`
			sm, diags := asl.Check([]byte(def), asl.Options{})
			require.False(t, asl.HasErrors(diags), "%v", diags)
			p, err := Compile(sm)
			require.NoError(t, err)
			assert.Equal(t, tt.waits, p.root.waits)
		})
	}
}
