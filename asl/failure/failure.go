// Package failure holds the error value a state machine raises: an error name and a cause, as Retry and
// Catch see them, plus the names Step Functions predefines.
package failure

// Error is a named failure. Cause may be empty; Retry and Catch match on Name.
type Error struct {
	Name  string
	Cause string
}

// New returns a failure with the given name and cause.
func New(name, cause string) *Error { return &Error{Name: name, Cause: cause} }

func (e *Error) Error() string {
	if e.Cause == "" {
		return e.Name
	}
	return e.Name + ": " + e.Cause
}

// The error names Step Functions predefines.
const (
	ALL                    = "States.ALL"
	DataLimitExceeded      = "States.DataLimitExceeded"
	ExceedToleratedFailure = "States.ExceedToleratedFailureThreshold"
	HeartbeatTimeout       = "States.HeartbeatTimeout"
	HTTPSocket             = "States.Http.Socket" // an HTTP Task's call got no answer
	IntrinsicFailure       = "States.IntrinsicFailure"
	ItemReaderFailed       = "States.ItemReaderFailed"
	NoChoiceMatched        = "States.NoChoiceMatched"
	ParameterPathFailure   = "States.ParameterPathFailure"
	Permissions            = "States.Permissions"
	QueryEvaluationError   = "States.QueryEvaluationError"
	ResultPathMatchFailure = "States.ResultPathMatchFailure"
	ReferencePathConflict  = "States.ReferencePathConflict"
	ResultWriterFailed     = "States.ResultWriterFailed"
	Runtime                = "States.Runtime"
	TaskFailed             = "States.TaskFailed"
	Timeout                = "States.Timeout"
	BranchFailed           = "States.BranchFailed"
	MapRunFailed           = "States.MapRunFailed"
)

// Matches reports whether an error name is caught by an ErrorEquals list. States.ALL matches everything
// but States.Runtime and States.DataLimitExceeded, which only their own names catch; States.TaskFailed
// matches every error of a Task except States.Timeout.
func Matches(errorEquals []string, name string, inTask bool) bool {
	for _, e := range errorEquals {
		switch {
		case e == name:
			return true
		case e == ALL:
			if name != Runtime && name != DataLimitExceeded {
				return true
			}
		case e == TaskFailed && inTask:
			if name != Timeout && name != Runtime && name != DataLimitExceeded {
				return true
			}
		}
	}
	return false
}
