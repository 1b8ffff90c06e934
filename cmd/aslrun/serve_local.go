package main

import (
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/server/service"
)

// localFlags are the settings serve shares with Step Functions Local: each flag defaults to the
// environment variable Step Functions Local reads.
type localFlags struct {
	account, region string
	waitScale       float64
	endpoints       resources.EndpointURLs
	endpointFlags   []string
}

// localEnv names the environment variable behind each flag.
var localEnv = map[string]string{
	"account":           "AWS_ACCOUNT_ID",
	"mock-config":       "SFN_MOCK_CONFIG",
	"wait-time-scale":   "WAIT_TIME_SCALE",
	"lambda-endpoint":   "LAMBDA_ENDPOINT",
	"sqs-endpoint":      "SQS_ENDPOINT",
	"sns-endpoint":      "SNS_ENDPOINT",
	"dynamodb-endpoint": "DYNAMODB_ENDPOINT",
}

const localFlagsHelp = `Account and region: ARNs name --account (default: AWS_ACCOUNT_ID, else 123456789012) and the region of
each request's signature (its SigV4 credential scope, which the SDKs send even without --auth), or
--region for all; us-east-1 when neither names one. Executions and Map Runs take their state machine's.

Step Functions Local's settings, each also read from its environment variable: SFN_MOCK_CONFIG
(--mock-config); WAIT_TIME_SCALE (--wait-time-scale: 0.1 makes a 60 s Wait state last 6 s, 0 ends it
at once); LAMBDA_ENDPOINT (--lambda-endpoint: Lambda functions no handler serves are invoked at that
Lambda API, as sam local start-lambda serves it); SQS_ENDPOINT, SNS_ENDPOINT, DYNAMODB_ENDPOINT (aliases
of --endpoint sqs=URL, sns=URL, dynamodb=URL: that service's integrations call that endpoint instead of
the embedded service, signed with the environment's credentials or placeholders). --endpoint SERVICE=URL
binds any service aslrun can call (ecs, eventbridge, secretsmanager, s3, ...). Handler files still win.

Limits as on AWS: an EXPRESS execution times out after 5 minutes, a STANDARD one after a year (TIMED_OUT,
States.Timeout).`

func addLocalFlags(f *pflag.FlagSet, fl *localFlags) {
	f.StringVar(&fl.account, "account", service.DefaultAccount, "the account of every ARN (env AWS_ACCOUNT_ID)")
	f.StringVar(&fl.region, "region", "", "the region of every ARN (default: each request's, else "+service.DefaultRegion+")")
	f.Float64Var(&fl.waitScale, "wait-time-scale", 1, "multiply the duration of Wait states (env WAIT_TIME_SCALE)")
	f.StringVar(&fl.endpoints.Lambda, "lambda-endpoint", "", "invoke Lambda functions no handler serves at this Lambda API (env LAMBDA_ENDPOINT)")
	f.StringVar(&fl.endpoints.SQS, "sqs-endpoint", "", "send the sqs integrations to this SQS API (env SQS_ENDPOINT; --endpoint sqs=URL)")
	f.StringVar(&fl.endpoints.SNS, "sns-endpoint", "", "send the sns integrations to this SNS API (env SNS_ENDPOINT; --endpoint sns=URL)")
	f.StringVar(&fl.endpoints.DynamoDB, "dynamodb-endpoint", "", "send the dynamodb integrations to this DynamoDB API (env DYNAMODB_ENDPOINT; --endpoint dynamodb=URL)")
	f.StringArrayVar(&fl.endpointFlags, "endpoint", nil, endpointUsage)
}

// scale is the service's WaitScale: none for 1.
func (l *localFlags) scale() *float64 {
	if l.waitScale == 1 {
		return nil
	}
	return &l.waitScale
}

// resolveLocal fills the flags not given from the environment and checks them all.
func resolveLocal(cmd *cobra.Command, fl *serveFlags) error {
	f := cmd.Flags()
	for flag, env := range localEnv {
		if v, ok := os.LookupEnv(env); ok && v != "" && !f.Changed(flag) {
			if err := f.Set(flag, v); err != nil {
				return fmt.Errorf("%s=%q: %w", env, v, err)
			}
		}
	}
	l := &fl.local
	bound, err := resources.ParseEndpointFlags(l.endpointFlags)
	if err != nil {
		return err
	}
	l.endpoints.Services = bound
	if !service.ValidAccount(l.account) {
		return fmt.Errorf("--account (or AWS_ACCOUNT_ID) must be a 12-digit account id, not %q", l.account)
	}
	if l.region != "" && !service.ValidRegion(l.region) {
		return fmt.Errorf("--region %q is not a region name (lower-case letters, digits and dashes)", l.region)
	}
	if l.waitScale < 0 || math.IsNaN(l.waitScale) || math.IsInf(l.waitScale, 0) {
		return fmt.Errorf("--wait-time-scale (or WAIT_TIME_SCALE) must be a number 0 or more, not %s", strconv.FormatFloat(l.waitScale, 'g', -1, 64))
	}
	return nil
}
