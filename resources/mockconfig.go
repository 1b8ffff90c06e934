package resources

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

// MockConfig is AWS Step Functions Local's mock configuration file (MockConfigFile.json), read unchanged:
//
//	{"StateMachines": {"Checkout": {"TestCases": {"HappyPath": {"Charge": "ChargeOK"}}}},
//	 "MockedResponses": {"ChargeOK": {"0": {"Return": {...}}, "1-2": {"Throw": {"Error": "E", "Cause": "C"}}}}}
//
// A test case maps state names to mocked responses; a mocked response maps the invocation numbers of the
// state within one execution (0 for the first, counting retries and Map iterations) to a Return (the task
// result, in the shape the service gives: for lambda:invoke the whole envelope) or a Throw (the task fails
// with that Error and Cause). An invocation past the last number defined fails the task with
// States.TaskFailed naming the state and the test case. States a test case does not mock run as usual.
//
// aslrun adds one optional top-level key that Step Functions Local does not know, "x-aslrun-expect": per
// state machine and test case, the input to run it with and the outcome it must have:
//
//	"x-aslrun-expect": {"Checkout": {"NoStock": {"input": {...}, "status": "FAILED", "error": "OutOfStock",
//	                                             "cause": "...", "output": {...}}}}
//
// Every field is optional: the input defaults to {} (or aslrun test --input), the status to SUCCEEDED, and
// error, cause and output are compared only when given.
type MockConfig struct {
	machines  map[string]map[string]map[string]string // machine -> test case -> state -> response name
	responses map[string]*mockedResponse
	expect    map[string]map[string]Expectation
}

// Expectation is how a test case must end.
type Expectation struct {
	Input        any
	HasInput     bool
	Status       string
	Error, Cause *string
	Output       any
	HasOutput    bool
}

// mockedResponse is one entry of MockedResponses: its invocations in order.
type mockedResponse struct {
	steps []mockStep
}

type mockStep struct {
	from, to int
	value    any
	fail     *failure.Error
}

// LoadMockConfig reads a mock configuration file.
func LoadMockConfig(path string) (*MockConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mock config: %w", err)
	}
	c, err := ParseMockConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseMockConfig reads the contents of a mock configuration file.
func ParseMockConfig(data []byte) (*MockConfig, error) {
	doc, err := source.DecodePlain(data)
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return nil, errors.New("a mock config is an object with StateMachines and MockedResponses")
	}
	for k := range top {
		if k != "StateMachines" && k != "MockedResponses" && k != "x-aslrun-expect" {
			return nil, fmt.Errorf("unknown top-level key %q (the keys are StateMachines, MockedResponses and x-aslrun-expect)", k)
		}
	}
	c := &MockConfig{machines: map[string]map[string]map[string]string{}, responses: map[string]*mockedResponse{},
		expect: map[string]map[string]Expectation{}}
	responses, _ := top["MockedResponses"].(map[string]any)
	if _, ok := top["MockedResponses"]; ok && responses == nil {
		return nil, errors.New("MockedResponses must be an object")
	}
	for name, v := range responses {
		r, err := parseMockedResponse(v)
		if err != nil {
			return nil, fmt.Errorf("MockedResponses.%s: %w", name, err)
		}
		c.responses[name] = r
	}
	machines, ok := top["StateMachines"].(map[string]any)
	if !ok {
		return nil, errors.New("StateMachines must be an object of state machine names")
	}
	for machine, v := range machines {
		m, _ := v.(map[string]any)
		cases, ok := m["TestCases"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("StateMachines.%s: TestCases must be an object of test case names", machine)
		}
		c.machines[machine] = map[string]map[string]string{}
		for tc, v := range cases {
			states, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("StateMachines.%s.TestCases.%s must map state names to mocked response names", machine, tc)
			}
			c.machines[machine][tc] = map[string]string{}
			for state, rv := range states {
				name, ok := rv.(string)
				if !ok {
					return nil, fmt.Errorf("StateMachines.%s.TestCases.%s.%s must name a mocked response", machine, tc, state)
				}
				if c.responses[name] == nil {
					return nil, fmt.Errorf("StateMachines.%s.TestCases.%s.%s: no mocked response %q in MockedResponses", machine, tc, state, name)
				}
				c.machines[machine][tc][state] = name
			}
		}
	}
	if v, ok := top["x-aslrun-expect"]; ok {
		if err := c.parseExpectations(v); err != nil {
			return nil, fmt.Errorf("x-aslrun-expect%w", err)
		}
	}
	return c, nil
}

