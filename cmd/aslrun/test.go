package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/spf13/cobra"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/server/service"
)

type testFlags struct {
	mockConfig, stateMachine, testCase, handlers, input, typ, httpAllow, s3Root, lambdaEndpoint string
	endpoints, subs                                                                             []string
}

func newTestCmd() *cobra.Command {
	var fl testFlags
	cmd := &cobra.Command{
		Use:   "test DEFINITION|TEMPLATE[#LogicalId] --mock-config FILE",
		Short: "Run the test cases of a Step Functions Local mock config against a state machine",
		Long: `Run the test cases of an AWS Step Functions Local mock configuration file (MockConfigFile.json)
against a state machine, one execution per test case, in virtual time. States a test case does not mock run
with the handler file and the embedded services.

Each test case must end as its "x-aslrun-expect" entry says (SUCCEEDED when it has none). One line per test
case: PASS or FAIL, its name, its status and its output or error.

Exit status: 0 when every test case ended as expected, 1 when one did not, 2 when the definition, flags or
files are bad.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runTests(cmd, args[0], fl) },
	}
	f := cmd.Flags()
	f.StringVar(&fl.mockConfig, "mock-config", "", "Step Functions Local mock configuration file (required)")
	f.StringVar(&fl.stateMachine, "state-machine", "", "state machine name in the mock config (default: the definition's file name without extensions)")
	f.StringVar(&fl.testCase, "test-case", "", "run only this test case")
	f.StringVar(&fl.handlers, "handlers", "", "handler file for the states a test case does not mock")
	f.StringVar(&fl.input, "input", "", "execution input for test cases without an expected input: a file, - for stdin, or JSON text (default {})")
	f.StringVar(&fl.typ, "type", "STANDARD", "state machine type: STANDARD or EXPRESS")
	f.StringVar(&fl.httpAllow, "http-allow", "", httpAllowUsage)
	f.StringArrayVar(&fl.endpoints, "endpoint", nil, endpointUsage)
	f.StringVar(&fl.s3Root, "s3-root", "", s3RootUsage+"; every test case sees the same directory")
	f.StringVar(&fl.lambdaEndpoint, "lambda-endpoint", "", lambdaEndpointUsage)
	subFlag(f, &fl.subs)
	return cmd
}

func runTests(cmd *cobra.Command, arg string, fl testFlags) error {
	if fl.mockConfig == "" {
		return usageError(cmd, "--mock-config is required")
	}
	if _, err := machineType(cmd, fl.typ); err != nil {
		return err
	}
	mocks, err := resources.LoadMockConfig(fl.mockConfig)
	if err != nil {
		return usageError(cmd, "--mock-config: %v", err)
	}
	m, err := loadMachine(cmd, arg, givenType(cmd, fl.typ), fl.subs...)
	if err != nil {
		return err
	}
	path, typ := m.path, m.typ
	name := fl.stateMachine
	if name == "" {
		name = m.name
	}
	cases, err := mocks.TestCases(name)
	if err != nil {
		return usageError(cmd, "%v", err)
	}
	if fl.testCase != "" {
		cases = []string{fl.testCase}
	}
	if err := checkMockedStates(mocks, name, cases, m.states, path); err != nil {
		return usageError(cmd, "--mock-config %s: %v", fl.mockConfig, err)
	}
	defaultInput, _, err := inputFlag(cmd, "input", fl.input)
	if err != nil {
		return err
	}
	failed := 0
	for _, tc := range cases {
		res, err := runTestCase(cmd, path, fl, m, name, tc, mocks, typ, defaultInput)
		if err != nil {
			return err
		}
		expect := mocks.Expectation(name, tc)
		verdict, problem := "PASS", mismatch(res, expect)
		if problem != "" {
			verdict = "FAIL"
			failed++
		}
		line := fmt.Sprintf("%s %s %s", verdict, tc, res.Status)
		if res.Status == interpreter.Succeed {
			line += " " + oj.JSON(res.Output, &oj.Options{Sort: true})
		} else {
			line += fmt.Sprintf(" error=%q cause=%q", res.Error, res.Cause)
		}
		if problem != "" {
			line += " (" + problem + ")"
		}
		fmt.Fprintln(cmd.OutOrStdout(), line)
	}
	if failed > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "%d of %d test cases failed\n", failed, len(cases))
		return exitCode(1)
	}
	return nil
}

// runTestCase runs one test case as its own execution "TEST_CASE" of the state machine, on a fresh
// service and fresh embedded services in virtual time, as Step Functions Local runs
// "stateMachineArn#TEST_CASE".
func runTestCase(cmd *cobra.Command, path string, fl testFlags, m *machine, name, tc string, mocks *resources.MockConfig, typ string, input any) (*interpreter.Result, error) {
	if _, err := mocks.Invoker(name, tc, nil, nil); err != nil {
		return nil, usageError(cmd, "%v", err)
	}
	clock := interpreter.NewVirtualClock(time.Now())
	local, err := newLocal(cmd, path, clock, fl.handlers, fl.httpAllow, fl.s3Root, fl.lambdaEndpoint, fl.endpoints)
	if err != nil {
		return nil, err
	}
	defer local.Env.Services.Close()
	svc, err := newEngine(local.Registry, local.Env, mocks, service.Options{Clock: clock, NoHistory: true, Definitions: m.nested})
	if err != nil {
		return nil, err
	}
	defer svc.Close()
	defer svc.Subscribe("", newLambdaHints(cmd.ErrOrStderr(), path).event)()
	if expect := mocks.Expectation(name, tc); expect.HasInput {
		input = expect.Input
	}
	fin, err := svc.RunLocal(context.Background(), service.LocalRun{StateMachine: name, Definition: m.definition, Program: m.prog, Type: typ,
		Execution: tc, TestCase: tc, Input: input})
	if err != nil {
		return nil, usageError(cmd, "%v", err)
	}
	return fin.Result, nil
}

// mismatch says how a result differs from what was expected, or "".
func mismatch(res *interpreter.Result, x resources.Expectation) string {
	switch {
	case string(res.Status) != x.Status:
		return "expected " + x.Status
	case x.Error != nil && res.Error != *x.Error:
		return fmt.Sprintf("expected error %q", *x.Error)
	case x.Cause != nil && res.Cause != *x.Cause:
		return fmt.Sprintf("expected cause %q", *x.Cause)
	case x.HasOutput && oj.JSON(res.Output, &oj.Options{Sort: true}) != oj.JSON(x.Output, &oj.Options{Sort: true}):
		return "expected output " + oj.JSON(x.Output, &oj.Options{Sort: true})
	}
	return ""
}
