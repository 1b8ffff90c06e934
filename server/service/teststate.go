package service

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// TestState runs one state alone, as AWS's TestState API does (see interpreter.Program.Test): a definition
// of one state, or a whole machine and the name of one of its states, with an input, variables and maybe a
// mock of what the state's resource or children would have produced. Without a mock a Task calls the
// server's Invoker as an execution would.

// testStateTimeout is how long AWS lets a TestState run: five minutes, then States.Timeout.
const testStateTimeout = 5 * time.Minute

// The members of TestStateInput that AWS bounds.
const (
	maxStateNameLen = 80
	maxTestPayload  = 262144
)

// TestStateInput is the TestState request.
type TestStateInput struct {
	Definition      string `json:"definition"`
	RoleArn         string `json:"roleArn"`
	Input           string `json:"input"`
	InspectionLevel string `json:"inspectionLevel"`
	RevealSecrets   bool   `json:"revealSecrets"`
	Variables       string `json:"variables"`
	// StateName is nil when absent: "" is a name too short.
	StateName          *string                 `json:"stateName"`
	Mock               *MockInput              `json:"mock"`
	Context            string                  `json:"context"`
	StateConfiguration *TestStateConfiguration `json:"stateConfiguration"`
}

// MockInput is a mocked result, or error, of the tested state.
type MockInput struct {
	Result              *string          `json:"result"`
	ErrorOutput         *MockErrorOutput `json:"errorOutput"`
	FieldValidationMode string           `json:"fieldValidationMode"`
}

// MockErrorOutput is a mocked error.
type MockErrorOutput struct {
	Error *string `json:"error"`
	Cause *string `json:"cause"`
}

// TestStateConfiguration sets up the tested state's retries and a Map's iterations.
type TestStateConfiguration struct {
	RetrierRetryCount        *int    `json:"retrierRetryCount"`
	ErrorCausedByState       *string `json:"errorCausedByState"`
	MapIterationFailureCount *int    `json:"mapIterationFailureCount"`
	MapItemReaderData        *string `json:"mapItemReaderData"`
}

// TestStateOutput is the TestState response.
type TestStateOutput struct {
	Output         *string         `json:"output,omitempty"`
	Error          *string         `json:"error,omitempty"`
	Cause          *string         `json:"cause,omitempty"`
	InspectionData *InspectionData `json:"inspectionData,omitempty"`
	NextState      string          `json:"nextState,omitempty"`
	Status         string          `json:"status"`
}

// InspectionData is what the state's stages produced, each value as JSON text.
type InspectionData struct {
	Input                      *string                 `json:"input,omitempty"`
	AfterArguments             *string                 `json:"afterArguments,omitempty"`
	AfterInputPath             *string                 `json:"afterInputPath,omitempty"`
	AfterParameters            *string                 `json:"afterParameters,omitempty"`
	Result                     *string                 `json:"result,omitempty"`
	AfterResultSelector        *string                 `json:"afterResultSelector,omitempty"`
	AfterResultPath            *string                 `json:"afterResultPath,omitempty"`
	AfterItemsPath             *string                 `json:"afterItemsPath,omitempty"`
	AfterItemsPointer          *string                 `json:"afterItemsPointer,omitempty"`
	AfterItemSelector          *string                 `json:"afterItemSelector,omitempty"`
	AfterItemBatcher           *string                 `json:"afterItemBatcher,omitempty"`
	MaxConcurrency             *int                    `json:"maxConcurrency,omitempty"`
	ToleratedFailureCount      *int64                  `json:"toleratedFailureCount,omitempty"`
	ToleratedFailurePercentage *float64                `json:"toleratedFailurePercentage,omitempty"`
	Request                    *InspectionDataRequest  `json:"request,omitempty"`
	Response                   *InspectionDataResponse `json:"response,omitempty"`
	Variables                  *string                 `json:"variables,omitempty"`
	ErrorDetails               *InspectionErrorDetails `json:"errorDetails,omitempty"`
}

