package main

import (
	"io"
	"log"
	"log/slog"
	"net/http"

	"github.com/spf13/pflag"

	"github.com/aslrun/aslrun/server/httpapi"
)

// logFlags choose serve's log on stderr: one access line per request, and the server's own failures.
type logFlags struct {
	format string
	quiet  bool
}

func addLogFlags(f *pflag.FlagSet, fl *logFlags) {
	f.StringVar(&fl.format, "log-format", httpapi.LogText, "text (key=value) or json: the format of the access log and server errors on stderr")
	f.BoolVar(&fl.quiet, "quiet", false, "no access log line per request (server errors are still logged)")
}

// serveLog is the logger of the server's failures and what wraps the server's handler with the access log
// (nothing with --quiet), both writing to stderr in the --log-format.
func serveLog(stderr io.Writer, fl logFlags) (*log.Logger, func(http.Handler) http.Handler, error) {
	h, err := httpapi.NewLogHandler(stderr, fl.format)
	if err != nil {
		return nil, nil, err
	}
	errLog := slog.NewLogLogger(h, slog.LevelError)
	if fl.quiet {
		return errLog, func(next http.Handler) http.Handler { return next }, nil
	}
	access := slog.New(h)
	return errLog, func(next http.Handler) http.Handler { return httpapi.WithAccessLog(access, next) }, nil
}
