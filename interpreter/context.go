package interpreter

import (
	"time"

	"github.com/aslrun/aslrun/asl/jsonpath"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter/maprun"
)

// The context object ($$) is held as typed fields: the execution's part (Execution, StateMachine), built
// once per execution as contextBase, and the frame's own (the state, its retries, the task token, the Map
// item an ItemSelector reads). A definite $$ path reads them directly (contextPart); $$ is built as a map
// only when something reads it whole, or a part the fields do not give (contextObject): building it per
// state, or per Map item, was a fifth of a Map's time.

// mapItemView is $$.Map.Item as a Map's ItemSelector sees it; the rest of its $$ is the Map state's.
type mapItemView struct {
	// set: the frame evaluates an ItemSelector.
	set bool
	// base is the Map state's own $$ (nil when the selector reads none of it).
	base   map[string]any
	index  int
	value  any
	origin maprun.Origin
}

// key and val are the item's $$.Map.Item.Key (ok false when it has none) and .Value: an entry of an object
// shows as its Key and its Value.
func (it *mapItemView) key() (any, bool) {
	if it.origin.Entry {
		return value.Field(it.value, "Key")
	}
	return nil, false
}

func (it *mapItemView) val() any {
	if e, ok := value.Field(it.value, "Value"); ok && it.origin.Entry {
		return e
	}
	return it.value
}

// object is $$.Map.Item as a map.
func (it *mapItemView) object() map[string]any {
	item := map[string]any{"Index": int64(it.index), "Value": it.val(), "Source": it.origin.Source}
	if k, ok := it.key(); ok {
		item["Key"] = k
	}
	return item
}

// selectItem sets the frame up to evaluate a Map's ItemSelector on item i of value v; unselectItem ends
// that, before the iteration runs its states.
func (f *frame) selectItem(base map[string]any, i int, v any, o maprun.Origin) {
	f.item = mapItemView{set: true, base: base, index: i, value: v, origin: o}
	f.ctxObject = nil
}

func (f *frame) unselectItem() {
	f.item = mapItemView{}
	f.ctxObject = nil
}

// contextPart finds where a $$ path starts in the frame's fields without building $$: the node its first
// k names select. k is 0 with $$ itself when it is already built (or given, as TestState's); ok is false
// when the fields do not serve the path: it reads $$ whole, a part that is absent here, or is not definite.
func (f *frame) contextPart(p *jsonpath.Path) (node any, k int, ok bool) {
	if f.ctxObject != nil {
		return f.ctxObject, 0, true
	}
	top, isName := p.Name(0)
	if !isName || !p.Definite() {
		return nil, 0, false
	}
	second, _ := p.Name(1)
	third, _ := p.Name(2)
	return f.contextNames(top, second, third)
}

// contextNames is contextPart for a path whose first names are top, second and third ("" past its end).
func (f *frame) contextNames(top, second, third string) (node any, k int, ok bool) {
	if f.ctxObject != nil {
		return f.ctxObject, 0, true
	}
	if f.item.set {
		return f.item.part(top, second, third)
	}
	switch top {
	case "Execution", "StateMachine":
		v, ok := f.ex.contextBase[top]
		return v, 1, ok
	case "State":
		switch second {
		case "Name":
			return f.stateName, 2, true
		case "EnteredTime":
			return formatTime(f.enteredTime), 2, true
		case "RetryCount":
			if f.showsRetryCount() {
				return int64(f.retryCount), 2, true
			}
		}
	case "Task":
		if second == "Token" && f.token != "" {
			return f.token, 2, true
		}
	}
	return nil, 0, false
}

// part is contextNames for an ItemSelector's $$.
func (it *mapItemView) part(top, second, third string) (any, int, bool) {
	if top != "Map" {
		v, ok := it.base[top]
		return v, 1, ok
	}
	if second != "Item" {
		return nil, 0, false
	}
	switch third {
	case "Index":
		return int64(it.index), 3, true
	case "Value":
		return it.val(), 3, true
	case "Source":
		return it.origin.Source, 3, true
	case "Key":
		if k, ok := it.key(); ok {
			return k, 3, true
		}
	}
	return nil, 0, false
}

// showsRetryCount: states that can retry show $$.State.RetryCount from 0 (the guide's context object);
// AWS's recorded Pass states show none.
func (f *frame) showsRetryCount() bool { return f.retryCount > 0 || f.retries }

// contextObject returns $$ as the current state sees it, built once per state (and retry).
func (f *frame) contextObject() map[string]any {
	if f.ctxObject == nil {
		if f.item.set {
			f.ctxObject = withMapItem(f.item.base, f.item.object())
		} else {
			c := f.stateContext()
			f.ctxObject = c.object()
		}
	}
	return f.ctxObject
}

// stateContext is the frame's part of $$, a copy that stays as it is when the frame goes on.
func (f *frame) stateContext() stateContext {
	return stateContext{base: f.ex.contextBase, given: f.ctxObject, state: f.stateName, entered: f.enteredTime,
		retryCount: f.retryCount, showRetries: f.showsRetryCount(), token: f.token}
}

// stateContext is $$ of one state attempt as fields.
type stateContext struct {
	base map[string]any
	// given is $$ when it was built already, or given (TestState).
	given       map[string]any
	state       string
	entered     time.Time
	retryCount  int
	showRetries bool
	token       string
}

// object builds $$ as a map.
func (c stateContext) object() map[string]any {
	if c.given != nil {
		return c.given
	}
	state := map[string]any{"Name": c.state, "EnteredTime": formatTime(c.entered)}
	if c.showRetries {
		state["RetryCount"] = int64(c.retryCount)
	}
	obj := make(map[string]any, len(c.base)+2)
	for k, v := range c.base {
		obj[k] = v
	}
	obj["State"] = state
	if c.token != "" {
		obj["Task"] = map[string]any{"Token": c.token}
	}
	return obj
}

// taskContext gives a Task's handler $$ as it is when the Task calls it, built only if the handler reads it
// (TaskRequest.Context); the handler may outlive the state (after its timeout), so it keeps a copy.
func (f *frame) taskContext() func() map[string]any {
	return f.stateContext().object
}

// withMapItem is the Map state's context object with $$.Map.Item added, as its ItemSelector sees it.
func withMapItem(base, item map[string]any) map[string]any {
	c := make(map[string]any, len(base)+1)
	for k, v := range base {
		c[k] = v
	}
	c["Map"] = map[string]any{"Item": item}
	return c
}

// buildContextBase makes the Execution and StateMachine parts of the context object.
func (ex *Execution) buildContextBase() map[string]any {
	exec := map[string]any{
		"Id":        ex.cfg.ARN,
		"Input":     ex.input,
		"Name":      ex.cfg.Name,
		"RoleArn":   ex.cfg.RoleARN,
		"StartTime": formatTime(ex.start),
	}
	if !ex.cfg.Express {
		exec["RedriveCount"] = ex.cfg.RedriveCount
		if ex.cfg.RedriveCount > 0 {
			exec["RedriveTime"] = formatTime(ex.cfg.RedriveTime)
		}
	}
	return map[string]any{
		"Execution":    exec,
		"StateMachine": map[string]any{"Id": ex.cfg.StateMachineARN, "Name": ex.cfg.StateMachineName},
	}
}

// formatTime writes a time as the context object does: ISO 8601 with milliseconds, UTC.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
