package asl

import (
	"strings"

	"github.com/aslrun/aslrun/asl/source"
)

// errorAll is the error name that matches every error (but States.Runtime and States.DataLimitExceeded).
const errorAll = "States.ALL"

// predefinedErrors are the error names of the States. namespace that AWS raises.
var predefinedErrors = map[string]bool{
	errorAll: true, "States.HeartbeatTimeout": true, "States.Timeout": true, "States.TaskFailed": true,
	"States.Permissions": true, "States.ResultPathMatchFailure": true, "States.ParameterPathFailure": true,
	"States.BranchFailed": true, "States.NoChoiceMatched": true, "States.IntrinsicFailure": true,
	"States.ExceedToleratedFailureThreshold": true, "States.ItemReaderFailed": true,
	"States.ResultWriterFailed": true, "States.Runtime": true, "States.DataLimitExceeded": true,
	"States.QueryEvaluationError": true,
}

// The largest values AWS accepts for a retrier's numbers.
const (
	maxRetryNumber  = 99999999
	maxDelaySeconds = 31622400
)

// retryCatchFields are the fields of a catcher that belong to one query language.
var (
	catchJSONPathOnly = map[string]bool{"ResultPath": true}
	catchJSONataOnly  = map[string]bool{"Output": true}
)

// errors checks a state's Retry and Catch: States.ALL alone and last, the limits of the numbers, the
// catchers' paths, outputs and variables; and warns about entries that can never apply.
func (v *validator) errors(c *Common, e Errors) {
	seen := map[string]bool{}
	for i, r := range e.Retry {
		v.errorAll(r.ErrorEquals, i, len(e.Retry), r.Node, r.Pointer)
		v.maximum(member(r.Node, "IntervalSeconds"), r.Pointer+"/IntervalSeconds", float64(r.IntervalSeconds), maxRetryNumber)
		v.maximum(member(r.Node, "MaxAttempts"), r.Pointer+"/MaxAttempts", float64(r.MaxAttempts), maxRetryNumber)
		v.maximum(member(r.Node, "MaxDelaySeconds"), r.Pointer+"/MaxDelaySeconds", float64(r.MaxDelaySeconds), maxDelaySeconds)
		if covered(r.ErrorEquals, seen) {
			v.ds.warnf(CodeRetrierNeverApplies, posOf(r.Node), r.Pointer,
				"This retrier never applies: the retriers before it already handle every error it names")
		}
		see(seen, r.ErrorEquals)
		v.errorNames(r.ErrorEquals, r.Node, r.Pointer)
	}
	clear(seen)
	for i, k := range e.Catch {
		v.errorAll(k.ErrorEquals, i, len(e.Catch), k.Node, k.Pointer)
		if covered(k.ErrorEquals, seen) {
			v.ds.warnf(CodeCatcherNeverFires, posOf(k.Node), k.Pointer,
				"This catcher never fires: the catchers before it already catch every error it names")
		}
		see(seen, k.ErrorEquals)
		v.errorNames(k.ErrorEquals, k.Node, k.Pointer)
		v.catcher(c, k)
	}
}

// errorAll reports States.ALL given with other names or in an entry that is not the last.
func (v *validator) errorAll(names []string, i, n int, node *source.Node, ptr string) {
	for _, name := range names {
		if name == errorAll && (len(names) > 1 || i < n-1) {
			// AWS's wording, as cdk-preflight recorded it from ValidateStateMachineDefinition.
			v.ds.errorf(CodeSchema, posOf(member(node, "ErrorEquals")), ptr+"/ErrorEquals", "States.ALL must appear alone and at end of list")
			return
		}
	}
}

// covered reports whether every name was already listed by an earlier entry. An earlier States.ALL is an
// error of its own, reported by errorAll, so it does not count here.
func covered(names []string, seen map[string]bool) bool {
	if len(names) == 0 || seen[errorAll] {
		return false
	}
	for _, n := range names {
		if !seen[n] {
			return false
		}
	}
	return true
}

func see(seen map[string]bool, names []string) {
	for _, n := range names {
		seen[n] = true
	}
}

// errorNames warns about a name in the States. namespace that AWS never raises, most likely a typo;
// not about one that a Fail state of the definition raises, which a retrier or catcher rightly names.
func (v *validator) errorNames(names []string, node *source.Node, ptr string) {
	for _, name := range names {
		if strings.HasPrefix(name, "States.") && !predefinedErrors[name] && !isHTTPError(name) && !v.raisedByFail(name) {
			v.ds.warnf(CodeUnknownErrorName, posOf(member(node, "ErrorEquals")), ptr+"/ErrorEquals",
				"'%s' is not an error Step Functions raises: the names in the States. namespace are reserved", name)
		}
	}
}

// catcher checks the fields of one catcher that depend on the state's query language.
func (v *validator) catcher(c *Common, k *Catcher) {
	v.otherLanguage(k.Node, k.Pointer, c.QueryLanguage, catchJSONPathOnly, catchJSONataOnly)
	if k.Assign != nil && k.Assign.Kind == source.Object {
		v.assignNames(k.Assign, k.Pointer+"/Assign", c.QueryLanguage)
	}
	if c.QueryLanguage == JSONata {
		if k.Output != nil {
			v.jsonataValue(k.Output, k.Pointer+"/Output")
		}
		if k.Assign != nil {
			v.jsonataValue(k.Assign, k.Pointer+"/Assign")
		}
		return
	}
	v.pathField(k.Node, k.Pointer, "ResultPath", resultPath)
	if k.Assign != nil {
		v.walkTemplate(k.Assign, k.Pointer+"/Assign")
	}
}

// maximum reports a number above the largest value AWS accepts (our wording, after Parse's "Minimum value").
func (v *validator) maximum(n *source.Node, ptr string, value, limit float64) {
	if n != nil && n.Kind == source.Number && value > limit {
		v.ds.errorf(CodeSchema, n.Pos, ptr, "Maximum value is %d", int64(limit))
	}
}

// raisedByFail reports whether a Fail state anywhere in the definition (branches and processors
// included) gives this Error as written; the set is gathered on first use.
func (v *validator) raisedByFail(name string) bool {
	if v.failErrors == nil {
		v.failErrors = map[string]bool{}
		collectFailErrors(&v.sm.Machine, v.failErrors, 0)
	}
	return v.failErrors[name]
}

func collectFailErrors(m *Machine, into map[string]bool, depth int) {
	if m == nil || depth > maxNesting {
		return
	}
	for _, st := range m.States {
		switch s := st.(type) {
		case *Fail:
			if s.HasError {
				into[s.Error] = true
			}
		case *Parallel:
			for _, b := range s.Branches {
				collectFailErrors(b, into, depth+1)
			}
		case *Map:
			collectFailErrors(s.Processor, into, depth+1)
		}
	}
}

// isHTTPError reports the errors an HTTP Task raises: States.Http.StatusCode.<code> for a reply outside
// 2xx, States.Http.Socket when no reply comes (the developer guide's HTTP Task errors).
func isHTTPError(name string) bool {
	return strings.HasPrefix(name, "States.Http.StatusCode.") || name == "States.Http.Socket"
}
