package service

import (
	"slices"
	"strings"
)

// ARN resource types of Step Functions.
const (
	arnStateMachine = "stateMachine"
	arnExecution    = "execution"
	arnExpress      = "express"
	arnActivity     = "activity"
	arnMapRun       = "mapRun"
)

// arn makes an ARN of the service's account in region (see region.go for which).
func (s *Service) arn(region, resourceType string, parts ...string) string {
	return "arn:aws:states:" + region + ":" + s.account + ":" + resourceType + ":" + strings.Join(parts, ":")
}

// parsedArn is an ARN of Step Functions: its resource type and the names after it.
type parsedArn struct {
	typ   string
	names []string
}

// parseArn reads a Step Functions ARN of one of the resource types allowed here, with AWS's InvalidArn texts:
// "Invalid ARN prefix" when the text is no ARN of the service, "Resource type not valid in this context" when
// it names another kind of resource.
func parseArn(arn string, allowed ...string) (parsedArn, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[1] == "" || parts[2] != "states" || parts[3] == "" || parts[4] == "" {
		return parsedArn{}, newError(CodeInvalidArn, "Invalid Arn: 'Invalid ARN prefix: %s'", arn)
	}
	p := parsedArn{typ: parts[5], names: parts[6:]}
	ok := false
	for _, a := range allowed {
		ok = ok || p.typ == a
	}
	if !ok {
		return parsedArn{}, newError(CodeInvalidArn, "Invalid Arn: 'Resource type not valid in this context: %s'", p.typ)
	}
	want := map[string]int{arnStateMachine: 1, arnActivity: 1, arnExecution: 2, arnExpress: 3, arnMapRun: 2}[p.typ]
	if p.typ == arnStateMachine && len(p.names) == 2 {
		want = 2 // qualified by a version number or an alias name (versions.go)
	}
	if len(p.names) != want || slices.Contains(p.names, "") {
		return parsedArn{}, newError(CodeInvalidArn, "Invalid Arn: 'Invalid ARN format: %s'", arn)
	}
	return p, nil
}

// validName applies AWS's rule for the names of state machines, executions and activities: no whitespace,
// brackets, wildcards, the special characters " # % \ ^ | ~ ` $ & , ; : / nor control characters. (Names
// of only A-Z, a-z, 0-9, - and _ are what CloudWatch logging accepts; AWS itself takes the rest.)
func validName(name string) bool {
	for _, r := range name {
		switch {
		case r <= 0x20, r >= 0x7f && r <= 0x9f:
			return false
		case strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r):
			return false
		case r == 0x85 || r == 0xa0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000:
			return false // Unicode whitespace
		}
	}
	return true
}
