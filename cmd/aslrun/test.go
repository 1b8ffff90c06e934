package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/aslrun/aslrun/asl/graph"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/server/service"
)

type testFlags struct {
	mockConfig, stateMachine, testCase, handlers, input, typ, httpAllow, s3Root, lambdaEndpoint string
	endpoints, subs                                                                             []string
	junit, coverageJSON, graph                                                                  string
	coverage                                                                                    bool
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

--junit FILE writes a JUnit XML report: one testcase per test case (classname: the state machine's name),
a failure with the expected and the actual status, output or error for one that did not end as expected.

--coverage prints, after those lines, what all the test cases together exercised: states entered,
transitions taken (the edges of "aslrun graph"), Choice rules matched (each rule and the Default), and
catchers and retriers used; then each item not covered. A history does not say which Choice rule matched,
only which state came next: when several rules (or a rule and the Default) lead to the same state, each of
them counts as matched. A retrier counts when a Task failed and ran again without leaving its state; a
catcher when a failure led to its Next. --coverage-json FILE writes the same as JSON:

  {"executions": N,
   "states":      {"covered": n, "total": m, "items": [{"id", "name", "type", "entered"}]},
   "transitions": {"covered", "total", "items": [{"from", "to", "kind", "label", "taken"}]},
   "choiceRules": {"covered", "total", "items": [{"state", "rule": "1"... or "Default", "label", "next",
                   "matched", "shared"}]},
   "catchers":    {"covered", "total", "items": [{"state", "index", "errorEquals", "next", "used"}]},
   "retriers":    {"covered", "total", "items": [{"state", "index", "errorEquals", "used"}]}}

States are named by their path ("Parallel/0/State" in a branch, "Map/State" in a Map's processor); kind is
next, choice, default or catch; index counts from 0 in Retry and Catch.

--graph FILE draws the state machine with the states the test cases entered as covered and the others as
not covered; the extension chooses the format: .dot (or .gv), .mmd (or .mermaid), .svg.

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
	f.StringVar(&fl.junit, "junit", "", "write a JUnit XML report to this file")
	f.BoolVar(&fl.coverage, "coverage", false, "print the coverage of the state machine by all the test cases")
	f.StringVar(&fl.coverageJSON, "coverage-json", "", "write the coverage as JSON to this file")
	f.StringVar(&fl.graph, "graph", "", "draw the state machine coloured by coverage to this file (.dot, .mmd or .svg)")
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
	graphFormat := ""
	if fl.graph != "" {
		var ok bool
		if graphFormat, ok = formatOf(fl.graph); !ok {
			return usageError(cmd, "--graph %s: name a .dot, .gv, .mmd, .mermaid or .svg file", fl.graph)
		}
	}
	defaultInput, _, _, err := inputFlag(cmd, "input", fl.input)
	if err != nil {
		return err
	}
	var cov *graph.Coverage
	if fl.coverage || fl.coverageJSON != "" || fl.graph != "" {
		cov = graph.NewCoverage(graph.Build(m.prog.Definition()))
	}
	failed := 0
	// The test cases' services share the definitions they compile: those that states:startExecution runs.
	programs := service.NewPrograms()
	var results []caseResult
	for _, tc := range cases {
		start := time.Now()
		res, events, err := runTestCase(cmd, path, fl, m, name, tc, mocks, typ, defaultInput, cov != nil, programs)
		if err != nil {
			return err
		}
		expect := mocks.Expectation(name, tc)
		verdict, problem := "PASS", mismatch(res, expect)
		if problem != "" {
			verdict = "FAIL"
			failed++
		}
		results = append(results, caseResult{name: tc, res: res, expect: expect, problem: problem, elapsed: time.Since(start)})
		if cov != nil {
			cov.Add(events)
		}
		line := fmt.Sprintf("%s %s %s", verdict, tc, res.Status)
		if res.Status == interpreter.Succeed {
			line += " " + value.JSON(res.Output)
		} else {
			line += fmt.Sprintf(" error=%q cause=%q", res.Error, res.Cause)
		}
		if problem != "" {
			line += " (" + problem + ")"
		}
		fmt.Fprintln(cmd.OutOrStdout(), line)
	}
	if err := testReports(cmd, fl, name, results, cov, graphFormat); err != nil {
		return err
	}
	if failed > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "%d of %d test cases failed\n", failed, len(cases))
		return exitCode(1)
	}
	return nil
}

