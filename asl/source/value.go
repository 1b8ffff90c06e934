package source

import (
	"encoding/json"
	"errors"

	"github.com/ohler55/ojg/oj"
)

// Decode parses JSON text into the generic values the interpreter works on (ojg's: map[string]any,
// []any, int64, float64, string, bool, nil), keeping integers exact. The text is checked with
// encoding/json first, because ojg's parser (v1.28.5) panics on some malformed objects
// ({"a":{"b":},"c":1) and accepts others ({"a":{"b":}}).
func Decode(data []byte) (any, error) {
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		if err == nil { // Valid and Unmarshal disagree only on impossible input
			err = errors.New("invalid JSON")
		}
		return nil, err
	}
	return oj.Parse(data)
}

// DecodeString is Decode on a string.
func DecodeString(s string) (any, error) { return Decode([]byte(s)) }
