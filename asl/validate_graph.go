package asl

import (
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/source"
)

// maxStateName is the longest state name AWS accepts, in characters.
const maxStateName = 80

// stateNames checks the names of one machine's states: their length, and that no name appears twice in
// the whole definition (branches and processors included). It reads the States object itself, because the
// model keeps only the first of two states with the same name.
func (v *validator) stateNames(m *Machine) {
	states := member(m.Node, "States")
	if states == nil || states.Kind != source.Object {
		return
	}
	for _, mem := range states.Members {
		if utf8.RuneCountInString(mem.Key) > maxStateName {
			v.ds.errorf(CodeInvalidStateName, mem.KeyPos, m.Pointer+"/States/"+mem.Key,
				"Invalid State name: State '%s' exceeds the %d-character limit allowed by the service", mem.Key, maxStateName)
		}
		if v.names[mem.Key] {
			v.ds.errorf(CodeDuplicateStateName, mem.KeyPos, m.Pointer+"/States/"+mem.Key, "Duplicate State name: %s", mem.Key)
			continue
		}
		v.names[mem.Key] = true
	}
}

// transition checks that a state that continues says how: with Next or with End.
func (v *validator) transition(st State) {
	switch st.(type) {
	case *Task, *Pass, *Wait, *Parallel, *Map:
	default:
		return // Choice, Succeed and Fail take neither; Parse refuses them there.
	}
	c := st.Base()
	if !c.End && member(c.Node, "Next") == nil {
		// AWS's wording, as cdk-preflight recorded it from ValidateStateMachineDefinition.
		v.ds.errorf(CodeSchema, posOf(c.Node), c.Pointer, "This object should have only one of the following fields: [Next, End]")
	}
}

// edge is one transition: the state it names, and the object and field that name it.
type edge struct {
	to    string
	owner *source.Node
	// ownerPtr and key locate the field: the pointer is built only for a diagnostic.
	ownerPtr, key string
}

// edges appends the transitions out of a state to out: Next, each Choice rule's Next, Default and each
// catcher's Next. Transitions that name no state are included; graph reports them.
func edges(out []edge, st State) []edge {
	c := st.Base()
	add := func(to string, owner *source.Node, ptr, key string) {
		if to != "" {
			out = append(out, edge{to: to, owner: owner, ownerPtr: ptr, key: key})
		}
	}
	add(c.Next, c.Node, c.Pointer, "Next")
	var catch []*Catcher
	switch s := st.(type) {
	case *Choice:
		for _, r := range s.Choices {
			add(r.Next, r.Node, r.Pointer, "Next")
		}
		add(s.Default, c.Node, c.Pointer, "Default")
	case *Task:
		catch = s.Catch
	case *Parallel:
		catch = s.Catch
	case *Map:
		catch = s.Catch
	}
	for _, k := range catch {
		add(k.Next, k.Node, k.Pointer, "Next")
	}
	return out
}

// terminal reports whether an execution can end in the state.
func terminal(st State) bool {
	switch st.(type) {
	case *Succeed, *Fail:
		return true
	case *Choice:
		return false
	}
	return st.Base().End
}

// graph checks the transitions of one machine, which may only name states of the same machine (a
// branch or processor cannot jump out): every target exists, the machine can end, and every state can be
// reached from StartAt. AWS words each of these; a state from which no end can be reached is our warning.
// States are numbered by their place in m.Order, and the transitions kept as numbers.
func (v *validator) graph(m *Machine) {
	states := member(m.Node, "States")
	if states == nil || states.Kind != source.Object {
		return // Parse reports it missing or not an object; nothing here can be reached or end.
	}
	// A state Parse could not read (no Type, say) is not in the model: transitions to it are not missing,
	// and whether the machine can end or reach its states is unknown.
	declared := make(map[string]int, len(states.Members))
	for _, mem := range states.Members {
		declared[mem.Key] = -1
	}
	complete := len(declared) == len(m.Order)
	for i, name := range m.Order {
		declared[name] = i
	}
	if _, ok := declared[m.StartAt]; m.StartAt != "" && !ok {
		v.ds.errorf(CodeMissingTransition, posOf(member(m.Node, "StartAt")), m.Pointer+"/StartAt", "Missing 'Next' target: %s", m.StartAt)
	}
	out := make([][]int, len(m.Order))
	hasTerminal, broken := false, false
	var es []edge
	for i, name := range m.Order {
		st := m.States[name]
		es = edges(es[:0], st)
		for _, e := range es {
			to, ok := declared[e.to]
			if !ok {
				v.ds.errorf(CodeMissingTransition, posOf(member(e.owner, e.key)), e.ownerPtr+"/"+e.key, "Missing 'Next' target: %s", e.to)
				broken = true
			}
			if to >= 0 && ok {
				out[i] = append(out[i], to)
			}
		}
		hasTerminal = hasTerminal || terminal(st)
	}
	if !complete {
		return
	}
	if !hasTerminal {
		// AWS gives no location for this one, and then skips its reachability check.
		v.ds.errorf(CodeMissingEndState, posOf(m.Node), m.Pointer, "Workflow has no terminal state")
		return
	}
	if m.StartAt == "" {
		return // Parse reports StartAt missing; AWS then reports no state as unreachable.
	}
	// A StartAt that names no state leaves every state unreachable, and AWS says so for each.
	var from []int
	if start, ok := declared[m.StartAt]; ok && start >= 0 {
		from = []int{start}
	}
	reached := walk(from, out)
	for i, name := range m.Order {
		if !reached[i] {
			c := m.States[name].Base()
			v.ds.errorf(CodeMissingTransition, posOf(c.Node), c.Pointer, "State \"%s\" is not reachable.", name)
		}
	}
	if !broken {
		v.traps(m, out, reached)
	}
}

// traps warns about the states an execution can enter but never leave for an end: a loop without an exit.
// AWS accepts them (only a machine with no terminal state at all is refused), but such an execution runs
// until it times out. Each trap is reported once, at the state where it is entered; a machine with a
// missing target is not searched, as its loops may only be the missing target's fault.
func (v *validator) traps(m *Machine, out [][]int, reached []bool) {
	in := make([][]int, len(out))
	var ends []int
	for i, name := range m.Order {
		for _, to := range out[i] {
			in[to] = append(in[to], i)
		}
		if terminal(m.States[name]) {
			ends = append(ends, i)
		}
	}
	canEnd := walk(ends, in)
	for i, name := range m.Order {
		if !reached[i] || canEnd[i] || !hasTransition(m.States[name]) {
			continue
		}
		entry := name == m.StartAt
		for _, from := range in[i] {
			entry = entry || canEnd[from]
		}
		if entry {
			c := m.States[name].Base()
			v.ds.warnf(CodeNoPathToEnd, posOf(c.Node), c.Pointer,
				"No terminal state can be reached from state '%s': an execution that enters it never ends", name)
		}
	}
}

// hasTransition reports whether a state says where to go; one that does not is already an error.
func hasTransition(st State) bool {
	if _, ok := st.(*Choice); ok {
		return true
	}
	return member(st.Base().Node, "Next") != nil
}

// walk returns which states can be reached from the given ones along the edges.
func walk(from []int, edges [][]int) []bool {
	seen := make([]bool, len(edges))
	queue := append([]int(nil), from...)
	for _, s := range from {
		seen[s] = true
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, to := range edges[s] {
			if !seen[to] {
				seen[to] = true
				queue = append(queue, to)
			}
		}
	}
	return seen
}
