package source

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecode(t *testing.T) {
	for _, bad := range []string{`{"a":"b","c":{"d":},"e":"f"`, `{"a":{"b":}}`, `{`, ``, `[1,]`, `{"a":1}x`} {
		_, err := DecodeString(bad)
		assert.Error(t, err, bad)
	}
	v, err := DecodeString(`{"n":12345678901234567,"f":1.5,"a":[true,null,"s"]}`)
	require.NoError(t, err)
	want := map[string]any{"n": int64(12345678901234567), "f": 1.5, "a": []any{true, nil, "s"}}
	assert.Equal(t, value.Compact(want), v, "objects are Objects")
	v, err = DecodePlain([]byte(`{"n":12345678901234567,"f":1.5,"a":[true,null,"s"]}`))
	require.NoError(t, err)
	assert.Equal(t, want, v, "or maps")
}

func TestDecodeSized(t *testing.T) {
	for _, c := range []struct {
		text string
		want any
		size int
	}{
		{`{ "a" : [ 1 , 2 ] }`, map[string]any{"a": []any{int64(1), int64(2)}}, 11},
		{`-0`, int64(0), 1},
		{`[1.0, 1.50, 1e2, 1E+2, -2.5e-3]`, []any{1.0, 1.5, 100.0, 100.0, -0.0025}, 29},
		{`123456789012345678901234567890`, json.Number("123456789012345678901234567890"), 30},
		{`9223372036854775807`, int64(math.MaxInt64), 19},
		{`[-9223372036854775808, 9223372036854775808]`, []any{int64(math.MinInt64), json.Number("9223372036854775808")}, 42},
		{`[1e400, -1e-400, 5e-324]`, []any{json.Number("1e400"), math.Copysign(0, -1), 5e-324}, 21},
		{`"a\/b\u0041\u00e9\n\u0001"`, "a/bAé\n\x01", 16},
		{`"\ud83d\ude00 \ud800 \udc00"`, "😀 \ufffd \ufffd", 14},
		{"\"\xff\"", "\xff", 3},
		{`{"a":1,"a":{"b":2}}`, map[string]any{"a": map[string]any{"b": int64(2)}}, -1},
		{`[[], {}, "", true, false, null]`, []any{[]any{}, map[string]any{}, "", true, false, nil}, 26},
	} {
		v, size, err := DecodeSized([]byte(c.text))
		require.NoError(t, err, c.text)
		assert.Equal(t, c.want, value.Plain(v), c.text)
		assert.Equal(t, c.size, size, c.text)
		if size >= 0 {
			assert.Equal(t, value.Size(v, math.MaxInt), size, c.text)
		}
	}
}

func TestDecodeSizedDepth(t *testing.T) {
	deep := func(n int) []byte { return []byte(strings.Repeat("[", n) + strings.Repeat("]", n)) }
	_, _, err := DecodeSized(deep(maxDepth))
	require.NoError(t, err)
	_, _, err = DecodeSized(deep(maxDepth + 1))
	require.ErrorContains(t, err, "exceeded max depth")
}

// TestDecodeSizedCorpus checks DecodeSized against encoding/json and ojg on every JSON file of the shared
// corpora (definitions, inputs and outputs recorded on AWS) and on random texts written in every form
// JSON allows: whitespace, escapes, non-canonical numbers.
func TestDecodeSizedCorpus(t *testing.T) {
	files, err := filepath.Glob("../../../shared/*/cases/*/*.json")
	require.NoError(t, err)
	more, err := filepath.Glob("../../../shared/*/cases/*/*/*.json")
	require.NoError(t, err)
	files = append(files, more...)
	require.NotEmpty(t, files, "../shared is missing")
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		checkDecodeSized(t, data)
	}
	checkDecodeSized(t, records(50_000)) // long enough for the decoder to keep its keys
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b strings.Builder
		randomJSON(r, &b, 4)
		text := []byte(b.String())
		require.True(t, json.Valid(text), "%s", text)
		_, size, _ := DecodeSized(text)
		require.GreaterOrEqual(t, size, 0, "%s", text) // no key twice
		checkDecodeSized(t, text)
		if len(text) > 2 {
			checkDecodeSized(t, text[:r.IntN(len(text))])
		}
	}
}

func FuzzDecodeSized(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecodeSized(t, data) })
}

