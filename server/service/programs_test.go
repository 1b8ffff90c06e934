package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgramsCompileOncePerDefinition(t *testing.T) {
	const pass = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	p := NewPrograms()
	first, err := p.compile(pass, "STANDARD")
	require.NoError(t, err)
	again, err := p.compile(pass, "STANDARD")
	require.NoError(t, err)
	assert.Same(t, first, again)
	express, err := p.compile(pass, "EXPRESS")
	require.NoError(t, err)
	assert.NotSame(t, first, express, "the type is part of what is compiled")

	_, err = p.compile(`{"StartAt":"Nowhere","States":{}}`, "STANDARD")
	require.Error(t, err)
	assert.Len(t, p.m, 2, "a definition that does not compile is not kept")

	// Bounded: past maxPrograms programs, or maxProgramText of definitions, it starts again.
	for i := range maxPrograms - 2 {
		p.put(fmt.Sprintf("%s ", pass)+strconv.Itoa(i), "STANDARD", first)
	}
	require.Len(t, p.m, maxPrograms)
	p.put("one more", "STANDARD", first)
	assert.Len(t, p.m, 1)
	p.put(strings.Repeat(" ", maxProgramText), "STANDARD", first)
	assert.Len(t, p.m, 1)
	assert.Equal(t, maxProgramText, p.text)
}

// TestProgramsShared: state machines, versions and services that run one definition share its Program.
func TestProgramsShared(t *testing.T) {
	const def = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	ctx := context.Background()
	programs := NewPrograms()
	var machines []string
	for _, name := range []string{"a", "b"} {
		s := newTestService(t, Options{Programs: programs})
		out, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: name, Definition: def,
			RoleArn: "arn:aws:iam::123456789012:role/r", Publish: true})
		require.NoError(t, err)
		machines = append(machines, out.StateMachineArn, out.StateMachineVersionArn)
		for _, arn := range machines[len(machines)-2:] {
			_, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: arn})
			require.NoError(t, err)
		}
	}
	assert.Len(t, programs.m, 1)
}

// TestProgramsServeTestState: TestState compiles a definition once, whether a state of its own or a state
// of a machine, and answers the same from the cached program.
func TestProgramsServeTestState(t *testing.T) {
	programs := NewPrograms()
	s := newTestService(t, Options{Programs: programs})
	machine := "P"
	for _, in := range []TestStateInput{
		{Definition: `{"Type":"Pass","Parameters":{"x.$":"$.a"},"Next":"Elsewhere"}`},
		{Definition: `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"$.a"},"End":true}}}`, StateName: &machine},
	} {
		in.RoleArn, in.Input = "arn:aws:iam::123456789012:role/r", `{"a":1}`
		var outputs []string
		for range 2 {
			out, err := s.TestState(context.Background(), &in)
			require.NoError(t, err)
			outputs = append(outputs, *out.Output)
		}
		assert.Equal(t, []string{`{"x":1}`, `{"x":1}`}, outputs)
	}
	assert.Len(t, programs.m, 2)
}
