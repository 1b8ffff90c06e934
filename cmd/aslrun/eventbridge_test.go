package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Task puts an event; a fixture rule matches it and starts the state machine beside the definition, whose
// execution ends before aslrun execute does; --dump-services shows the event and how the execution ended.
func TestExecuteEventBridgeChain(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "order.asl.json", `{"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents",
		"Parameters":{"Entries":[{"Source":"shop.orders","DetailType":"Order Placed","Detail":{"orderId":"o-1","total":250}},
		                         {"Source":"shop.orders","DetailType":"Order Placed","Detail":{"orderId":"o-2","total":5}}]},
		"ResultSelector":{"count.$":"$.FailedEntryCount","ids.$":"$.Entries[*].EventId","status.$":"$.SdkHttpMetadata.HttpStatusCode"},"End":true}}}`)
	write(t, dir, "fulfil.asl.json", `{"StartAt":"Check","States":{"Check":{"Type":"Choice",
		"Choices":[{"Variable":"$.detail.total","NumericGreaterThan":100,"Next":"Big"}],"Default":"Small"},
		"Big":{"Type":"Succeed"},"Small":{"Type":"Fail","Error":"TooSmall"}}}`)
	write(t, dir, "fixtures.json", `{"eventbridge":{"rules":[{"name":"orders","eventPattern":{"source":["shop.orders"],"detail":{"total":[{"numeric":[">",100]}]}},
		"targets":[{"stateMachine":"fulfil"}]}]}}`)
	write(t, dir, "order.handlers.json", `{"$fixtures":"fixtures.json"}`)

	code, stdout, stderr := aslrun(t, "", "execute", def, "--dump-services")
	require.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
	var out struct {
		Count  int64
		IDs    []string
		Status int
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	assert.Equal(t, int64(0), out.Count)
	assert.Len(t, out.IDs, 2)
	assert.Equal(t, 200, out.Status)

	var dump struct {
		EventBridge map[string]struct {
			Events []struct {
				Event      map[string]any
				Deliveries []map[string]any
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stderr), &dump), stderr)
	events := dump.EventBridge["default"].Events
	require.Len(t, events, 2)
	first := events[0]
	assert.Equal(t, out.IDs[0], first.Event["id"])
	assert.Equal(t, "Order Placed", first.Event["detail-type"])
	assert.Equal(t, map[string]any{"orderId": "o-1", "total": float64(250)}, first.Event["detail"])
	// The optimized integration adds the state machine's and the execution's ARNs.
	require.Len(t, first.Event["resources"], 2)
	assert.Contains(t, first.Event["resources"].([]any)[0], ":stateMachine:order")
	assert.Contains(t, first.Event["resources"].([]any)[1], ":execution:order:")
	require.Len(t, first.Deliveries, 1)
	assert.Equal(t, "SUCCEEDED", first.Deliveries[0]["Status"])
	assert.Contains(t, first.Deliveries[0]["ExecutionArn"], ":execution:fulfil:")
	assert.Empty(t, events[1].Deliveries) // a total of 5 matches no rule
}

func TestExecuteEventBridgeFailures(t *testing.T) {
	tests := []struct{ name, resource, entries, error, cause string }{
		{"optimized: an entry fails the Task", "arn:aws:states:::events:putEvents", `[{"Source":"s","Detail":{}}]`,
			"EventBridge.FailedEntry", `"ErrorCode":"InvalidArgument","ErrorMessage":"Parameter DetailType is not valid. Reason: DetailType is a required argument."`},
		{"optimized: too many entries", "arn:aws:states:::events:putEvents", `[]`,
			"EventBridge.AmazonEventBridgeException", "Member must have length less than or equal to 10 and greater than or equal to 1 (Service: AmazonEventBridge; Status Code: 400; Error Code: ValidationException"},
		{"aws-sdk: Detail must be text", "arn:aws:states:::aws-sdk:eventbridge:putEvents", `[{"Source":"s","DetailType":"t","Detail":{}}]`,
			"EventBridge.EventBridgeException", "Entries[0]: Detail must be a string, not {} (Service: EventBridge, Status Code: 400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := write(t, t.TempDir(), "d.asl.json", `{"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"`+tt.resource+`",
				"Parameters":{"Entries":`+tt.entries+`},"End":true}}}`)
			code, stdout, _ := aslrun(t, "", "execute", def, "--format", "json")
			assert.Equal(t, 1, code)
			var env struct{ Error, Cause string }
			require.NoError(t, json.Unmarshal([]byte(stdout), &env))
			assert.Equal(t, tt.error, env.Error)
			assert.Contains(t, env.Cause, tt.cause)
		})
	}

	// aws-sdk:eventbridge:putEvents answers with the response alone, failed entries included.
	def := write(t, t.TempDir(), "d.asl.json", `{"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:eventbridge:putEvents",
		"Parameters":{"Entries":[{"Source":"s","DetailType":"t","Detail":"{\"a\":1}"},{"Source":"s","DetailType":"t","Detail":"[1]"}]},"End":true}}}`)
	code, stdout, stderr := aslrun(t, "", "execute", def)
	require.Equal(t, 0, code, stderr)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	assert.Equal(t, float64(1), out["FailedEntryCount"])
	assert.Equal(t, map[string]any{"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}, out["Entries"].([]any)[1])
	assert.NotContains(t, out, "SdkHttpMetadata")
}