// InspectionDataRequest is the request an HTTP Task sent.
type InspectionDataRequest struct {
	Protocol string `json:"protocol"`
	Method   string `json:"method"`
	URL      string `json:"url"`
	Headers  string `json:"headers"`
	Body     string `json:"body"`
}

// InspectionDataResponse is the response an HTTP Task got.
type InspectionDataResponse struct {
	Protocol      string `json:"protocol"`
	StatusCode    string `json:"statusCode"`
	StatusMessage string `json:"statusMessage"`
	Headers       string `json:"headers"`
	Body          string `json:"body"`
}

// InspectionErrorDetails tells which retrier and catcher took the state's error.
type InspectionErrorDetails struct {
	CatchIndex                  *int   `json:"catchIndex,omitempty"`
	RetryBackoffIntervalSeconds *int64 `json:"retryBackoffIntervalSeconds,omitempty"`
	RetryIndex                  *int   `json:"retryIndex,omitempty"`
}

// The inspection levels and mock validation modes.
const (
	inspectInfo  = "INFO"
	inspectDebug = "DEBUG"
	inspectTrace = "TRACE"

	validateStrict  = "STRICT"
	validatePresent = "PRESENT"
	validateNone    = "NONE"
)

// testStateName is what a definition of one state is called in the machine it is tested in: the name
// AWS's TestState shows for it.
const testStateName = "StateName"

// TestState runs one state alone and reports how it ended and, at DEBUG and TRACE, what each stage of its
// data flow produced. The order of the checks is the model's constraints, the definition, the state, the
// mock, the role, then the context, input and variables.
func (s *Service) TestState(ctx context.Context, in *TestStateInput) (*TestStateOutput, error) {
	if err := checkTestStateInput(in); err != nil {
		return nil, err
	}
	prog, name, err := s.testProgram(in.Definition, in.StateName)
	if err != nil {
		return nil, err
	}
	st := findState(&prog.Definition().Machine, name)
	if st == nil {
		return nil, newError(CodeValidation, "State not found in definition")
	}
	mock, err := checkMock(in, st)
	if err != nil {
		return nil, err
	}
	task, isTask := st.(*asl.Task)
	if isTask && mock == nil && in.RoleArn == "" {
		return nil, newError(CodeValidation, "RoleArn must be specified when testing a Task state")
	}
	spec := interpreter.TestSpec{State: name, Mock: mock, Timeout: testStateTimeout}
	if err := checkStateConfiguration(in, st, &spec); err != nil {
		return nil, err
	}
	if in.Context != "" {
		if mock == nil {
			return nil, newError(CodeValidation, "Invalid Context object provided: a context object may only be given with a mock")
		}
		waits := isTask && (strings.HasSuffix(task.Resource, ".waitForTaskToken") || strings.Contains(task.Resource, ".sync"))
		if spec.Context, err = parseTestContext(in.Context, waits); err != nil {
			return nil, err
		}
	}
	text := in.Input
	if text == "" {
		text = "{}"
	}
	if spec.Input, err = source.DecodeString(text); err != nil {
		return nil, newError(CodeInvalidExecutionInput, "Invalid State Machine Execution Input: '%v'", err)
	}
	if in.Variables != "" {
		v, err := source.DecodeString(in.Variables)
		vars, ok := value.AsMap(v)
		if err != nil || !ok {
			return nil, newError(CodeValidation, "Invalid variables provided: variables must be a JSON object of the variables' names and values")
		}
		spec.Variables = vars
	}
	machine, execution := "TestState-"+interpreter.NewUUID()[:8], interpreter.NewUUID()
	spec.Config = interpreter.Config{
		Name: execution, ARN: s.arn(s.regionFor(ctx), arnExpress, machine, execution), StateMachineName: machine,
		StateMachineARN: s.arn(s.regionFor(ctx), arnStateMachine, machine), RoleARN: in.RoleArn, Invoker: s.invoker, Clock: s.clock,
		PayloadLimit: s.payloadLimit,
	}
	res, err := prog.Test(ctx, spec)
	if err != nil {
		return nil, internal(err)
	}
	return testStateOutput(res, in.InspectionLevel), nil
}

