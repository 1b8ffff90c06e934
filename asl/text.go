package asl

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/source"
)

// text is the definition as written, to locate a problem inside a string value: the parsed document
// keeps only where each value starts and what it decodes to.
type text struct {
	data []byte
	// lines holds the byte offset where each line starts, computed on first use.
	lines []int
}

// at returns the position in the file of byte offset off of the string that n decodes to. It follows
// the string's quoting and escapes when n is written on one line between double quotes (JSON, YAML) or
// single quotes (YAML); otherwise, or without the file's text, it returns where n starts.
func (t *text) at(n *source.Node, off int) source.Pos {
	o, ok := t.offset(n.Pos)
	if !ok || off < 0 || off > len(n.Str) {
		return n.Pos
	}
	q := t.data[o]
	if q != '"' && q != '\'' {
		return n.Pos
	}
	col := n.Pos.Col + 1
	for r, d := o+1, 0; ; {
		if d == off {
			return source.Pos{Line: n.Pos.Line, Col: col}
		}
		if r >= len(t.data) {
			return n.Pos
		}
		raw, dec := t.unit(r, q)
		// A unit that is not part of the string, or that decodes otherwise than the parser did, means the
		// quoting is not the one understood here.
		if raw == 0 || d+len(dec) > len(n.Str) || n.Str[d:d+len(dec)] != dec {
			return n.Pos
		}
		if d+len(dec) > off {
			return source.Pos{Line: n.Pos.Line, Col: col}
		}
		d += len(dec)
		col += utf8.RuneCount(t.data[r : r+raw])
		r += raw
	}
}

// unit reads one character of a string quoted with q at byte r: its length as written and what it
// decodes to. The length is 0 at the closing quote, a line end, or an escape this does not know.
func (t *text) unit(r int, q byte) (int, string) {
	data := t.data
	c := data[r]
	switch {
	case c == '\n' || c == '\r':
		return 0, ""
	case c == q && q == '\'':
		if r+1 < len(data) && data[r+1] == '\'' {
			return 2, "'"
		}
		return 0, ""
	case c == q:
		return 0, ""
	case c == '\\' && q == '"':
		return escape(data[r:])
	}
	_, size := utf8.DecodeRune(data[r:])
	return size, string(data[r : r+size])
}

// escape decodes the JSON escape at the start of b.
func escape(b []byte) (int, string) {
	if len(b) < 2 {
		return 0, ""
	}
	if k := strings.IndexByte("\"\\/bfnrt", b[1]); k >= 0 {
		return 2, "\"\\/\b\f\n\r\t"[k : k+1]
	}
	if b[1] != 'u' || len(b) < 6 {
		return 0, ""
	}
	hi, err := strconv.ParseUint(string(b[2:6]), 16, 32)
	if err != nil {
		return 0, ""
	}
	r := rune(hi)
	if isHighSurrogate(r) && len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
		if lo, err := strconv.ParseUint(string(b[8:12]), 16, 32); err == nil && lo >= 0xdc00 && lo <= 0xdfff {
			return 12, string(0x10000 + (r-0xd800)<<10 + rune(lo) - 0xdc00)
		}
	}
	return 6, string(r)
}

func isHighSurrogate(r rune) bool { return r >= 0xd800 && r <= 0xdbff }

// offset is the byte offset of a position: lines end at CR LF, LF or a lone CR, columns count runes,
// and a byte order mark takes no column, as asl/source counts them.
func (t *text) offset(p source.Pos) (int, bool) {
	if t.data == nil || p.Line < 1 || p.Col < 1 {
		return 0, false
	}
	if t.lines == nil {
		start := 0
		if len(t.data) >= 3 && string(t.data[:3]) == "\ufeff" {
			start = 3
		}
		t.lines = append(t.lines, start)
		for i := start; i < len(t.data); i++ {
			if c := t.data[i]; c == '\n' || c == '\r' && (i+1 == len(t.data) || t.data[i+1] != '\n') {
				t.lines = append(t.lines, i+1)
			}
		}
	}
	if p.Line > len(t.lines) {
		return 0, false
	}
	o := t.lines[p.Line-1]
	for col := 1; col < p.Col; col++ {
		if o >= len(t.data) {
			return 0, false
		}
		_, size := utf8.DecodeRune(t.data[o:])
		o += size
	}
	return o, o < len(t.data)
}
