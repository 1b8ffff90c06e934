// Package interpreter compiles a state machine into an immutable Program and runs executions of it with
// AWS Step Functions' data flow, errors, retries and history.
package interpreter

import (
	"fmt"
	"slices"
	"time"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/source"
)

// Program is a compiled state machine. It is immutable: many executions share it.
type Program struct {
	def     *asl.StateMachine
	root    *machine
	timeout time.Duration
}

// Definition returns the state machine the program was compiled from.
func (p *Program) Definition() *asl.StateMachine { return p.def }

// machine is a compiled set of states: the whole definition, a Parallel branch or a Map processor.
type machine struct {
	start *node
	nodes map[string]*node
	// assigns: a state of the machine (not of its branches or iterations) has an Assign, so a Parallel
	// branch or Map iteration that runs it needs a variable scope of its own.
	assigns bool
	// waits: a state of the machine, or of its branches or iterations, may wait (node.waits). Children
	// that may wait each run on a goroutine of their own, so that they wait together as AWS's do; the
	// others only keep the processors busy.
	waits bool
}

// node is one compiled state: what every state type shares, and its behaviour.
type node struct {
	name string
	typ  string
	next *node
	end  bool
	// inputPath and outputPath are nil for a null path (the state sees, or hands on, {}).
	inputPath, outputPath *selector
	// parameters (JSONPath) or arguments (JSONata) make the effective input of a Pass, Task or Parallel.
	parameters *template
	arguments  ataNode
	// resultSelector and resultPath exist on states that produce a result.
	resultSelector *template
	resultPath     *resultPath
	retry          []*retrier
	catch          []*catcher
	impl           behaviour
	// tokens: each attempt gets a task token ($$.Task.Token), as a .waitForTaskToken or activity Task does.
	tokens bool
	// ata marks a JSONata state: its data flow is Arguments, Output and Assign instead of the paths.
	ata bool
	// output is a JSONata state's Output; nil hands on the default (the result, or the input).
	output ataNode
	// assign is the state's Assign; nil when it has none.
	assign *assignment
}

// behaviour is a state type's action: what it does with its effective input (see stateInput). It hands
// back the state's result (before ResultSelector and ResultPath) and the next state, nil at the end of a
// machine, or the wait it parked at.
type behaviour interface {
	run(f *frame, n *node, in stateInput) (actionOutcome, error)
}

// Compile compiles a parsed and validated definition. It fails on what Validate reports as errors; run
// Validate first for diagnostics with positions.
func Compile(sm *asl.StateMachine) (*Program, error) {
	c := &compiler{sm: sm}
	root, err := c.machine(&sm.Machine)
	if err != nil {
		return nil, err
	}
	p := &Program{def: sm, root: root}
	if sm.TimeoutSeconds != nil {
		p.timeout = time.Duration(*sm.TimeoutSeconds) * time.Second
	}
	return p, nil
}

type compiler struct {
	// sm is the definition compiled: its checks compiled its JSONata expressions already.
	sm *asl.StateMachine
}

// compileError names the state and field a compile problem sits in.
type compileError struct {
	state, field string
	err          error
}

func (e *compileError) Error() string {
	if e.field == "" {
		return fmt.Sprintf("state %q: %v", e.state, e.err)
	}
	return fmt.Sprintf("state %q, field %s: %v", e.state, e.field, e.err)
}

func (e *compileError) Unwrap() error { return e.err }

func (c *compiler) machine(m *asl.Machine) (*machine, error) {
	out := &machine{nodes: make(map[string]*node, len(m.Order))}
	for _, name := range m.Order {
		out.nodes[name] = &node{name: name}
	}
	for _, name := range m.Order {
		if err := c.state(out, m.States[name], out.nodes[name]); err != nil {
			return nil, err
		}
	}
	out.start = out.nodes[m.StartAt]
	if out.start == nil {
		return nil, fmt.Errorf("StartAt %q names no state", m.StartAt)
	}
	for _, n := range out.nodes {
		out.assigns = out.assigns || n.assigns()
		out.waits = out.waits || n.waits()
	}
	return out, nil
}

// waits reports whether the state may wait for anything but the processor: a Task (its resource), a Wait,
// a Retry's interval, a Distributed Map's run, or such a state in a branch or iteration.
func (n *node) waits() bool {
	if n.typ == "Task" || n.typ == "Wait" || len(n.retry) > 0 {
		return true
	}
	switch impl := n.impl.(type) {
	case *mapState:
		return impl.distributed || impl.processor.waits
	case *parallelState:
		return slices.ContainsFunc(impl.branches, func(b *machine) bool { return b.waits })
	}
	return false
}

// assigns reports whether the state has an Assign: its own, a Catcher's or a Choice rule's.
func (n *node) assigns() bool {
	if n.assign != nil {
		return true
	}
	for _, c := range n.catch {
		if c.assign != nil {
			return true
		}
	}
	if ch, ok := n.impl.(*choiceState); ok {
		for _, f := range ch.fields {
			if f.assign != nil {
				return true
			}
		}
	}
	return false
}