// checkTestStateInput checks the request against the model's constraints.
func checkTestStateInput(in *TestStateInput) error {
	var v violations
	if v.required("definition", in.Definition) {
		v.maxLen("definition", in.Definition, maxDefinitionLen, false)
	}
	v.maxLen("roleArn", in.RoleArn, maxArnLen, true)
	v.maxBytes("input", in.Input, maxTestPayload)
	v.maxBytes("variables", in.Variables, maxTestPayload)
	v.maxBytes("context", in.Context, maxTestPayload)
	v.enum("inspectionLevel", in.InspectionLevel, inspectInfo, inspectDebug, inspectTrace)
	if in.StateName != nil {
		minLen(&v, "stateName", *in.StateName, 1)
		v.maxLen("stateName", *in.StateName, maxStateNameLen, true)
	}
	if m := in.Mock; m != nil {
		if m.Result != nil {
			v.maxBytes("mock.result", *m.Result, maxTestPayload)
		}
		v.enum("mock.fieldValidationMode", m.FieldValidationMode, validateStrict, validatePresent, validateNone)
	}
	if c := in.StateConfiguration; c != nil {
		nonNegative(&v, "stateConfiguration.retrierRetryCount", c.RetrierRetryCount)
		nonNegative(&v, "stateConfiguration.mapIterationFailureCount", c.MapIterationFailureCount)
		if c.ErrorCausedByState != nil {
			minLen(&v, "stateConfiguration.errorCausedByState", *c.ErrorCausedByState, 1)
			v.maxLen("stateConfiguration.errorCausedByState", *c.ErrorCausedByState, maxStateNameLen, false)
		}
		if c.MapItemReaderData != nil {
			v.maxBytes("stateConfiguration.mapItemReaderData", *c.MapItemReaderData, maxTestPayload)
		}
	}
	return v.err()
}

func minLen(v *violations, field, value string, least int) {
	if len([]rune(value)) < least {
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", value, field, least)
	}
}

func nonNegative(v *violations, field string, n *int) {
	if n != nil && *n < 0 {
		v.add("Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to 0", *n, field)
	}
}

// testProgram compiles the definition: a whole machine when stateName names one of its states, otherwise
// one state, tested as the state StateName of a machine of its own (its transitions lead to Succeed states
// that stand for the states it names). Programs are cached as state machines' are: a test suite sends the
// same definition again and again.
func (s *Service) testProgram(definition string, stateName *string) (*interpreter.Program, string, error) {
	if stateName != nil {
		prog, err := s.programs.compile(definition, store.TypeStandard)
		return prog, *stateName, err
	}
	v, err := source.DecodePlain([]byte(definition))
	state, ok := v.(map[string]any)
	if err != nil || !ok {
		// Not a JSON object: the checks of a definition word the problem.
		_, err := compile(definition, store.TypeStandard)
		if err == nil {
			err = newError(CodeInvalidDefinition, "Invalid State Machine Definition: 'The state definition must be a JSON object'")
		}
		return nil, "", err
	}
	var b strings.Builder
	b.WriteString(`{"StartAt":"` + testStateName + `","States":{"` + testStateName + `":`)
	b.WriteString(definition)
	for _, target := range transitions(state) {
		if target != testStateName {
			b.WriteString("," + value.JSON(target) + `:{"Type":"Succeed"}`)
		}
	}
	b.WriteString("}}")
	prog, err := s.programs.compile(b.String(), store.TypeStandard)
	return prog, testStateName, err
}

