package resources

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources/awserr"
)

// sdkMetadata is what the AWS SDK for Java (v1), which Step Functions' optimized integrations use, adds to
// a service's response: the HTTP headers and status, and the request id. headers are the response's
// headers without the request id, which is made here and shared by both.
func sdkMetadata(status int, headers [][2]string) (map[string]any, map[string]any) {
	requestID := interpreter.NewUUID()
	headers = append(headers, [2]string{"x-amzn-RequestId", requestID})
	all := map[string]any{}
	single := map[string]any{}
	for _, h := range headers {
		all[h[0]] = []any{h[1]}
		single[h[0]] = h[1]
	}
	return map[string]any{
			"AllHttpHeaders": all,
			"HttpHeaders":    single,
			"HttpStatusCode": int64(status),
		},
		map[string]any{"RequestId": requestID}
}

// withSdkMetadata returns an optimized integration's result: the service's response plus SdkHttpMetadata
// and SdkResponseMetadata.
func withSdkMetadata(response map[string]any, call *Call, contentType string) map[string]any {
	out := make(map[string]any, len(response)+2)
	for k, v := range response {
		out[k] = v
	}
	out["SdkHttpMetadata"], out["SdkResponseMetadata"] = sdkMetadata(http.StatusOK, [][2]string{
		{"Content-Type", contentType},
		{"Date", callTime(call).UTC().Format(http.TimeFormat)},
	})
	return out
}

// randomHex is n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// callTime is the time of the execution's clock.
func callTime(call *Call) time.Time {
	if call.Clock != nil {
		return call.Clock.Now()
	}
	return time.Now()
}

// service names an AWS service the way the two kinds of integration report its errors.
type service struct {
	// optimized is the prefix of an optimized integration's error names (DynamoDB, SQS, SNS,
	// StepFunctions); sdk that of an aws-sdk integration's (DynamoDb, Sqs, Sns, Sfn).
	optimized, sdk string
	// javaService is the service name in the Java SDK v1's error text (AmazonDynamoDBv2, ...).
	javaService string
	// javaExceptions are the error codes the AWS SDKs have an exception class for; any other code is
	// raised as the service's generic exception: fallback in the Java SDK v1 of optimized integrations,
	// sdkFallback in the SDK v2 of aws-sdk integrations.
	javaExceptions        map[string]string
	fallback, sdkFallback string
	// s3IDs: the service answers with S3's request ids, 16 hex digits plus an extended id (x-amz-id-2),
	// which the SDK v2 adds to the cause.
	s3IDs bool
}

// taskError turns a service's error into the error a Task sees: <Service>.<SDK exception class>, with the
// Java SDK v1's rendering of the message as the cause for an optimized integration and the SDK v2's for an
// aws-sdk integration.
func (s service) taskError(err error, sdk bool) error {
	var e *awserr.Error
	if !errors.As(err, &e) {
		return err
	}
	requestID := e.RequestID
	switch {
	case requestID != "":
	case s.s3IDs:
		requestID = strings.ToUpper(randomHex(8))
	default:
		requestID = interpreter.NewUUID()
	}
	exception, ok := s.javaExceptions[e.Code]
	if sdk {
		if !ok {
			exception = s.sdkFallback
		}
		cause := fmt.Sprintf("(Service: %s, Status Code: %d, Request ID: %s", s.sdk, e.Status, requestID)
		if s.s3IDs {
			cause += ", Extended Request ID: " + base64.StdEncoding.EncodeToString([]byte(randomHex(28)))
		}
		cause += ")"
		if e.Message != "" { // the SDK v2 leaves out a message the response had none of (a HEAD's)
			cause = e.Message + " " + cause
		}
		return failure.New(s.sdk+"."+exception, cause)
	}
	if !ok {
		exception = s.fallback
	}
	return failure.New(s.optimized+"."+exception, fmt.Sprintf(
		"%s (Service: %s; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)",
		e.Message, s.javaService, e.Status, e.Code, requestID))
}
