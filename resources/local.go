package resources

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aslrun/aslrun/interpreter"
)

// Local is what one local run of a definition needs: a registry binding its Tasks, the embedded
// services, and the callbacks its tokens and activities go through until a control plane answers them.
type Local struct {
	Registry  *Registry
	Env       *Env
	Callbacks *interpreter.Callbacks
}

// NewLocal prepares a local run of the definition at path: the handler file next to it (its sidecar,
// NAME.handlers.json, .yaml or .yml for NAME.asl.json), if there is one, then the handler files given, each
// overriding the bindings before it. The caller wires states:startExecution (Registry.StateMachines) and,
// when a control plane runs the executions, Env.Answers.
func NewLocal(path string, clock interpreter.Clock, handlerFiles ...string) (*Local, error) {
	return NewLocalWith(path, clock, NewServices(), handlerFiles...)
}

// NewLocalWith is NewLocal over the given embedded services (an S3 root directory, say), which the handler
// files' fixtures then seed.
func NewLocalWith(path string, clock interpreter.Clock, services *Services, handlerFiles ...string) (*Local, error) {
	callbacks := interpreter.NewCallbacks()
	env := &Env{Services: services, Answers: callbacks, Clock: clock}
	reg := NewRegistry()
	reg.UseEnv(env)
	sidecar, err := Sidecar(path)
	if err != nil {
		return nil, err
	}
	if sidecar != "" {
		handlerFiles = append([]string{sidecar}, handlerFiles...)
	}
	for _, f := range handlerFiles {
		if err := reg.LoadHandlerFile(f); err != nil {
			return nil, err
		}
	}
	return &Local{Registry: reg, Env: env, Callbacks: callbacks}, nil
}

// Sidecar returns the handler file that goes with a definition, or "" when there is none.
func Sidecar(path string) (string, error) {
	base := filepath.Base(path)
	name := strings.SplitN(base, ".", 2)[0]
	for _, ext := range []string{".handlers.json", ".handlers.yaml", ".handlers.yml"} {
		p := filepath.Join(filepath.Dir(path), name+ext)
		_, err := os.Stat(p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("handler file %s: %w", p, err)
		}
	}
	return "", nil
}

// Config names an execution of the run, with the run's registry, clock and callbacks.
func (l *Local) Config(stateMachine, execution string) interpreter.Config {
	cfg := interpreter.NewConfig(stateMachine, execution, false)
	cfg.Invoker, cfg.Clock, cfg.Callbacks = l.Registry, l.Env.Clock, l.Callbacks
	return cfg
}
