package asl

import "strings"

// PlainResource returns the plain form arn:PARTITION:states:::SERVICE:ACTION[PATTERN] of a service
// integration ARN written with a region and an account, such as
// arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject or ...:lambda:invoke.waitForTaskToken.
// AWS accepts both forms and runs them alike (definitions exported from deployed machines hold the long
// one), so the runtime matches and classifies a Task's resource by this form. Any other resource
// (activities, Lambda function ARNs, the plain form itself) is returned unchanged.
func PlainResource(resource string) string {
	parts := strings.SplitN(resource, ":", 7)
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != statesService || parts[3] == "" && parts[4] == "" {
		return resource
	}
	if _, ok := integrations[parts[5]]; !ok {
		return resource
	}
	return "arn:" + parts[1] + ":states:::" + parts[5] + ":" + parts[6]
}
