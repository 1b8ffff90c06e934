package service

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// The configurations a state machine (logging, tracing, encryption) or an activity (encryption) is
// created or updated with, and the role it runs as, checked as AWS checks them: the model's constraints
// first, with the request's other violations (ValidationException), then each configuration's own rules
// (InvalidLoggingConfiguration, InvalidEncryptionConfiguration, InvalidArn for the role). Each is kept as
// DescribeStateMachine echoes it. Nothing is logged, traced or encrypted by these settings here; the KMS
// key is not looked up.

// Error codes of the configurations, and of a member of the wrong JSON type (as httpapi reports one). (A
// TracingConfiguration has nothing to refuse but a wrong type.)
const (
	CodeInvalidLoggingConfiguration    = "InvalidLoggingConfiguration"
	CodeInvalidEncryptionConfiguration = "InvalidEncryptionConfiguration"
	CodeSerialization                  = "SerializationException"
)

// Limits of the configurations' members (the SDK model's).
const (
	minKMSReusePeriod = 60
	maxKMSReusePeriod = 900
	maxKMSKeyIDLen    = 2048
)

// The enums of the configurations.
var (
	logLevels       = []string{"ALL", "ERROR", "FATAL", "OFF"}
	encryptionTypes = []string{encryptionAWSOwned, encryptionCustomerManaged}
)

const (
	logLevelOff               = "OFF"
	encryptionAWSOwned        = "AWS_OWNED_KEY"
	encryptionCustomerManaged = "CUSTOMER_MANAGED_KMS_KEY"
)

// apiLogging is a LoggingConfiguration. Absent destinations stay absent when echoed, an empty list
// stays empty (recorded on AWS), hence the pointer.
type apiLogging struct {
	Destinations         *[]apiLogDestination `json:"destinations,omitempty"`
	IncludeExecutionData bool                 `json:"includeExecutionData"`
	Level                string               `json:"level"`
}

type apiLogDestination struct {
	CloudWatchLogsLogGroup *apiLogGroup `json:"cloudWatchLogsLogGroup,omitempty"`
}

type apiLogGroup struct {
	LogGroupArn string `json:"logGroupArn,omitempty"`
}

// apiTracing is a TracingConfiguration.
type apiTracing struct {
	Enabled bool `json:"enabled"`
}

// apiEncryption is an EncryptionConfiguration; the period is a pointer to tell absent from 0.
type apiEncryption struct {
	KMSDataKeyReusePeriodSeconds *int64 `json:"kmsDataKeyReusePeriodSeconds,omitempty"`
	KMSKeyID                     string `json:"kmsKeyId,omitempty"`
	Type                         string `json:"type,omitempty"`
}

// configs are the configurations of one request: decoded, and echoed as they will be kept (nil for one the
// request does not give).
type configs struct {
	logging                        *apiLogging
	tracing                        *apiTracing
	encryption                     *apiEncryption
	loggingRaw, tracingRaw, encRaw json.RawMessage
}

