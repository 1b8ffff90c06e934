package intrinsic

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
)

// function describes one States.* intrinsic.
type function struct {
	name     string // "States.Format"
	min, max int    // argument count; max < 0: no upper bound
	// params validates each argument, position by position; the last entry repeats for a function
	// without an upper bound, and a nil entry accepts any value. Parse applies it to literals, Eval to
	// every value.
	params []*param
	// eval computes the result from arguments that passed params.
	eval func(c *Call, args []any) (any, error)
	// renders is how many bytes per byte of its arguments the function may write when it renders
	// them as text (Java's String.valueOf, JSON); 0 for a function that renders nothing.
	renders int64
	// shares marks a function whose result is a part of an argument, not a value it built.
	shares bool
}

// param is what one argument must be.
type param struct {
	what string // for parse errors: "a string", "an array", ...
	ok   func(v any) bool
}

func (f *function) param(i int) *param {
	switch {
	case i < len(f.params):
		return f.params[i]
	case f.max < 0 && len(f.params) > 0:
		return f.params[len(f.params)-1]
	}
	return nil
}

func (f *function) arity() string {
	switch {
	case f.max < 0:
		return "at least " + plural(f.min)
	case f.min == f.max:
		return plural(f.min)
	}
	return strconv.Itoa(f.min) + " or " + plural(f.max)
}

func plural(n int) string {
	if n == 1 {
		return "1 argument"
	}
	return strconv.Itoa(n) + " arguments"
}

// invalid is the failure AWS raises for any argument it rejects at run time: States.Runtime with
// "Invalid arguments in States.X" (seen on AWS for MathAdd and StringToJson).
func (f *function) invalid() error {
	return failure.New(failure.Runtime, "Invalid arguments in "+f.name)
}

// functions holds the 18 intrinsics by the name after "States.".
var functions = map[string]*function{}

func init() {
	for _, f := range []*function{
		{name: "States.Format", min: 1, max: -1, params: []*param{aString, nil}, eval: format, renders: 1},
		{name: "States.StringToJson", min: 1, max: 1, params: []*param{aString}, eval: stringToJSON},
		{name: "States.JsonToString", min: 1, max: 1, eval: jsonToString, renders: jsonGrowth},
		{name: "States.Array", min: 0, max: -1, eval: array},
		{name: "States.ArrayPartition", min: 2, max: 2, params: []*param{anArray, chunkSize}, eval: arrayPartition},
		{name: "States.ArrayContains", min: 2, max: 2, params: []*param{anArray}, eval: arrayContains, renders: 1},
		{name: "States.ArrayRange", min: 3, max: 3, params: []*param{anInt, anInt, aStep}, eval: arrayRange},
		{name: "States.ArrayGetItem", min: 2, max: 2, params: []*param{anArray, anIndex}, eval: arrayGetItem, shares: true},
		{name: "States.ArrayLength", min: 1, max: 1, params: []*param{anArray}, eval: arrayLength},
		{name: "States.ArrayUnique", min: 1, max: 1, params: []*param{anArray}, eval: arrayUnique, renders: 1},
		{name: "States.Base64Encode", min: 1, max: 1, params: []*param{aShortString}, eval: base64Encode},
		{name: "States.Base64Decode", min: 1, max: 1, params: []*param{aShortString}, eval: base64Decode},
		{name: "States.Hash", min: 2, max: 2, params: []*param{nil, anAlgorithm}, eval: hashData, renders: 1},
		{name: "States.JsonMerge", min: 3, max: 3, params: []*param{anObject, anObject, notDeep}, eval: jsonMerge},
		{name: "States.MathRandom", min: 2, max: 3, params: []*param{anInt, anInt, aSeed}, eval: mathRandom},
		{name: "States.MathAdd", min: 2, max: 2, params: []*param{anAddend, anAddend}, eval: mathAdd},
		{name: "States.StringSplit", min: 2, max: 2, params: []*param{aString, aString}, eval: stringSplit},
		{name: "States.UUID", min: 0, max: 0, eval: uuid},
	} {
		functions[strings.TrimPrefix(f.name, "States.")] = f
	}
}

