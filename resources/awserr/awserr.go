// Package awserr is the error an embedded AWS service emulation returns: the service's error code, HTTP
// status and message, as the service's API would send them. Package resources turns it into the error a
// Task sees (DynamoDB.ConditionalCheckFailedException with the Java SDK's cause text, and so on), so the
// emulations stay plain service emulations.
package awserr

import "fmt"

// Error is a service's error response.
type Error struct {
	// Code is the service's error code, e.g. ConditionalCheckFailedException.
	Code string
	// Status is the HTTP status the service answers with, e.g. 400.
	Status int
	// Message is the service's message, e.g. "The conditional request failed".
	Message string
	// RequestID is the id a real service's response gave; empty for an emulation, whose ids are made up
	// where the error is reported.
	RequestID string
}

// New returns a service error.
func New(code string, status int, message string) *Error {
	return &Error{Code: code, Status: status, Message: message}
}

// Newf returns a service error whose message is formatted.
func Newf(code string, status int, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }
