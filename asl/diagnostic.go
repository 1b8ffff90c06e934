package asl

import (
	"fmt"
	"sort"

	"github.com/aslrun/aslrun/asl/source"
)

// Severity tells whether AWS would refuse the definition (ERROR) or only a likely mistake (WARNING).
type Severity string

// The severities, spelt as ValidateStateMachineDefinition spells them.
const (
	SeverityError   Severity = "ERROR"
	SeverityWarning Severity = "WARNING"
)

// The diagnostic codes. The first group is AWS's own, as the ValidateStateMachineDefinition reference
// lists them; the second is AWS's too but unlisted; the third is ours, for what AWS accepts but is likely
// a mistake, or what AWS checks only at run time.
const (
	CodeInvalidJSON        = "INVALID_JSON_DESCRIPTION"
	CodeMissingDescription = "MISSING_DESCRIPTION"
	CodeSchema             = "SCHEMA_VALIDATION_FAILED"
	CodeInvalidResource    = "INVALID_RESOURCE"
	CodeMissingEndState    = "MISSING_END_STATE"
	CodeDuplicateStateName = "DUPLICATE_STATE_NAME"
	CodeInvalidStateName   = "INVALID_STATE_NAME"
	CodeMissingTransition  = "MISSING_TRANSITION_TARGET"
	CodeTooManyStates      = "TOO_MANY_STATES"
	CodeNoDollar           = "NO_DOLLAR"
	CodeNoPath             = "NO_PATH"
	CodePassResultIsStatic = "PASS_RESULT_IS_STATIC"
	// Codes AWS gives that its API reference does not list; seen in its answers (floci-io/floci#2670,
	// #2745) or recorded by cdk-preflight from ValidateStateMachineDefinition.
	CodeInvalidJSONata     = "INVALID_JSONATA_EXPRESSION"
	CodeUnsupportedJSONata = "UNSUPPORTED_JSONATA_EXPRESSION"
	CodeReservedVariable   = "RESERVED_VARIABLE_NAME"
	CodeInvalidLabelName   = "INVALID_LABEL_NAME"
	CodeDuplicateLabelName = "DUPLICATE_LABEL_NAME"
	// Ours.
	CodeUnreachableState     = "UNREACHABLE_STATE"
	CodeNoPathToEnd          = "NO_PATH_TO_END"
	CodeCatcherNeverFires    = "CATCHER_NEVER_FIRES"
	CodeRetrierNeverApplies  = "RETRIER_NEVER_APPLIES"
	CodeMissingFunctionName  = "MISSING_FUNCTION_NAME"
	CodeResultWithParameters = "RESULT_WITH_PARAMETERS"
	CodeUnknownErrorName     = "UNKNOWN_ERROR_NAME"
	CodePlaceholderResource  = "PLACEHOLDER_RESOURCE"
	CodeInvalidIntrinsicPath = "INVALID_INTRINSIC_PATH"
	CodeUnrecognizedResource = "UNRECOGNIZED_RESOURCE"
	CodeUnreadableVariable   = "UNREADABLE_VARIABLE_NAME"
	CodeUndefinedVariable    = "UNDEFINED_VARIABLE"
	CodeVariableOutOfScope   = "VARIABLE_OUT_OF_SCOPE"
	CodeVariableNameInUse    = "VARIABLE_ASSIGNED_IN_OUTER_SCOPE"
	CodeEmptyResultWriter    = "EMPTY_RESULT_WRITER"
	CodeUnquotedFilterValue  = "UNQUOTED_FILTER_VALUE"
	// CodePlaceholder marks a ${...} template placeholder (SAM DefinitionSubstitutions, CloudFormation
	// Fn::Sub, Terraform templatefile) left in a definition that is linted before substitution.
	CodePlaceholder = "PLACEHOLDER"
)

// Diagnostic is one finding about a definition.
type Diagnostic struct {
	Severity Severity
	Code     string
	// Message is the text alone; AWS prints it as "CODE: Message at Pointer".
	Message string
	// Pointer is the JSON pointer AWS names ("" for the whole document, which AWS prints as "/").
	Pointer string
	// Line and Col locate the most precise node in the file (1-based; 0 when unknown).
	Line, Col int
}

// Location is the pointer as AWS prints it.
func (d Diagnostic) Location() string {
	if d.Pointer == "" {
		return "/"
	}
	return d.Pointer
}

// AWSMessage is the diagnostic as CreateStateMachine words it, e.g.
// "SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] at /".
func (d Diagnostic) AWSMessage() string {
	return fmt.Sprintf("%s: %s at %s", d.Code, d.Message, d.Location())
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%d:%d: %s %s: %s at %s", d.Line, d.Col, lower(d.Severity), d.Code, d.Message, d.Location())
}

func lower(s Severity) string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// HasErrors reports whether any diagnostic is an error.
func HasErrors(ds []Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// sortDiagnostics orders by position in the file, then by code, so output is stable.
func sortDiagnostics(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Code < b.Code
	})
}

// diagnostics collects findings; at is where in the file the finding points.
type diagnostics struct {
	list []Diagnostic
}

func (ds *diagnostics) add(sev Severity, code string, at source.Pos, pointer, format string, args ...any) {
	d := Diagnostic{Severity: sev, Code: code, Message: fmt.Sprintf(format, args...), Pointer: pointer}
	d.Line, d.Col = at.Line, at.Col
	ds.list = append(ds.list, d)
}

func (ds *diagnostics) errorf(code string, at source.Pos, pointer, format string, args ...any) {
	ds.add(SeverityError, code, at, pointer, format, args...)
}

func (ds *diagnostics) warnf(code string, at source.Pos, pointer, format string, args ...any) {
	ds.add(SeverityWarning, code, at, pointer, format, args...)
}

// InvalidDefinitionMessage words the refusal as CreateStateMachine does, naming the first error:
// "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ... at /States/X'".
func InvalidDefinitionMessage(ds []Diagnostic) string {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return "Invalid State Machine Definition: '" + d.AWSMessage() + "'"
		}
	}
	return ""
}
