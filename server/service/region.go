package service

import (
	"context"
	"regexp"
	"strings"
	"sync"
)

// Account and region. Every ARN the service makes is in Options.Account and in a region: Options.Region
// when set; else, for what a request creates (state machines, activities), the region the request names
// (httpapi reads it from the SigV4 credential scope, which the SDKs send even to an endpoint without
// authentication, and passes it in the context with WithRegion); else DefaultRegion. What belongs to a
// state machine (its executions, Map Runs and their children) is in the region of the state machine's
// ARN, and an execution's Tasks run in a context naming that region, so that a nested
// states:startExecution finds the state machines of its region. One store holds every region: a request
// reaches the resources of another region by their ARN, and listings show every region.

// Defaults of Options.Account, and of the region when neither the options nor the request name one.
const (
	DefaultAccount = "123456789012"
	DefaultRegion  = "us-east-1"
)

// regionRE is what the service takes as a region: AWS's region names (us-east-1, eu-central-2,
// us-gov-west-1) and the names clients of a local endpoint make up ("local"), nothing that could break an
// ARN.
var regionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })

// accountRE is an AWS account id.
var accountRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{12}$`) })

// ValidRegion reports whether a region can go into ARNs.
func ValidRegion(region string) bool { return len(region) <= 64 && regionRE().MatchString(region) }

// ValidAccount reports whether an account id is one: twelve digits.
func ValidAccount(account string) bool { return accountRE().MatchString(account) }

type regionKey struct{}

// WithRegion returns ctx naming the region a request was made in. A region ValidRegion refuses is ignored.
func WithRegion(ctx context.Context, region string) context.Context {
	if !ValidRegion(region) {
		return ctx
	}
	return context.WithValue(ctx, regionKey{}, region)
}

// regionFor is the region of what a request creates.
func (s *Service) regionFor(ctx context.Context) string {
	if s.region != "" {
		return s.region
	}
	if r, ok := ctx.Value(regionKey{}).(string); ok {
		return r
	}
	return DefaultRegion
}

// regionOf is the region of a Step Functions ARN (DefaultRegion for a text that names none).
func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 || parts[3] == "" {
		return DefaultRegion
	}
	return parts[3]
}

// runContext is the context an execution runs under: the service's life, in the region of its ARN.
func (s *Service) runContext(executionArn string) context.Context {
	return context.WithValue(s.ctx, regionKey{}, regionOf(executionArn))
}
