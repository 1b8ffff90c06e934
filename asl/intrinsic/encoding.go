package intrinsic

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"unicode/utf8"
)

// base64Encode is States.Base64Encode: the UTF-8 bytes of the string, standard alphabet, padded.
func base64Encode(_ *Call, args []any) (any, error) {
	return base64.StdEncoding.EncodeToString([]byte(args[0].(string))), nil
}

// base64Decode is States.Base64Decode. AWS decodes leniently (it returns output for "!!!invalid!!!",
// "abc", "ab==cd" and " YWJjZA== "), as Apache Commons Codec does: characters outside the alphabet are
// skipped, both the standard and the URL-safe alphabet count, decoding stops at the first '=', and a
// final partial group yields what bytes it holds. The bytes are read as UTF-8.
func base64Decode(_ *Call, args []any) (any, error) {
	s := args[0].(string)
	var out []byte
	var acc uint32
	n := 0
	for i := 0; i < len(s) && s[i] != '='; i++ {
		d := base64Value(s[i])
		if d < 0 {
			continue
		}
		acc = acc<<6 | uint32(d)
		if n++; n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 2:
		out = append(out, byte(acc>>4))
	case 3:
		out = append(out, byte(acc>>10), byte(acc>>2))
	}
	return javaUTF8(out), nil
}

func base64Value(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+' || c == '-':
		return 62
	case c == '/' || c == '_':
		return 63
	}
	return -1
}

// javaUTF8 decodes b as Java's new String(b, UTF_8): each maximal ill-formed subsequence becomes one
// U+FFFD.
func javaUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
			b = b[maximalSubpart(b):]
			continue
		}
		out = append(out, b[:size]...)
		b = b[size:]
	}
	return string(out)
}

// maximalSubpart is the length of the ill-formed sequence at the start of b: its lead byte and the
// continuation bytes that could still have completed it (Unicode table 3-7).
func maximalSubpart(b []byte) int {
	need, lo, hi := 0, byte(0x80), byte(0xBF)
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c == 0xED:
		need, hi = 2, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90
	case c == 0xF4:
		need, hi = 3, 0x8F
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	}
	n := 1
	for n <= need && n < len(b) && b[n] >= lo && b[n] <= hi {
		lo, hi = 0x80, 0xBF
		n++
	}
	return n
}

// hashes are the algorithms States.Hash accepts, spelled exactly so.
var hashes = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

// hashData is States.Hash: the lower-case hex digest of the UTF-8 bytes of the data. AWS hashes a number
// or an object too, by its Java string form, which like a string may hold at most 10000 characters.
func hashData(c *Call, args []any) (any, error) {
	data := javaString(args[0])
	if utf16Len(data) > maxInput {
		return nil, c.fn.invalid()
	}
	h := hashes[args[1].(string)]()
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}
