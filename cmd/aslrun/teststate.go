package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/server/service"
)

type testStateFlags struct {
	state, input, mockResult, mockError, fieldValidation, inspection, context, variables, configuration, handlers, roleArn string
	subs                                                                                                                   []string
}

func newTestStateCmd() *cobra.Command {
	var fl testStateFlags
	cmd := &cobra.Command{
		Use:   "test-state DEFINITION|TEMPLATE[#LogicalId] [--state NAME]",
		Short: "Run one state alone, as the TestState API does, and print its response",
		Long: `Run one state alone, as AWS Step Functions' TestState API does, and print TestState's response
(JSON): its status (SUCCEEDED, FAILED, RETRIABLE or CAUGHT_ERROR), output or error, next state and, with
--inspection debug or trace, the data after each stage of the state's input and output processing.

DEFINITION holds one state, or a whole state machine: then --state names the state to test (any state, in
Parallel branches and Map processors too; default: its StartAt). Without a mock a Task runs its handler
(the handler file, NAME.handlers.json beside the definition, or the embedded services). Map and Parallel
states, activities, .sync and .waitForTaskToken Tasks need a mock, as on AWS.

Exit status: 0 when the state succeeded or its error was caught, 1 when it failed or would be retried,
2 when the definition, flags or files are bad or TestState refused the request.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return testState(cmd, args[0], fl) },
	}
	f := cmd.Flags()
	f.StringVar(&fl.state, "state", "", "the state to test when DEFINITION is a whole state machine (default: its StartAt)")
	f.StringVar(&fl.input, "input", "", "the state's input: a file, - for stdin, or JSON text (default {})")
	f.StringVar(&fl.mockResult, "mock-result", "", "mock the result of a Task, Map or Parallel: a file or JSON text")
	f.StringVar(&fl.mockError, "mock-error", "", "mock an error instead: ERROR or ERROR:CAUSE")
	f.StringVar(&fl.fieldValidation, "field-validation", "", "how --mock-result is checked against the integration's response: strict (default), present or none")
	f.StringVar(&fl.inspection, "inspection", "info", "inspection level: info, debug or trace")
	f.StringVar(&fl.context, "context", "", "the context object ($$) the state sees, with a mock: a file or JSON text")
	f.StringVar(&fl.variables, "variables", "", "the workflow variables the state sees: a file or a JSON object")
	f.StringVar(&fl.configuration, "state-configuration", "", `TestState's stateConfiguration, as JSON: {"retrierRetryCount", "errorCausedByState", "mapIterationFailureCount", "mapItemReaderData"}`)
	f.StringVar(&fl.handlers, "handlers", "", "handler file (JSON or YAML) binding Task resources to stubs")
	subFlag(f, &fl.subs)
	f.StringVar(&fl.roleArn, "role-arn", "arn:aws:iam::123456789012:role/aslrun", "the role TestState runs the state with")
	return cmd
}

func testState(cmd *cobra.Command, arg string, fl testStateFlags) error {
	subs, err := parseSubs("--sub", fl.subs)
	if err != nil {
		return usageError(cmd, "%v", err)
	}
	def, err := loadDefinition(arg, subs, cmd.ErrOrStderr())
	if err != nil {
		return usageError(cmd, "cannot read the definition: %v", err)
	}
	path, data := def.path, def.text
	in := &service.TestStateInput{Definition: string(data), RoleArn: fl.roleArn, InspectionLevel: strings.ToUpper(fl.inspection)}
	if fl.state != "" {
		in.StateName = &fl.state
	} else if start, ok := startAt(data); ok {
		in.StateName = &start
	}
	texts := []struct {
		flag, arg string
		dst       *string
	}{
		{"--input", fl.input, &in.Input}, {"--context", fl.context, &in.Context}, {"--variables", fl.variables, &in.Variables},
	}
	for _, t := range texts {
		if !cmd.Flags().Changed(t.flag[2:]) {
			continue
		}
		if _, *t.dst, _, err = readInput(cmd.InOrStdin(), t.flag, t.arg); err != nil {
			return usageError(cmd, "%v", err)
		}
	}
	if in.Mock, err = mockOf(cmd, fl); err != nil {
		return err
	}
	if fl.configuration != "" {
		dec := json.NewDecoder(bytes.NewReader([]byte(fl.configuration)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in.StateConfiguration); err != nil {
			return usageError(cmd, "--state-configuration: %v", err)
		}
	}
	clock, err := newClock(cmd, "virtual")
	if err != nil {
		return err
	}
	local, err := newLocal(cmd, path, clock, fl.handlers, "", "", "", nil)
	if err != nil {
		return err
	}
	defer local.Env.Services.Close()
	svc, err := newEngine(local.Registry, local.Env, nil, service.Options{Clock: clock, NoHistory: true, Definitions: def.nested})
	if err != nil {
		return err
	}
	defer svc.Close()
	out, err := svc.TestState(context.Background(), in)
	var refused *service.Error
	if errors.As(err, &refused) {
		return usageError(cmd, "%s: %s", refused.Code, refused.Message)
	}
	if err != nil {
		return usageError(cmd, "%v", err)
	}
	b, _ := json.MarshalIndent(out, "", "  ") // strings and numbers always marshal
	fmt.Fprintln(cmd.OutOrStdout(), string(b))
	switch out.Status {
	case "SUCCEEDED", "CAUGHT_ERROR":
		return nil
	}
	summary := "state " + out.Status
	if out.Error != nil {
		summary += ": " + *out.Error
	}
	if out.Cause != nil {
		summary += ": " + firstLine(*out.Cause)
	}
	fmt.Fprintln(cmd.ErrOrStderr(), summary)
	return exitCode(1)
}

// startAt is the StartAt of a definition that is a whole state machine.
func startAt(data []byte) (string, bool) {
	v, err := source.DecodePlain(data)
	obj, _ := v.(map[string]any)
	start, ok := obj["StartAt"].(string)
	_, machine := obj["States"]
	return start, err == nil && ok && machine
}

// mockOf reads --mock-result or --mock-error (nil: neither).
func mockOf(cmd *cobra.Command, fl testStateFlags) (*service.MockInput, error) {
	switch {
	case cmd.Flags().Changed("mock-result") && cmd.Flags().Changed("mock-error"):
		return nil, usageError(cmd, "give --mock-result or --mock-error, not both")
	case cmd.Flags().Changed("mock-result"):
		_, text, _, err := readInput(cmd.InOrStdin(), "--mock-result", fl.mockResult)
		if err != nil {
			return nil, usageError(cmd, "%v", err)
		}
		return &service.MockInput{Result: &text, FieldValidationMode: strings.ToUpper(fl.fieldValidation)}, nil
	case fl.mockError != "":
		name, cause, _ := strings.Cut(fl.mockError, ":")
		return &service.MockInput{ErrorOutput: &service.MockErrorOutput{Error: &name, Cause: &cause}}, nil
	case fl.fieldValidation != "":
		return nil, usageError(cmd, "--field-validation checks --mock-result, which is missing")
	}
	return nil, nil
}
