package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/server/service"
)

type executeFlags struct {
	input, handlers, name, typ, clock, history, format, httpAllow, s3Root, lambdaEndpoint, color string
	noPayloadLimit, dumpServices, trace                                                          bool
	endpoints, subs                                                                              []string
}

func newExecuteCmd() *cobra.Command {
	var fl executeFlags
	cmd := &cobra.Command{
		Use:   "execute DEFINITION|TEMPLATE[#LogicalId]",
		Short: "Run a state machine once and print its output",
		Long: `Run a state machine once and print its output.

Exit status: 0 when the execution succeeded (its output on stdout), 1 when it failed, timed out or was
aborted (stdout {"status","error","cause"}), 2 when the definition, flags or files are bad (with --format
json, stdout {"status":"NOT_STARTED","error","cause"} and, for a bad definition, its "diagnostics").

--input takes a file, - for stdin, or JSON text: an existing file wins; text that is JSON, or starts like
JSON ({, [ or "), is JSON text; anything else names a file that does not exist.

A CloudFormation or SAM template (JSON or YAML) or a CDK cdk.out directory runs its state machine
TEMPLATE#LogicalId (or its only one), DefinitionSubstitutions and --sub applied (README: "Run a state
machine from its template").

On a terminal, a line on stderr shows the progress of running Distributed Maps, erased at the end.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return execute(cmd, args[0], fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.input, "input", "", "execution input: a file, - for stdin, or JSON text (default {}; an empty value is refused)")
	f.StringVar(&fl.handlers, "handlers", "", "handler file (JSON or YAML) binding Task resources to stubs")
	f.StringVar(&fl.name, "name", "", "execution name (default: a random id)")
	f.StringVar(&fl.typ, "type", "STANDARD", "state machine type: STANDARD or EXPRESS")
	f.StringVar(&fl.clock, "clock", "virtual", "virtual (waits cost nothing) or real")
	f.StringVar(&fl.history, "history", "", "write the execution history (GetExecutionHistory's events) to this file")
	f.StringVar(&fl.format, "format", "output", "output (the output alone on success), pretty (the same, indented) or json (always an envelope, also when the execution cannot start)")
	f.BoolVar(&fl.noPayloadLimit, "no-payload-limit", false, "lift AWS's 256 KiB limit on state payloads")
	f.BoolVar(&fl.dumpServices, "dump-services", false, "after the run, print the embedded DynamoDB tables, SQS queues, SNS topics, S3 buckets and EventBridge buses (JSON, on stderr)")
	f.StringVar(&fl.s3Root, "s3-root", "", s3RootUsage)
	f.StringVar(&fl.httpAllow, "http-allow", "", httpAllowUsage)
	f.StringVar(&fl.lambdaEndpoint, "lambda-endpoint", "", lambdaEndpointUsage)
	subFlag(f, &fl.subs)
	f.StringVar(&fl.color, "color", "auto", colorUsage)
	f.BoolVar(&fl.trace, "trace", false, "print each history event on stderr as it happens: elapsed (execution) time, type, state, error and cause")
	f.StringArrayVar(&fl.endpoints, "endpoint", nil, endpointUsage)
	return cmd
}

const endpointUsage = "SERVICE=URL: call the service's aws-sdk and optimized integrations at this endpoint (repeatable; e.g. ecs=http://127.0.0.1:4566)"

func execute(cmd *cobra.Command, path string, fl executeFlags) error {
	err := executeRun(cmd, path, fl)
	var r *refusal
	if fl.format == "json" && errors.As(err, &r) {
		printRefusal(cmd.OutOrStdout(), r)
	}
	return err
}

// executeRun runs the execution; what refuses it before it starts is a *refusal (exit status 2).
func executeRun(cmd *cobra.Command, arg string, fl executeFlags) error {
	if _, err := machineType(cmd, fl.typ); err != nil {
		return err
	}
	if fl.format != "output" && fl.format != "pretty" && fl.format != "json" {
		return usageError(cmd, "--format must be output, pretty or json, not %q", fl.format)
	}
	color, err := useColor(fl.color, cmd.ErrOrStderr())
	if err != nil {
		return usageError(cmd, "%v", err)
	}
	clock, err := newClock(cmd, fl.clock)
	if err != nil {
		return err
	}
	m, err := loadMachine(cmd, arg, givenType(cmd, fl.typ), fl.subs...)
	if err != nil {
		return err
	}
	path, typ := m.path, m.typ
	input, text, size, err := inputFlag(cmd, "input", fl.input)
	if err != nil {
		return err
	}
	local, err := newLocal(cmd, path, clock, fl.handlers, fl.httpAllow, fl.s3Root, fl.lambdaEndpoint, fl.endpoints)
	if err != nil {
		return err
	}
	defer local.Env.Services.Close()
	svc, err := newEngine(local.Registry, local.Env, nil, service.Options{Clock: clock, NoHistory: true,
		PayloadLimit: payloadLimit(fl.noPayloadLimit), Definitions: m.nested,
		Invoker: newLambdaHints(cmd.ErrOrStderr(), path).invoker(local.Registry)})
	if err != nil {
		return usageError(cmd, "%v", err)
	}
	defer svc.Close()
	if fl.trace {
		defer svc.Subscribe("", newTracer(cmd.ErrOrStderr(), color).event)()
	}
	// On a terminal, a line shows the progress of Distributed Maps; it is erased before the outcome is printed.
	stopProgress := func() {}
	if isTerminal(cmd.ErrOrStderr()) {
		p := startProgress(cmd.ErrOrStderr(), svc, progressInterval)
		cancel := svc.Subscribe("", p.event)
		stopProgress = func() { cancel(); p.close() }
		defer stopProgress()
	}
	ctx := context.Background()
	fin, err := svc.RunLocal(ctx, service.LocalRun{StateMachine: m.name, Definition: m.definition, Program: m.prog, Type: typ,
		Execution: fl.name, Input: input, InputText: text, InputSize: size, History: fl.history != ""})
	stopProgress()
	if err != nil {
		return serviceRefusal(cmd, err)
	}
	// The executions that EventBridge rules started run to their end too, so event-driven chains finish
	// (and --dump-services shows how they ended).
	if eb := local.Env.Services.EventBridge; eb != nil {
		if err := eb.Wait(ctx); err != nil {
			return err
		}
	}
	// The execution ran: its envelope is printed whatever happens to the history file.
	var histErr error
	if fl.history != "" {
		histErr = writeHistory(ctx, svc, fin.ExecutionArn, fl.history)
	}
	err = report(cmd, fin, fl.format)
	if fl.dumpServices {
		// Messages and patterns are shown as written: no \u003e for a '>'.
		enc := json.NewEncoder(cmd.ErrOrStderr())
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		_ = enc.Encode(local.Env.Services.Dump()) // generic values always encode
	}
	if histErr != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "aslrun: --history: %v\n", histErr)
		return exitCode(2)
	}
	return err
}

// writeHistory writes the execution's events to path, as GetExecutionHistory's {"events": [...]}.
func writeHistory(ctx context.Context, svc *service.Service, arn, path string) error {
	events, err := svc.History(ctx, arn)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(map[string]any{"events": events}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// payloadLimit is the executions' payload limit for --no-payload-limit: none, or AWS's.
func payloadLimit(lifted bool) int {
	if lifted {
		return -1
	}
	return 0
}

// siblings finds the state machines that states:startExecution starts beside the definition at path.
func siblings(path string) func(string) (string, []byte, error) {
	return func(name string) (string, []byte, error) { return resources.LocalDefinition(filepath.Dir(path), name) }
}

// machine is a definition checked and compiled for a run.
type machine struct {
	// name is the state machine's name: the file name without its extensions, or a template's name for it.
	name string
	// path is the file (or cdk.out) the argument named, beside which handler files and nested state
	// machines are found; typ is the state machine's type.
	path, typ string
	// nested finds the state machines that states:startExecution starts (service.Options.Definitions).
	nested     func(name string) (path string, definition []byte, err error)
	definition string
	prog       *interpreter.Program
	// states lists every state's name, those of Parallel branches and Map processors included.
	states []string
}

func machineType(cmd *cobra.Command, flag string) (string, error) {
	typ := strings.ToUpper(flag)
	if typ != "STANDARD" && typ != "EXPRESS" {
		return "", usageError(cmd, "--type must be STANDARD or EXPRESS, not %q", flag)
	}
	return typ, nil
}

// givenType is --type when given (checked by machineType), else "": the template's type, or STANDARD.
func givenType(cmd *cobra.Command, flag string) string {
	if !cmd.Flags().Changed("type") {
		return ""
	}
	return strings.ToUpper(flag)
}

func newClock(cmd *cobra.Command, flag string) (interpreter.Clock, error) {
	switch flag {
	case "virtual":
		return interpreter.NewVirtualClock(time.Now()), nil
	case "real":
		return interpreter.RealClock{}, nil
	}
	return nil, usageError(cmd, "--clock must be virtual or real, not %q", flag)
}

// loadMachine reads, checks and compiles the state machine an argument names: a definition file, or
// TEMPLATE[#LogicalId] (see loadDefinitions), with --sub's KEY=VALUE pairs; typ "" is the template's type,
// else STANDARD. What cannot be read, and a definition with errors, are refused (exit status 2): the
// errors as lint lines and CreateStateMachine's message.
func loadMachine(cmd *cobra.Command, arg, typ string, subFlags ...string) (*machine, error) {
	subs, err := parseSubs("--sub", subFlags)
	if err != nil {
		return nil, usageError(cmd, "%v", err)
	}
	def, err := loadDefinition(arg, subs, cmd.ErrOrStderr())
	if err != nil {
		return nil, usageError(cmd, "cannot read the definition: %v", err)
	}
	if typ == "" {
		typ = def.typ
	}
	if typ == "" {
		typ = asl.Standard
	}
	sm, diags := def.check(asl.Options{Type: typ})
	if asl.HasErrors(diags) {
		r := &refusal{code: "InvalidDefinition", msg: asl.InvalidDefinitionMessage(diags)}
		for _, d := range diags {
			fmt.Fprintf(cmd.ErrOrStderr(), "%s:%s\n", def.file, d)
			r.diags = append(r.diags, fileDiagnostic{File: def.file, Line: d.Line, Col: d.Col, Severity: d.Severity,
				Code: d.Code, Message: d.Message, Location: d.Location()})
		}
		fmt.Fprintln(cmd.ErrOrStderr(), r.msg)
		return nil, r
	}
	prog, err := interpreter.Compile(sm)
	if err != nil {
		return nil, usageError(cmd, "%s: %v", def.file, err)
	}
	return &machine{name: def.name, path: def.path, typ: typ, nested: def.nested, definition: string(def.text), prog: prog, states: stateNames(&sm.Machine)}, nil
}

// newLocal prepares the Tasks of the definition at path: its sidecar handler file (NAME.handlers.json next
// to it), the handler file given, the embedded services (S3 in s3Root when given) and the definitions
// beside it as nested state machines; HTTP Tasks and http stubs reach only what httpAllow allows ("":
// anything); Lambda functions no handler serves are invoked at lambdaEndpoint, else at LAMBDA_ENDPOINT
// when set; the services endpointFlags bind (--endpoint SERVICE=URL) are called there. The caller closes
// local.Env.Services.
func newLocal(cmd *cobra.Command, path string, clock interpreter.Clock, handlers, httpAllow, s3Root, lambdaEndpoint string, endpointFlags []string) (*resources.Local, error) {
	allow, err := httpPolicy(httpAllow)
	if err != nil {
		return nil, usageError(cmd, "%v", err)
	}
	bound, err := resources.ParseEndpointFlags(endpointFlags)
	if err != nil {
		return nil, usageError(cmd, "%v", err)
	}
	if lambdaEndpoint == "" {
		lambdaEndpoint = os.Getenv("LAMBDA_ENDPOINT")
	}
	endpoints, err := resources.NewEndpoints(resources.EndpointURLs{Lambda: lambdaEndpoint, Services: bound})
	if err != nil {
		return nil, usageError(cmd, "%v", err)
	}
	services, err := resources.OpenServices(resources.ServiceOptions{S3Root: s3Root})
	if err != nil {
		return nil, usageError(cmd, "--s3-root: %v", err)
	}
	var files []string
	if handlers != "" {
		files = append(files, handlers)
	}
	local, err := resources.NewLocalWith(path, clock, services, files...)
	if err != nil {
		_ = services.Close()
		return nil, usageError(cmd, "%v", err)
	}
	local.Env.HTTPClient = allow.Client() // http stubs read it at each call
	local.Env.Endpoints = endpoints
	local.Registry.UseEnv(local.Env) // the registry's AWS client then takes the endpoints
	return local, nil
}

const lambdaEndpointUsage = "invoke Lambda functions no handler serves at this Lambda API, e.g. sam local start-lambda's http://127.0.0.1:3001 (env LAMBDA_ENDPOINT)"

const s3RootUsage = "directory holding the embedded S3: each sub-folder a bucket, each file under it an object (default: S3 in memory, seeded by the handler file's fixtures)"

// report prints the result and sets the exit status.
func report(cmd *cobra.Command, fin *service.Finished, format string) error {
	res := fin.Result
	out := cmd.OutOrStdout()
	// error and cause are null when the execution has none (a Fail state without them), so that the
	// report always has one shape.
	env := map[string]any{"status": string(res.Status), "error": nullable(res.Error), "cause": nullable(res.Cause)}
	if format == "json" {
		env["output"] = res.Output
		env["executionArn"] = fin.ExecutionArn
		env["startDate"] = res.StartDate.UTC().Format(time.RFC3339Nano)
		env["stopDate"] = res.StopDate.UTC().Format(time.RFC3339Nano)
		if res.Status != interpreter.Succeed {
			env["output"] = nil
		}
		fmt.Fprintln(out, value.JSON(env))
	} else if res.Status == interpreter.Succeed && format == "pretty" {
		fmt.Fprintln(out, indented(*fin.Output))
	} else if res.Status == interpreter.Succeed {
		fmt.Fprintln(out, *fin.Output)
	} else if format == "pretty" {
		fmt.Fprintln(out, indented(value.JSON(env)))
	} else {
		fmt.Fprintln(out, value.JSON(env))
	}
	if res.Status == interpreter.Succeed {
		return nil
	}
	summary := fmt.Sprintf("execution %s %s", fin.Name, res.Status)
	if res.Error != "" {
		summary += ": " + res.Error
	}
	if res.Cause != "" {
		summary += ": " + firstLine(res.Cause)
	}
	fmt.Fprintln(cmd.ErrOrStderr(), summary)
	return exitCode(1)
}

// indented indents a JSON text two spaces a level, keeping its members' order and its numbers as written.
func indented(text string) string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(text), "", "  "); err != nil {
		return text // the output is the engine's JSON: this cannot happen, and the text is still the output
	}
	return b.String()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}
