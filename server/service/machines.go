package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// Limits of the API's members.
const (
	maxNameLen       = 80
	maxArnLen        = 256
	maxDefinitionLen = 1048576
	maxPayloadBytes  = 262144
)

// Defaults DescribeStateMachine shows for a state machine created without them.
var (
	defaultLogging = json.RawMessage(`{"includeExecutionData":false,"level":"OFF"}`)
	defaultTracing = json.RawMessage(`{"enabled":false}`)
)

// CreateStateMachine creates a state machine. Creating one again with the same name, definition, type and
// configurations returns the existing one, as AWS does; another definition under the name is
// StateMachineAlreadyExists.
func (s *Service) CreateStateMachine(ctx context.Context, in *CreateStateMachineInput) (*CreateStateMachineOutput, error) {
	return s.createStateMachine(ctx, in, nil)
}

// createStateMachine creates a state machine whose definition prog is compiled from, if not nil (the CLI
// checked and compiled it already).
func (s *Service) createStateMachine(ctx context.Context, in *CreateStateMachineInput, prog *interpreter.Program) (*CreateStateMachineOutput, error) {
	var v violations
	if v.required("name", in.Name) {
		v.maxLen("name", in.Name, maxNameLen, true)
	}
	if v.required("definition", in.Definition) {
		v.maxLen("definition", in.Definition, maxDefinitionLen, false)
	}
	if v.required("roleArn", in.RoleArn) {
		v.maxLen("roleArn", in.RoleArn, maxArnLen, true)
	}
	v.enum("type", in.Type, store.TypeStandard, store.TypeExpress)
	checkTags(&v, in.Tags)
	v.maxLen("versionDescription", in.VersionDescription, maxVersionDescriptionLen, false)
	cfgs, err := decodeConfigs(in.LoggingConfiguration, in.TracingConfiguration, in.EncryptionConfiguration)
	if err != nil {
		return nil, err
	}
	cfgs.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkVersionDescription(in.Publish, in.VersionDescription); err != nil {
		return nil, err
	}
	if !validName(in.Name) {
		return nil, invalidName(in.Name)
	}
	if err := checkRole(in.RoleArn); err != nil {
		return nil, err
	}
	if err := cfgs.validate(); err != nil {
		return nil, err
	}
	typ := in.Type
	if typ == "" {
		typ = store.TypeStandard
	}
	if prog == nil {
		if prog, err = s.programs.compile(in.Definition, typ); err != nil {
			return nil, err
		}
	} else {
		s.programs.put(in.Definition, typ, prog)
	}
	now := s.now()
	sm := &store.StateMachine{
		Arn: s.arn(s.regionFor(ctx), arnStateMachine, in.Name), Name: in.Name, Type: typ, Definition: in.Definition,
		// The first revision has no ID on AWS: UpdateStateMachine gives the next ones theirs.
		RoleArn: in.RoleArn, Status: store.MachineActive, CreationDate: now, UpdateDate: now,
		LoggingConfiguration:    orDefault(cfgs.loggingRaw, defaultLogging),
		TracingConfiguration:    orDefault(cfgs.tracingRaw, defaultTracing),
		EncryptionConfiguration: cfgs.encRaw,
		Tags:                    tagMap(in.Tags),
	}
	if len(sm.Tags) > maxTags {
		return nil, tooManyTags(sm.Arn, len(sm.Tags))
	}
	err = s.store.CreateStateMachine(ctx, sm)
	if errors.Is(err, store.ErrExists) {
		old, gerr := s.store.GetStateMachine(ctx, sm.Arn)
		if gerr == nil && old.Definition == sm.Definition && old.Type == sm.Type &&
			bytes.Equal(old.LoggingConfiguration, sm.LoggingConfiguration) && bytes.Equal(old.TracingConfiguration, sm.TracingConfiguration) &&
			bytes.Equal(old.EncryptionConfiguration, sm.EncryptionConfiguration) {
			return s.created(ctx, old, in)
		}
		return nil, newError(CodeStateMachineAlreadyExists, "State Machine Already Exists: '%s'", sm.Arn)
	}
	if err != nil {
		return nil, internal(err)
	}
	return s.created(ctx, sm, in)
}

// created answers CreateStateMachine, publishing the state machine's current revision first when asked.
func (s *Service) created(ctx context.Context, sm *store.StateMachine, in *CreateStateMachineInput) (*CreateStateMachineOutput, error) {
	out := &CreateStateMachineOutput{StateMachineArn: sm.Arn, CreationDate: Time(sm.CreationDate)}
	if in.Publish {
		v, err := s.publishVersion(ctx, sm, in.VersionDescription)
		if err != nil {
			return nil, storeError(err, func() *Error { return stateMachineDoesNotExist(sm.Arn) })
		}
		out.StateMachineVersionArn = v.Arn
	}
	return out, nil
}

