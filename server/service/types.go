package service

import (
	"encoding/json"
	"strconv"
	"time"
)

// Requests and responses of the operations, with the AWS JSON 1.0 member names. Absent optional members are
// zero values; responses leave zero members out, as AWS does.

// Time is a timestamp as the AWS JSON protocol writes it: epoch seconds, a JSON number with milliseconds.
type Time time.Time

// MarshalJSON writes epoch seconds.
func (t Time) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64), nil
}

// IsZero lets omitzero leave an unset time out.
func (t Time) IsZero() bool { return time.Time(t).IsZero() }

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Details tells whether a payload is included (DescribeExecution's inputDetails and outputDetails).
type Details struct {
	Included bool `json:"included"`
}

type CreateStateMachineInput struct {
	Name                 string          `json:"name"`
	Definition           string          `json:"definition"`
	RoleArn              string          `json:"roleArn"`
	Type                 string          `json:"type"`
	LoggingConfiguration json.RawMessage `json:"loggingConfiguration"`
	TracingConfiguration json.RawMessage `json:"tracingConfiguration"`
	Tags                 []Tag           `json:"tags"`
	// Publish publishes the state machine's first version, described by VersionDescription (versions.go).
	Publish            bool   `json:"publish"`
	VersionDescription string `json:"versionDescription"`
	// EncryptionConfiguration, like the other configurations, is checked in configs.go.
	EncryptionConfiguration json.RawMessage `json:"encryptionConfiguration"`
}

type CreateStateMachineOutput struct {
	StateMachineArn        string `json:"stateMachineArn"`
	CreationDate           Time   `json:"creationDate"`
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
}

type DescribeStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	// IncludedData METADATA_ONLY leaves the definition out (see includedData).
	IncludedData string `json:"includedData"`
}

type DescribeStateMachineOutput struct {
	StateMachineArn      string          `json:"stateMachineArn"`
	Name                 string          `json:"name"`
	Status               string          `json:"status"`
	Definition           string          `json:"definition,omitempty"`
	RoleArn              string          `json:"roleArn"`
	Type                 string          `json:"type"`
	CreationDate         Time            `json:"creationDate"`
	LoggingConfiguration json.RawMessage `json:"loggingConfiguration,omitempty"`
	TracingConfiguration json.RawMessage `json:"tracingConfiguration,omitempty"`
	RevisionID           string          `json:"revisionId,omitempty"`
	// Description is a version's (DescribeStateMachine of a version ARN).
	Description string `json:"description,omitempty"`
	// EncryptionConfiguration is absent when the state machine was created without one.
	EncryptionConfiguration json.RawMessage `json:"encryptionConfiguration,omitempty"`
}

type UpdateStateMachineInput struct {
	StateMachineArn         string          `json:"stateMachineArn"`
	Definition              string          `json:"definition"`
	RoleArn                 string          `json:"roleArn"`
	LoggingConfiguration    json.RawMessage `json:"loggingConfiguration"`
	TracingConfiguration    json.RawMessage `json:"tracingConfiguration"`
	Publish                 bool            `json:"publish"`
	VersionDescription      string          `json:"versionDescription"`
	EncryptionConfiguration json.RawMessage `json:"encryptionConfiguration"`
}

type UpdateStateMachineOutput struct {
	UpdateDate             Time   `json:"updateDate"`
	RevisionID             string `json:"revisionId,omitempty"`
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
}

type DeleteStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn"`
}

type ListStateMachinesInput struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

type StateMachineListItem struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Type            string `json:"type"`
	CreationDate    Time   `json:"creationDate"`
}

type ListStateMachinesOutput struct {
	StateMachines []StateMachineListItem `json:"stateMachines"`
	NextToken     string                 `json:"nextToken,omitempty"`
}

type ValidateStateMachineDefinitionInput struct {
	Definition string `json:"definition"`
	Type       string `json:"type"`
	// Severity is the least severity reported: ERROR (the default) or WARNING.
	Severity   string `json:"severity"`
	MaxResults int    `json:"maxResults"`
}

type ValidationDiagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

type ValidateStateMachineDefinitionOutput struct {
	Result      string                 `json:"result"`
	Diagnostics []ValidationDiagnostic `json:"diagnostics"`
	Truncated   bool                   `json:"truncated"`
}

type StartExecutionInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Input           string `json:"input"`
	TraceHeader     string `json:"traceHeader"`
	// IncludedData is StartSyncExecution's: METADATA_ONLY leaves the input and output out.
	IncludedData string `json:"includedData"`
}

type StartExecutionOutput struct {
	ExecutionArn string `json:"executionArn"`
	StartDate    Time   `json:"startDate"`
}

type StartSyncExecutionOutput struct {
	ExecutionArn    string   `json:"executionArn"`
	StateMachineArn string   `json:"stateMachineArn,omitempty"`
	Name            string   `json:"name,omitempty"`
	StartDate       Time     `json:"startDate"`
	StopDate        Time     `json:"stopDate"`
	Status          string   `json:"status"`
	Error           *string  `json:"error,omitempty"`
	Cause           *string  `json:"cause,omitempty"`
	Input           string   `json:"input,omitempty"`
	InputDetails    Details  `json:"inputDetails"`
	Output          *string  `json:"output,omitempty"`
	OutputDetails   *Details `json:"outputDetails,omitempty"`
	BillingDetails  Billing  `json:"billingDetails"`
	TraceHeader     string   `json:"traceHeader,omitempty"`
}

// Billing is what StartSyncExecution reports as billed; locally the duration, and the smallest memory step.
type Billing struct {
	BilledMemoryUsedInMB         int64 `json:"billedMemoryUsedInMB"`
	BilledDurationInMilliseconds int64 `json:"billedDurationInMilliseconds"`
}

type StopExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	Error        string `json:"error"`
	Cause        string `json:"cause"`
}

type StopExecutionOutput struct {
	StopDate Time `json:"stopDate"`
}

type DescribeExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	// IncludedData METADATA_ONLY leaves the input and output out.
	IncludedData string `json:"includedData"`
}

type DescribeExecutionOutput struct {
	ExecutionArn        string   `json:"executionArn"`
	StateMachineArn     string   `json:"stateMachineArn"`
	Name                string   `json:"name"`
	Status              string   `json:"status"`
	StartDate           Time     `json:"startDate"`
	StopDate            Time     `json:"stopDate,omitzero"`
	Input               string   `json:"input,omitempty"`
	InputDetails        Details  `json:"inputDetails"`
	Output              *string  `json:"output,omitempty"`
	OutputDetails       *Details `json:"outputDetails,omitempty"`
	Error               *string  `json:"error,omitempty"`
	Cause               *string  `json:"cause,omitempty"`
	RedriveCount        int64    `json:"redriveCount"`
	RedriveDate         Time     `json:"redriveDate,omitzero"`
	RedriveStatus       string   `json:"redriveStatus,omitempty"`
	RedriveStatusReason string   `json:"redriveStatusReason,omitempty"`
	// StateMachineVersionArn and StateMachineAliasArn are the version the execution runs and the alias that
	// chose it, when it was started with either.
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string `json:"stateMachineAliasArn,omitempty"`
	TraceHeader            string `json:"traceHeader,omitempty"`
}

type ListExecutionsInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	MapRunArn       string `json:"mapRunArn"`
	StatusFilter    string `json:"statusFilter"`
	RedriveFilter   string `json:"redriveFilter"`
	MaxResults      int    `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

type ExecutionListItem struct {
	ExecutionArn           string `json:"executionArn"`
	StateMachineArn        string `json:"stateMachineArn"`
	Name                   string `json:"name"`
	Status                 string `json:"status"`
	StartDate              Time   `json:"startDate"`
	StopDate               Time   `json:"stopDate,omitzero"`
	RedriveCount           int64  `json:"redriveCount,omitempty"`
	RedriveDate            Time   `json:"redriveDate,omitzero"`
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string `json:"stateMachineAliasArn,omitempty"`
}

type ListExecutionsOutput struct {
	Executions []ExecutionListItem `json:"executions"`
	NextToken  string              `json:"nextToken,omitempty"`
}

type GetExecutionHistoryInput struct {
	ExecutionArn string `json:"executionArn"`
	MaxResults   int    `json:"maxResults"`
	ReverseOrder bool   `json:"reverseOrder"`
	NextToken    string `json:"nextToken"`
	// IncludeExecutionData defaults to true: nil is absent.
	IncludeExecutionData *bool `json:"includeExecutionData"`
}

type GetExecutionHistoryOutput struct {
	// Events are the stored events, each the JSON object GetExecutionHistory returns.
	Events    []json.RawMessage `json:"events"`
	NextToken string            `json:"nextToken,omitempty"`
}

type DescribeStateMachineForExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	// IncludedData METADATA_ONLY leaves the definition out.
	IncludedData string `json:"includedData"`
}

type DescribeStateMachineForExecutionOutput struct {
	StateMachineArn         string          `json:"stateMachineArn"`
	Name                    string          `json:"name"`
	Definition              string          `json:"definition,omitempty"`
	RoleArn                 string          `json:"roleArn"`
	UpdateDate              Time            `json:"updateDate"`
	LoggingConfiguration    json.RawMessage `json:"loggingConfiguration,omitempty"`
	TracingConfiguration    json.RawMessage `json:"tracingConfiguration,omitempty"`
	RevisionID              string          `json:"revisionId,omitempty"`
	EncryptionConfiguration json.RawMessage `json:"encryptionConfiguration,omitempty"`
}

type SendTaskSuccessInput struct {
	TaskToken string `json:"taskToken"`
	Output    string `json:"output"`
}

type SendTaskFailureInput struct {
	TaskToken string `json:"taskToken"`
	Error     string `json:"error"`
	Cause     string `json:"cause"`
}

type SendTaskHeartbeatInput struct {
	TaskToken string `json:"taskToken"`
}

// Empty is the answer of operations that return nothing.
type Empty struct{}

type CreateActivityInput struct {
	Name                    string          `json:"name"`
	Tags                    []Tag           `json:"tags"`
	EncryptionConfiguration json.RawMessage `json:"encryptionConfiguration"`
}

type CreateActivityOutput struct {
	ActivityArn  string `json:"activityArn"`
	CreationDate Time   `json:"creationDate"`
}

type ActivityInput struct {
	ActivityArn string `json:"activityArn"`
}

type DescribeActivityOutput struct {
	ActivityArn  string `json:"activityArn"`
	Name         string `json:"name"`
	CreationDate Time   `json:"creationDate"`
	// EncryptionConfiguration is DescribeActivity's only: ListActivities leaves it out.
	EncryptionConfiguration json.RawMessage `json:"encryptionConfiguration,omitempty"`
}

type ListActivitiesInput struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

type ListActivitiesOutput struct {
	Activities []DescribeActivityOutput `json:"activities"`
	NextToken  string                   `json:"nextToken,omitempty"`
}

type GetActivityTaskInput struct {
	ActivityArn string `json:"activityArn"`
	WorkerName  string `json:"workerName"`
}

// GetActivityTaskOutput is empty when no task came within the poll.
type GetActivityTaskOutput struct {
	TaskToken string `json:"taskToken,omitempty"`
	Input     string `json:"input,omitempty"`
}

type TagResourceInput struct {
	ResourceArn string `json:"resourceArn"`
	Tags        []Tag  `json:"tags"`
}

type UntagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

type ListTagsForResourceInput struct {
	ResourceArn string `json:"resourceArn"`
}

type ListTagsForResourceOutput struct {
	Tags []Tag `json:"tags"`
}
