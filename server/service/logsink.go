package service

import (
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// LogStream is a LogSink that writes the events of every log group to one writer, one JSON object per line.
// Each line is AWS's log message with one member added at its end, log_group_arn: in CloudWatch the log
// group holds the events, it is not part of them.
type LogStream struct {
	w io.Writer
}

// NewLogStream writes execution log events to w (a file, stderr).
func NewLogStream(w io.Writer) *LogStream { return &LogStream{w: w} }

// Log writes the event as one line, in one Write.
func (s *LogStream) Log(logGroupArn string, event []byte) error {
	group, err := json.Marshal(logGroupArn)
	if err != nil {
		return err
	}
	if len(event) < 2 || event[len(event)-1] != '}' {
		return errors.New("a log event must be a JSON object")
	}
	line := make([]byte, 0, len(event)+len(group)+20)
	line = append(line, event[:len(event)-1]...)
	line = append(line, `,"log_group_arn":`...)
	line = append(line, group...)
	line = append(line, "}\n"...)
	_, err = s.w.Write(line)
	return err
}

// LogDir is a LogSink that writes each log group's events to its own file in a directory, as CloudWatch
// keeps them apart: NAME.log, NAME being the log group's name (from its ARN) path-escaped, so that
// "/aws/vendedlogs/states/orders" is the file %2Faws%2Fvendedlogs%2Fstates%2Forders.log. Each line is
// AWS's log message exactly. Files are appended to.
type LogDir struct {
	dir   string
	files map[string]*os.File
}

// NewLogDir writes execution log events to files in dir, which must exist.
func NewLogDir(dir string) *LogDir { return &LogDir{dir: dir, files: map[string]*os.File{}} }

// Log appends the event to its log group's file.
func (d *LogDir) Log(logGroupArn string, event []byte) error {
	name := logGroupName(logGroupArn)
	f := d.files[name]
	if f == nil {
		var err error
		// Execution data may be private: only the server's user reads the logs.
		if f, err = os.OpenFile(filepath.Join(d.dir, url.PathEscape(name)+".log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); err != nil {
			return err
		}
		d.files[name] = f
	}
	_, err := f.Write(append(event[:len(event):len(event)], '\n'))
	return err
}

// Close closes the files.
func (d *LogDir) Close() error {
	var errs []error
	for name, f := range d.files {
		errs = append(errs, f.Close())
		delete(d.files, name)
	}
	return errors.Join(errs...)
}

// logGroupName is the name in a log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*), or the whole
// text when it is no such ARN.
func logGroupName(arn string) string {
	_, name, ok := strings.Cut(arn, ":log-group:")
	if !ok || name == "" {
		return arn
	}
	return strings.TrimSuffix(name, ":*")
}