// escapedSurrogate finds a \u escape of a UTF-16 surrogate: ojg's parser makes each one U+FFFD, where
// DecodeSized (as encoding/json) joins a pair into one character.
var escapedSurrogate = regexp.MustCompile(`\\u[dD][89a-fA-F]`)

// zeroExponent finds a number with an exponent of 0, which ojg's parser reads as an integer (1e0 is 1,
// but 1e1 is 10.0); DecodeSized (as encoding/json) makes every number with an exponent a float64.
var zeroExponent = regexp.MustCompile(`[eE][-+]?0+([^0-9]|$)`)

// checkDecodeSized checks that DecodeSized takes what encoding/json.Valid takes, with encoding/json's
// error otherwise (1e400 is valid, though too large for Unmarshal: ojg made it +Inf, and so do we);
// that its values are ojg's (or encoding/json's, for escaped surrogates and where ojg's parser is wrong:
// it refuses 0e1); and that its size is value.Size's.
func checkDecodeSized(t *testing.T, data []byte) {
	t.Helper()
	v, size, err := DecodeSized(data)
	if !json.Valid(data) {
		require.Error(t, err, "%q", data)
		require.Equal(t, json.Unmarshal(data, new(any)).Error(), err.Error())
		return
	}
	require.NoError(t, err, "%q", data)
	if size >= 0 {
		require.Equal(t, value.Size(v, math.MaxInt), size, "%q", data)
	}
	// What aslrun writes of the value reads back as the same value, and is as long as its size.
	text := value.JSON(v)
	again, againSize, err := DecodeSized([]byte(text))
	require.NoError(t, err, "%q", text)
	require.Equal(t, len(text), value.Size(v, math.MaxInt), "%q", text)
	require.Equal(t, value.Size(again, math.MaxInt), againSize, "%q", text) // -0.0, written -0, reads back as 0
	// Objects are compared as maps, which DecodePlain gives.
	v, again = value.Plain(v), value.Plain(again)
	plain, err := DecodePlain(data)
	require.NoError(t, err)
	require.Equal(t, v, plain, "%q", data)
	assertEach(t, v, again, func(want, got any) {
		if f, ok := want.(float64); ok {
			if i, ok := got.(int64); ok { // 100.0 is written 100 (and -0.0 -0), which reads back as an integer
				require.Equal(t, f, float64(i), "%q", text)
				return
			}
		}
		require.Equal(t, want, got, "%q", text)
	})
	want, ojgErr := oj.Parse(data)
	if ojgErr != nil || escapedSurrogate.Match(data) || zeroExponent.Match(data) || !utf8.Valid(data) {
		var want any
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&want))
		if utf8.Valid(data) {
			assertSameNumbers(t, want, v)
		}
		return
	}
	assertOjgValue(t, want, v)
}

// assertOjgValue checks that got is ojg's want, but for the numbers that ojg's parser keeps as text though
// int64 or float64 holds them (9223372036854775807, 0.1234567890123456789) and those it makes infinite
// (1e400), which DecodeSized keeps as text.
func assertOjgValue(t *testing.T, want, got any) {
	t.Helper()
	assertEach(t, want, got, func(want, got any) {
		switch w := want.(type) {
		case json.Number:
			if i, err := w.Int64(); err == nil {
				require.Equal(t, i, got)
			} else if f, err := w.Float64(); err == nil && strings.ContainsAny(string(w), ".eE") {
				require.Equal(t, f, got)
			} else {
				assertSameText(t, w, got)
			}
		case float64:
			if g, ok := got.(json.Number); ok && math.IsInf(w, 0) {
				f, _ := strconv.ParseFloat(string(g), 64)
				require.Equal(t, w, f, "%s", g)
				return
			}
			require.Equal(t, want, got)
		default:
			require.Equal(t, want, got)
		}
	})
}

// assertSameText checks that got is a number kept as text, as want, which ojg's parser may have rewritten
// (1E+2000 as 1e2000).
func assertSameText(t *testing.T, want json.Number, got any) {
	t.Helper()
	g, ok := got.(json.Number)
	require.True(t, ok, "number %s became %T", want, got)
	wf, _, werr := big.ParseFloat(string(want), 10, 256, big.ToNearestEven)
	gf, _, gerr := big.ParseFloat(string(g), 10, 256, big.ToNearestEven)
	if werr == nil && gerr == nil { // else past even big.Float's exponents
		require.Zero(t, wf.Cmp(gf), "%s %s", want, g)
	}
}

