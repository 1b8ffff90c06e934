package resources_test

import (
	"context"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/dynamodb"
	"github.com/aslrun/aslrun/resources/sqs"
)

func servicesRegistry(t *testing.T) (*resources.Registry, *resources.Services) {
	t.Helper()
	s := resources.NewServices()
	require.NoError(t, s.DynamoDB.CreateTable("Orders", dynamodb.KeySchema{PartitionKey: dynamodb.Attribute{Name: "id", Type: "S"}}))
	reg := resources.NewRegistry()
	reg.UseEnv(&resources.Env{Services: s})
	return reg, s
}

func task(resource, params string) string {
	return `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + resource + `","Parameters":` + params + `,"End":true}}}`
}

func TestDynamoDBIntegration(t *testing.T) {
	tests := []struct {
		name, resource, params string
		errName, causePrefix   string
		check                  func(t *testing.T, out map[string]any)
	}{
		{name: "putItem", resource: "arn:aws:states:::dynamodb:putItem",
			params: `{"TableName":"Orders","Item":{"id":{"S":"o2"},"total":{"N":"5"}}}`,
			check: func(t *testing.T, out map[string]any) {
				assert.Contains(t, out, "SdkHttpMetadata")
				assert.Contains(t, out, "SdkResponseMetadata")
			}},
		{name: "getItem", resource: "arn:aws:states:::dynamodb:getItem", params: `{"TableName":"Orders","Key":{"id":{"S":"o1"}}}`,
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, map[string]any{"id": map[string]any{"S": "o1"}, "total": map[string]any{"N": "10"}}, out["Item"])
			}},
		{name: "aws-sdk getItem has no metadata", resource: "arn:aws:states:::aws-sdk:dynamodb:getItem",
			params: `{"TableName":"Orders","Key":{"id":{"S":"o1"}}}`,
			check: func(t *testing.T, out map[string]any) {
				assert.NotContains(t, out, "SdkHttpMetadata")
				assert.Contains(t, out, "Item")
			}},
		{name: "condition fails", resource: "arn:aws:states:::dynamodb:putItem",
			params:  `{"TableName":"Orders","Item":{"id":{"S":"o1"}},"ConditionExpression":"attribute_not_exists(id)"}`,
			errName: "DynamoDB.ConditionalCheckFailedException",
			causePrefix: "The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; " +
				"Error Code: ConditionalCheckFailedException; Request ID: "},
		{name: "condition fails through aws-sdk", resource: "arn:aws:states:::aws-sdk:dynamodb:putItem",
			params:  `{"TableName":"Orders","Item":{"id":{"S":"o1"}},"ConditionExpression":"attribute_not_exists(id)"}`,
			errName: "DynamoDb.ConditionalCheckFailedException", causePrefix: "The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: "},
		{name: "missing table", resource: "arn:aws:states:::dynamodb:putItem", params: `{"TableName":"Nope","Item":{"id":{"S":"x"}}}`,
			errName: "DynamoDB.ResourceNotFoundException"},
		{name: "validation error is the generic exception", resource: "arn:aws:states:::dynamodb:putItem",
			params: `{"TableName":"Orders","Item":{"total":{"N":"1"}}}`, errName: "DynamoDB.AmazonDynamoDBException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, s := servicesRegistry(t)
			_, err := s.DynamoDB.Call(context.Background(), "PutItem", map[string]any{"TableName": "Orders",
				"Item": map[string]any{"id": map[string]any{"S": "o1"}, "total": map[string]any{"N": "10"}}})
			require.NoError(t, err)
			res := runWith(t, task(tt.resource, tt.params), reg)
			if tt.errName != "" {
				require.Equal(t, interpreter.Failed, res.Status)
				assert.Equal(t, tt.errName, res.Error)
				assert.Contains(t, res.Cause, tt.causePrefix)
				return
			}
			require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
			tt.check(t, res.Output.(map[string]any))
		})
	}
}

func TestSQSCallbackEndToEnd(t *testing.T) {
	reg, s := servicesRegistry(t)
	cb := interpreter.NewCallbacks()
	// The worker of the queue answers the token it finds in the message, as checkout's courier worker does.
	s.SQS.Subscribe("couriers", func(_ context.Context, m sqs.Message) error {
		body, err := oj.ParseString(m.Body)
		if err != nil {
			return err
		}
		return cb.SendTaskSuccess(body.(map[string]any)["token"].(string), `{"courier":"Ann"}`)
	})
	def := `{"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/couriers","MessageBody":{"token.$":"$$.Task.Token","order":7}},
		"HeartbeatSeconds":5,"Next":"Notify"},
		"Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"TopicArn":"arn:aws:sns:us-east-1:123456789012:done","Message.$":"$"},
		"ResultSelector":{"id.$":"$.MessageId"},"ResultPath":"$.published","End":true}}}`
	sm := compileDef(t, def)
	cfg := interpreter.NewConfig("m", "e", false)
	cfg.Invoker, cfg.Clock, cfg.Callbacks = reg, interpreter.NewVirtualClock(epoch), cb
	res := sm.Run(context.Background(), map[string]any{}, cfg)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	out := res.Output.(map[string]any)
	assert.Equal(t, "Ann", out["courier"])
	assert.NotEmpty(t, out["published"].(map[string]any)["id"])

	dump := s.Dump()
	queue := dump["sqs"].(map[string]any)["couriers"].(map[string]any)
	msgs := queue["Messages"].([]any)
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0].(map[string]any)["Body"], `"order":7`)
	topic := dump["sns"].(map[string]any)["done"].(map[string]any)
	assert.Len(t, topic["Messages"].([]any), 1)
	var submitted map[string]any
	for _, e := range res.History() {
		if e.Type == "TaskSubmitted" {
			submitted = e.Output.(map[string]any)
		}
	}
	require.NotNil(t, submitted)
	assert.Contains(t, submitted, "MD5OfMessageBody")
	assert.Contains(t, submitted, "SdkHttpMetadata")
}

func compileDef(t *testing.T, def string) *interpreter.Program {
	t.Helper()
	sm, diags := asl.Check([]byte(def), asl.Options{})
	require.False(t, asl.HasErrors(diags), "%v", diags)
	prog, err := interpreter.Compile(sm)
	require.NoError(t, err)
	return prog
}
