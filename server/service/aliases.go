package service

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"

	"github.com/aslrun/aslrun/server/store"
)

// Aliases: a name for one or two versions of a state machine (its ARN, ":" and the name), between which
// StartExecution picks by weight.

// Limits of aliases, as the API defines them.
const (
	maxAliasNameLen = 80
	maxRoutes       = 2
	maxWeight       = 100
)

type RoutingConfigurationListItem struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	Weight                 int64  `json:"weight"`
}

type CreateStateMachineAliasInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// RoutingConfiguration is nil when absent, empty when the request sent [].
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
}

type CreateStateMachineAliasOutput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         Time   `json:"creationDate"`
}

type StateMachineAliasInput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
}

type DescribeStateMachineAliasOutput struct {
	StateMachineAliasArn string                         `json:"stateMachineAliasArn"`
	Name                 string                         `json:"name"`
	Description          string                         `json:"description,omitempty"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
	CreationDate         Time                           `json:"creationDate"`
	UpdateDate           Time                           `json:"updateDate"`
}

type UpdateStateMachineAliasInput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	// Description is nil when absent: the alias keeps its own.
	Description *string `json:"description"`
	// RoutingConfiguration is nil when absent.
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration"`
}

type UpdateStateMachineAliasOutput struct {
	UpdateDate Time `json:"updateDate"`
}

type ListStateMachineAliasesInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	MaxResults      int    `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

type StateMachineAliasListItem struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         Time   `json:"creationDate"`
}

type ListStateMachineAliasesOutput struct {
	StateMachineAliases []StateMachineAliasListItem `json:"stateMachineAliases"`
	NextToken           string                      `json:"nextToken,omitempty"`
}

func aliasNotFound() *Error {
	return newError(CodeResourceNotFound, "Request references a resource that does not exist.")
}

// validAliasName applies the API's pattern for alias names, ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$: letters,
// digits, _ - and ., and not digits only, so that a name never reads as a version number.
func validAliasName(name string) bool {
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return !digits(name)
}

// checkRouting checks a routing configuration's members, as the API's model constrains them.
func checkRouting(v *violations, routes []RoutingConfigurationListItem) {
	if routes == nil {
		v.add("Value null at 'routingConfiguration' failed to satisfy constraint: Member must not be null")
		return
	}
	if len(routes) == 0 || len(routes) > maxRoutes {
		items := make([]string, len(routes))
		for i, r := range routes {
			items[i] = fmt.Sprintf("RoutingConfigurationListItem(stateMachineVersionArn=%s, weight=%d)", r.StateMachineVersionArn, r.Weight)
		}
		bound := "less than or equal to 2"
		if len(routes) == 0 {
			bound = "greater than or equal to 1"
		}
		v.add("Value '[%s]' at 'routingConfiguration' failed to satisfy constraint: Member must have length %s", strings.Join(items, ", "), bound)
	}
	for i, r := range routes {
		at := fmt.Sprintf("routingConfiguration.%d.member.", i+1)
		if v.required(at+"stateMachineVersionArn", r.StateMachineVersionArn) {
			v.maxLen(at+"stateMachineVersionArn", r.StateMachineVersionArn, maxArnLen, true)
		}
		switch {
		case r.Weight < 0:
			v.add("Value '%d' at '%sweight' failed to satisfy constraint: Member must have value greater than or equal to 0", r.Weight, at)
		case r.Weight > maxWeight:
			v.add("Value '%d' at '%sweight' failed to satisfy constraint: Member must have value less than or equal to %d", r.Weight, at, maxWeight)
		}
	}
}

// routing turns a routing configuration that passed checkRouting into the store's routes, after AWS's
// checks of its meaning: distinct version ARNs, of versions, of one state machine (whose ARN it returns),
// weights summing to 100.
func routing(routes []RoutingConfigurationListItem) (string, []store.Route, error) {
	arns := make([]string, len(routes))
	weights := make([]string, len(routes))
	var sum int64
	for i, r := range routes {
		arns[i], weights[i] = r.StateMachineVersionArn, fmt.Sprint(r.Weight)
		sum += r.Weight
	}
	received := "[" + strings.Join(arns, ", ") + "]"
	if len(routes) == 2 && arns[0] == arns[1] {
		return "", nil, newError(CodeValidation, "Routing configuration must contain distinct state machine version ARNs. Received: %s", received)
	}
	machine := ""
	out := make([]store.Route, len(routes))
	for i, r := range routes {
		ref, err := parseMachineRef(r.StateMachineVersionArn)
		if err != nil || ref.version == "" {
			return "", nil, newError(CodeValidation, "Routing configuration must contain state machine version ARNs. Received: %s", received)
		}
		if machine != "" && ref.machine != machine {
			return "", nil, versionsOfOneMachine(received)
		}
		machine = ref.machine
		out[i] = store.Route{VersionArn: r.StateMachineVersionArn, Weight: r.Weight}
	}
	if sum != maxWeight {
		return "", nil, newError(CodeValidation, "Sum of routing configuration weights must equal 100. Received: [%s]", strings.Join(weights, ", "))
	}
	return machine, out, nil
}

// versionsOfOneMachine refuses versions of two state machines. (AWS's text for it is not known.)
func versionsOfOneMachine(received string) *Error {
	return newError(CodeValidation, "Routing configuration must contain versions of the same state machine. Received: %s", received)
}

// routingError maps the store's refusals of an alias's routes: a version that does not exist, or that
// belongs to another state machine.
func routingError(err error, a *store.StateMachineAlias) error {
	if errors.Is(err, store.ErrInvalid) {
		return versionsOfOneMachine("[" + routeArns(a.Routing) + "]")
	}
	return storeError(err, aliasNotFound)
}

func routingOut(routes []store.Route) []RoutingConfigurationListItem {
	out := make([]RoutingConfigurationListItem, len(routes))
	for i, r := range routes {
		out[i] = RoutingConfigurationListItem{StateMachineVersionArn: r.VersionArn, Weight: r.Weight}
	}
	return out
}

// sameRouting compares routing configurations whatever their order.
func sameRouting(a, b []store.Route) bool {
	weights := func(routes []store.Route) map[string]int64 {
		m := map[string]int64{}
		for _, r := range routes {
			m[r.VersionArn] = r.Weight
		}
		return m
	}
	return len(a) == len(b) && maps.Equal(weights(a), weights(b))
}

// CreateStateMachineAlias creates an alias of the state machine its versions belong to. Creating it again
// with the same description and routing answers with the existing alias, as AWS does.
func (s *Service) CreateStateMachineAlias(ctx context.Context, in *CreateStateMachineAliasInput) (*CreateStateMachineAliasOutput, error) {
	var v violations
	if v.required("name", in.Name) {
		v.maxLen("name", in.Name, maxAliasNameLen, true)
		if !validAliasName(in.Name) {
			v.add(`Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$`, in.Name)
		}
	}
	v.maxLen("description", in.Description, maxVersionDescriptionLen, false)
	checkRouting(&v, in.RoutingConfiguration)
	if err := v.err(); err != nil {
		return nil, err
	}
	machine, routes, err := routing(in.RoutingConfiguration)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a := &store.StateMachineAlias{Arn: machine + ":" + in.Name, StateMachineArn: machine, Name: in.Name, Description: in.Description,
		Routing: routes, CreationDate: now, UpdateDate: now}
	n, err := countAll(func(p store.Page) (int, string, error) {
		list, next, err := s.store.ListStateMachineAliases(ctx, machine, "", p)
		return len(list), next, err
	}, maxAliases)
	if err != nil {
		return nil, internal(err)
	}
	if n >= maxAliases {
		if _, err := s.store.GetStateMachineAlias(ctx, a.Arn); err != nil { // a repeat of one that exists is no new alias
			return nil, newError(CodeServiceQuotaExceeded, "The state machine %s has %d aliases, the most allowed: delete some with DeleteStateMachineAlias", machine, maxAliases)
		}
	}
	stored, err := s.store.CreateStateMachineAlias(ctx, a)
	if errors.Is(err, store.ErrExists) && stored != nil {
		if stored.Description == a.Description && sameRouting(stored.Routing, a.Routing) {
			return &CreateStateMachineAliasOutput{StateMachineAliasArn: stored.Arn, CreationDate: Time(stored.CreationDate)}, nil
		}
		// AWS says "routing configuration" whichever of the two differs.
		return nil, newError(CodeConflict, "Failed to create alias because an alias with the same name and a different routing configuration already exists.")
	}
	if err != nil {
		return nil, routingError(err, a)
	}
	return &CreateStateMachineAliasOutput{StateMachineAliasArn: stored.Arn, CreationDate: Time(stored.CreationDate)}, nil
}

// aliasArn checks an alias ARN member.
func aliasArn(field, arn string) (machineRef, error) {
	if err := requiredArn(field, arn); err != nil {
		return machineRef{}, err
	}
	ref, err := parseMachineRef(arn)
	if err != nil {
		return machineRef{}, err
	}
	if ref.alias == "" {
		// AWS's text for an alias ARN that names none is not known.
		return machineRef{}, newError(CodeInvalidArn, "Invalid Arn: 'Not a state machine alias ARN: %s'", arn)
	}
	return ref, nil
}

// DescribeStateMachineAlias describes an alias.
func (s *Service) DescribeStateMachineAlias(ctx context.Context, in *StateMachineAliasInput) (*DescribeStateMachineAliasOutput, error) {
	if _, err := aliasArn("stateMachineAliasArn", in.StateMachineAliasArn); err != nil {
		return nil, err
	}
	a, err := s.store.GetStateMachineAlias(ctx, in.StateMachineAliasArn)
	if err != nil {
		return nil, storeError(err, aliasNotFound)
	}
	return &DescribeStateMachineAliasOutput{
		StateMachineAliasArn: a.Arn, Name: a.Name, Description: a.Description, RoutingConfiguration: routingOut(a.Routing),
		CreationDate: Time(a.CreationDate), UpdateDate: Time(a.UpdateDate),
	}, nil
}

// UpdateStateMachineAlias changes an alias's description or routing.
func (s *Service) UpdateStateMachineAlias(ctx context.Context, in *UpdateStateMachineAliasInput) (*UpdateStateMachineAliasOutput, error) {
	var v violations
	if v.required("stateMachineAliasArn", in.StateMachineAliasArn) {
		v.maxLen("stateMachineAliasArn", in.StateMachineAliasArn, maxArnLen, true)
	}
	if in.Description != nil {
		v.maxLen("description", *in.Description, maxVersionDescriptionLen, false)
	}
	if in.RoutingConfiguration != nil {
		checkRouting(&v, in.RoutingConfiguration)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	ref, err := aliasArn("stateMachineAliasArn", in.StateMachineAliasArn)
	if err != nil {
		return nil, err
	}
	if in.Description == nil && in.RoutingConfiguration == nil {
		// AWS answers ValidationException (its text is not known): MissingRequiredParameter is not among this
		// operation's errors.
		return nil, newError(CodeValidation, "Either the description or the RoutingConfiguration must be specified")
	}
	a, err := s.store.GetStateMachineAlias(ctx, in.StateMachineAliasArn)
	if err != nil {
		return nil, storeError(err, aliasNotFound)
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if in.RoutingConfiguration != nil {
		machine, routes, err := routing(in.RoutingConfiguration)
		if err != nil {
			return nil, err
		}
		if machine != ref.machine {
			return nil, versionsOfOneMachine("[" + routeArns(routes) + "]")
		}
		a.Routing = routes
	}
	a.UpdateDate = s.now()
	if err := s.store.UpdateStateMachineAlias(ctx, a); err != nil {
		return nil, routingError(err, a)
	}
	return &UpdateStateMachineAliasOutput{UpdateDate: Time(a.UpdateDate)}, nil
}

func routeArns(routes []store.Route) string {
	arns := make([]string, len(routes))
	for i, r := range routes {
		arns[i] = r.VersionArn
	}
	return strings.Join(arns, ", ")
}

// DeleteStateMachineAlias deletes an alias; deleting one that does not exist succeeds, as on AWS. Its
// versions stay.
func (s *Service) DeleteStateMachineAlias(ctx context.Context, in *StateMachineAliasInput) (*Empty, error) {
	if _, err := aliasArn("stateMachineAliasArn", in.StateMachineAliasArn); err != nil {
		return nil, err
	}
	if err := s.store.DeleteStateMachineAlias(ctx, in.StateMachineAliasArn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, internal(err)
	}
	return &Empty{}, nil
}

// ListStateMachineAliases lists a state machine's aliases in creation order (AWS's documentation says newest
// first, but AWS itself answered oldest first), or, for a version ARN, the aliases that route to it.
func (s *Service) ListStateMachineAliases(ctx context.Context, in *ListStateMachineAliasesInput) (*ListStateMachineAliasesOutput, error) {
	if err := requiredArn("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	if err := checkPage(in.MaxResults, in.NextToken); err != nil {
		return nil, err
	}
	ref, err := parseMachineRef(in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	switch {
	case ref.alias != "":
		return nil, newError(CodeInvalidArn, "Invalid Arn: 'Not a state machine or state machine version ARN: %s'", in.StateMachineArn)
	case ref.version != "":
		if _, err := s.getVersion(ctx, ref.version, aliasNotFound); err != nil {
			return nil, err
		}
	default:
		if _, err := s.getStateMachine(ctx, ref.machine); err != nil {
			return nil, err
		}
	}
	list, next, err := s.store.ListStateMachineAliases(ctx, ref.machine, ref.version, store.Page{Token: in.NextToken, Max: in.MaxResults})
	if err != nil {
		return nil, storeError(err, nil)
	}
	out := &ListStateMachineAliasesOutput{StateMachineAliases: make([]StateMachineAliasListItem, len(list)), NextToken: next}
	for i, a := range list {
		out.StateMachineAliases[i] = StateMachineAliasListItem{StateMachineAliasArn: a.Arn, CreationDate: Time(a.CreationDate)}
	}
	return out, nil
}

// route picks the version an execution through an alias runs: each route's weight is its chance in 100.
func (s *Service) route(routes []store.Route) string {
	n := s.intN(maxWeight)
	for _, r := range routes {
		if n < r.Weight {
			return r.VersionArn
		}
		n -= r.Weight
	}
	return routes[len(routes)-1].VersionArn // unreachable with weights summing to 100, as routing makes them
}

// intN draws from Options.Rand, or from math/rand's own source when there is none.
func (s *Service) intN(n int64) int64 {
	if s.rnd == nil {
		return rand.Int64N(n)
	}
	s.rndMu.Lock()
	defer s.rndMu.Unlock()
	return s.rnd.Int64N(n)
}
