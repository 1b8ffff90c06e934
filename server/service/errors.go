package service

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aslrun/aslrun/server/store"
)

// The API's error codes, as the __type of an error response names them.
const (
	CodeValidation                   = "ValidationException"
	CodeConflict                     = "ConflictException"
	CodeInvalidArn                   = "InvalidArn"
	CodeInvalidDefinition            = "InvalidDefinition"
	CodeInvalidName                  = "InvalidName"
	CodeInvalidExecutionInput        = "InvalidExecutionInput"
	CodeInvalidOutput                = "InvalidOutput"
	CodeInvalidToken                 = "InvalidToken"
	CodeMissingRequiredParameter     = "MissingRequiredParameter"
	CodeStateMachineDoesNotExist     = "StateMachineDoesNotExist"
	CodeStateMachineAlreadyExists    = "StateMachineAlreadyExists"
	CodeStateMachineTypeNotSupported = "StateMachineTypeNotSupported"
	CodeExecutionDoesNotExist        = "ExecutionDoesNotExist"
	CodeExecutionAlreadyExists       = "ExecutionAlreadyExists"
	CodeActivityDoesNotExist         = "ActivityDoesNotExist"
	CodeResourceNotFound             = "ResourceNotFound"
	CodeTooManyTags                  = "TooManyTags"
	CodeInternalFailure              = "InternalFailure"
	CodeServiceUnavailable           = "ServiceUnavailable"
	CodeServiceQuotaExceeded         = "ServiceQuotaExceededException"
)

// Error is a refusal of the API: an AWS error code and its message. Every client error travels as HTTP 400;
// only InternalFailure (the store failed) is a 500, and ServiceUnavailable (the store cannot be reached, for
// now: the SDKs retry it) a 503.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Status is the HTTP status AWS answers the error with.
func (e *Error) Status() int {
	switch e.Code {
	case CodeInternalFailure:
		return 500
	case CodeServiceUnavailable:
		return 503
	case CodeServiceQuotaExceeded:
		return 402
	}
	return 400
}

func newError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func stateMachineDoesNotExist(arn string) *Error {
	return newError(CodeStateMachineDoesNotExist, "State Machine Does Not Exist: '%s'", arn)
}

func executionDoesNotExist(arn string) *Error {
	return newError(CodeExecutionDoesNotExist, "Execution Does Not Exist: '%s'", arn)
}

func activityDoesNotExist(arn string) *Error {
	return newError(CodeActivityDoesNotExist, "Activity Does Not Exist: '%s'", arn)
}

func resourceNotFound(arn string) *Error {
	return newError(CodeResourceNotFound, "Resource not found: '%s'", arn)
}

func invalidName(name string) *Error { return newError(CodeInvalidName, "Invalid Name: '%s'", name) }

func invalidPageToken() *Error {
	return newError(CodeInvalidToken, "Invalid Token: 'Invalid pagination token'")
}

// internal reports a failure of the store: not the caller's fault. A store that cannot be reached is AWS's
// common ServiceUnavailable, which the SDKs retry with back-off.
func internal(err error) *Error {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr // already the API's answer
	}
	if errors.Is(err, store.ErrUnavailable) {
		return newError(CodeServiceUnavailable, "The request has failed due to a temporary failure of the server: %v", err)
	}
	return newError(CodeInternalFailure, "Internal failure: %v", err)
}

// violations collects the model constraints a request breaks, which AWS reports together in one
// ValidationException before any other check: "2 validation errors detected: A; B".
type violations []string

func (v *violations) add(format string, args ...any) { *v = append(*v, fmt.Sprintf(format, args...)) }

func (v violations) err() error {
	if len(v) == 0 {
		return nil
	}
	noun := "error"
	if len(v) > 1 {
		noun = "errors"
	}
	return newError(CodeValidation, "%d validation %s detected: %s", len(v), noun, strings.Join(v, "; "))
}

// required checks a member that must be present; the API cannot tell an empty string from an absent one
// here, and reports both as null.
func (v *violations) required(field, value string) bool {
	if value == "" {
		v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", field)
		return false
	}
	return true
}

// maxLen checks a string member's length in characters.
func (v *violations) maxLen(field, value string, max int, show bool) {
	if n := len([]rune(value)); n > max {
		if show {
			v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", value, field, max)
		} else {
			v.add("Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", field, max)
		}
	}
}

// maxBytes checks a sensitive member (input, output) whose value AWS does not echo.
func (v *violations) maxBytes(field, value string, max int) {
	if len(value) > max {
		v.add("Value at '%s' failed to satisfy constraint: Member must have size less than or equal to %d bytes in UTF-8 encoding", field, max)
	}
}

// maxResults checks a page size: 0 (the default) to 1000.
func (v *violations) maxResults(n, max int) {
	switch {
	case n < 0:
		v.add("Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0", n)
	case n > max:
		v.add("Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to %d", n, max)
	}
}

// enum checks a member that takes one of a fixed set of values; empty means absent.
func (v *violations) enum(field, value string, allowed ...string) {
	if value == "" {
		return
	}
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", value, field, strings.Join(allowed, ", "))
}
