// Package resources runs the resources of Task states: it maps a Task to the Go handler that stands in for
// the AWS service or Lambda function it names, and gives the call the shape AWS gives it (the Lambda
// envelopes and error causes, later the embedded SQS, SNS and DynamoDB).
package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources/awscall"
)

// Handler serves Task invocations. For a Lambda function it is the function: it gets the event and returns
// what the function returns. For any other resource it gets the effective input and returns the task result.
//
// An error that is (or wraps) a *failure.Error fails the task under that name, as a Lambda function's
// errorType would (see Fail); any other error becomes States.TaskFailed.
type Handler interface {
	Handle(ctx context.Context, call *Call) (any, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, call *Call) (any, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, call *Call) (any, error) { return f(ctx, call) }

// InlineHandler is implemented by Handlers that can answer inline: at once, in process, without waiting on
// anything (I/O, the clock, a task token, another goroutine). A Task calls such a handler on its own
// goroutine, with no goroutine, context or timer of its own (interpreter.InlineInvoker), which makes a
// call several times cheaper. A handler that may wait must answer false.
type InlineHandler interface {
	Handler
	Inline() bool
}

// InlineFunc is a HandlerFunc that answers inline (InlineHandler): the stubs echo, return and throw.
type InlineFunc func(ctx context.Context, call *Call) (any, error)

// Handle calls f.
func (f InlineFunc) Handle(ctx context.Context, call *Call) (any, error) { return f(ctx, call) }

// Inline is true: f answers at once.
func (InlineFunc) Inline() bool { return true }

// stubFunc is an InlineFunc that reads no object of its input (the stubs echo, return and throw): it gets
// the input as the interpreter holds it (objects may be *value.Object), without the copy into maps that
// the other handlers get.
type stubFunc func(ctx context.Context, call *Call) (any, error)

// Handle calls f.
func (f stubFunc) Handle(ctx context.Context, call *Call) (any, error) { return f(ctx, call) }

// Inline is true: f answers at once.
func (stubFunc) Inline() bool { return true }

// inline reports whether h answers inline.
func inline(h Handler) bool {
	ih, ok := h.(InlineHandler)
	return ok && ih.Inline()
}

// Call is one invocation of a handler.
type Call struct {
	// Input is the event: the effective input of the state, or for arn:aws:states:::lambda:invoke its
	// Payload. It is shared with the execution and must not be mutated.
	Input any
	// Resource is the state's Resource ARN as written, but for a service integration ARN written with a
	// region and an account, which is given in its plain arn:aws:states::: form (asl.PlainResource).
	Resource string
	// StateName is the Task state's name.
	StateName string
	// Token is the task token of a .waitForTaskToken task.
	Token string
	// Context builds the context object ($$) as the state saw it when it called the handler, on each call:
	// a handler that does not read it costs nothing. Never nil; it gives nil when the interpreter gave none.
	Context func() map[string]any
	// ExecutionArn and StateMachineArn name the Task's execution and its state machine.
	ExecutionArn, StateMachineArn string
	// Heartbeat reports that the task is alive; never nil.
	Heartbeat func()
	// Submitted reports that a .sync job was submitted, with the submit call's response as Step Functions
	// shows it (the TaskSubmitted event); never nil.
	Submitted func(output any)
	// Clock is the execution's clock: a handler that waits must wait on it, so virtual time stays
	// consistent. Nil when the interpreter gave none.
	Clock interpreter.Clock
	// Answers takes the answer to Token: a handler may answer at once, or hand the token to a worker.
	Answers interpreter.TaskAnswers
	// Timeout is the Task's TimeoutSeconds (0 when the interpreter gave none).
	Timeout time.Duration
	// Credentials is the Task's Credentials after evaluation (nil: none), the role AWS would assume for
	// the call.
	Credentials any
}

// Registry maps Task states to handlers and implements interpreter.Invoker. It is safe for concurrent use;
// registering again under the same key replaces the earlier handler, so a handler file can be merged over
// handlers registered in Go.
//
// A Task is served by, in order: the handler bound to its state name, the handler registered for its exact
// Resource, then for a Lambda resource the handler of the function it names.
type Registry struct {
	mu        sync.RWMutex
	states    map[string]Handler
	resources map[string]Handler
	functions map[string]Handler // by bare function name: qualifiers, regions and accounts do not matter
	machines  StateMachines
	env       *Env
	objects   objectRoutes      // the Distributed Maps' S3 directions bound to real S3 (objects_aws.go)
	endpoints map[string]string // the handler files' $endpoints, by service
	aws       *awscall.Client   // built on first use (awsClient)
	// routes caches what each resource ARN, as written, says (route): parsing it again on every call cost
	// a fifth of an inline call. nroutes counts them, to bound the cache.
	routes  sync.Map
	nroutes atomic.Int64
	// lastRoute is the route given last: a chain of Tasks on one resource finds it without hashing the ARN
	// (Inline and Invoke look it up on every call).
	lastRoute atomic.Pointer[route]
	// gen counts the registrations, which change what a route's cached handlers (route.bound) would be;
	// nstates counts the handlers bound to state names, which no route caches.
	gen, nstates atomic.Int64
}

// route is what a Task's resource ARN says about serving it.
type route struct {
	// resource is the ARN as written; plain is the ARN in its plain form (asl.PlainResource).
	resource, plain string
	// legacy: a Lambda function's ARN, fn, used as the resource itself.
	legacy bool
	fn     functionRef
	// invoke: arn:aws:states:::lambda:invoke (or its .waitForTaskToken form).
	invoke bool
	// bound caches the handlers registered for the resource and its function (Registry.bound), valid while
	// no registration came after it: looking them up again on every call cost a tenth of an inline call.
	bound atomic.Pointer[boundHandlers]
}

// boundHandlers are a route's handlers as the registrations up to gen had them.
type boundHandlers struct {
	gen     int64
	res, fn Handler
}

// maxRoutes bounds Registry.routes: resources come from definitions, which a shared server takes from anyone.
const maxRoutes = 4096

// route gives the route of a resource ARN as written.
func (r *Registry) route(resource string) *route {
	if rt := r.lastRoute.Load(); rt != nil && rt.resource == resource {
		return rt
	}
	if rt, ok := r.routes.Load(resource); ok {
		r.lastRoute.Store(rt.(*route))
		return rt.(*route)
	}
	rt := &route{resource: resource, plain: asl.PlainResource(resource)}
	rt.fn, rt.legacy = legacyLambda(rt.plain)
	rt.invoke = !rt.legacy && isLambdaInvoke(rt.plain)
	if r.nroutes.Add(1) <= maxRoutes {
		r.routes.Store(resource, rt)
	}
	return rt
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		states:    map[string]Handler{},
		resources: map[string]Handler{},
		functions: map[string]Handler{},
	}
}