// transitions lists, once each, the states a state's Next, Default, Choices and Catch name.
func transitions(state map[string]any) []string {
	var out []string
	add := func(v any) {
		if s, ok := v.(string); ok && s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	add(state["Next"])
	add(state["Default"])
	for _, key := range []string{"Choices", "Catch"} {
		list, _ := state[key].([]any)
		for _, item := range list {
			obj, _ := item.(map[string]any)
			add(obj["Next"])
		}
	}
	return out
}

// findState looks a state up by name in m and in the machines inside its Parallel and Map states.
func findState(m *asl.Machine, name string) asl.State {
	if st, ok := m.States[name]; ok {
		return st
	}
	for _, st := range m.States {
		var inner []*asl.Machine
		switch x := st.(type) {
		case *asl.Parallel:
			inner = x.Branches
		case *asl.Map:
			inner = []*asl.Machine{x.Processor}
		}
		for _, sub := range inner {
			if sub == nil {
				continue
			}
			if found := findState(sub, name); found != nil {
				return found
			}
		}
	}
	return nil
}

// checkMock checks the mock against the state it stands in for, and returns it for the interpreter (nil:
// no mock). AWS requires one for Map and Parallel states, activities, .sync and .waitForTaskToken, and
// takes one only for Task, Map and Parallel states.
func checkMock(in *TestStateInput, st asl.State) (*interpreter.Mock, error) {
	typ := st.Base().Type
	task, isTask := st.(*asl.Task)
	waits := isTask && (isActivityArn(task.Resource) || strings.Contains(task.Resource, ".sync") ||
		strings.HasSuffix(task.Resource, ".waitForTaskToken"))
	m := in.Mock
	if m == nil {
		switch {
		case typ == asl.TypeMap || typ == asl.TypeParallel:
			return nil, newError(CodeInvalidDefinition,
				"TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]")
		case waits:
			// aslrun's wording: AWS documents that these need a mock, not its message.
			return nil, newError(CodeInvalidDefinition,
				"TestState API does not support Activity tasks, .sync or .waitForTaskToken service integration patterns without a mock")
		}
		return nil, nil
	}
	if typ != asl.TypeTask && typ != asl.TypeMap && typ != asl.TypeParallel {
		return nil, newError(CodeValidation, "State type '%s' is not supported when a mock is specified", typ)
	}
	if in.RevealSecrets {
		return nil, newError(CodeValidation, "TestState does not support RevealSecrets when a mock is specified.")
	}
	switch {
	case m.Result != nil && m.ErrorOutput != nil:
		return nil, newError(CodeValidation, "A test mock should have only one of the following fields: [result, errorOutput].")
	case m.Result == nil && m.ErrorOutput == nil:
		return nil, newError(CodeValidation, "A test mock should have one of the following fields: [result, errorOutput].")
	case m.ErrorOutput != nil:
		if m.ErrorOutput.Error == nil {
			return nil, newError(CodeValidation, "The field mock.errorOutput.error is required when mock.errorOutput is specified.")
		}
		mock := &interpreter.Mock{Failed: true, Error: *m.ErrorOutput.Error}
		if m.ErrorOutput.Cause != nil {
			mock.Cause = *m.ErrorOutput.Cause
		}
		return mock, nil
	}
	result, err := source.DecodeString(*m.Result)
	if err != nil {
		return nil, newError(CodeValidation, "Mocked result must be valid JSON")
	}
	switch x := st.(type) {
	case *asl.Map:
		if isObject := value.IsObject(result); x.ResultWriter != nil && !isObject {
			return nil, newError(CodeValidation, "Mocked result must be a JSON object.")
		}
		if _, isArray := result.([]any); x.ResultWriter == nil && !isArray {
			return nil, newError(CodeValidation, "Mocked result must be an array.")
		}
	case *asl.Parallel:
		list, isArray := result.([]any)
		if !isArray {
			return nil, newError(CodeValidation, "Mocked result must be an array.")
		}
		if len(list) != len(x.Branches) {
			return nil, newError(CodeValidation, "Mocked result must contain the same number of items as number of Parallel branches.")
		}
	case *asl.Task:
		if !waits && m.FieldValidationMode != validateNone {
			if problem := validateMockResult(x.Resource, result, m.FieldValidationMode != validatePresent); problem != "" {
				return nil, newError(CodeValidation, "Mock result schema validation error: %s", problem)
			}
		}
	}
	return &interpreter.Mock{Result: result}, nil
}

// isActivityArn reports whether a Task's resource is an activity.
func isActivityArn(resource string) bool {
	parts := strings.Split(resource, ":")
	return len(parts) == 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "activity"
}

// checkStateConfiguration checks stateConfiguration against the state and puts it in spec. The wording of
// these refusals is aslrun's: AWS documents what the fields are for, not its messages.
func checkStateConfiguration(in *TestStateInput, st asl.State, spec *interpreter.TestSpec) error {
	c := in.StateConfiguration
	if c == nil {
		return nil
	}
	typ := st.Base().Type
	if c.RetrierRetryCount != nil {
		spec.RetrierRetryCount = *c.RetrierRetryCount
	}
	if (c.MapIterationFailureCount != nil || c.MapItemReaderData != nil) && typ != asl.TypeMap {
		return newError(CodeValidation, "mapIterationFailureCount and mapItemReaderData can only be specified when testing a Map state.")
	}
	if c.MapIterationFailureCount != nil {
		spec.MapIterationFailureCount = int64(*c.MapIterationFailureCount)
	}
	if c.MapItemReaderData != nil {
		if m, _ := st.(*asl.Map); m.ItemReader == nil {
			return newError(CodeValidation, "mapItemReaderData can only be specified for a Map state with an ItemReader.")
		}
		spec.MapItemReaderData = c.MapItemReaderData
	}
	if c.ErrorCausedByState != nil {
		if typ != asl.TypeMap && typ != asl.TypeParallel || in.Mock == nil || in.Mock.ErrorOutput == nil {
			return newError(CodeValidation, "errorCausedByState can only be specified when an error is mocked for a Map or Parallel state.")
		}
		var inner []*asl.Machine
		switch x := st.(type) {
		case *asl.Map:
			inner = []*asl.Machine{x.Processor}
		case *asl.Parallel:
			inner = x.Branches
		}
		found := false
		for _, m := range inner {
			found = found || m != nil && findState(m, *c.ErrorCausedByState) != nil
		}
		if !found {
			return newError(CodeValidation, "errorCausedByState '%s' is not a state of the tested state's %s.", *c.ErrorCausedByState,
				map[string]string{asl.TypeMap: "ItemProcessor", asl.TypeParallel: "Branches"}[typ])
		}
	}
	return nil
}

// contextFields are the members a given context object may have, by section: the fields' JSON types
// ("any" for Execution.Input). Task only for a Task that waits for its token or its job.
func contextFields() map[string]map[string]string {
	return map[string]map[string]string{
		"Execution":    {"Id": "string", "Input": "any", "Name": "string", "RoleArn": "string", "StartTime": "string", "RedriveCount": "number"},
		"State":        {"EnteredTime": "string", "Name": "string", "RetryCount": "number"},
		"StateMachine": {"Id": "string", "Name": "string"},
		"Task":         {"Token": "string"},
	}
}

// parseTestContext reads and checks a context object, with AWS's messages.
func parseTestContext(text string, waits bool) (map[string]any, error) {
	invalid := func(format string, args ...any) error {
		return newError(CodeValidation, "Invalid Context object provided: "+format, args...)
	}
	v, err := source.DecodePlain([]byte(text))
	obj, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil, invalid("the context object must be a JSON object")
	}
	allowed := contextFields()
	for _, section := range sortedKeys(obj) {
		fields, known := allowed[section]
		switch {
		case section == "Map":
			return nil, invalid("'Map' field is not supported when mocking a Context object")
		case !known:
			return nil, invalid("Field '%s' is not allowed", section)
		case section == "Task" && !waits:
			return nil, invalid("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern")
		}
		members, isObject := obj[section].(map[string]any)
		if !isObject {
			return nil, invalid("%s must be an object", section)
		}
		for _, name := range sortedKeys(members) {
			want, known := fields[name]
			if !known {
				return nil, invalid("Field '%s' is not allowed", name)
			}
			switch x := members[name]; want {
			case "string":
				if _, ok := x.(string); !ok {
					return nil, invalid("%s.%s must be a string", section, name)
				}
			case "number":
				if _, ok := x.(int64); !ok {
					return nil, invalid("%s.%s must be an integer", section, name)
				}
			}
		}
	}
	return obj, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// testStateOutput writes the response: the outcome, and at DEBUG and TRACE the inspection data (at TRACE
// with an HTTP Task's request and response).
func testStateOutput(res *interpreter.TestResult, level string) *TestStateOutput {
	out := &TestStateOutput{Status: string(res.Status), NextState: res.NextState}
	if res.HasOutput {
		out.Output = jsonText(res.Output)
	}
	if res.Error != "" {
		out.Error = &res.Error
	}
	if res.Cause != "" {
		out.Cause = &res.Cause
	}
	if level != inspectDebug && level != inspectTrace {
		return out
	}
	d := &InspectionData{Input: jsonText(res.Input)}
	fields := map[interpreter.Stage]**string{
		interpreter.StageArguments: &d.AfterArguments, interpreter.StageInputPath: &d.AfterInputPath,
		interpreter.StageParameters: &d.AfterParameters, interpreter.StageResult: &d.Result,
		interpreter.StageResultSelector: &d.AfterResultSelector, interpreter.StageResultPath: &d.AfterResultPath,
		interpreter.StageItemsPath: &d.AfterItemsPath, interpreter.StageItemsPointer: &d.AfterItemsPointer,
		interpreter.StageItemSelector: &d.AfterItemSelector, interpreter.StageItemBatcher: &d.AfterItemBatcher,
	}
	for stage, v := range res.Stages {
		if field, ok := fields[stage]; ok {
			*field = jsonText(v)
		}
	}
	if m := res.Map; m != nil {
		d.MaxConcurrency = &m.MaxConcurrency
		d.ToleratedFailureCount, d.ToleratedFailurePercentage = m.ToleratedFailureCount, m.ToleratedFailurePercentage
	}
	if len(res.Variables) > 0 {
		d.Variables = jsonText(res.Variables)
	}
	if e := res.Errors; e != nil {
		d.ErrorDetails = &InspectionErrorDetails{RetryIndex: e.RetryIndex, RetryBackoffIntervalSeconds: e.RetryBackoffSeconds, CatchIndex: e.CatchIndex}
	}
	if level == inspectTrace && len(res.HTTP) > 0 {
		call := res.HTTP[len(res.HTTP)-1]
		d.Request = &InspectionDataRequest{Protocol: call.Protocol, Method: call.Method, URL: call.URL,
			Headers: headerText(call.RequestHeader), Body: call.RequestBody}
		if call.StatusCode != 0 {
			d.Response = &InspectionDataResponse{Protocol: call.Protocol, StatusCode: strconv.Itoa(call.StatusCode),
				StatusMessage: call.Status, Headers: headerText(call.ResponseHeader), Body: call.ResponseBody}
		}
	}
	out.InspectionData = d
	return out
}

// jsonText writes a value as the API carries payloads: compact JSON, keys sorted.
func jsonText(v any) *string {
	s := value.JSON(v)
	return &s
}

// headerText writes HTTP headers as a list of "Name: value", by name. The format is aslrun's: AWS's
// model says only that the headers are a string.
func headerText(h http.Header) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, 0, len(names))
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s: %s", k, strings.Join(h[k], ", ")))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
