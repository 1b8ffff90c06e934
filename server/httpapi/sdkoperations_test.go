package httpapi_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store/memory"
)

// boto3Operations is boto3's operation list of Step Functions, as
// boto3.client("stepfunctions").meta.service_model.operation_names printed it (botocore of 2025).
var boto3Operations = []string{
	"CreateActivity", "CreateStateMachine", "CreateStateMachineAlias", "DeleteActivity", "DeleteStateMachine",
	"DeleteStateMachineAlias", "DeleteStateMachineVersion", "DescribeActivity", "DescribeExecution", "DescribeMapRun",
	"DescribeStateMachine", "DescribeStateMachineAlias", "DescribeStateMachineForExecution", "GetActivityTask",
	"GetExecutionHistory", "ListActivities", "ListExecutions", "ListMapRuns", "ListStateMachineAliases",
	"ListStateMachineVersions", "ListStateMachines", "ListTagsForResource", "PublishStateMachineVersion",
	"RedriveExecution", "SendTaskFailure", "SendTaskHeartbeat", "SendTaskSuccess", "StartExecution",
	"StartSyncExecution", "StopExecution", "TagResource", "TestState", "UntagResource", "UpdateMapRun",
	"UpdateStateMachine", "UpdateStateMachineAlias", "ValidateStateMachineDefinition",
}

// sdkOperations are the operations of the AWS SDK for Go's sfn client, by name: its methods
// Op(ctx, *OpInput, ...func(*sfn.Options)) (*OpOutput, error).
func sdkOperations() map[string]reflect.Method {
	ops := map[string]reflect.Method{}
	client := reflect.TypeFor[*sfn.Client]()
	for m := range client.Methods() {
		ft := m.Type
		if ft.NumIn() == 4 && ft.IsVariadic() && ft.NumOut() == 2 && ft.In(2).Kind() == reflect.Pointer &&
			ft.In(2).Elem().Name() == m.Name+"Input" {
			ops[m.Name] = m
		}
	}
	return ops
}

// withoutInputValidation lets a request with missing members reach the server, which must check them.
func withoutInputValidation(o *sfn.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		_, _ = stack.Initialize.Remove("OperationInputValidation") // absent when nothing is required
		return nil
	})
}

// TestEveryOperationAnswers: every operation of boto3's and the Go SDK's model reaches an operation of the
// server: an empty request gets the operation's own answer (mostly ValidationException), never
// UnknownOperationException (issue 17's Done-when).
func TestEveryOperationAnswers(t *testing.T) {
	ops := sdkOperations()
	for _, name := range boto3Operations {
		assert.Contains(t, ops, name, "boto3's operation is not in the Go SDK's model")
	}
	e := newEnv(t, memory.New(), service.Options{})
	var unknown []string
	for name, m := range ops {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out := m.Func.Call([]reflect.Value{reflect.ValueOf(e.sfn), reflect.ValueOf(ctx), reflect.New(m.Type.In(2).Elem()),
			reflect.ValueOf(withoutInputValidation)})
		cancel()
		err, _ := out[1].Interface().(error)
		var api smithy.APIError
		switch {
		case err == nil:
		case !errors.As(err, &api):
			t.Errorf("%s: no answer of the API: %v", name, err)
		case api.ErrorCode() == "UnknownOperationException":
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	require.Empty(t, unknown, "%d of %d operations are unknown to the server: %s", len(unknown), len(ops), strings.Join(unknown, ", "))
}