// assertSameNumbers is assertSameValue, also for numbers too large for int64 and float64.
func assertSameNumbers(t *testing.T, want, got any) {
	t.Helper()
	assertEach(t, want, got, func(want, got any) {
		if g, ok := got.(json.Number); ok {
			assert.Equal(t, want, g)
			return
		}
		assertSameValue(t, want, got)
	})
}

// randomJSON writes a random value of at most depth levels, in any of the forms JSON allows for it.
func randomJSON(r *rand.Rand, b *strings.Builder, depth int) {
	space := func() {
		if r.IntN(4) == 0 {
			b.WriteString([]string{" ", "\n", "\t", "\r\n  "}[r.IntN(4)])
		}
	}
	space()
	switch k := r.IntN(10); {
	case k < 4 && depth > 0:
		object := k < 2
		b.WriteByte("{["[k/2])
		for i := range r.IntN(5) {
			if i > 0 {
				b.WriteByte(',')
			}
			if object {
				space()
				randomString(r, b, fmt.Sprintf("k%d", i))
				space()
				b.WriteByte(':')
			}
			randomJSON(r, b, depth-1)
		}
		space()
		b.WriteByte("}]"[k/2])
	case k < 6:
		randomString(r, b, "")
	case k < 9:
		b.WriteString([]string{
			"0", "-0", "7", "-12", "123456789012345678", "-123456789012345678", "1234567890123456789",
			"9223372036854775807", "-9223372036854775808", "9223372036854775808", "99999999999999999999999",
			"0.5", "-0.0", "1.0", "1.50", "3.14159", "1e2", "1E+2", "1e-7", "2.5e-3", "-1.25E10", "1e400",
			"0.1234567890123456789", "12345678901234567890.5", "1e1023", "5e-324", "1.7976931348623157e308",
		}[r.IntN(27)])
	default:
		b.WriteString([]string{"true", "false", "null"}[r.IntN(3)])
	}
	space()
}

// randomString writes a JSON string holding prefix and random characters, each plain or escaped.
func randomString(r *rand.Rand, b *strings.Builder, prefix string) {
	b.WriteByte('"')
	b.WriteString(prefix)
	for range r.IntN(8) {
		c := []rune{'a', 'Z', ' ', '/', '"', '\\', '\n', '\t', 0x01, 0x1f, 0x7f, 'é', '€', 0x2028, '😀', 0xfffd}[r.IntN(16)]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c < 0x20 || r.IntN(3) == 0:
			if c > 0xffff {
				hi, lo := 0xd800+(c-0x10000)>>10, 0xdc00+(c-0x10000)&0x3ff
				fmt.Fprintf(b, `\u%04x\u%04X`, hi, lo)
			} else if c == '/' {
				b.WriteString(`\/`)
			} else {
				b.WriteString(`\u` + strconv.FormatInt(int64(c)+0x10000, 16)[1:])
			}
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
}

// TestDecodeRecordsOutOfOrder: a large document's records share their keys, out of key order, which the
// decoder learns to put in order; records of other keys, of the same keys in another order, and with a
// key twice, in between, come out right too (NewObject checks the order it is given, so a wrong guess
// costs a sort, never a wrong object).
func TestDecodeRecordsOutOfOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	records := []string{`{"z":1,"b":2,"a":3}`, `{"z":1,"b":2,"a":3}`, `{"b":1,"z":2,"a":3}`, `{"z":1,"b":2,"a":3,"a":4}`,
		`{"y":1,"b":2,"a":3}`, `{"a":1,"b":2,"z":3}`, `{"z":{"d":1,"c":2},"b":[{"q":1,"p":2}],"a":3}`}
	for i := range 400 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(records[i%len(records)])
	}
	b.WriteString("]")
	text := []byte(b.String())
	require.GreaterOrEqual(t, len(text), minKeeping)
	v, _, err := DecodeSized(text)
	require.NoError(t, err)
	want, err := DecodePlain(text)
	require.NoError(t, err)
	assert.Equal(t, want, value.Plain(v))
	for _, o := range v.([]any) {
		obj := o.(*value.Object)
		assert.True(t, slices.IsSortedFunc(obj.Members(), func(a, b value.Member) int { return strings.Compare(a.Key, b.Key) }))
	}
}
