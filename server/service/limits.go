package service

import (
	"strings"
	"time"
)

// AWS's limits on how long an execution runs. One that runs longer times out as its TimeoutSeconds would
// make it: TIMED_OUT with States.Timeout, under whatever clock the service runs (a virtual clock too).
// AWS documents the limits (five minutes, one year) but not the way an execution that reaches them ends;
// timing out like TimeoutSeconds is aslrun's choice, and a year is taken as 365 days.
const (
	MaxExpressDuration  = 5 * time.Minute
	MaxStandardDuration = 365 * 24 * time.Hour
)

// maxDuration is the limit of an execution of a type.
func maxDuration(express bool) time.Duration {
	if express {
		return MaxExpressDuration
	}
	return MaxStandardDuration
}

// expressHidden reports an ARN that DescribeExecution, GetExecutionHistory, StopExecution and the other
// operations on one execution refuse: AWS serves no Express execution through them (recorded: InvalidArn
// "Resource type not valid in this context: express") unless a Map Run started it, which its ARN tells:
// a Map Run's children belong to the state machine NAME/LABEL.
func expressHidden(p parsedArn) error {
	if p.typ != arnExpress || strings.Contains(p.names[0], "/") {
		return nil
	}
	return newError(CodeInvalidArn, "Invalid Arn: 'Resource type not valid in this context: %s'", arnExpress)
}
