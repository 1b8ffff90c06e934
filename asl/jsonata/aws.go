package jsonata

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"math"
	mrand "math/rand/v2"
	"strings"
)

// StepFunctions returns the functions AWS Step Functions adds to JSONata ($partition, $range,
// $hash, $random with an optional seed, $uuid, $parse), as bindings for Options.Bindings. Step
// Functions does not offer $eval: pass Disabled: []string{"$eval"} as well.
func StepFunctions() map[string]any {
	fns := map[string]Function{
		"partition": {Signature: "<an:a>", Call: sfPartition},
		"range":     {Signature: "<nnn?:a>", Call: sfRange},
		"hash":      {Signature: "<ss:s>", Call: sfHash},
		"random":    {Signature: "<n?:n>", Call: sfRandom},
		"uuid":      {Signature: "<:s>", Call: sfUUID},
		"parse":     {Signature: "<s:x>", Call: sfParse},
	}
	// Bound ready-made, so that an evaluation does not parse their signatures again.
	out := make(map[string]any, len(fns))
	for name, f := range fns {
		out[name] = newHostFunction(name, &f)
	}
	return out
}

// maxRangeItems is the limit of States.ArrayRange, which $range replaces.
const maxRangeItems = 1000

func sfError(format string, a ...any) error {
	return &Error{Code: "D3137", Position: -1, Message: fmt.Sprintf(format, a...)}
}

// toFloat reads a number argument, as generic values hold int64 or float64.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func sfPartition(_ context.Context, args []any) (any, error) {
	arr, _ := argAt(args, 0).([]any)
	size, ok := toFloat(argAt(args, 1))
	if !ok || size <= 0 || size != math.Trunc(size) {
		return nil, sfError("$partition: the chunk size must be a positive integer, got %v", argAt(args, 1))
	}
	n := int(size)
	out := make([]any, 0, (len(arr)+n-1)/n)
	for i := 0; i < len(arr); i += n {
		out = append(out, append([]any(nil), arr[i:min(i+n, len(arr))]...))
	}
	return out, nil
}

func sfRange(_ context.Context, args []any) (any, error) {
	start, ok1 := toFloat(argAt(args, 0))
	end, ok2 := toFloat(argAt(args, 1))
	step := 1.0
	if argAt(args, 2) != nil {
		step, _ = toFloat(argAt(args, 2))
	}
	if !ok1 || !ok2 || start != math.Trunc(start) || end != math.Trunc(end) || step != math.Trunc(step) {
		return nil, sfError("$range: start, end and step must be integers")
	}
	if step == 0 {
		return nil, sfError("$range: the step must not be 0")
	}
	out := []any{}
	for v := start; (step > 0 && v <= end) || (step < 0 && v >= end); v += step {
		if len(out) == maxRangeItems {
			return nil, sfError("$range: the range has more than %d items", maxRangeItems)
		}
		out = append(out, int64(v))
	}
	return out, nil
}

func sfHash(_ context.Context, args []any) (any, error) {
	s, _ := argAt(args, 0).(string)
	alg, _ := argAt(args, 1).(string)
	var h hash.Hash
	switch strings.ToUpper(alg) {
	case "MD5":
		h = md5.New()
	case "SHA-1":
		h = sha1.New()
	case "SHA-256":
		h = sha256.New()
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		return nil, sfError("$hash: unsupported algorithm %q (MD5, SHA-1, SHA-256, SHA-384 or SHA-512)", alg)
	}
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil)), nil
}

func sfRandom(_ context.Context, args []any) (any, error) {
	if seed, ok := toFloat(argAt(args, 0)); ok {
		// the same seed always gives the same number
		r := mrand.New(mrand.NewPCG(math.Float64bits(seed), 0x5f3759df))
		return r.Float64(), nil
	}
	return mrand.Float64(), nil
}

func sfUUID(context.Context, []any) (any, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, sfError("$uuid: %v", err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

func sfParse(_ context.Context, args []any) (any, error) {
	s, _ := argAt(args, 0).(string)
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, sfError("$parse: invalid JSON: %v", err)
	}
	if dec.More() {
		return nil, sfError("$parse: invalid JSON: trailing data")
	}
	return v, nil
}
