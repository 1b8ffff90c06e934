package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unsafe"

	"github.com/spf13/cobra"

	"github.com/aslrun/aslrun/asl/source"
)

// inputFlag reads a JSON-valued flag (--input, --context, ...): {} when the flag is not given, else
// readInput's value. A refusal names the flag; text that is not JSON is StartExecution's
// InvalidExecutionInput.
func inputFlag(cmd *cobra.Command, name, arg string) (any, string, int, error) {
	if !cmd.Flags().Changed(name) {
		return map[string]any{}, "{}", 2, nil
	}
	v, text, size, err := readInput(cmd.InOrStdin(), "--"+name, arg)
	if err != nil {
		code := usageCode
		if errors.As(err, new(*notJSON)) {
			code = "InvalidExecutionInput"
		}
		return nil, "", 0, refuse(cmd, code, "%v", err)
	}
	return v, text, size, nil
}

// notJSON is a flag's file or text that is not JSON.
type notJSON struct{ msg string }

func (e *notJSON) Error() string { return e.msg }

// readInput reads the value of a JSON-valued flag: "-" is stdin, an existing file is read, text that is
// JSON is taken as it is. Anything else is refused, saying whether it is taken for a file that does not
// exist or for JSON text that is broken: text that starts as JSON ('{', '[', '"') is JSON text, other
// text a file name. An empty value is refused: it would silently stand for {}. It returns the value, its
// text as given, and its compact size (source.DecodeSized's: -1 unknown); errors name the flag.
func readInput(stdin io.Reader, flag, arg string) (any, string, int, error) {
	const forms = "give a file, - for stdin, or JSON text such as '{}'"
	var data []byte
	var err error
	from := flag
	switch {
	case strings.TrimSpace(arg) == "":
		return nil, "", 0, fmt.Errorf("%s is empty: %s", flag, forms)
	case arg == "-":
		data, err = io.ReadAll(stdin)
		from = flag + " - (stdin)"
	default:
		info, statErr := os.Stat(arg)
		switch {
		case statErr == nil && info.IsDir():
			return nil, "", 0, fmt.Errorf("%s: %s is a directory: %s", flag, arg, forms)
		case statErr == nil:
			data, err = os.ReadFile(arg)
			from = flag + " " + arg
		case !errors.Is(statErr, fs.ErrNotExist):
			return nil, "", 0, fmt.Errorf("%s: %v", flag, statErr)
		default:
			v, size, perr := source.DecodeSized([]byte(arg))
			if perr == nil {
				return v, arg, size, nil
			}
			if t := strings.TrimSpace(arg); strings.ContainsRune("{[\"", rune(t[0])) {
				return nil, "", 0, &notJSON{fmt.Sprintf("%s: not valid JSON text (%v): %s", flag, perr, forms)}
			}
			return nil, "", 0, fmt.Errorf("%s: no such file %q: %s", flag, arg, forms)
		}
	}
	if err != nil {
		return nil, "", 0, fmt.Errorf("%s: %v", flag, err)
	}
	v, size, err := source.DecodeSized(data)
	if err != nil {
		return nil, "", 0, &notJSON{fmt.Sprintf("%s: not JSON: %v", from, err)}
	}
	// data is not written again: the text shares it rather than copy an input of maybe megabytes.
	return v, unsafe.String(unsafe.SliceData(data), len(data)), size, nil
}
