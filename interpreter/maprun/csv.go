package maprun

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"slices"
)

// csvOptions say how to read a text delimited file.
type csvOptions struct {
	delim byte
	// headers are the field names; nil reads them from the first row.
	headers []string
}

// csvOptionsOf reads the CSV fields of a ReaderConfig; headers are the names to use when the config
// gives no CSVHeaderLocation (an S3 inventory's fileSchema), nil for the first row.
func csvOptionsOf(cfg *ReaderConfig, headers []string) (csvOptions, error) {
	o := csvOptions{delim: ',', headers: headers}
	switch cfg.CSVDelimiter {
	case "PIPE":
		o.delim = '|'
	case "SEMICOLON":
		o.delim = ';'
	case "SPACE":
		o.delim = ' '
	case "TAB":
		o.delim = '\t'
	}
	switch cfg.CSVHeaderLocation {
	case headerGiven:
		o.headers = cfg.CSVHeaders
	case headerFirstRow:
		o.headers = nil
	}
	if err := uniqueHeaders(o.headers); err != nil {
		return o, err
	}
	return o, nil
}

// uniqueHeaders refuses a header that names a field twice, with AWS's recorded cause.
func uniqueHeaders(headers []string) error {
	seen := make(map[string]bool, len(headers))
	for _, h := range headers {
		if seen[h] {
			return readerFailed("CSV headers cannot contain duplicates.")
		}
		seen[h] = true
	}
	return nil
}

// csvItems reads the rows of a text delimited file as objects of strings, keyed by the header. As AWS
// documents: a row with fewer fields than the header gets empty strings for the missing ones, and
// fields past the header are dropped.
type csvItems struct {
	body    io.Closer
	sc      *csvScanner
	headers []string
	origin  Origin
}

func openCSV(body io.ReadCloser, f file, o csvOptions) (Items, error) {
	r := bufio.NewReaderSize(body, 64<<10)
	// A UTF-8 byte order mark is not part of the first field.
	if bom, _ := r.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		r.Discard(3)
	}
	it := &csvItems{body: body, sc: &csvScanner{r: r, delim: o.delim, f: f}, headers: o.headers, origin: Origin{Source: f.source()}}
	if it.headers == nil {
		row, err := it.sc.next()
		if err != nil && err != io.EOF {
			body.Close()
			return nil, err
		}
		it.headers = slices.Clone(row)
		if err := uniqueHeaders(it.headers); err != nil {
			body.Close()
			return nil, err
		}
	}
	return it, nil
}

func (it *csvItems) Next() (any, error) {
	if len(it.headers) == 0 {
		return nil, io.EOF
	}
	row, err := it.sc.next()
	if err != nil {
		return nil, err
	}
	m := make(map[string]any, len(it.headers))
	for i, h := range it.headers {
		if i < len(row) {
			m[h] = row[i]
		} else {
			m[h] = ""
		}
	}
	return m, nil
}

func (it *csvItems) Origin() Origin { return it.origin }

func (it *csvItems) Close() error { return it.body.Close() }

// csvScanner splits a text delimited file into records by the rules AWS documents for a Distributed
// Map: fields are separated by the delimiter and records by line breaks ("\n" or "\r\n"); a field
// (or part of one) in double quotes may hold delimiters and line breaks; two double quotes stand for
// one, inside quotes or not; a backslash makes the next character literal (a backslash, a quote, the
// delimiter) and is itself dropped. Decisions where the documentation is silent: a line with nothing on
// it is no record (a file's last line break makes no empty row); a line break inside quotes is kept
// as "\n"; a quote that is never closed is a malformed file.
type csvScanner struct {
	r      *bufio.Reader
	delim  byte
	f      file
	line   int // lines read
	buf    []byte
	field  []byte // the record's fields, one after the other
	ends   []int  // where each field ends in field
	fields []string
}

// next returns the fields of the next record, or io.EOF. The slice is reused by the next call; the
// strings are not.
func (s *csvScanner) next() ([]string, error) {
	var line []byte
	for len(line) == 0 {
		var err error
		if line, err = s.readLine(); err != nil {
			return nil, err
		}
	}
	start := s.line
	s.field, s.ends = s.field[:0], s.ends[:0]
	if bytes.IndexByte(line, '"') < 0 && bytes.IndexByte(line, '\\') < 0 {
		// The common case: no quoting, the fields are what lies between the delimiters.
		for {
			i := bytes.IndexByte(line, s.delim)
			if i < 0 {
				s.field = append(s.field, line...)
				break
			}
			s.field = append(s.field, line[:i]...)
			s.ends = append(s.ends, len(s.field))
			line = line[i+1:]
		}
	} else if err := s.parse(line, start); err != nil {
		return nil, err
	}
	s.ends = append(s.ends, len(s.field))
	all := string(s.field)
	s.fields = s.fields[:0]
	prev := 0
	for _, e := range s.ends {
		s.fields = append(s.fields, all[prev:e])
		prev = e
	}
	return s.fields, nil
}

// parse reads a record with quotes or backslashes, on as many lines as its quotes span.
func (s *csvScanner) parse(line []byte, start int) error {
	quoted, fieldStart := false, true
	for {
		for i := 0; i < len(line); i++ {
			c := line[i]
			switch {
			case c == '\\':
				if i+1 < len(line) {
					i++
					s.field = append(s.field, line[i])
				}
				fieldStart = false
			case c == '"':
				// Two quotes are one, except that a field starting with them is an empty quoted string.
				if i+1 < len(line) && line[i+1] == '"' && (quoted || !fieldStart) {
					i++
					s.field = append(s.field, '"')
				} else {
					quoted = !quoted
				}
				fieldStart = false
			case c == s.delim && !quoted:
				s.ends = append(s.ends, len(s.field))
				fieldStart = true
			default:
				s.field = append(s.field, c)
				fieldStart = false
			}
		}
		if !quoted {
			return nil
		}
		s.field = append(s.field, '\n')
		if len(s.field) > maxItemBytes {
			return readerFailed("The row at line %d of %s is longer than 8 MB, the largest item a Map reads", start, s.f.uri())
		}
		var err error
		if line, err = s.readLine(); err == io.EOF {
			return readerFailed("The CSV row at line %d of %s is malformed: a quoted field is never closed", start, s.f.uri())
		} else if err != nil {
			return err
		}
	}
}

func (s *csvScanner) readLine() ([]byte, error) {
	line, err := readLine(s.r, &s.buf)
	s.line++
	switch {
	case err == nil || err == io.EOF:
		return line, err
	case errors.Is(err, errLineTooLong{}):
		return nil, readerFailed("Line %d of %s is longer than 8 MB, the largest item a Map reads", s.line, s.f.uri())
	}
	return nil, readerFailed("Reading %s failed: %v", s.f.uri(), err)
}
