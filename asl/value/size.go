// Package value holds the JSON values states pass around: nil, bool, int64, float64, json.Number,
// string, []any, and objects as *Object (decoded documents, payload templates) or map[string]any (Go
// code, the resources); with their size and their text, one place for what every package needs.
package value

import (
	"encoding/json"
	"unsafe"
)

// Size is the length of v's compact JSON text, counted without writing it. It stops counting once
// the size passes limit, so a huge payload costs no more than the limit to check.
func Size(v any, limit int) int {
	c := counter{limit: limit}
	c.add(v)
	return c.n
}

// A Sizer is Size with a memory, for the documents one frame of an execution hands from state to
// state, which mostly share their data: it remembers the sizes of the large objects, arrays and
// strings it counts, and of the few values it was last told about (Remember), so that counting a
// document costs what is new in it.
//
// It remembers by identity: a map's table, a slice's first element and length, a string's bytes and
// length. That is sound because the values states hand on are never changed (copy on write), and
// because a Sizer holds on to what it remembers, so no other value can take a remembered one's place
// in memory. A generation of remembered values holds at most memoBudget bytes of JSON text (or one
// value), and the Sizer two generations besides its recent values: older sizes are forgotten a
// generation at a time. A Sizer serves one goroutine at a time; its zero value is ready.
type Sizer struct {
	recent [recentSizes]recent
	next   int
	// cur and old are the generations of remembered large values; held is the JSON text that cur's
	// values hold alive (each counted once, without the remembered values inside it).
	cur, old map[key]remembered
	held     int
	// budget is the JSON text one generation holds (memoBudget when zero).
	budget int
}

const (
	// minRemembered: a smaller value costs less to count again than to remember.
	minRemembered = 1024
	memoBudget    = 1 << 20
	// recentSizes holds what one state needs: its input, the result it replaces, its result, its output.
	recentSizes = 4
)

// key identifies a value: p is its data, n -1 for a map, the length of a slice, -2-length of a string.
type key struct {
	p unsafe.Pointer
	n int
}

type recent struct {
	k    key
	size int
}

type remembered struct{ size, own int }

// keyOf identifies v; ok is false for what is not remembered (scalars, nil maps and slices).
func keyOf(v any) (k key, ok bool) {
	switch x := v.(type) {
	case *Object:
		k = key{p: unsafe.Pointer(x), n: -1}
	case map[string]any:
		k = key{p: mapPointer(x), n: -1}
	case []any:
		k = key{p: unsafe.Pointer(unsafe.SliceData(x)), n: len(x)}
	case string:
		k = key{p: unsafe.Pointer(unsafe.StringData(x)), n: -2 - len(x)}
	}
	return k, k.p != nil
}

// mapPointer is the pointer to m's table that a map value is (what reflect's UnsafePointer reads, at a
// fifth of the cost).
func mapPointer(m map[string]any) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&m)) }

// Size is v's size as the package's Size counts it, from what the Sizer remembers; it remembers the
// large values it counts in full.
func (s *Sizer) Size(v any, limit int) int {
	c := counter{limit: limit, memo: s}
	c.add(v)
	return c.n
}

// Measure is Size, and remembers v's size among the recent values when it is exact (within limit).
func (s *Sizer) Measure(v any, limit int) int {
	k, ok := keyOf(v)
	if ok {
		for i := range s.recent {
			if s.recent[i].k == k {
				return s.recent[i].size
			}
		}
	}
	size := s.Size(v, limit)
	if ok && size <= limit {
		s.add(k, size)
	}
	return size
}

// Remember tells the Sizer v's exact size, worked out without counting v (from a document it was made
// from), for a later Size of v or of a document holding it.
func (s *Sizer) Remember(v any, size int) {
	k, ok := keyOf(v)
	if !ok {
		return
	}
	for i := range s.recent {
		if s.recent[i].k == k {
			return
		}
	}
	s.add(k, size)
}

// add makes k a recent value, in place of the oldest.
func (s *Sizer) add(k key, size int) {
	s.recent[s.next] = recent{k: k, size: size}
	s.next = (s.next + 1) % recentSizes
}

// empty tells whether the Sizer knows no size at all (the recent values fill up in order), as when it
// counts an execution's input: then nothing is looked up.
func (s *Sizer) empty() bool {
	return s.recent[(s.next+recentSizes-1)%recentSizes].k.p == nil && s.cur == nil && s.old == nil
}

// lookup finds k's size; held tells whether a generation holds it (a recent value is not counted in
// any generation's budget).
func (s *Sizer) lookup(k key) (size int, held, ok bool) {
	for i := range s.recent {
		if s.recent[i].k == k {
			return s.recent[i].size, false, true
		}
	}
	if r, ok := s.cur[k]; ok {
		return r.size, true, true
	}
	if r, ok := s.old[k]; ok {
		// Still in use: into the current generation, to outlive the old one.
		s.remember(k, r)
		return r.size, true, true
	}
	return 0, false, false
}

