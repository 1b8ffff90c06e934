package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/aslrun/aslrun/server/service"
)

// usageCode is the error a refusal names when AWS has no name for it: a bad flag or file of aslrun's own.
const usageCode = "aslrun.UsageError"

// refusal is a command refused before it ran anything: its message is already on stderr and the process
// exits with status 2. execute --format json prints it as an envelope.
type refusal struct {
	// code is AWS's error code where AWS would refuse the same (InvalidDefinition, InvalidName, ...), else
	// usageCode.
	code  string
	msg   string
	diags []fileDiagnostic
}

func (r *refusal) Error() string { return r.msg }

// Unwrap makes a refusal the exit status 2 that run looks for.
func (r *refusal) Unwrap() error { return exitCode(2) }

// usageError reports a problem with the command line or its files: exit status 2.
func usageError(cmd *cobra.Command, format string, args ...any) error {
	return refuse(cmd, usageCode, format, args...)
}

// refuse prints "aslrun: message" on stderr and returns the refusal.
func refuse(cmd *cobra.Command, code, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(cmd.ErrOrStderr(), "aslrun: %s\n", msg)
	return &refusal{code: code, msg: msg}
}

// serviceRefusal refuses with the control plane's error: under its AWS code when it has one.
func serviceRefusal(cmd *cobra.Command, err error) error {
	var e *service.Error
	if errors.As(err, &e) {
		fmt.Fprintf(cmd.ErrOrStderr(), "aslrun: %v\n", err)
		return &refusal{code: e.Code, msg: e.Message}
	}
	return usageError(cmd, "%v", err)
}

// printRefusal prints a refusal as execute's envelope: no execution started, so its status is
// NOT_STARTED (not one of AWS's execution statuses) and it has no output, ARN or dates.
func printRefusal(w io.Writer, r *refusal) {
	b, _ := json.Marshal(struct { // strings and diagnostics always marshal
		Cause        string           `json:"cause"`
		Diagnostics  []fileDiagnostic `json:"diagnostics,omitempty"`
		Error        string           `json:"error"`
		ExecutionArn *string          `json:"executionArn"`
		Output       any              `json:"output"`
		StartDate    *string          `json:"startDate"`
		Status       string           `json:"status"`
		StopDate     *string          `json:"stopDate"`
	}{Cause: r.msg, Diagnostics: r.diags, Error: r.code, Status: "NOT_STARTED"})
	fmt.Fprintln(w, string(b))
}
