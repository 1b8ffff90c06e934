package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/httpapi"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store"
)

// API runs cases through the stack of `aslrun serve --clock virtual`: server/service over a store,
// behind server/httpapi on a loopback server, driven by aws-sdk-go-v2's sfn client as a user's
// program drives it. The service takes one Invoker for all executions and a Task's request does not
// always name its state machine, so each case gets a service of its own, with its handlers and a fresh
// virtual clock as in-process, over the one store.
type API struct {
	store    store.Store
	machines atomic.Int64
}

// NewAPI runs cases over st.
func NewAPI(st store.Store) *API { return &API{store: st} }

// server is one service served on a loopback port, and an SDK client of it.
type server struct {
	srv       *httptest.Server
	svc       *service.Service
	client    *sfn.Client
	transport *http.Transport
}

// serve starts a service whose Tasks inv runs.
func (a *API) serve(inv interpreter.Invoker) (*server, error) {
	svc, err := service.New(service.Options{Store: a.store, Invoker: inv, Clock: interpreter.NewVirtualClock(time.Now())})
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(httpapi.New(svc, httpapi.Options{}))
	// The SDK sends StartSyncExecution to "sync-" + host, which does not resolve: dial the server whatever
	// the host, as the server ignores the Host header.
	addr := srv.Listener.Addr().String()
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	transport := &http.Transport{DialContext: dial}
	client := sfn.New(sfn.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:       &http.Client{Transport: transport},
		RetryMaxAttempts: 1,
	})
	return &server{srv: srv, svc: svc, client: client, transport: transport}, nil
}

// close ends the client's connections, the server and the service.
func (s *server) close() {
	s.transport.CloseIdleConnections()
	s.srv.Close()
	s.svc.Close()
}

// Run runs a case as a user of the API would: CreateStateMachine, then StartSyncExecution (EXPRESS) or
// StartExecution and DescribeExecution until it ends (STANDARD). The history's last event must tell the
// same outcome; an EXPRESS execution must have left no history, as on AWS.
func (a *API) Run(c *Case) *Outcome {
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	reg, err := c.invoker()
	if err != nil {
		return harnessError(err)
	}
	s, err := a.serve(reg)
	if err != nil {
		return harnessError(err)
	}
	defer s.close()
	created, err := s.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name:       aws.String(fmt.Sprintf("case-%d", a.machines.Add(1))),
		Definition: aws.String(string(c.DefinitionText())),
		RoleArn:    aws.String("arn:aws:iam::123456789012:role/aslrun"),
		Type:       types.StateMachineType(c.machineType()),
	})
	if invalid := (*types.InvalidDefinition)(nil); errors.As(err, &invalid) {
		return &Outcome{Status: "INVALID_DEFINITION", Message: invalid.ErrorMessage()}
	}
	if err != nil {
		return harnessError(err)
	}
	machine, input := created.StateMachineArn, aws.String(string(c.Input))
	if c.machineType() == "EXPRESS" {
		out, err := s.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: machine, Input: input})
		if err != nil {
			return harnessError(err)
		}
		return s.checkGone(ctx, aws.ToString(out.ExecutionArn), ended(string(out.Status), out.Output, out.Error, out.Cause))
	}
	out, err := s.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: machine, Input: input})
	if err != nil {
		return harnessError(err)
	}
	execution := aws.ToString(out.ExecutionArn)
	o, err := s.wait(ctx, execution)
	if err != nil {
		return harnessError(err)
	}
	return s.checkHistory(ctx, execution, o)
}

// wait polls DescribeExecution until the execution ends; on the virtual clock that is at once, but for
// the interpreter's own work. An execution still running at the deadline ends with its service.
func (s *server) wait(ctx context.Context, execution string) (*Outcome, error) {
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		out, err := s.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &execution})
		if err != nil {
			return nil, err
		}
		if out.Status != types.ExecutionStatusRunning {
			return ended(string(out.Status), out.Output, out.Error, out.Cause), nil
		}
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return nil, fmt.Errorf("still running after %s", caseTimeout)
		}
	}
}

// checkHistory returns o when the execution's last history event tells the same outcome, and a harness
// error saying how they differ otherwise.
func (s *server) checkHistory(ctx context.Context, execution string, o *Outcome) *Outcome {
	out, err := s.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{
		ExecutionArn: &execution, ReverseOrder: true, MaxResults: 1,
	})
	if err != nil {
		return harnessError(err)
	}
	if len(out.Events) == 0 {
		return harnessError(errors.New("GetExecutionHistory returned no events"))
	}
	// aslrun leaves out event details that would be empty, so the type tells the end, not the details.
	ev := out.Events[0]
	var status string
	var output, errName, cause *string
	switch ev.Type {
	case types.HistoryEventTypeExecutionSucceeded:
		status = "SUCCEEDED"
		if d := ev.ExecutionSucceededEventDetails; d != nil {
			output = d.Output
		}
	case types.HistoryEventTypeExecutionFailed:
		status = "FAILED"
		if d := ev.ExecutionFailedEventDetails; d != nil {
			errName, cause = d.Error, d.Cause
		}
	case types.HistoryEventTypeExecutionTimedOut:
		status = "TIMED_OUT"
		if d := ev.ExecutionTimedOutEventDetails; d != nil {
			errName, cause = d.Error, d.Cause
		}
	default:
		return harnessError(fmt.Errorf("the history ends with %s, not with the execution's end", ev.Type))
	}
	last := ended(status, output, errName, cause)
	if !reflect.DeepEqual(last, o) {
		return harnessError(fmt.Errorf("the history ends with %+v, the execution says %+v", *last, *o))
	}
	return o
}

// checkGone returns o when the API serves no history of the execution, as of an Express execution (AWS
// answers InvalidArn for its ARN).
func (s *server) checkGone(ctx context.Context, execution string, o *Outcome) *Outcome {
	_, err := s.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &execution})
	if invalid := (*types.InvalidArn)(nil); errors.As(err, &invalid) {
		return o
	}
	return harnessError(fmt.Errorf("GetExecutionHistory of the Express execution %s answered %v, not InvalidArn", execution, err))
}

// ended is the outcome of a finished execution as the API tells it.
func ended(status string, output, errName, cause *string) *Outcome {
	o := &Outcome{Status: status, Error: aws.ToString(errName), Cause: aws.ToString(cause)}
	if output != nil {
		if err := json.Unmarshal([]byte(*output), &o.Output); err != nil {
			return harnessError(fmt.Errorf("output %q: %w", *output, err))
		}
	}
	return o
}

// maxDiagnostics is the most diagnostics ValidateStateMachineDefinition returns.
const maxDiagnostics = 100

// Validate lints a definition with ValidateStateMachineDefinition, warnings included, and tells whether
// its result is FAIL.
func (a *API) Validate(definition []byte, typ string) ([]asl.Diagnostic, bool, error) {
	s, err := a.serve(nil)
	if err != nil {
		return nil, false, err
	}
	defer s.close()
	out, err := s.client.ValidateStateMachineDefinition(context.Background(), &sfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(string(definition)),
		Type:       types.StateMachineType(typ),
		Severity:   types.ValidateStateMachineDefinitionSeverityWarning,
		MaxResults: maxDiagnostics,
	})
	if err != nil {
		return nil, false, err
	}
	ds := make([]asl.Diagnostic, len(out.Diagnostics))
	for i, d := range out.Diagnostics {
		ds[i] = asl.Diagnostic{Severity: asl.Severity(d.Severity), Code: aws.ToString(d.Code), Message: aws.ToString(d.Message), Pointer: aws.ToString(d.Location)}
	}
	return ds, out.Result == types.ValidateStateMachineDefinitionResultCodeFail, nil
}