// state fills n from the definition of one state.
func (c *compiler) state(m *machine, st asl.State, n *node) error {
	b := st.Base()
	n.typ, n.end = b.Type, b.End
	fail := func(field string, err error) error { return &compileError{state: b.Name, field: field, err: err} }
	if b.Next != "" {
		if n.next = m.nodes[b.Next]; n.next == nil {
			return fail("Next", fmt.Errorf("no state is named %q", b.Next))
		}
	}
	n.ata = b.QueryLanguage == asl.JSONata
	var err error
	if n.assign, err = c.assign(n.ata, b.Assign); err != nil {
		return fail("Assign", err)
	}
	if n.ata {
		if n.output, err = c.ata("Output", b.Output); err != nil {
			return fail("Output", err)
		}
	}
	switch s := st.(type) {
	case *asl.Pass:
		err = c.pass(m, n, s, fail)
	case *asl.Task:
		err = c.task(m, n, s, fail)
	case *asl.Choice:
		err = c.choice(m, n, s, fail)
	case *asl.Wait:
		err = c.wait(m, n, s, fail)
	case *asl.Succeed:
		err = c.io(n, s.IO, fail)
		n.impl = succeedState{}
	case *asl.Fail:
		err = c.fail(m, n, s, fail)
	case *asl.Parallel:
		err = c.parallel(m, n, s, fail)
	case *asl.Map:
		err = c.mapState(m, n, s, fail)
	default:
		err = fail("Type", fmt.Errorf("unknown state type %q", b.Type))
	}
	if err != nil {
		return err
	}
	return nil
}

type failFunc func(field string, err error) error

// io compiles InputPath and OutputPath.
func (c *compiler) io(n *node, io asl.IO, fail failFunc) error {
	var err error
	if n.inputPath, err = compileSelector(io.InputPath); err != nil {
		return fail("InputPath", err)
	}
	if n.outputPath, err = compileSelector(io.OutputPath); err != nil {
		return fail("OutputPath", err)
	}
	return nil
}

// parameters compiles the Parameters, or a JSONata state's Arguments, that make its effective input.
func (c *compiler) parameters(n *node, params, args *source.Node, fail failFunc) error {
	var err error
	if params != nil {
		if n.parameters, err = compileTemplate(params); err != nil {
			return fail("Parameters", err)
		}
	}
	if n.ata {
		if n.arguments, err = c.ata("Arguments", args); err != nil {
			return fail("Arguments", err)
		}
	}
	return nil
}

// results compiles ResultSelector and ResultPath.
func (c *compiler) results(n *node, rf asl.ResultFields, fail failFunc) error {
	var err error
	if rf.ResultSelector != nil {
		if n.resultSelector, err = compileTemplate(rf.ResultSelector); err != nil {
			return fail("ResultSelector", err)
		}
	}
	if n.resultPath, err = compileResultPath(rf.ResultPath); err != nil {
		return fail("ResultPath", err)
	}
	return nil
}

// produces compiles what the states that produce a result share: InputPath and OutputPath,
// ResultSelector and ResultPath, Retry and Catch.
func (c *compiler) produces(m *machine, n *node, io asl.IO, rf asl.ResultFields, e asl.Errors, fail failFunc) error {
	if err := c.io(n, io, fail); err != nil {
		return err
	}
	if err := c.results(n, rf, fail); err != nil {
		return err
	}
	return c.errors(m, n, e, fail)
}

// errors compiles Retry and Catch; catchers' Next names a state of the same machine.
func (c *compiler) errors(m *machine, n *node, e asl.Errors, fail failFunc) error {
	for _, r := range e.Retry {
		n.retry = append(n.retry, &retrier{
			errors: r.ErrorEquals, interval: time.Duration(r.IntervalSeconds) * time.Second,
			maxAttempts: int(r.MaxAttempts), backoff: r.BackoffRate,
			maxDelay: time.Duration(r.MaxDelaySeconds) * time.Second, fullJitter: r.JitterStrategy == "FULL",
		})
	}
	for i, ct := range e.Catch {
		next := m.nodes[ct.Next]
		if next == nil {
			return fail(fmt.Sprintf("Catch[%d].Next", i), fmt.Errorf("no state is named %q", ct.Next))
		}
		rp, err := compileResultPath(ct.ResultPath)
		if err != nil {
			return fail(fmt.Sprintf("Catch[%d].ResultPath", i), err)
		}
		cat := &catcher{errors: ct.ErrorEquals, next: next, resultPath: rp}
		if cat.assign, err = c.assign(n.ata, ct.Assign); err != nil {
			return fail(fmt.Sprintf("Catch[%d].Assign", i), err)
		}
		if n.ata {
			if cat.output, err = c.ata("Output", ct.Output); err != nil {
				return fail(fmt.Sprintf("Catch[%d].Output", i), err)
			}
		}
		n.catch = append(n.catch, cat)
	}
	return nil
}
