package service

import (
	"sync"

	"github.com/aslrun/aslrun/interpreter"
)

// Programs caches compiled definitions by their text and type: a state machine and its versions, machines
// created with the same definition and, under aslrun test, the services of every test case share one
// Program per definition, checked and compiled once. Safe for concurrent use.
type Programs struct {
	mu sync.Mutex
	m  map[programKey]*interpreter.Program
	// text is the length of the definitions in m: a program's size follows its definition's.
	text int
}

// programKey is what a Program is compiled from; the map hashes the definition's text.
type programKey struct{ definition, typ string }

// maxPrograms and maxProgramText bound the cache: past either, it starts again empty. Definitions change
// rarely, and a program dropped is compiled again when next used.
const (
	maxPrograms    = 4096
	maxProgramText = 64 << 20
)

// NewPrograms returns an empty cache.
func NewPrograms() *Programs {
	return &Programs{m: map[programKey]*interpreter.Program{}}
}

// compile returns the program of a definition of a state machine of type typ, checking and compiling it the
// first time it sees it. A definition that does not compile is not kept: its error is built again.
func (p *Programs) compile(definition, typ string) (*interpreter.Program, error) {
	key := programKey{definition: definition, typ: typ}
	p.mu.Lock()
	prog := p.m[key]
	p.mu.Unlock()
	if prog != nil {
		return prog, nil
	}
	prog, err := compile(definition, typ)
	if err != nil {
		return nil, err
	}
	p.put(definition, typ, prog)
	return prog, nil
}

// put keeps a program compiled elsewhere (by aslrun execute and test, which load the definition first).
func (p *Programs) put(definition, typ string, prog *interpreter.Program) {
	key := programKey{definition: definition, typ: typ}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.m[key]; ok {
		return
	}
	if len(p.m) >= maxPrograms || p.text+len(definition) > maxProgramText {
		clear(p.m)
		p.text = 0
	}
	p.m[key] = prog
	p.text += len(definition)
}