// decodeConfigs reads the configurations of a request. A member of the wrong JSON type is a
// SerializationException, as for any other member.
func decodeConfigs(logging, tracing, encryption json.RawMessage) (*configs, error) {
	c := &configs{}
	if present(logging) {
		c.logging = &apiLogging{}
		if err := decodeMember("loggingConfiguration", logging, c.logging); err != nil {
			return nil, err
		}
	}
	if present(tracing) {
		c.tracing = &apiTracing{}
		if err := decodeMember("tracingConfiguration", tracing, c.tracing); err != nil {
			return nil, err
		}
	}
	if present(encryption) {
		c.encryption = &apiEncryption{}
		if err := decodeMember("encryptionConfiguration", encryption, c.encryption); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// present tells a member the request gives from an absent or null one.
func present(raw json.RawMessage) bool {
	return len(raw) > 0 && !bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func decodeMember(field string, raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return newError(CodeSerialization, "the member '%s.%s' has the wrong type: a JSON %s", field, te.Field, te.Value)
		}
		return newError(CodeSerialization, "the member '%s' must be a JSON object", field)
	}
	return nil
}

// check adds the model's constraints the configurations break to v.
func (c *configs) check(v *violations) {
	if l := c.logging; l != nil {
		v.enum("loggingConfiguration.level", l.Level, logLevels...)
		if l.Destinations != nil {
			for i, d := range *l.Destinations {
				if d.CloudWatchLogsLogGroup != nil {
					v.maxLen(fmt.Sprintf("loggingConfiguration.destinations.%d.member.cloudWatchLogsLogGroup.logGroupArn", i+1),
						d.CloudWatchLogsLogGroup.LogGroupArn, maxArnLen, true)
				}
			}
		}
	}
	if e := c.encryption; e != nil {
		if e.Type == "" {
			v.add("Value null at 'encryptionConfiguration.type' failed to satisfy constraint: Member must not be null")
		}
		v.enum("encryptionConfiguration.type", e.Type, encryptionTypes...)
		v.maxLen("encryptionConfiguration.kmsKeyId", e.KMSKeyID, maxKMSKeyIDLen, false)
		if p := e.KMSDataKeyReusePeriodSeconds; p != nil {
			switch {
			case *p < minKMSReusePeriod:
				v.add("Value '%d' at 'encryptionConfiguration.kmsDataKeyReusePeriodSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", *p, minKMSReusePeriod)
			case *p > maxKMSReusePeriod:
				v.add("Value '%d' at 'encryptionConfiguration.kmsDataKeyReusePeriodSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", *p, maxKMSReusePeriod)
			}
		}
	}
}

// validate applies each configuration's own rules, once the model's constraints hold, and makes what is
// kept: logging with its level OFF by default (recorded on AWS), tracing and encryption as given.
func (c *configs) validate() error {
	if l := c.logging; l != nil {
		if l.Level == "" {
			l.Level = logLevelOff
		}
		var n int
		if l.Destinations != nil {
			n = len(*l.Destinations)
		}
		// Recorded on AWS: a level other than OFF without a destination, and two destinations. (Two with
		// OFF are refused too: aslrun's choice, AWS's reference limiting the list to one.)
		if n > 1 || (n == 0 && l.Level != logLevelOff) {
			return newError(CodeInvalidLoggingConfiguration, "Invalid Logging Configuration: Must specify exactly one Log Destination.")
		}
		if n == 1 {
			// AWS answers this when the log group cannot be found; an ARN that names none is not found
			// here (the log group itself is not looked up).
			if g := (*l.Destinations)[0].CloudWatchLogsLogGroup; g == nil || !logGroupArnRE().MatchString(g.LogGroupArn) {
				return newError(CodeInvalidLoggingConfiguration, "Invalid Logging Configuration: Log Destination not found.")
			}
		}
	}
	if e := c.encryption; e != nil && e.Type == encryptionCustomerManaged && e.KMSKeyID == "" {
		// The API reference names this case; the message is aslrun's.
		return newError(CodeInvalidEncryptionConfiguration,
			"Invalid Encryption Configuration: a kmsKeyId is required when the type is CUSTOMER_MANAGED_KMS_KEY")
	}
	var err error
	if c.logging != nil {
		c.loggingRaw, err = json.Marshal(c.logging)
	}
	if err == nil && c.tracing != nil {
		c.tracingRaw, err = json.Marshal(c.tracing)
	}
	if err == nil && c.encryption != nil {
		c.encRaw, err = json.Marshal(c.encryption)
	}
	if err != nil {
		return internal(err)
	}
	return nil
}

// logGroupArnRE is a CloudWatch Logs log group's ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME, with
// or without the ":*" that DescribeLogGroups shows).
var logGroupArnRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[^:]+(:\*)?$`)
})

// roleArnRE is an IAM role's ARN: arn:aws:iam::ACCOUNT:role/NAME, the name with an optional path.
var roleArnRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$`) })

// checkRole refuses a role ARN that names no IAM role, as AWS does (InvalidArn "Invalid Role Arn: '...'",
// seen in AWS's answers); AWS also checks the role exists and may be assumed, which is not done here.
func checkRole(arn string) error {
	if !roleArnRE().MatchString(arn) || strings.ContainsAny(arn, " \t\n") {
		return newError(CodeInvalidArn, "Invalid Role Arn: '%s'", arn)
	}
	return nil
}

// includedData values.
const (
	includedAll          = "ALL_DATA"
	includedMetadataOnly = "METADATA_ONLY"
)

// checkIncludedData checks a request's includedData and reports whether it asks for METADATA_ONLY. AWS
// offers it to read what a customer-managed KMS key encrypts without kms:Decrypt: DescribeStateMachine and
// DescribeStateMachineForExecution leave the definition out, DescribeExecution and StartSyncExecution the
// input and output (their details then say included: false). aslrun encrypts nothing and honours it
// whatever the encryption.
func checkIncludedData(value string) (metadataOnly bool, err error) {
	var v violations
	v.enum("includedData", value, includedAll, includedMetadataOnly)
	return value == includedMetadataOnly, v.err()
}

// checkTraceHeader applies the model's pattern of an X-Ray trace header: ASCII only.
func checkTraceHeader(v *violations, header string) {
	for _, r := range header {
		if r > 0x7f {
			v.add("Value '%s' at 'traceHeader' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{ASCII}*", header)
			return
		}
	}
}
