package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/template"
	"github.com/aslrun/aslrun/resources/awscall"
)

// definitionSuffixes are the file names lint looks for in a directory.
var definitionSuffixes = []string{".asl.json", ".asl.yaml", ".asl.yml"}

// maxFileBytes is how much of a file lint reads: more bytes than this cannot be a definition AWS accepts
// (1,048,576 characters of at most 4 bytes each), so a larger file is reported without being parsed.
const maxFileBytes = 4 * asl.MaxDefinitionChars

type lintOptions struct {
	format       string
	typ          string
	strict       bool
	verbose      bool
	substitute   []string
	sub          []string
	placeholders string
}

// lintRun is what lintFile needs of the options, checked once.
type lintRun struct {
	opts asl.Options
	// typeGiven is whether --type was given, which then wins over a template's type for a state machine.
	typeGiven bool
	// subs replace ${KEY} with VALUE in the text before it is parsed; in a template they also fill its
	// parameters and override DefinitionSubstitutions.
	subs map[string]string
}

func newLintCmd() *cobra.Command {
	var o lintOptions
	cmd := &cobra.Command{
		Use:   "lint FILE|DIR|TEMPLATE[#LogicalId]...",
		Short: "Check state machine definitions as AWS does at CreateStateMachine",
		Long: `Check Amazon States Language definitions (JSON or YAML) for everything AWS refuses at
CreateStateMachine, with AWS's codes and messages, and warn about what AWS accepts but is likely a mistake.

A directory is searched recursively for *.asl.json, *.asl.yaml and *.asl.yml files, and for *.json, *.yaml
and *.yml files whose top level has StartAt and States or that are templates holding state machines
(outside node_modules and hidden directories); -v lists the other files it skipped.

Definition templates may hold ${...} placeholders (SAM DefinitionSubstitutions, CloudFormation
Fn::Sub, Terraform templatefile, also unquoted as in "Seconds": ${wait}). --substitute KEY=VALUE
replaces ${KEY} with VALUE before checking, as SAM does; every placeholder left is taken for a value
of the right type and reported once per name, as --placeholders says (warn, error or ignore).

A CloudFormation or SAM template (JSON or YAML) or a CDK cdk.out directory is linted state machine by
state machine (TEMPLATE#LogicalId names one), DefinitionSubstitutions, then --sub (--substitute), applied;
diagnostics point into the template for a Definition object or a DefinitionString written as a YAML
literal block (|), into the file of a DefinitionS3Location or DefinitionUri, and within the string for
another DefinitionString, named TEMPLATE#LogicalId (README: "Run a state machine from its template").

Exit status: 0 when no definition has an error (with --strict: nor a warning), 1 when one has,
2 on a usage error, a file that cannot be read or a directory without a state machine.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runLint(cmd, args, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "text", "output format: text, json or github (workflow annotations)")
	f.StringVar(&o.typ, "type", asl.Standard, "state machine type: STANDARD or EXPRESS (EXPRESS refuses .sync, .waitForTaskToken and activities)")
	f.BoolVar(&o.strict, "strict", false, "fail (exit 1) on warnings too")
	f.StringArrayVar(&o.substitute, "substitute", nil, "replace ${KEY} with VALUE before checking (KEY=VALUE, repeatable); --sub is the same")
	subFlag(f, &o.sub)
	f.StringVar(&o.placeholders, "placeholders", string(asl.PlaceholdersWarn), "${...} placeholders left in a definition: warn, error or ignore")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "list the .json, .yaml and .yml files a directory search skipped, and why")
	return cmd
}

// fileDiagnostic is one finding in one file, as the json format prints it.
type fileDiagnostic struct {
	File     string       `json:"file"`
	Line     int          `json:"line"`
	Col      int          `json:"col"`
	Severity asl.Severity `json:"severity"`
	Code     string       `json:"code"`
	Message  string       `json:"message"`
	Location string       `json:"location"`
}

func runLint(cmd *cobra.Command, args []string, o lintOptions) error {
	typ := strings.ToUpper(o.typ)
	if typ != asl.Standard && typ != asl.Express {
		return fmt.Errorf("--type must be STANDARD or EXPRESS, not %q", o.typ)
	}
	run := lintRun{opts: asl.Options{Type: typ, Placeholders: asl.Placeholders(o.placeholders), SDKCall: sdkCallable}, typeGiven: cmd.Flags().Changed("type")}
	switch run.opts.Placeholders {
	case asl.PlaceholdersWarn, asl.PlaceholdersError, asl.PlaceholdersIgnore:
	default:
		return fmt.Errorf("--placeholders must be warn, error or ignore, not %q", o.placeholders)
	}
	subs, err := parseSubs("--substitute", append(o.substitute, o.sub...))
	if err != nil {
		return err
	}
	run.subs = subs
	var print func(io.Writer, []fileDiagnostic) error
	switch o.format {
	case "text":
		print = printText
	case "json":
		print = printJSON
	case "github":
		print = printGitHub
	default:
		return fmt.Errorf("--format must be text, json or github, not %q", o.format)
	}
	stderr := cmd.ErrOrStderr()
	files, ioFailed := findDefinitions(args, stderr, o.verbose)
	var all []fileDiagnostic
	errs, warns := 0, 0
	for _, file := range files {
		ds, err := lintFile(file, run, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "aslrun lint: %v\n", err)
			ioFailed = true
			continue
		}
		all = append(all, ds...)
	}
	all = distinct(all)
	for _, d := range all {
		if d.Severity == asl.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	if err := print(cmd.OutOrStdout(), all); err != nil {
		return err
	}
	if o.format == "text" && len(files) > 0 {
		fmt.Fprintf(stderr, "%s, %s in %s\n", plural(errs, "error"), plural(warns, "warning"), plural(len(files), "file"))
	}
	switch {
	case ioFailed:
		return exitCode(2)
	case errs > 0 || (o.strict && warns > 0):
		return exitCode(1)
	}
	return nil
}

// findDefinitions expands the arguments: a file is linted whatever its name, a directory is searched for
// state machines (see isStateMachine). It reports on w each argument it cannot read and each directory
// without a state machine (both fail the run), and with verbose each file it skipped.
func findDefinitions(args []string, w io.Writer, verbose bool) (files []string, failed bool) {
	for _, arg := range args {
		path, _ := templateArg(arg)
		info, err := os.Stat(path)
		if err != nil {
			fmt.Fprintf(w, "aslrun lint: %v\n", err)
			failed = true
			continue
		}
		if !info.IsDir() || path != arg || template.IsAssembly(path) {
			files = append(files, arg)
			continue
		}
		found := 0
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir():
				if verbose && path != arg && unsearched(d.Name()) {
					fmt.Fprintf(w, "aslrun lint: skipped the .json, .yaml and .yml files in %s (only *.asl.* files there are linted)\n", path)
				}
				return nil
			case isDefinitionFile(path):
				files = append(files, path)
				found++
				return nil
			}
			if why := isStateMachine(arg, path); why != "" {
				if verbose && why != notData && why != inUnsearched {
					fmt.Fprintf(w, "aslrun lint: skipped %s: %s\n", path, why)
				}
				return nil
			}
			files = append(files, path)
			found++
			return nil
		})
		if err != nil {
			fmt.Fprintf(w, "aslrun lint: %v\n", err)
			failed = true
		} else if found == 0 {
			fmt.Fprintf(w, "aslrun lint: no state machine in %s: no %s file, nor a .json, .yaml or .yml file "+
				"whose top level has StartAt and States (-v lists the files skipped; name a file to lint it whatever it holds)\n",
				arg, strings.Join(definitionSuffixes, ", "))
			failed = true
		}
	}
	return files, failed
}

func isDefinitionFile(path string) bool {
	for _, s := range definitionSuffixes {
		if strings.HasSuffix(path, s) {
			return true
		}
	}
	return false
}

// notData is why isStateMachine skips a file that is not JSON or YAML by its name; such files are too many
// to list under -v.
const notData = "not .json, .yaml or .yml"

// inUnsearched is why isStateMachine skips a file under a directory that unsearched names; -v tells it
// once for the directory.
const inUnsearched = "in node_modules or a hidden directory"

// unsearched reports whether a directory's .json and .yaml files are left unsearched: dependencies and
// hidden directories (.git, .aws-sam's build copies) hold many, none the project's own state machines.
func unsearched(dir string) bool {
	return dir == "node_modules" || len(dir) > 1 && dir[0] == '.' && dir != ".."
}

// isStateMachine says why a file found under root is not a state machine, or "" when it is one: a .json,
// .yaml or .yml file (outside the directories unsearched names) whose top level has StartAt and States, as a SAM project's statemachine/*.json do,
// or a CloudFormation or SAM template that holds state machines. A file that does not
// parse but mentions both is taken for a broken state machine, so that lint reports its syntax error
// rather than skipping it.
func isStateMachine(root, path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json", ".yaml", ".yml":
	default:
		return notData
	}
	if rel, err := filepath.Rel(root, path); err == nil {
		for _, dir := range strings.Split(filepath.Dir(rel), string(filepath.Separator)) {
			if unsearched(dir) {
				return inUnsearched
			}
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return "" // lintFile reports it
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	switch {
	case err != nil:
		return ""
	case len(data) > maxFileBytes:
		return "larger than a definition can be"
	}
	if set, _ := readTemplate(path, data); set != nil {
		if len(set.Templates[0].Machines()) == 0 {
			return "a template without state machines"
		}
		return ""
	}
	n, err := source.Parse(data)
	if err != nil {
		if bytes.Contains(data, []byte("StartAt")) && bytes.Contains(data, []byte("States")) {
			return ""
		}
		return "neither JSON nor YAML"
	}
	if n.Kind != source.Object || n.Member("StartAt") == nil || n.Member("States") == nil {
		return "no StartAt and States at the top level"
	}
	return ""
}

// lintFile checks one file, or the state machines of a template or cdk.out; the error is an I/O error or
// a template that cannot be read, not a finding. Substitutions shift the columns of what follows them on
// their line, as the checked text is the substituted one.
func lintFile(path string, run lintRun, warn io.Writer) ([]fileDiagnostic, error) {
	if info, err := os.Stat(path); err == nil && !info.IsDir() && info.Size() > maxFileBytes {
		return []fileDiagnostic{{File: path, Line: 1, Col: 1, Severity: asl.SeverityError, Code: asl.CodeSchema,
			Message: fmt.Sprintf("The file is larger than %d bytes, far more than the 1,048,576 characters AWS accepts in a definition", maxFileBytes)}}, nil
	}
	defs, err := loadDefinitions(path, run.subs, true, true, warn)
	if err != nil {
		return nil, err
	}
	var out []fileDiagnostic
	for _, def := range defs {
		opts := run.opts
		if !run.typeGiven && def.typ != "" {
			opts.Type = def.typ
		}
		_, ds := def.check(opts)
		for _, d := range ds {
			out = append(out, fileDiagnostic{File: def.file, Line: d.Line, Col: d.Col, Severity: d.Severity,
				Code: d.Code, Message: d.Message, Location: d.Location()})
		}
	}
	return out, nil
}

// distinct drops repeated findings: a DefinitionUri file is linted both as found in a directory and
// through its template, where substitutions do not change it.
func distinct(ds []fileDiagnostic) []fileDiagnostic {
	seen := map[fileDiagnostic]bool{}
	out := ds[:0]
	for _, d := range ds {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// printText prints one line per finding: file:line:col: severity CODE: message at /pointer. A message
// that spans lines (AWS's JSON parser errors do) is folded onto its line.
func printText(w io.Writer, ds []fileDiagnostic) error {
	for _, d := range ds {
		msg := strings.ReplaceAll(d.Message, "\n", " ")
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s %s: %s at %s\n", d.File, d.Line, d.Col,
			strings.ToLower(string(d.Severity)), d.Code, msg, d.Location); err != nil {
			return err
		}
	}
	return nil
}

// printJSON prints every finding as one JSON array, empty when there is none.
func printJSON(w io.Writer, ds []fileDiagnostic) error {
	if ds == nil {
		ds = []fileDiagnostic{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ds)
}

// printGitHub prints GitHub Actions workflow commands, which the runner turns into annotations.
func printGitHub(w io.Writer, ds []fileDiagnostic) error {
	for _, d := range ds {
		level := "error"
		if d.Severity == asl.SeverityWarning {
			level = "warning"
		}
		_, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", level,
			githubProperty(d.File), d.Line, d.Col, githubProperty(d.Code), githubData(d.Message+" at "+d.Location))
		if err != nil {
			return err
		}
	}
	return nil
}

// githubData escapes the message of a workflow command, as the Actions toolkit does.
func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// githubProperty escapes a property value of a workflow command, which may not hold ":" or ",".
func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// sdkCallable says when aslrun's generic AWS call path cannot build an aws-sdk call: the Task then needs a
// handler, since no endpoint helps.
func sdkCallable(service, action string) error {
	svc, ok := awscall.Lookup(service)
	switch {
	case !ok:
		return fmt.Errorf("aslrun cannot call the service '%s' (aws-sdk:%s:%s) without a handler: its generic call path knows %s",
			service, service, action, strings.Join(awscall.Names(), ", "))
	case !svc.Knows(action):
		return fmt.Errorf("aslrun cannot call aws-sdk:%s:%s without a handler: its table of the %s REST API routes other actions",
			service, action, svc.Name)
	}
	return nil
}
