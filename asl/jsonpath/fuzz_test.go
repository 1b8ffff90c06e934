package jsonpath

import (
	"testing"

	"github.com/aslrun/aslrun/asl/value"
)

// FuzzParseGet parses any string and, when it is a path, evaluates it: nothing may panic, and a value
// handed in must come out unchanged.
func FuzzParseGet(f *testing.F) {
	for _, s := range []string{
		"$", "$$", "$x.y", "$.a.b[0]", "$['a b'][-1]", "$.items[*].x", "$..x", "$.nums[1:-1]", "$.nums[-2:]",
		"$['a','s']", "$.items[?(@.x > 1 && @.n =~ /a.*/i || !@.y)]", "$[?(@.a in [1, 'x', {'k': [true]}])]",
		"$[?(@.t size 2 && @.t empty false)]", "$.Jobs.sum()", `$['\u00e9\'']`, "$[0,1,-1]", "$..[?(@.x)]",
		"$[?(@.x == $.a.b.c)]", "$.a..b.*", "$...", "$[?(@.a == )]", "$['a", "$[1:2:3]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		rp, rerr := ParseReference(s)
		if err != nil {
			if rerr == nil {
				t.Fatalf("ParseReference accepted %q that Parse rejects", s)
			}
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("%q: error %T is not a *ParseError", s, err)
			}
			return
		}
		if (rerr == nil) != p.Definite() {
			t.Fatalf("%q: ParseReference error %v but Definite() is %v", s, rerr, p.Definite())
		}
		if rerr == nil && rp.Normalized() != p.Normalized() {
			t.Fatalf("%q: ParseReference and Parse disagree", s)
		}
		_ = p.Normalized()
		doc := js(t, testDoc)
		before := compact(doc)
		for _, d := range []any{doc, value.Compact(doc), nil, "s", []any{int64(1), map[string]any{"x": int64(2)}}} {
			v, ok := p.Get(d)
			_, err := p.Lookup(d)
			if ok != (err == nil) {
				t.Fatalf("%q: Get found %v but Lookup says %v", s, ok, err)
			}
			if !p.Definite() && p.mode == modeMulti {
				if _, isList := v.([]any); !isList || !ok {
					t.Fatalf("%q: an indefinite path gave %#v, %v", s, v, ok)
				}
			}
			if p.Definite() {
				if _, err := p.Set(d, "v"); err != nil {
					if _, ok := err.(*SetError); !ok {
						t.Fatalf("%q: Set error %T is not a *SetError", s, err)
					}
				}
			}
		}
		if compact(doc) != before {
			t.Fatalf("%q changed the document", s)
		}
	})
}