// Lambda registers the Lambda function named by a bare name, a partial ARN (ACCOUNT:function:NAME) or a
// full ARN; a qualifier and literal {region}/{account} placeholders are tolerated. All forms of one name
// reach the same handler. A malformed name is a programming error and panics.
func (r *Registry) Lambda(function string, h Handler) {
	fn, ok := parseFunction(function)
	if !ok {
		panic(fmt.Sprintf("resources: %q is not a Lambda function name or ARN", function))
	}
	r.register(r.functions, fn.name, h)
}

// Resource registers the handler of a resource ARN, matched exactly. A handler registered for
// arn:aws:states:::lambda:invoke replaces the whole integration: it gets the effective input and its result
// is the task result.
func (r *Registry) Resource(arn string, h Handler) {
	r.register(r.resources, asl.PlainResource(arn), h)
}

// State binds a handler to the Task state of that name, whatever its resource; this wins over every other
// binding. For a Lambda resource the handler stands in for the function (lambda:invoke still wraps its
// result in the envelope), so a lambda:invoke without FunctionName can run; for any other resource it
// replaces the service call.
func (r *Registry) State(name string, h Handler) { r.register(r.states, name, h) }

func (r *Registry) register(m map[string]Handler, key string, h Handler) {
	if h == nil {
		panic(fmt.Sprintf("resources: nil handler for %q", key))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	m[key] = h
	r.gen.Add(1)
	r.nstates.Store(int64(len(r.states)))
}

func (r *Registry) lookup(m map[string]Handler, key string) Handler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return m[key]
}