func parseMockedResponse(v any) (*mockedResponse, error) {
	entries, ok := v.(map[string]any)
	if !ok || len(entries) == 0 {
		return nil, errors.New(`must be an object of invocation numbers ("0", "1-2", ...)`)
	}
	r := &mockedResponse{}
	for key, ev := range entries {
		from, to, err := invocationRange(key)
		if err != nil {
			return nil, err
		}
		e, ok := ev.(map[string]any)
		_, hasReturn := e["Return"]
		throw, hasThrow := e["Throw"]
		if !ok || hasReturn == hasThrow || len(e) != 1 {
			return nil, fmt.Errorf(`%q: must have exactly one of "Return" or "Throw"`, key)
		}
		step := mockStep{from: from, to: to, value: e["Return"]}
		if hasThrow {
			t, _ := throw.(map[string]any)
			name, okName := t["Error"].(string)
			cause, okCause := t["Cause"].(string)
			if !okName || (t["Cause"] != nil && !okCause) {
				return nil, fmt.Errorf(`%q: Throw needs a string "Error" and may have a string "Cause"`, key)
			}
			step.fail = failure.New(name, cause)
		}
		r.steps = append(r.steps, step)
	}
	sort.Slice(r.steps, func(i, j int) bool { return r.steps[i].from < r.steps[j].from })
	next := 0
	for _, s := range r.steps {
		if s.from != next {
			return nil, fmt.Errorf("the invocation numbers must start at 0 and leave no gaps or overlaps (invocation %d)", next)
		}
		next = s.to + 1
	}
	return r, nil
}

// invocationRange reads "3" or "1-2".
func invocationRange(key string) (int, int, error) {
	a, b, isRange := strings.Cut(key, "-")
	from, err1 := strconv.Atoi(a)
	to := from
	var err2 error
	if isRange {
		to, err2 = strconv.Atoi(b)
	}
	if err1 != nil || err2 != nil || from < 0 || to < from {
		return 0, 0, fmt.Errorf("%q is not an invocation number or range (\"0\", \"1-2\")", key)
	}
	return from, to, nil
}

func (c *MockConfig) parseExpectations(v any) error {
	machines, ok := v.(map[string]any)
	if !ok {
		return errors.New(" must be an object of state machine names")
	}
	for machine, mv := range machines {
		cases, ok := mv.(map[string]any)
		if !ok {
			return fmt.Errorf(".%s must be an object of test case names", machine)
		}
		c.expect[machine] = map[string]Expectation{}
		for tc, ev := range cases {
			e, ok := ev.(map[string]any)
			if !ok {
				return fmt.Errorf(".%s.%s must be an object", machine, tc)
			}
			x := Expectation{Status: string(interpreter.Succeed)}
			for k, val := range e {
				switch k {
				case "input":
					x.Input, x.HasInput = val, true
				case "output":
					x.Output, x.HasOutput = val, true
				case "status", "error", "cause":
					s, ok := val.(string)
					if !ok {
						return fmt.Errorf(".%s.%s.%s must be a string", machine, tc, k)
					}
					switch k {
					case "status":
						x.Status = s
					case "error":
						x.Error = &s
					default:
						x.Cause = &s
					}
				default:
					return fmt.Errorf(".%s.%s: unknown key %q (input, status, error, cause, output)", machine, tc, k)
				}
			}
			c.expect[machine][tc] = x
		}
	}
	return nil
}

// StateMachines returns the names of the state machines the file configures.
func (c *MockConfig) StateMachines() []string {
	return sortedKeys(c.machines)
}