// compile checks a definition as CreateStateMachine does and compiles it; a definition that AWS accepts
// but the interpreter cannot run yet is refused too, rather than failing every execution of it.
func compile(definition, typ string) (*interpreter.Program, error) {
	sm, diags := asl.Check([]byte(definition), asl.Options{Type: typ})
	if asl.HasErrors(diags) {
		return nil, &Error{Code: CodeInvalidDefinition, Message: asl.InvalidDefinitionMessage(diags)}
	}
	prog, err := interpreter.Compile(sm)
	if err != nil {
		return nil, newError(CodeInvalidDefinition, "Invalid State Machine Definition: 'aslrun cannot run this definition: %v'", err)
	}
	return prog, nil
}

func orDefault(raw, def json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return def
	}
	return raw
}

// getStateMachine checks a state machine ARN and loads the state machine.
func (s *Service) getStateMachine(ctx context.Context, arn string) (*store.StateMachine, error) {
	if _, err := parseArn(arn, arnStateMachine); err != nil {
		return nil, err
	}
	sm, err := s.store.GetStateMachine(ctx, arn)
	if err != nil {
		return nil, storeError(err, func() *Error { return stateMachineDoesNotExist(arn) })
	}
	return sm, nil
}

// DescribeStateMachine describes a state machine, or the version a version ARN names.
func (s *Service) DescribeStateMachine(ctx context.Context, in *DescribeStateMachineInput) (*DescribeStateMachineOutput, error) {
	if err := requiredArn("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	metadataOnly, err := checkIncludedData(in.IncludedData)
	if err != nil {
		return nil, err
	}
	if ref, err := parseMachineRef(in.StateMachineArn); err == nil && ref.version != "" {
		out, err := s.describeVersion(ctx, ref)
		if err == nil && metadataOnly {
			out.Definition = ""
		}
		return out, err
	}
	sm, err := s.getStateMachine(ctx, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	out := &DescribeStateMachineOutput{
		StateMachineArn: sm.Arn, Name: sm.Name, Status: sm.Status, Definition: sm.Definition, RoleArn: sm.RoleArn,
		Type: sm.Type, CreationDate: Time(sm.CreationDate), LoggingConfiguration: sm.LoggingConfiguration,
		TracingConfiguration: sm.TracingConfiguration, RevisionID: sm.RevisionID, EncryptionConfiguration: sm.EncryptionConfiguration,
	}
	if metadataOnly {
		out.Definition = ""
	}
	return out, nil
}

// requiredArn checks an ARN member's presence and length.
func requiredArn(field, arn string) error {
	var v violations
	if v.required(field, arn) {
		v.maxLen(field, arn, maxArnLen, true)
	}
	return v.err()
}

// UpdateStateMachine changes a state machine's definition, role or configurations. Running executions
// keep the definition they started with.
func (s *Service) UpdateStateMachine(ctx context.Context, in *UpdateStateMachineInput) (*UpdateStateMachineOutput, error) {
	var v violations
	if v.required("stateMachineArn", in.StateMachineArn) {
		v.maxLen("stateMachineArn", in.StateMachineArn, maxArnLen, true)
	}
	v.maxLen("definition", in.Definition, maxDefinitionLen, false)
	v.maxLen("roleArn", in.RoleArn, maxArnLen, true)
	v.maxLen("versionDescription", in.VersionDescription, maxVersionDescriptionLen, false)
	cfgs, err := decodeConfigs(in.LoggingConfiguration, in.TracingConfiguration, in.EncryptionConfiguration)
	if err != nil {
		return nil, err
	}
	cfgs.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkVersionDescription(in.Publish, in.VersionDescription); err != nil {
		return nil, err
	}
	sm, err := s.getStateMachine(ctx, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if in.Definition == "" && in.RoleArn == "" && cfgs.logging == nil && cfgs.tracing == nil && cfgs.encryption == nil {
		return nil, newError(CodeMissingRequiredParameter,
			"Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified")
	}
	if in.RoleArn != "" {
		if err := checkRole(in.RoleArn); err != nil {
			return nil, err
		}
	}
	if err := cfgs.validate(); err != nil {
		return nil, err
	}
	logging, tracing, encryption := cfgs.loggingRaw, cfgs.tracingRaw, cfgs.encRaw
	if in.Definition != "" {
		if _, err = s.programs.compile(in.Definition, sm.Type); err != nil {
			return nil, err
		}
	}
	// A revision is the definition and every configuration (a version snapshots them all): changing any
	// of them makes a new one, with a new ID.
	revised := (in.Definition != "" && in.Definition != sm.Definition) || (in.RoleArn != "" && in.RoleArn != sm.RoleArn) ||
		(logging != nil && !bytes.Equal(logging, sm.LoggingConfiguration)) || (tracing != nil && !bytes.Equal(tracing, sm.TracingConfiguration)) ||
		(encryption != nil && !bytes.Equal(encryption, sm.EncryptionConfiguration))
	if in.Definition != "" {
		sm.Definition = in.Definition
	}
	if in.RoleArn != "" {
		sm.RoleArn = in.RoleArn
	}
	if logging != nil {
		sm.LoggingConfiguration = logging
	}
	if tracing != nil {
		sm.TracingConfiguration = tracing
	}
	if encryption != nil {
		sm.EncryptionConfiguration = encryption
	}
	if revised {
		sm.RevisionID = interpreter.NewUUID()
	}
	sm.UpdateDate = s.now()
	if err := s.store.UpdateStateMachine(ctx, sm); err != nil {
		return nil, storeError(err, func() *Error { return stateMachineDoesNotExist(sm.Arn) })
	}
	out := &UpdateStateMachineOutput{UpdateDate: Time(sm.UpdateDate), RevisionID: sm.RevisionID}
	if in.Publish {
		v, err := s.publishVersion(ctx, sm, in.VersionDescription)
		if errors.Is(err, store.ErrConflict) {
			// Another update came between this one and its publish: the revision to publish is gone.
			if cur, gerr := s.store.GetStateMachine(ctx, sm.Arn); gerr == nil {
				return nil, publishConflict(revisionOf(sm), cur)
			}
		}
		if err != nil {
			return nil, storeError(err, func() *Error { return stateMachineDoesNotExist(sm.Arn) })
		}
		out.StateMachineVersionArn = v.Arn
	}
	return out, nil
}

// DeleteStateMachine deletes a state machine with its versions and aliases; deleting one that does not exist
// succeeds, as on AWS. Its executions keep running and stay readable.
func (s *Service) DeleteStateMachine(ctx context.Context, in *DeleteStateMachineInput) (*Empty, error) {
	if err := requiredArn("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	p, err := parseArn(in.StateMachineArn, arnStateMachine)
	if err != nil {
		return nil, err
	}
	// A qualified ARN names no state machine to delete: a Distributed Map's children (AWS refuses it
	// with ValidationException), or a version or an alias, which have their own delete operations.
	switch {
	case strings.Contains(p.names[0], "/"):
		return nil, newError(CodeValidation, "Invalid Arn: a Distributed Map's state machine cannot be deleted: '%s'", in.StateMachineArn)
	case len(p.names) > 1:
		return nil, newError(CodeValidation, "Invalid Arn: '%s' names a version or an alias of a state machine; delete it with DeleteStateMachineVersion or DeleteStateMachineAlias, or give the state machine's own ARN", in.StateMachineArn)
	}
	if err := s.store.DeleteStateMachine(ctx, in.StateMachineArn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, internal(err)
	}
	return &Empty{}, nil
}

// ListStateMachines lists state machines in creation order.
func (s *Service) ListStateMachines(ctx context.Context, in *ListStateMachinesInput) (*ListStateMachinesOutput, error) {
	if err := checkPage(in.MaxResults, in.NextToken); err != nil {
		return nil, err
	}
	list, next, err := s.store.ListStateMachines(ctx, store.Page{Token: in.NextToken, Max: in.MaxResults})
	if err != nil {
		return nil, storeError(err, nil)
	}
	out := &ListStateMachinesOutput{StateMachines: make([]StateMachineListItem, len(list)), NextToken: next}
	for i, sm := range list {
		out.StateMachines[i] = StateMachineListItem{StateMachineArn: sm.Arn, Name: sm.Name, Type: sm.Type, CreationDate: Time(sm.CreationDate)}
	}
	return out, nil
}

// maxTokenLen is the longest nextToken the API takes.
const maxTokenLen = 1024

// checkPage checks a listing's maxResults and nextToken members.
func checkPage(maxResults int, token string) error {
	var v violations
	v.maxResults(maxResults, store.MaxPageSize)
	v.maxLen("nextToken", token, maxTokenLen, false)
	return v.err()
}

// maxDiagnostics is ValidateStateMachineDefinition's largest and default maxResults.
const maxDiagnostics = 100

// ValidateStateMachineDefinition reports a definition's diagnostics: errors, and warnings too when severity
// is WARNING. The location is the JSON pointer AWS names.
func (s *Service) ValidateStateMachineDefinition(_ context.Context, in *ValidateStateMachineDefinitionInput) (*ValidateStateMachineDefinitionOutput, error) {
	var v violations
	if v.required("definition", in.Definition) {
		v.maxLen("definition", in.Definition, maxDefinitionLen, false)
	}
	v.enum("type", in.Type, store.TypeStandard, store.TypeExpress)
	v.enum("severity", in.Severity, string(asl.SeverityError), string(asl.SeverityWarning))
	v.maxResults(in.MaxResults, maxDiagnostics)
	if err := v.err(); err != nil {
		return nil, err
	}
	limit := in.MaxResults
	if limit == 0 {
		limit = maxDiagnostics
	}
	_, diags := asl.Check([]byte(in.Definition), asl.Options{Type: in.Type})
	out := &ValidateStateMachineDefinitionOutput{Result: "OK", Diagnostics: []ValidationDiagnostic{}}
	if asl.HasErrors(diags) {
		out.Result = "FAIL"
	}
	for _, d := range diags {
		if d.Severity == asl.SeverityWarning && in.Severity != string(asl.SeverityWarning) {
			continue
		}
		if len(out.Diagnostics) == limit {
			out.Truncated = true
			break
		}
		out.Diagnostics = append(out.Diagnostics, ValidationDiagnostic{
			Severity: string(d.Severity), Code: d.Code, Message: d.Message, Location: d.Location(),
		})
	}
	return out, nil
}
