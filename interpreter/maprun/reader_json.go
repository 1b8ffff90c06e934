package maprun

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
)

// notIterable is AWS's cause for a JSON dataset that is neither an array nor an object, as recorded.
const notIterable = "Attempting to map over non-iterable node."

// jsonItems streams the elements of an array, or the entries of an object, in a JSON file. Only the
// path to the node is walked and one element is held at a time; the rest of the document after the
// node is still read to the end, to find a malformed tail as a whole-document parser would.
type jsonItems struct {
	body    io.Closer
	dec     *json.Decoder
	f       file
	source  string
	entries bool // the node is an object: items are {"Key", "Value"}
	key     string
	done    bool
	// open is how many arrays and objects are open at the node, its own included: each must be closed
	// before the document ends (the decoder's tokens end at the end of the input, closed or not).
	open int
}

// openJSON positions a reader on the node ptr selects in the document.
func openJSON(body io.ReadCloser, f file, ptr Pointer) (Items, error) {
	it := &jsonItems{body: body, dec: json.NewDecoder(body), f: f, source: f.source()}
	if err := it.seek(ptr); err != nil {
		body.Close()
		return nil, err
	}
	return it, nil
}

func (it *jsonItems) seek(ptr Pointer) error {
	tok, err := it.dec.Token()
	if err == io.EOF {
		return readerFailed("The object %s holds no JSON document", it.f.uri())
	}
	for i, seg := range ptr {
		if err != nil {
			return it.syntax(err)
		}
		missing := func() error {
			return readerFailed("ItemsPointer %q selects nothing in %s: there is no %q", ptr.String(), it.f.uri(), ptr[:i+1].String())
		}
		switch tok {
		case json.Delim('{'):
			found := false
			for !found && it.dec.More() {
				k, err := it.dec.Token()
				if err != nil {
					return it.syntax(err)
				}
				if found = k == seg; !found {
					if err := it.skip(); err != nil {
						return err
					}
				}
			}
			if !found {
				return missing()
			}
		case json.Delim('['):
			n, ok := arrayIndex(seg)
			if !ok {
				return missing()
			}
			for ; n > 0 && it.dec.More(); n-- {
				if err := it.skip(); err != nil {
					return err
				}
			}
			if !it.dec.More() {
				return missing()
			}
		default:
			return missing()
		}
		tok, err = it.dec.Token()
	}
	if err != nil {
		return it.syntax(err)
	}
	switch tok {
	case json.Delim('['):
	case json.Delim('{'):
		it.entries = true
	default:
		return readerFailed(notIterable)
	}
	it.open = len(ptr) + 1
	return nil
}

func (it *jsonItems) Next() (any, error) {
	if it.done {
		return nil, io.EOF
	}
	if !it.dec.More() {
		// The node's closing bracket, then the rest of the document, which must close what is open.
		for {
			tok, err := it.dec.Token()
			if err == io.EOF && it.open > 0 {
				return nil, it.syntax(io.ErrUnexpectedEOF)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, it.syntax(err)
			}
			switch tok {
			case json.Delim('['), json.Delim('{'):
				it.open++
			case json.Delim(']'), json.Delim('}'):
				it.open--
			}
		}
		it.done = true
		return nil, io.EOF
	}
	if it.entries {
		k, err := it.dec.Token()
		if err != nil {
			return nil, it.syntax(err)
		}
		it.key, _ = k.(string)
		v, err := it.value()
		if err != nil {
			return nil, err
		}
		return map[string]any{"Key": it.key, "Value": v}, nil
	}
	return it.value()
}

// value decodes the next value, at most 8 MB of JSON text.
func (it *jsonItems) value() (any, error) {
	var raw json.RawMessage
	if err := it.dec.Decode(&raw); err != nil {
		return nil, it.syntax(err)
	}
	at := it.dec.InputOffset() - int64(len(raw))
	if len(raw) > maxItemBytes {
		return nil, readerFailed("The item at offset %d of %s is larger than 8 MB, the largest item a Map reads", at, it.f.uri())
	}
	v, err := source.Decode(raw)
	if err != nil {
		return nil, readerFailed("The JSON at offset %d of %s is not valid: %v", at, it.f.uri(), err)
	}
	return v, nil
}

// skip passes over the next value.
func (it *jsonItems) skip() error {
	var raw json.RawMessage
	if err := it.dec.Decode(&raw); err != nil {
		return it.syntax(err)
	}
	return nil
}

func (it *jsonItems) syntax(err error) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return readerFailed("The JSON document in %s ends early, at offset %d", it.f.uri(), it.dec.InputOffset())
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return readerFailed("The JSON document in %s is not valid at offset %d: %v", it.f.uri(), se.Offset, err)
	}
	return readerFailed("Reading %s failed: %v", it.f.uri(), err)
}

func (it *jsonItems) Origin() Origin {
	return Origin{Source: it.source, Entry: it.entries, Key: it.key}
}

func (it *jsonItems) Close() error { return it.body.Close() }

// jsonlItems reads a JSON Lines file: one value a line; lines of white space alone are passed over.
type jsonlItems struct {
	body   io.Closer
	r      *bufio.Reader
	buf    []byte
	f      file
	origin Origin
	line   int
}

func openJSONL(body io.ReadCloser, f file) Items {
	return &jsonlItems{body: body, r: bufio.NewReaderSize(body, 64<<10), f: f, origin: Origin{Source: f.source()}}
}

func (it *jsonlItems) Next() (any, error) {
	for {
		line, err := readLine(it.r, &it.buf)
		it.line++
		if errors.Is(err, errLineTooLong{}) {
			return nil, readerFailed("Line %d of %s is longer than 8 MB, the largest item a Map reads", it.line, it.f.uri())
		} else if err != nil {
			if err != io.EOF {
				err = readerFailed("Reading %s failed: %v", it.f.uri(), err)
			}
			return nil, err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		v, err := source.Decode(line)
		if err != nil {
			return nil, readerFailed("Line %d of %s is not valid JSON", it.line, it.f.uri())
		}
		return v, nil
	}
}

func (it *jsonlItems) Origin() Origin { return it.origin }

func (it *jsonlItems) Close() error { return it.body.Close() }

// errLineTooLong is a line over 8 MB.
type errLineTooLong struct{}

func (errLineTooLong) Error() string { return "line too long" }

// readLine returns the next line without its line break ("\n" or "\r\n"), or io.EOF when none is
// left. The line is valid until the next read; buf holds lines longer than the reader's buffer.
func readLine(r *bufio.Reader, buf *[]byte) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		*buf = append((*buf)[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(*buf) > maxItemBytes {
				return nil, errLineTooLong{}
			}
			line, err = r.ReadSlice('\n')
			*buf = append(*buf, line...)
		}
		line = *buf
	}
	if err == io.EOF {
		if len(line) == 0 {
			return nil, io.EOF
		}
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if len(line) > maxItemBytes {
		return nil, errLineTooLong{}
	}
	line = bytes.TrimSuffix(line, []byte{'\n'})
	return bytes.TrimSuffix(line, []byte{'\r'}), nil
}

// Pointer is a JSON Pointer (RFC 6901), the form of ReaderConfig.ItemsPointer: its reference tokens,
// unescaped. The empty pointer selects the whole document.
type Pointer []string

// ParsePointer reads a JSON Pointer: "" or "/" followed by tokens separated by "/", where "~1" stands
// for "/" and "~0" for "~".
func ParsePointer(s string) (Pointer, error) {
	if s == "" {
		return nil, nil
	}
	if s[0] != '/' {
		return nil, fmt.Errorf("ItemsPointer %q is not a JSON Pointer: it must start with \"/\"", s)
	}
	toks := strings.Split(s[1:], "/")
	for i, t := range toks {
		for j := 0; j < len(t); j++ {
			if t[j] == '~' && (j+1 == len(t) || (t[j+1] != '0' && t[j+1] != '1')) {
				return nil, fmt.Errorf("ItemsPointer %q is not a JSON Pointer: \"~\" must be followed by 0 or 1", s)
			}
		}
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks, nil
}

// String writes the pointer back in its escaped form.
func (p Pointer) String() string {
	var b strings.Builder
	for _, t := range p {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// Resolve selects the node p points to in a value of the state's data.
func (p Pointer) Resolve(doc any) (any, error) {
	v := doc
	for i, t := range p {
		ok := false
		switch x := v.(type) {
		case map[string]any, *value.Object:
			v, ok = value.Field(x, t)
		case []any:
			var n int
			if n, ok = arrayIndex(t); ok && n < len(x) {
				v = x[n]
			} else {
				ok = false
			}
		}
		if !ok {
			return nil, fmt.Errorf("the JSON Pointer %q selects nothing: there is no %q", p.String(), p[:i+1].String())
		}
	}
	return v, nil
}

// arrayIndex reads an array index of a JSON Pointer: digits without a leading zero.
func arrayIndex(t string) (int, bool) {
	if t == "" || (len(t) > 1 && t[0] == '0') || strings.TrimLeft(t, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(t)
	return n, err == nil
}

// ItemsOf gives the items a Map iterates over in a JSON value: an array's elements, or an object's
// entries (see objectItems); ok is false for any other value.
func ItemsOf(v any) (items []any, ok bool) {
	if x, ok := v.([]any); ok {
		return x, true
	}
	if members, ok := value.Members(v); ok {
		return objectItems(members), true
	}
	return nil, false
}

// objectItems gives the items of a Map over a JSON object: one {"Key": key, "Value": value} per entry,
// the shape AWS hands each iteration ($$.Map.Item.Key is the key, $$.Map.Item.Value the value). AWS
// keeps the object's order; aslrun's objects have none, so the entries come sorted by key (UTF-8 byte
// order).
func objectItems(members []value.Member) []any {
	items := make([]any, len(members))
	for i, m := range members {
		items[i] = map[string]any{"Key": m.Key, "Value": m.Value}
	}
	return items
}
