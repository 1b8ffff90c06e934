package value

import "unicode/utf8"

// AppendString writes s as a JSON string, escaped as encoding/json escapes it (HTML characters, U+2028
// and U+2029, invalid UTF-8 as U+FFFD): the one string writer of the append-style encoders (history
// events, the API's answers).
func AppendString[S []byte | string](b []byte, s S) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscape(b, c, hex)
			i++
			start = i
			continue
		}
		n := min(len(s)-i, utf8.UTFMax)
		r, size := utf8.DecodeRuneInString(string(s[i : i+n]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendJacksonString writes s as a JSON string as AWS writes the strings of state payloads (Java's
// Jackson): \" \\ \b \t \n \f \r, \u00XX (upper-case hex) for the other control characters, every other
// byte as it is. Its length is what Size counts for s, so that a payload written is the size that the
// payload limit checked.
func AppendJacksonString(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		start = i + 1
		b = appendEscape(b, c, hex)
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscape writes the escape of the ASCII character c: its two-character form where JSON has one,
// else \u00XX in the digits of hex (encoding/json writes them in lower case, Jackson in upper).
func appendEscape(b []byte, c byte, hex string) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\t':
		return append(b, '\\', 't')
	case '\n':
		return append(b, '\\', 'n')
	case '\f':
		return append(b, '\\', 'f')
	case '\r':
		return append(b, '\\', 'r')
	}
	return append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
}
