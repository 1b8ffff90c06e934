package service

import (
	"context"
	"errors"
	"strings"

	"github.com/aslrun/aslrun/server/store"
)

// Versions: immutable, numbered snapshots of a state machine's revision (PublishStateMachineVersion, or
// publish on CreateStateMachine and UpdateStateMachine), which StartExecution runs when named by their ARN,
// the state machine's ARN with ":" and the number.

// maxVersionDescriptionLen bounds the description of a version or an alias.
const maxVersionDescriptionLen = 256

// initialRevision is the revisionId that stands for a state machine's first revision, which has no ID.
const initialRevision = "INITIAL"

type PublishStateMachineVersionInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	RevisionID      string `json:"revisionId"`
	Description     string `json:"description"`
}

type PublishStateMachineVersionOutput struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	CreationDate           Time   `json:"creationDate"`
}

type ListStateMachineVersionsInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	MaxResults      int    `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

type StateMachineVersionListItem struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	CreationDate           Time   `json:"creationDate"`
}

type ListStateMachineVersionsOutput struct {
	StateMachineVersions []StateMachineVersionListItem `json:"stateMachineVersions"`
	NextToken            string                        `json:"nextToken,omitempty"`
}

type DeleteStateMachineVersionInput struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
}

// machineRef is a state machine ARN as StartExecution, DescribeStateMachine and ListExecutions take it:
// the state machine's, qualified by a version number or an alias name, or not.
type machineRef struct {
	// machine is the unqualified ARN; version or alias is the whole ARN when it names one ("" otherwise).
	machine, version, alias string
}

// parseMachineRef reads a state machine ARN, qualified or not. A qualifier of digits only is a version
// number: alias names must hold another character, so that they cannot be mistaken for one.
func parseMachineRef(arn string) (machineRef, error) {
	p, err := parseArn(arn, arnStateMachine)
	if err != nil {
		return machineRef{}, err
	}
	if len(p.names) == 1 {
		return machineRef{machine: arn}, nil
	}
	ref := machineRef{machine: arn[:strings.LastIndexByte(arn, ':')]}
	if digits(p.names[1]) {
		ref.version = arn
	} else {
		ref.alias = arn
	}
	return ref, nil
}

func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// getVersion loads a version; one that does not exist is notFound's error.
func (s *Service) getVersion(ctx context.Context, arn string, notFound func() *Error) (*store.StateMachineVersion, error) {
	v, err := s.store.GetStateMachineVersion(ctx, arn)
	if err != nil {
		return nil, storeError(err, notFound)
	}
	return v, nil
}

// versionMachine is what running a version needs of it: its definition, under its own ARN in the cache of
// programs, and the state machine's type.
func versionMachine(sm *store.StateMachine, v *store.StateMachineVersion) *store.StateMachine {
	return &store.StateMachine{Arn: v.Arn, Name: sm.Name, Type: sm.Type, Definition: v.Definition, RoleArn: v.RoleArn,
		Status: sm.Status, CreationDate: v.CreationDate, RevisionID: v.RevisionID,
		LoggingConfiguration: v.LoggingConfiguration, TracingConfiguration: v.TracingConfiguration}
}

// PublishStateMachineVersion publishes the state machine's current revision as a version; when a version of
// that revision exists already, it answers with that one, as AWS does.
func (s *Service) PublishStateMachineVersion(ctx context.Context, in *PublishStateMachineVersionInput) (*PublishStateMachineVersionOutput, error) {
	var v violations
	if v.required("stateMachineArn", in.StateMachineArn) {
		v.maxLen("stateMachineArn", in.StateMachineArn, maxArnLen, true)
	}
	v.maxLen("description", in.Description, maxVersionDescriptionLen, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	// An update between the read and the publish moves the revision on: publish the new one, unless the
	// caller asked for the one it knew.
	for attempt := 0; ; attempt++ {
		sm, err := s.getStateMachine(ctx, in.StateMachineArn)
		if err != nil {
			return nil, err
		}
		if in.RevisionID != "" && in.RevisionID != revisionOf(sm) {
			return nil, publishConflict(in.RevisionID, sm)
		}
		ver, err := s.publishVersion(ctx, sm, in.Description)
		if errors.Is(err, store.ErrConflict) && attempt < 5 {
			continue // the next read sees the new revision, and compares it with the one asked for
		}
		if err != nil {
			return nil, storeError(err, func() *Error { return stateMachineDoesNotExist(in.StateMachineArn) })
		}
		return &PublishStateMachineVersionOutput{StateMachineVersionArn: ver.Arn, CreationDate: Time(ver.CreationDate)}, nil
	}
}

// revisionOf is the revisionId PublishStateMachineVersion compares with: INITIAL for a state machine never
// updated, whose revision has no ID.
func revisionOf(sm *store.StateMachine) string {
	if sm.RevisionID == "" {
		return initialRevision
	}
	return sm.RevisionID
}

// publishConflict is AWS's answer to a revisionId that is not the current one. (AWS's text for a state
// machine whose revision has no ID is not known; INITIAL, which names it in requests, names it here.)
func publishConflict(asked string, sm *store.StateMachine) *Error {
	return newError(CodeConflict, "Failed to publish the State Machine version for revision %s. The current State Machine revision is %s.",
		asked, revisionOf(sm))
}

// publishVersion publishes the revision sm holds, or returns the version of it that exists. ErrConflict when the
// state machine is no longer at that revision.
func (s *Service) publishVersion(ctx context.Context, sm *store.StateMachine, description string) (*store.StateMachineVersion, error) {
	n, err := countAll(func(p store.Page) (int, string, error) {
		list, next, err := s.store.ListStateMachineVersions(ctx, sm.Arn, p)
		return len(list), next, err
	}, maxVersions)
	if err != nil {
		return nil, err
	}
	if n >= maxVersions {
		return nil, newError(CodeServiceQuotaExceeded, "The state machine %s has %d versions, the most allowed: delete some with DeleteStateMachineVersion", sm.Arn, maxVersions)
	}
	ver, err := s.store.PublishStateMachineVersion(ctx, &store.StateMachineVersion{
		StateMachineArn: sm.Arn, Description: description, Definition: sm.Definition, RoleArn: sm.RoleArn,
		RevisionID: sm.RevisionID, CreationDate: s.now(),
		LoggingConfiguration: sm.LoggingConfiguration, TracingConfiguration: sm.TracingConfiguration,
	})
	if errors.Is(err, store.ErrExists) {
		return ver, nil
	}
	return ver, err
}

// checkVersionDescription refuses a versionDescription without publish, as CreateStateMachine and
// UpdateStateMachine do.
func checkVersionDescription(publish bool, description string) error {
	if description != "" && !publish {
		return newError(CodeValidation, "Version description can only be set when publish is true")
	}
	return nil
}

// ListStateMachineVersions lists a state machine's versions, newest first. A state machine that does not
// exist has none: AWS names no StateMachineDoesNotExist for this operation.
func (s *Service) ListStateMachineVersions(ctx context.Context, in *ListStateMachineVersionsInput) (*ListStateMachineVersionsOutput, error) {
	if err := requiredArn("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	if err := checkPage(in.MaxResults, in.NextToken); err != nil {
		return nil, err
	}
	if _, err := parseArn(in.StateMachineArn, arnStateMachine); err != nil {
		return nil, err
	}
	list, next, err := s.store.ListStateMachineVersions(ctx, in.StateMachineArn, store.Page{Token: in.NextToken, Max: in.MaxResults})
	if err != nil {
		return nil, storeError(err, nil)
	}
	out := &ListStateMachineVersionsOutput{StateMachineVersions: make([]StateMachineVersionListItem, len(list)), NextToken: next}
	for i, v := range list {
		out.StateMachineVersions[i] = StateMachineVersionListItem{StateMachineVersionArn: v.Arn, CreationDate: Time(v.CreationDate)}
	}
	return out, nil
}

// DeleteStateMachineVersion deletes a version, unless an alias routes to it; deleting one that does not
// exist succeeds, as on AWS. Its executions keep running and stay readable.
func (s *Service) DeleteStateMachineVersion(ctx context.Context, in *DeleteStateMachineVersionInput) (*Empty, error) {
	if err := requiredArn("stateMachineVersionArn", in.StateMachineVersionArn); err != nil {
		return nil, err
	}
	ref, err := parseMachineRef(in.StateMachineVersionArn)
	if err != nil {
		return nil, err
	}
	if ref.version == "" {
		// AWS's text for a version ARN that names none is not known.
		return nil, newError(CodeInvalidArn, "Invalid Arn: 'Not a state machine version ARN: %s'", in.StateMachineVersionArn)
	}
	err = s.store.DeleteStateMachineVersion(ctx, ref.version)
	if errors.Is(err, store.ErrConflict) {
		aliases, _, lerr := s.store.ListStateMachineAliases(ctx, ref.machine, ref.version, store.Page{Max: store.MaxPageSize})
		if lerr != nil {
			return nil, internal(lerr)
		}
		names := make([]string, len(aliases))
		for i, a := range aliases {
			names[i] = a.Name
		}
		return nil, newError(CodeConflict, "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [%s]",
			strings.Join(names, ", "))
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, internal(err)
	}
	return &Empty{}, nil
}

// describeVersion is DescribeStateMachine of a version ARN: the version's definition and configuration under
// the state machine's name, type and status.
func (s *Service) describeVersion(ctx context.Context, ref machineRef) (*DescribeStateMachineOutput, error) {
	notFound := func() *Error { return stateMachineDoesNotExist(ref.version) }
	ver, err := s.getVersion(ctx, ref.version, notFound)
	if err != nil {
		return nil, err
	}
	sm, err := s.store.GetStateMachine(ctx, ref.machine)
	if err != nil {
		return nil, storeError(err, notFound)
	}
	return &DescribeStateMachineOutput{
		StateMachineArn: ver.Arn, Name: sm.Name, Status: sm.Status, Definition: ver.Definition, RoleArn: ver.RoleArn,
		Type: sm.Type, CreationDate: Time(ver.CreationDate), LoggingConfiguration: ver.LoggingConfiguration,
		TracingConfiguration: ver.TracingConfiguration, RevisionID: ver.RevisionID, Description: ver.Description,
	}, nil
}

// AWS's quotas on a state machine's versions and aliases.
const (
	maxVersions = 1000
	maxAliases  = 100
)

// countAll counts what list pages through, up to limit.
func countAll(list func(store.Page) (int, string, error), limit int) (int, error) {
	n, token := 0, ""
	for n < limit {
		got, next, err := list(store.Page{Token: token, Max: store.MaxPageSize})
		if err != nil {
			return 0, err
		}
		n += got
		if token = next; token == "" {
			break
		}
	}
	return n, nil
}