// bound is what the registry holds for a Task: the handler bound to its state, the one registered for its
// resource, and for a Lambda function's ARN used as the resource, its function's. Without handlers bound
// to states, the route's cache answers while no registration came after it; else they are looked up under
// one read lock (a lock for each table cost a tenth of an inline call).
func (r *Registry) bound(state string, rt *route) (st, res, fn Handler) {
	if b := rt.bound.Load(); b != nil && b.gen == r.gen.Load() && r.nstates.Load() == 0 {
		return nil, b.res, b.fn
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	st, res = r.states[state], r.resources[rt.plain]
	if rt.legacy {
		fn = r.functions[rt.fn.name]
	}
	rt.bound.Store(&boundHandlers{gen: r.gen.Load(), res: res, fn: fn})
	return st, res, fn
}

// Invoke runs the Task's resource.
func (r *Registry) Invoke(ctx context.Context, req *interpreter.TaskRequest) (any, error) {
	rt := r.route(req.Resource)
	resource := rt.plain
	call := &Call{
		Input:        req.Input,
		Resource:     resource,
		StateName:    req.StateName,
		Token:        req.Token,
		Context:      req.Context,
		ExecutionArn: req.ExecutionArn, StateMachineArn: req.StateMachineArn,
		Heartbeat:   req.Heartbeat,
		Clock:       req.Clock,
		Answers:     req.Answers,
		Timeout:     req.Timeout,
		Credentials: req.Credentials,
	}
	if call.Heartbeat == nil {
		call.Heartbeat = func() {}
	}
	if call.Submitted = req.Submitted; call.Submitted == nil {
		call.Submitted = func(any) {}
	}
	if call.Context == nil {
		call.Context = noContext
	} else {
		context := req.Context
		call.Context = func() map[string]any { return value.Plain(context()).(map[string]any) }
	}
	state, res, fn := r.bound(req.StateName, rt)
	// The resources read objects as maps, but for the stubs.
	if _, stub := direct(rt, state, res, fn).(stubFunc); !stub {
		call.Input = value.Plain(req.Input)
	}
	if state == nil && res != nil {
		return invokeRaw(ctx, res, call)
	}
	if rt.legacy {
		return r.invokeLegacy(ctx, state, fn, rt.fn, call)
	}
	if rt.invoke {
		return r.invokeService(ctx, state, call)
	}
	if state != nil {
		return invokeRaw(ctx, state, call)
	}
	if out, ok, err := r.invokeBound(ctx, call); ok {
		return out, err
	}
	if out, ok, err := r.invokeServices(ctx, call); ok {
		return out, err
	}
	if resource == httpInvoke {
		return invokeHTTP(ctx, call, r.environment().httpClient())
	}
	if pattern, ok := startExecutionPattern(resource); ok {
		return r.invokeStartExecution(ctx, pattern, call)
	}
	if t, ok := parseAWSTarget(resource); ok || strings.HasPrefix(resource, "arn:aws:states:::aws-sdk:") {
		return nil, unbound(resource, req.StateName, t, ok)
	}
	// A local emulator cannot call a service it has no handler for. AWS would make the call and the service
	// would fail it, which a Catch sees as a task failure, so this is one too (and States.ALL catches it).
	return nil, failure.New(failure.TaskFailed, fmt.Sprintf("no handler for the resource %q of the state %q: %s",
		resource, req.StateName, bindHint(resource, req.StateName)))
}

// direct is the handler that Invoke hands the call to as it is (invokeRaw), if any: by the order of
// Invoke's cases.
func direct(rt *route, state, res, fn Handler) Handler {
	switch {
	case state == nil && res != nil:
		return res
	case rt.legacy && state != nil:
		return state
	case rt.legacy:
		return fn
	case rt.invoke:
		return nil
	}
	return state
}

// unbound fails a call of an AWS service that nothing serves: no handler, no endpoint bound to the service,
// no embedded emulation. It is a States.Runtime failure, which no Catch of States.ALL hides: the run is
// missing a binding, which is no failure of the service.
func unbound(resource, state string, t awsTarget, callable bool) error {
	svc := t.service
	if !callable {
		rest := strings.TrimPrefix(resource, "arn:aws:states:::aws-sdk:")
		svc, _, _ = strings.Cut(rest, ":")
		known := "aslrun's generic call path cannot build this call (it calls the services " + strings.Join(awscall.Names(), ", ") +
			", and of REST APIs only the actions of its table), so an endpoint will not do: "
		return failure.New(failure.Runtime, fmt.Sprintf("The state '%s' calls %s, which no handler serves; %s%s",
			state, resource, known, bindHint(resource, state)))
	}
	if t.pattern == ".sync" && !SyncJob(resource) {
		return failure.New(failure.Runtime, fmt.Sprintf("The state '%s' calls %s, which no handler serves: %s",
			state, resource, bindHint(resource, state)))
	}
	env := "AWS_ENDPOINT_URL"
	if api, ok := awscall.Lookup(svc); ok {
		env += "_" + api.EnvID
	}
	return failure.New(failure.Runtime, fmt.Sprintf("The state '%s' calls %s, which no handler, endpoint or embedded service serves: "+
		"%s; or bind the service %s to an endpoint that answers its API (\"$endpoints\": {\"%s\": URL} in the handler file, "+
		"--endpoint %s=URL, or %s); or call AWS itself with {\"aws\": true} under the key %q",
		state, resource, bindHint(resource, state), svc, svc, svc, env, resource))
}

// noContext is the Context of a call whose request gave none.
func noContext() map[string]any { return nil }

// Inline reports whether the handler that serves req answers inline (interpreter.InlineInvoker): the
// interpreter then calls Invoke on the Task's own goroutine.
func (r *Registry) Inline(req *interpreter.TaskRequest) bool {
	return inline(r.handler(req))
}

// handler is the Handler that Invoke calls for req, or nil when Invoke serves req otherwise: with an
// embedded service, a Lambda endpoint, an HTTP Task or a nested execution.
func (r *Registry) handler(req *interpreter.TaskRequest) Handler {
	rt := r.route(req.Resource)
	state, res, fn := r.bound(req.StateName, rt)
	switch {
	case state != nil:
		return state
	case res != nil:
		return res
	case rt.legacy:
		return fn
	}
	if rt.invoke {
		fname, _ := value.Field(req.Input, "FunctionName")
		name, _ := fname.(string)
		if fn, ok := parseFunction(name); ok {
			return r.lookup(r.functions, fn.name)
		}
	}
	return nil
}

// bindHint says how to bind a handler to a Task: under the keys of a handler file that would serve it.
// The resource itself is offered only when a handler file reads it as that resource (a resource that is
// no ARN, say "fn", would bind a Lambda function instead, which does not serve it).
func bindHint(resource, state string) string {
	keys := fmt.Sprintf("%q", "state:"+state)
	if b, err := bindingOf(resource); err == nil && b.table == "resource" {
		keys = fmt.Sprintf("%q or %s", resource, keys)
	}
	hint := "bind one under the key " + keys + " in a handler file (--handlers FILE, or NAME.handlers.json " +
		"beside NAME.asl.json; README: Handler files)"
	if SyncJob(resource) {
		hint += `; {"sync": {"submit": RESPONSE, "status": [RESPONSE, ...]}} answers this .sync job's calls`
	}
	return hint
}

// Binds reports whether a handler is bound to the state's name or registered for the exact resource: an
// activity Task then runs that handler instead of waiting for a GetActivityTask worker (interpreter.Binder).
func (r *Registry) Binds(resource, state string) bool {
	return r.lookup(r.states, state) != nil || r.lookup(r.resources, asl.PlainResource(resource)) != nil
}

// invokeRaw runs a handler whose result is the task result as it is.
func invokeRaw(ctx context.Context, h Handler, call *Call) (any, error) {
	out, err := h.Handle(ctx, call)
	if err != nil {
		return nil, err
	}
	return normalise(out)
}

// normalise turns a handler's result into the generic values the interpreter works on. Handlers written in
// Go may return structs, ints or typed maps; like a Lambda runtime, these go through JSON (encoding/json,
// so json tags apply). Results that already are generic values are returned as they are.
func normalise(v any) (any, error) {
	if generic(v) {
		return v, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("the handler returned a value that cannot be serialised to JSON: %w", err)
	}
	return source.DecodePlain(b)
}

// generic reports whether v is made of the values source.Decode gives (json.Number for numbers that fit
// neither int64 nor float64), objects of either form.
func generic(v any) bool {
	switch t := v.(type) {
	case nil, bool, int64, float64, json.Number, string:
		return true
	case []any:
		for _, e := range t {
			if !generic(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range t {
			if !generic(e) {
				return false
			}
		}
		return true
	case *value.Object:
		for _, m := range t.Members() {
			if !generic(m.Value) {
				return false
			}
		}
		return true
	}
	return false
}