func (s *Sizer) remember(k key, r remembered) {
	budget := s.budget
	if budget == 0 {
		budget = memoBudget
	}
	if s.held+r.own > budget && len(s.cur) > 0 {
		s.old, s.cur, s.held = s.cur, nil, 0
	}
	if s.cur == nil {
		s.cur = make(map[key]remembered)
	}
	s.cur[k] = r
	s.held += r.own
}

// counter counts one value into n; memo, when set, is the Sizer it reads and adds to.
type counter struct {
	n, limit int
	memo     *Sizer
}

// add counts v and returns its own bytes: those in no value the memo remembers, which remembering v
// would hold alive.
func (c *counter) add(v any) int {
	if c.n > c.limit {
		return 0
	}
	var own int
	switch x := v.(type) {
	case nil:
		own = 4
	case bool:
		own = 5
		if x {
			own = 4
		}
	case string:
		if c.memo == nil || len(x) < minRemembered {
			own = stringSize(x)
			break
		}
		k, own, hit := c.lookup(v)
		if hit {
			return own
		}
		start := c.n
		c.n += stringSize(x)
		return c.counted(k, start, c.n-start)
	case int64:
		own = intSize(x)
	case float64:
		var buf [32]byte
		own = len(AppendDouble(buf[:0], x))
	case []any, map[string]any, *Object:
		if c.memo == nil {
			return c.container(v)
		}
		k, own, hit := c.lookup(v)
		if hit {
			return own
		}
		start := c.n
		return c.counted(k, start, c.container(v))
	default:
		b, _ := json.Marshal(x)
		own = len(b)
	}
	c.n += own
	return own
}

// lookup counts v if the memo knows its size, and returns its key and its own bytes.
func (c *counter) lookup(v any) (k key, own int, hit bool) {
	k, ok := keyOf(v)
	if !ok || c.memo.empty() {
		return k, 0, false
	}
	size, held, ok := c.memo.lookup(k)
	if !ok {
		return k, 0, false
	}
	c.n += size
	if held {
		return k, 0, true
	}
	return k, size, true
}

// counted remembers the value k that was counted from start, with own bytes of its own, if it is large
// and was counted in full (n never passed the limit on the way: its size is exact).
func (c *counter) counted(k key, start, own int) int {
	if size := c.n - start; k.p != nil && c.n <= c.limit && size >= minRemembered {
		c.memo.remember(k, remembered{size: size, own: own})
		return 0
	}
	return own
}

// container counts an array or an object, member by member.
func (c *counter) container(v any) int {
	switch x := v.(type) {
	case []any:
		return c.array(x)
	case map[string]any:
		return c.object(x)
	case *Object:
		return c.members(x.members)
	}
	return 0
}

func (c *counter) array(x []any) int {
	own := 2 + max(len(x)-1, 0)
	c.n += own
	for _, it := range x {
		if c.n > c.limit {
			break
		}
		own += c.add(it)
	}
	return own
}

func (c *counter) object(x map[string]any) int {
	own := 2 + max(len(x)-1, 0)
	c.n += own
	for k, it := range x {
		if c.n > c.limit {
			break
		}
		ks := stringSize(k) + 1
		c.n += ks
		own += ks + c.add(it)
	}
	return own
}

func (c *counter) members(x []Member) int {
	own := 2 + max(len(x)-1, 0)
	c.n += own
	for _, m := range x {
		if c.n > c.limit {
			break
		}
		ks := stringSize(m.Key) + 1
		c.n += ks
		own += ks + c.add(m.Value)
	}
	return own
}

// intSize is the number of characters of x in decimal.
func intSize(x int64) int {
	n := 1
	u := uint64(x)
	if x < 0 {
		n, u = 2, -u
	}
	for ; u >= 10; u /= 10 {
		n++
	}
	return n
}

// StringSize is the length of s as a JSON string: quotes, and escapes for what must be escaped.
func StringSize(s string) int { return stringSize(s) }

func stringSize(s string) int {
	n := 2 + len(s)
	for i := 0; i < len(s); i++ {
		n += int(escapeExtra[s[i]])
	}
	return n
}

// escapeExtra is what each byte adds to a JSON string beyond itself: one for the two-character escapes,
// five for \u00XX. Every other byte is written as it is (a multi-byte character's bytes included).
const escapeExtra = "" +
	"\x05\x05\x05\x05\x05\x05\x05\x05\x01\x01\x01\x05\x01\x01\x05\x05" + // control characters: \u00XX, but \b \t \n \f \r
	"\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05" +
	"\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // "
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00" + // \\
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // the rest: as they are
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
