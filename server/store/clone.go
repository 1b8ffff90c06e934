package store

import (
	"bytes"
	"maps"
	"slices"
)

// Clone methods copy a record deeply, so that a backend holding records in memory never shares a slice,
// map or pointer with its callers. Empty tag maps become nil, which every backend returns for "no tags".

// Clone returns a deep copy.
func (sm *StateMachine) Clone() *StateMachine {
	c := *sm
	c.LoggingConfiguration = bytes.Clone(sm.LoggingConfiguration)
	c.TracingConfiguration = bytes.Clone(sm.TracingConfiguration)
	c.EncryptionConfiguration = bytes.Clone(sm.EncryptionConfiguration)
	c.Tags = CloneTags(sm.Tags)
	return &c
}

// Clone returns a deep copy.
func (v *StateMachineVersion) Clone() *StateMachineVersion {
	c := *v
	c.LoggingConfiguration = bytes.Clone(v.LoggingConfiguration)
	c.TracingConfiguration = bytes.Clone(v.TracingConfiguration)
	return &c
}

// Clone returns a deep copy; no routes read as nil.
func (a *StateMachineAlias) Clone() *StateMachineAlias {
	c := *a
	c.Routing = nil
	if len(a.Routing) > 0 {
		c.Routing = slices.Clone(a.Routing)
	}
	return &c
}

// Clone returns a deep copy.
func (a *Activity) Clone() *Activity {
	c := *a
	c.Tags = CloneTags(a.Tags)
	c.EncryptionConfiguration = bytes.Clone(a.EncryptionConfiguration)
	return &c
}

// Clone returns a deep copy.
func (e *Execution) Clone() *Execution {
	c := *e
	c.Output = cloneString(e.Output)
	c.Error = cloneString(e.Error)
	c.Cause = cloneString(e.Cause)
	c.Checkpoint = bytes.Clone(e.Checkpoint)
	return &c
}

// Clone returns a deep copy. A Map Run holds no references yet; callers clone it all the same, so that a
// field that adds one needs only this method changed.
func (m *MapRun) Clone() *MapRun {
	c := *m
	return &c
}

// Clone returns a deep copy.
func (ev Event) Clone() Event {
	ev.Data = bytes.Clone(ev.Data)
	return ev
}

// Clone returns a deep copy.
func (t Token) Clone() Token {
	t.Error = cloneString(t.Error)
	t.Cause = cloneString(t.Cause)
	return t
}

// CloneTags copies a tag map; nil when it has no tags.
func CloneTags(tags map[string]string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	return maps.Clone(tags)
}

func cloneString(s *string) *string {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}
