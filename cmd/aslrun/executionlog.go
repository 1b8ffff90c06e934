package main

import (
	"io"
	"log"
	"os"

	"github.com/aslrun/aslrun/server/service"
)

const executionLogUsage = `write the log events that state machines' LoggingConfiguration asks for, as JSON lines: "-" to stderr, ` +
	`a directory: a file per log group, else a file (appended to)`

// executionLog is the sink --execution-log names (nil when not given), how it reports errors, and what
// closes it. A file holds only the server user's: execution data may be private.
func executionLog(path string, stderr io.Writer) (sink service.LogSink, report func(error), closeLog func(), err error) {
	logger := log.New(stderr, "aslrun serve: ", log.LstdFlags)
	report, closeLog = func(err error) { logger.Print(err) }, func() {}
	switch fi, statErr := os.Stat(path); {
	case path == "":
		return nil, report, closeLog, nil
	case path == "-":
		return service.NewLogStream(stderr), report, closeLog, nil
	case statErr == nil && fi.IsDir():
		d := service.NewLogDir(path)
		return d, report, func() { reportErr(report, d.Close()) }, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, nil, err
	}
	return service.NewLogStream(f), report, func() { reportErr(report, f.Close()) }, nil
}

func reportErr(report func(error), err error) {
	if err != nil {
		report(err)
	}
}