// maxInput is the length limit AWS documents for the inputs of Base64Encode, Base64Decode and Hash.
const maxInput = 10000

var (
	aString      = &param{"a string", isString}
	anArray      = &param{"an array", isArray}
	anObject     = &param{"a JSON object", value.IsObject}
	aShortString = &param{"a string of at most 10000 characters", isShortString}
	anAddend     = &param{"a number between -2147483648 and 2147483647", isAddend}
	anInt        = &param{"an integer between -2147483648 and 2147483647", func(v any) bool { return intIs(v, nil) }}
	chunkSize    = &param{"a positive integer", func(v any) bool { return intIs(v, func(n int64) bool { return n > 0 }) }}
	anIndex      = &param{"a non-negative integer", func(v any) bool { return intIs(v, func(n int64) bool { return n >= 0 }) }}
	aStep        = &param{"a non-zero integer", func(v any) bool { return intIs(v, func(n int64) bool { return n != 0 }) }}
	aSeed        = &param{"a number", func(v any) bool { n, ok := toNumber(v); return ok && n.big == "" }}
	anAlgorithm  = &param{"one of MD5, SHA-1, SHA-256, SHA-384, SHA-512", isAlgorithm}
	// AWS merges shallowly only; it treats any third argument but true as false.
	notDeep = &param{"false (only shallow merging is supported)", func(v any) bool { return v != true }}
)

func isString(v any) bool { _, ok := v.(string); return ok }

func isArray(v any) bool { _, ok := v.([]any); return ok }

func isShortString(v any) bool { s, ok := v.(string); return ok && utf16Len(s) <= maxInput }

func isAddend(v any) bool { _, ok := roundInt32(v); return ok }

func isAlgorithm(v any) bool { s, ok := v.(string); return ok && hashes[s] != nil }

// intIs reports whether v is a 32-bit integer once truncated, and one that test accepts.
func intIs(v any, test func(int64) bool) bool {
	n, ok := truncInt32(v)
	return ok && (test == nil || test(n))
}

// num is a JSON number as AWS holds it: an Integer or Long (isInt), a BigInteger (isInt, digits in big)
// or a Double (f).
type num struct {
	i     int64
	f     float64
	isInt bool
	big   string
}

func toNumber(v any) (num, bool) {
	switch x := v.(type) {
	case int64:
		return num{i: x, isInt: true}, true
	case int:
		return num{i: int64(x), isInt: true}, true
	case float64:
		return num{f: x}, true
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return num{i: i, isInt: true}, true
		}
		if !strings.ContainsAny(string(x), ".eE") {
			return num{isInt: true, big: string(x)}, true
		}
		if f, err := x.Float64(); err == nil {
			return num{f: f}, true
		}
	}
	return num{}, false
}

// truncInt32 converts v as AWS converts the integer arguments of ArrayRange, ArrayPartition,
// ArrayGetItem and MathRandom: a fraction is dropped, not rounded (AWS partitions by 2 for 2.6 and
// returns item 1 for index 1.2).
func truncInt32(v any) (int64, bool) { return toInt32(v, math.Trunc) }

// roundInt32 converts a MathAdd operand: AWS rounds with Java's Math.round, half up (the recorded cases
// give 1.49 + 1.5 = 3, -0.5 + 0.5 = 1, -2.5 + 0 = -2).
func roundInt32(v any) (int64, bool) { return toInt32(v, roundHalfUp) }

func roundHalfUp(f float64) float64 {
	r := math.Floor(f)
	if f-r >= 0.5 {
		r++
	}
	return r
}

// toInt32 converts a number to a 32-bit integer, a fraction made whole by toWhole; ok is false for a
// value that is no number or falls outside 32 bits.
func toInt32(v any, toWhole func(float64) float64) (int64, bool) {
	n, ok := toNumber(v)
	switch {
	case !ok || n.big != "":
		return 0, false
	case !n.isInt:
		if math.IsNaN(n.f) {
			return 0, false
		}
		n.i = int64(math.Max(math.Min(toWhole(n.f), math.MaxInt32+1), math.MinInt32-1))
	}
	return n.i, n.i >= math.MinInt32 && n.i <= math.MaxInt32
}
