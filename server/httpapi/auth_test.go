package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/httpapi"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/sigv4"
	"github.com/aslrun/aslrun/server/store/memory"
)

// TestSigV4: with Auth, the real SDK client gets in with the configured credentials only, and each refusal
// is the error AWS answers with.
func TestSigV4(t *testing.T) {
	tests := []struct {
		name    string
		creds   aws.CredentialsProvider
		skew    time.Duration // of the server's clock
		code    string        // "" when the call goes through
		message string        // the start of the message
	}{
		{name: "right credentials", creds: credentials.NewStaticCredentialsProvider("AKIDRIGHT", "right-secret", "")},
		{name: "second credentials", creds: credentials.NewStaticCredentialsProvider("AKIDOTHER", "other-secret", "")},
		{name: "wrong secret", creds: credentials.NewStaticCredentialsProvider("AKIDRIGHT", "wrong-secret", ""),
			code: "InvalidSignatureException", message: "The request signature we calculated does not match the signature you provided."},
		{name: "unknown key", creds: credentials.NewStaticCredentialsProvider("AKIDNOBODY", "right-secret", ""),
			code: "UnrecognizedClientException", message: "The security token included in the request is invalid."},
		{name: "unsigned", creds: aws.AnonymousCredentials{},
			code: "MissingAuthenticationTokenException", message: "Request is missing Authentication Token"},
		{name: "stale date", creds: credentials.NewStaticCredentialsProvider("AKIDRIGHT", "right-secret", ""), skew: 10 * time.Minute,
			code: "InvalidSignatureException", message: "Signature expired: "},
		{name: "future date", creds: credentials.NewStaticCredentialsProvider("AKIDRIGHT", "right-secret", ""), skew: -10 * time.Minute,
			code: "InvalidSignatureException", message: "Signature not yet current: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := sigv4.New(map[string]string{"AKIDRIGHT": "right-secret", "AKIDOTHER": "other-secret"},
				sigv4.Options{Now: func() time.Time { return time.Now().Add(tt.skew) }})
			require.NoError(t, err)
			e := newServer(t, memory.New(), service.Options{}, serverOptions{api: httpapi.Options{Auth: v}})
			client := newClientAs(e.url, e.addr, tt.creds)
			ctx := context.Background()
			_, err = client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("a")})
			if tt.code == "" {
				require.NoError(t, err)
				// StartSyncExecution goes to the sync- host, which its signature covers.
				sm, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"),
					Definition: aws.String(passMachine), RoleArn: aws.String(roleArn), Type: types.StateMachineTypeExpress})
				require.NoError(t, err)
				out, err := client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: sm.StateMachineArn})
				require.NoError(t, err)
				assert.Equal(t, "SUCCEEDED", string(out.Status))
				return
			}
			assert.Contains(t, apiError(t, err, tt.code), tt.message)
			var re *awshttp.ResponseError
			require.True(t, errors.As(err, &re))
			assert.Equal(t, http.StatusBadRequest, re.HTTPStatusCode())
		})
	}
}
