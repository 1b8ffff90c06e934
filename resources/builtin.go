package resources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources/sqs"
)

// Env is what built-in handlers and workers work with: the embedded services, where their workers answer
// task tokens (the control plane, once it runs), and the run's clock; and what HTTP Tasks and http stubs
// call through.
type Env struct {
	Services *Services
	Answers  interpreter.TaskAnswers
	Clock    interpreter.Clock
	// HTTPClient makes the calls of HTTP Tasks (arn:aws:states:::http:invoke) and http stubs; nil is
	// http.DefaultClient. A shared server gives one that refuses internal destinations (egress.Policy).
	HTTPClient *http.Client
	// Endpoints route what no handler serves to services at other endpoints; nil routes nothing.
	Endpoints *Endpoints
}

// httpClient is env's HTTP client, the default one when env or its client is nil.
func (env *Env) httpClient() *http.Client {
	if env == nil || env.HTTPClient == nil {
		return http.DefaultClient
	}
	return env.HTTPClient
}

// Worker consumes the messages of an SQS queue of the embedded services, as a worker process would.
type Worker func(ctx context.Context, m sqs.Message) error

var builtins = struct {
	sync.RWMutex
	handlers map[string]func(*Env) Handler
	workers  map[string]func(*Env) Worker
}{handlers: map[string]func(*Env) Handler{}, workers: map[string]func(*Env) Worker{}}

// RegisterBuiltin makes a Go handler available to handler files as {"builtin": name}. build is called once
// per registry that binds it, with that registry's Env. Registering a name twice panics: names are global.
func RegisterBuiltin(name string, build func(*Env) Handler) {
	builtins.Lock()
	defer builtins.Unlock()
	if _, dup := builtins.handlers[name]; dup {
		panic("resources: builtin " + name + " registered twice")
	}
	builtins.handlers[name] = build
}

// RegisterWorker makes a Go queue worker available to handler files as {"queue": Q, "builtin": name} in
// their "$workers" list.
func RegisterWorker(name string, build func(*Env) Worker) {
	builtins.Lock()
	defer builtins.Unlock()
	if _, dup := builtins.workers[name]; dup {
		panic("resources: builtin worker " + name + " registered twice")
	}
	builtins.workers[name] = build
}

// Builtins lists the registered built-in handlers and workers by name.
func Builtins() (handlers, workers []string) {
	builtins.RLock()
	defer builtins.RUnlock()
	return sortedKeys(builtins.handlers), sortedKeys(builtins.workers)
}

func builtinHandler(name string, env *Env) (Handler, error) {
	builtins.RLock()
	build, ok := builtins.handlers[name]
	builtins.RUnlock()
	if !ok {
		h, _ := Builtins()
		return nil, fmt.Errorf("no built-in handler %q (there are: %v)", name, h)
	}
	return build(env), nil
}

func builtinWorker(name string, env *Env) (Worker, error) {
	builtins.RLock()
	build, ok := builtins.workers[name]
	builtins.RUnlock()
	if !ok {
		_, w := Builtins()
		return nil, fmt.Errorf("no built-in worker %q (there are: %v)", name, w)
	}
	return build(env), nil
}

// addSpecial applies a handler file's own settings: "$fixtures", a fixtures file (relative to the handler
// file) seeding the embedded services, and "$workers", built-in workers consuming SQS queues:
//
//	"$workers": [{"queue": "couriers", "builtin": "checkout/courierWorker"}]
func (r *Registry) addSpecial(special map[string]any, dir string) error {
	if len(special) == 0 {
		return nil
	}
	env := r.environment()
	if env == nil || env.Services == nil {
		return errors.New(`"$fixtures" and "$workers" need the embedded services (Registry.UseEnv)`)
	}
	type subscription struct {
		queue  string
		worker Worker
	}
	var subs []subscription
	for k, v := range special {
		switch k {
		case "$fixtures":
		case "$workers":
			list, ok := v.([]any)
			if !ok {
				return errors.New(`"$workers" must be a list of {"queue": Q, "builtin": NAME}`)
			}
			for i, e := range list {
				w, _ := e.(map[string]any)
				queue, okQ := w["queue"].(string)
				name, okB := w["builtin"].(string)
				if !okQ || !okB || len(w) != 2 {
					return fmt.Errorf(`"$workers"[%d] must be {"queue": Q, "builtin": NAME}`, i)
				}
				worker, err := builtinWorker(name, env)
				if err != nil {
					return fmt.Errorf(`"$workers"[%d]: %w`, i, err)
				}
				subs = append(subs, subscription{queue, guarded(name, queue, env, worker)})
			}
		default:
			return fmt.Errorf(`unknown setting %q (the settings are "$endpoints", "$fixtures" and "$workers")`, k)
		}
	}
	if v, ok := special["$fixtures"]; ok {
		path, ok := v.(string)
		if !ok {
			return errors.New(`"$fixtures" must be the path of a fixtures file`)
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		if err := env.Services.LoadFixtures(path); err != nil {
			return err
		}
	}
	for _, s := range subs {
		env.Services.SQS.Subscribe(s.queue, s.worker)
	}
	return nil
}

// guarded runs a worker so that its panic fails the Tasks waiting for the tokens its message carries, with
// States.TaskFailed and a cause naming the worker, instead of leaving them waiting for their timeout (the
// queue keeps the message with the error, as it does for any worker error).
func guarded(name, queue string, env *Env, w Worker) Worker {
	return func(ctx context.Context, m sqs.Message) (err error) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			cause := fmt.Sprintf("the worker %q of the queue %q panicked: %v", name, queue, r)
			err = errors.New(cause)
			for _, token := range interpreter.TokensIn(m.Body) {
				_ = env.Answers.SendTaskFailure(token, failure.TaskFailed, cause) // a token already answered keeps its answer
			}
		}()
		return w(ctx, m)
	}
}
