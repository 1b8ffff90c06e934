package resources

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/ohler55/ojg/oj"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/resources/awserr"
)

// awsS3Stub serves arn:aws:states:::aws-sdk:s3:ACTION for {"aws": true} with the S3 API of the AWS SDK
// for Go: real S3, or any endpoint AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) names, addressed path-style
// then, as S3-compatible servers expect. The Task's parameters are the API's input members; the result
// has the shape the embedded S3 gives (see the embedded s3.Store.Call), errors are S3.<SDK v2 exception>.
type awsS3Stub struct {
	action string
	client awsStubLazy[*s3api.Client]
}

func (s *awsS3Stub) Handle(ctx context.Context, call *Call) (any, error) {
	if err := unassumed(call); err != nil {
		return nil, err
	}
	client, err := s.client.get(ctx, newAWSS3Client)
	if err != nil {
		return nil, err
	}
	params, _ := call.Input.(map[string]any)
	out, err := s.call(ctx, client, params)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, awsS3Error(err)
	}
	return out, nil
}

// newAWSS3Client builds the SDK's S3 client the aws stub and the Distributed Maps' awsObjects share: the
// default configuration; path-style addressing when an endpoint is set (AWS_ENDPOINT_URL_S3), as
// S3-compatible servers expect.
func newAWSS3Client(ctx context.Context) (*s3api.Client, error) {
	cfg, err := awsStubConfig(ctx, "")
	if err != nil {
		return nil, err
	}
	return s3api.NewFromConfig(cfg, func(o *s3api.Options) {
		o.UsePathStyle = o.BaseEndpoint != nil
		// Checksums only where S3 requires them: S3-compatible servers do not all take the SDK's
		// default CRC headers, and S3 stores the same object either way.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}), nil
}

// call makes the API call. The parameters are decoded into the SDK's input, whose members have the API's
// names; one the input does not have is refused, as Step Functions refuses it.
func (s *awsS3Stub) call(ctx context.Context, client *s3api.Client, params map[string]any) (map[string]any, error) {
	switch s.action {
	case "getObject":
		var in s3api.GetObjectInput
		if err := awsS3Input(params, &in); err != nil {
			return nil, err
		}
		out, err := client.GetObject(ctx, &in)
		if err != nil {
			return nil, err
		}
		defer out.Body.Close()
		body, over, err := stubReadAll(out.Body)
		switch {
		case over:
			return nil, stubTooLarge("The body of the S3 object " + aws.ToString(in.Key))
		case err != nil:
			return nil, err
		}
		m, err := awsS3Output(out, "Body")
		if err != nil {
			return nil, err
		}
		if m["Metadata"] == nil {
			m["Metadata"] = map[string]any{}
		}
		m["Body"] = strings.ToValidUTF8(string(body), "\uFFFD")
		return m, nil
	case "headObject":
		var in s3api.HeadObjectInput
		if err := awsS3Input(params, &in); err != nil {
			return nil, err
		}
		out, err := client.HeadObject(ctx, &in)
		if err != nil {
			return nil, err
		}
		m, err := awsS3Output(out)
		if err == nil && m["Metadata"] == nil {
			m["Metadata"] = map[string]any{}
		}
		return m, err
	case "putObject":
		var in s3api.PutObjectInput
		rest := make(map[string]any, len(params))
		for k, v := range params {
			if k != "Body" {
				rest[k] = v
			}
		}
		if err := awsS3Input(rest, &in); err != nil {
			return nil, err
		}
		var body []byte
		if v, ok := params["Body"]; ok {
			// As Step Functions does: the JSON text of Body, even of a string (see the embedded s3.Store.Call).
			body = []byte(oj.JSON(v, &oj.Options{Sort: true, HTMLUnsafe: true}))
		}
		in.Body = bytes.NewReader(body)
		out, err := client.PutObject(ctx, &in)
		if err != nil {
			return nil, err
		}
		return awsS3Output(out)
	case "deleteObject":
		var in s3api.DeleteObjectInput
		if err := awsS3Input(params, &in); err != nil {
			return nil, err
		}
		out, err := client.DeleteObject(ctx, &in)
		if err != nil {
			return nil, err
		}
		return awsS3Output(out)
	case "copyObject":
		var in s3api.CopyObjectInput
		if err := awsS3Input(params, &in); err != nil {
			return nil, err
		}
		out, err := client.CopyObject(ctx, &in)
		if err != nil {
			return nil, err
		}
		return awsS3Output(out)
	default: // listObjectsV2: parseAWS lets no other action through
		var in s3api.ListObjectsV2Input
		if err := awsS3Input(params, &in); err != nil {
			return nil, err
		}
		out, err := client.ListObjectsV2(ctx, &in)
		if err != nil {
			return nil, err
		}
		return awsS3Output(out)
	}
}

// awsS3Input decodes the Task's parameters into an SDK input: members by name, dates as ISO 8601 text.
func awsS3Input(params map[string]any, in any) error {
	dec := json.NewDecoder(strings.NewReader(oj.JSON(params, &oj.Options{Sort: true})))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil {
		return awserr.Newf("InvalidArgument", 400, "The parameters of the S3 call do not fit its API: %v", err)
	}
	return nil
}

// awsS3Output renders an SDK output as Step Functions renders the response: its members by name, dates as
// ISO 8601 text, without the members S3 did not send (and without the SDK's own ResultMetadata and those
// named in skip).
func awsS3Output(out any, skip ...string) (map[string]any, error) {
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	v, err := source.Decode(b)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	delete(m, "ResultMetadata")
	for _, k := range skip {
		delete(m, k)
	}
	return pruned(m).(map[string]any), nil
}

// pruned drops what an SDK output holds for members the response did not have: nulls, and the empty
// strings of enumerations that are no pointers. Prefix and Delimiter stay, whose "" S3 does send.
func pruned(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if s, ok := e.(string); e == nil || ok && s == "" && k != "Prefix" && k != "Delimiter" {
				continue
			}
			out[k] = pruned(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = pruned(e)
		}
		return out
	}
	return v
}

// awsS3Error turns an S3 error into the Task's: S3.<SDK v2 exception>. A HEAD's 404 has no code; the SDK
// for Java 2, which Step Functions uses, names it NoSuchKey.
func awsS3Error(err error) error {
	var api smithy.APIError
	if !errors.As(err, &api) {
		var e *awserr.Error
		if errors.As(err, &e) {
			return s3Service.taskError(e, true)
		}
		return err
	}
	status, _ := awsStubResponse(err)
	code, message := api.ErrorCode(), api.ErrorMessage()
	if code == "NotFound" {
		code, message = "NoSuchKey", ""
	}
	if status == 0 {
		return fmt.Errorf("S3: %w", err)
	}
	return s3Service.taskError(awserr.New(code, status, message), true)
}
