package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExecuteLimits: aslrun execute stops an EXPRESS execution at 5 minutes and a STANDARD one at a year of
// virtual time, TIMED_OUT with States.Timeout, as AWS does (the Done-when: a 400 s Wait).
func TestExecuteLimits(t *testing.T) {
	wait := func(seconds string) string {
		return write(t, t.TempDir(), "w.json", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":`+seconds+`,"End":true}}}`)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		status   string
		duration time.Duration
	}{
		{"express 400 s", []string{wait("400"), "--type", "EXPRESS"}, 1, "TIMED_OUT", 5 * time.Minute},
		{"express 200 s", []string{wait("200"), "--type", "EXPRESS"}, 0, "SUCCEEDED", 200 * time.Second},
		{"standard 3 years", []string{wait("94608000")}, 1, "TIMED_OUT", 365 * 24 * time.Hour},
		{"standard 400 s", []string{wait("400")}, 0, "SUCCEEDED", 400 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", append([]string{"execute", "--format", "json"}, tt.args...)...)
			require.Equal(t, tt.code, code, stderr)
			var out struct {
				Status, StartDate, StopDate string
				Error                       *string
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &out))
			assert.Equal(t, tt.status, out.Status)
			start, err := time.Parse(time.RFC3339Nano, out.StartDate)
			require.NoError(t, err)
			stop, err := time.Parse(time.RFC3339Nano, out.StopDate)
			require.NoError(t, err)
			assert.Equal(t, tt.duration, stop.Sub(start))
			if tt.status == "TIMED_OUT" {
				require.NotNil(t, out.Error)
				assert.Equal(t, "States.Timeout", *out.Error)
				assert.Contains(t, stderr, "TIMED_OUT: States.Timeout")
			}
		})
	}
}

// TestServeLocalSettings: serve takes Step Functions Local's environment: AWS_ACCOUNT_ID for the ARNs'
// account (the region from --region here), WAIT_TIME_SCALE for Wait states, LAMBDA_ENDPOINT for the
// functions no handler serves, SFN_MOCK_CONFIG for the test cases.
func TestServeLocalSettings(t *testing.T) {
	lambda := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2015-03-31/functions/"), "/invocations")
		_, _ = io.WriteString(w, `{"function":"`+name+`","event":`+string(body)+`}`)
	}))
	t.Cleanup(lambda.Close)
	mocks := write(t, t.TempDir(), "mocks.json", `{"StateMachines":{"m":{"TestCases":{"Mocked":{"Call":"R"}}}},
		"MockedResponses":{"R":{"0":{"Return":{"mocked":true}}}}}`)
	t.Setenv("AWS_ACCOUNT_ID", "111122223333")
	t.Setenv("WAIT_TIME_SCALE", "0")
	t.Setenv("LAMBDA_ENDPOINT", lambda.URL)
	t.Setenv("SFN_MOCK_CONFIG", mocks)
	url, _ := startServe(t, "--memory", "--region", "eu-north-1")
	client := sdkClient(url)
	machine := createMachine(t, client, "m", `{"StartAt":"W","States":{
		"W":{"Type":"Wait","Seconds":3600,"Next":"Call"},
		"Call":{"Type":"Task","Resource":"arn:aws:lambda:eu-north-1:111122223333:function:f","End":true}}}`)
	assert.Equal(t, "arn:aws:states:eu-north-1:111122223333:stateMachine:m", machine)

	d := awaitEnd(t, client, startExecution(t, client, machine, `{"n":1}`), 10*time.Second)
	require.Equal(t, types.ExecutionStatusSucceeded, d.Status, "%s: %s", aws.ToString(d.Error), aws.ToString(d.Cause))
	assert.JSONEq(t, `{"function":"f","event":{"n":1}}`, aws.ToString(d.Output))
	assert.Less(t, d.StopDate.Sub(*d.StartDate), time.Minute, "the hour's Wait scaled to nothing")

	d = awaitEnd(t, client, startExecution(t, client, machine+"#Mocked", `{}`), 10*time.Second)
	require.Equal(t, types.ExecutionStatusSucceeded, d.Status)
	assert.JSONEq(t, `{"mocked":true}`, aws.ToString(d.Output))
}

// TestServeLocalSettingsRefused: a malformed setting stops serve with a usage error naming it.
func TestServeLocalSettingsRefused(t *testing.T) {
	tests := []struct {
		env, value string
		args       []string
		want       string
	}{
		{"AWS_ACCOUNT_ID", "abc", nil, "12-digit account"},
		{"WAIT_TIME_SCALE", "fast", nil, "WAIT_TIME_SCALE"},
		{"WAIT_TIME_SCALE", "-1", nil, "--wait-time-scale"},
		{"LAMBDA_ENDPOINT", "localhost:3001", nil, "LAMBDA_ENDPOINT"},
		{"", "", []string{"--region", "Mars 1"}, "--region"},
	}
	for _, tt := range tests {
		t.Run(tt.env+tt.value, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv(tt.env, tt.value)
			}
			code, _, stderr := aslrun(t, "", append([]string{"serve", "--memory", "--addr", "127.0.0.1:0"}, tt.args...)...)
			assert.Equal(t, 2, code, stderr)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

// TestServeRegionFromRequest: without --region, a client's region names the ARNs it makes.
func TestServeRegionFromRequest(t *testing.T) {
	url, _ := startServe(t, "--memory")
	client := sfn.New(sdkClient(url).Options(), func(o *sfn.Options) { o.Region = "ca-central-1" })
	out, err := client.CreateActivity(context.Background(), &sfn.CreateActivityInput{Name: aws.String("a")})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:states:ca-central-1:123456789012:activity:a", aws.ToString(out.ActivityArn))
}