// TestCases returns the test cases of a state machine, in name order.
func (c *MockConfig) TestCases(machine string) ([]string, error) {
	cases, ok := c.machines[machine]
	if !ok {
		return nil, fmt.Errorf("the mock config has no state machine %q (it has %s)", machine, strings.Join(c.StateMachines(), ", "))
	}
	return sortedKeys(cases), nil
}

// MockedStates returns the states a test case mocks, in name order (none for an unknown test case).
func (c *MockConfig) MockedStates(machine, testCase string) []string {
	return sortedKeys(c.machines[machine][testCase])
}

// Expectation returns how a test case must end.
func (c *MockConfig) Expectation(machine, testCase string) Expectation {
	if x, ok := c.expect[machine][testCase]; ok {
		return x
	}
	return Expectation{Status: string(interpreter.Succeed)}
}

// Invoker returns the invoker of one execution of a test case: the mocked states answer from the file,
// the others go to base. Use a new one per execution, since invocations are counted per execution; calls
// are the invocations per state an execution made before it parked (nil for a new one).
func (c *MockConfig) Invoker(machine, testCase string, base interpreter.Invoker, calls map[string]int) (interpreter.Invoker, error) {
	states, ok := c.machines[machine][testCase]
	if !ok {
		if _, err := c.TestCases(machine); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("the state machine %q has no test case %q", machine, testCase)
	}
	m := &mockInvoker{testCase: testCase, states: states, responses: c.responses, base: base, calls: map[string]int{}}
	for state, n := range calls {
		m.calls[state] = n
	}
	return m, nil
}

// MockCalls returns the invocations per state so far, for the checkpoint of an execution that parks.
func (m *mockInvoker) MockCalls() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]int, len(m.calls))
	for state, n := range m.calls {
		out[state] = n
	}
	return out
}

type mockInvoker struct {
	testCase  string
	states    map[string]string
	responses map[string]*mockedResponse
	base      interpreter.Invoker
	mu        sync.Mutex
	calls     map[string]int
}

// Invoke answers a mocked state from its mocked response; a .waitForTaskToken task gets its token
// answered with the Return value, as Step Functions Local does.
func (m *mockInvoker) Invoke(ctx context.Context, req *interpreter.TaskRequest) (any, error) {
	name, ok := m.states[req.StateName]
	if !ok {
		if m.base == nil {
			return nil, failure.New(failure.TaskFailed, fmt.Sprintf("the state %q is not mocked in the test case %q and has no handler", req.StateName, m.testCase))
		}
		return m.base.Invoke(ctx, req)
	}
	m.mu.Lock()
	n := m.calls[req.StateName]
	m.calls[req.StateName]++
	m.mu.Unlock()
	for _, s := range m.responses[name].steps {
		if n < s.from || n > s.to {
			continue
		}
		if s.fail != nil {
			return nil, failure.New(s.fail.Name, s.fail.Cause)
		}
		if req.Token != "" && req.Answers != nil {
			if err := req.Answers.SendTaskSuccess(req.Token, value.JSON(s.value)); err != nil {
				return nil, err
			}
		}
		return s.value, nil
	}
	return nil, failure.New(failure.TaskFailed, fmt.Sprintf(
		"the mocked response %q of the state %q in the test case %q defines no invocation %d", name, req.StateName, m.testCase, n))
}

// Inline reports whether the call is answered inline (interpreter.InlineInvoker): a mocked state is, from
// the file; another one as base answers it.
func (m *mockInvoker) Inline(req *interpreter.TaskRequest) bool {
	if _, ok := m.states[req.StateName]; ok || m.base == nil {
		return true
	}
	in, ok := m.base.(interpreter.InlineInvoker)
	return ok && in.Inline(req)
}

// Binds reports whether the test case mocks the state, else whether base binds it (interpreter.Binder), so
// that a mocked activity Task answers from the file rather than waiting for a GetActivityTask worker.
func (m *mockInvoker) Binds(resource, state string) bool {
	if _, ok := m.states[state]; ok {
		return true
	}
	b, ok := m.base.(interpreter.Binder)
	return ok && b.Binds(resource, state)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