// caseResult is how one test case ended, and how long it took in real time.
type caseResult struct {
	name    string
	res     *interpreter.Result
	expect  resources.Expectation
	problem string
	elapsed time.Duration
}

// testReports writes what the flags ask for beyond the PASS and FAIL lines: the JUnit report, the
// coverage table and its JSON, the graph coloured by coverage.
func testReports(cmd *cobra.Command, fl testFlags, machine string, results []caseResult, cov *graph.Coverage, graphFormat string) error {
	if fl.junit != "" {
		if err := writeJUnit(fl.junit, machine, results); err != nil {
			return usageError(cmd, "--junit: %v", err)
		}
	}
	if cov == nil {
		return nil
	}
	report := cov.Report()
	if fl.coverage {
		printCoverage(cmd.OutOrStdout(), report)
	}
	if fl.coverageJSON != "" {
		b, err := json.MarshalIndent(report, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(fl.coverageJSON, append(b, '\n'), 0o644); err != nil {
			return usageError(cmd, "--coverage-json: %v", err)
		}
	}
	if fl.graph != "" {
		cov.Colour()
		if err := writeGraph(cov.Graph(), fl.graph, graphFormat); err != nil {
			return usageError(cmd, "--graph: %v", err)
		}
	}
	return nil
}

// runTestCase runs one test case as its own execution "TEST_CASE" of the state machine, on a fresh
// service and fresh embedded services in virtual time, as Step Functions Local runs
// "stateMachineArn#TEST_CASE"; with history, it returns the execution's events too.
func runTestCase(cmd *cobra.Command, path string, fl testFlags, m *machine, name, tc string, mocks *resources.MockConfig, typ string, input any, history bool,
	programs *service.Programs) (*interpreter.Result, []graph.HistoryEvent, error) {
	if _, err := mocks.Invoker(name, tc, nil, nil); err != nil {
		return nil, nil, usageError(cmd, "%v", err)
	}
	clock := interpreter.NewVirtualClock(time.Now())
	local, err := newLocal(cmd, path, clock, fl.handlers, fl.httpAllow, fl.s3Root, fl.lambdaEndpoint, fl.endpoints)
	if err != nil {
		return nil, nil, err
	}
	defer local.Env.Services.Close()
	svc, err := newEngine(local.Registry, local.Env, mocks, service.Options{Clock: clock, NoHistory: true, Definitions: m.nested,
		Invoker: newLambdaHints(cmd.ErrOrStderr(), path).invoker(local.Registry), Programs: programs})
	if err != nil {
		return nil, nil, err
	}
	defer svc.Close()
	if expect := mocks.Expectation(name, tc); expect.HasInput {
		input = expect.Input
	}
	ctx := context.Background()
	fin, err := svc.RunLocal(ctx, service.LocalRun{StateMachine: name, Definition: m.definition, Program: m.prog, Type: typ,
		Execution: tc, TestCase: tc, Input: input, History: history})
	if err != nil {
		return nil, nil, usageError(cmd, "%v", err)
	}
	if !history {
		return fin.Result, nil, nil
	}
	raw, err := svc.History(ctx, fin.ExecutionArn)
	if err != nil {
		return nil, nil, err
	}
	events := make([]graph.HistoryEvent, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &events[i]); err != nil {
			return nil, nil, fmt.Errorf("the history of test case %s: %w", tc, err)
		}
	}
	return fin.Result, events, nil
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
	case x.HasOutput && value.JSON(res.Output) != value.JSON(x.Output):
		return "expected output " + value.JSON(x.Output)
	}
	return ""
}
