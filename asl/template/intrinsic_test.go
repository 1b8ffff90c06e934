package template

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/source"
)

// TestShortForms: every intrinsic function, in YAML's short form, resolves inside a Definition object.
func TestShortForms(t *testing.T) {
	path := write(t, `
Parameters:
  Env: {Type: String, Default: dev}
  Zones: {Type: CommaDelimitedList, Default: "a, b"}
  Secret: {Type: String}
Mappings:
  Sizes: {dev: {Memory: "128"}}
Conditions:
  IsDev: !Equals [!Ref Env, dev]
  NotDev: !Not [!Condition IsDev]
  Both: !And [!Condition IsDev, !Or [!Condition NotDev, !Equals [a, a]]]
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Bucket: {Type: AWS::S3::Bucket}
  Api: {Type: AWS::ApiGateway::RestApi}
  Fn: {Type: AWS::Lambda::Function, Properties: {FunctionName: !Sub "${Env}-fn"}}
  M:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: P
        States:
          P:
            Type: Pass
            Result:
              ref: !Ref Env
              list: !Ref Zones
              sub: !Sub "${AWS::Region}/${AWS::AccountId}/${AWS::Partition}/${AWS::URLSuffix}/${AWS::StackName}/${!Literal}/${Queue.Arn}"
              subVars: !Sub ["${a}-${Env}", {a: !Select [1, !Split [",", "x,y"]]}]
              join: !Join ["-", [!Ref Env, !FindInMap [Sizes, !Ref Env, Memory]]]
              b64: !Base64 hi
              azs: !GetAZs ""
              if: !If [Both, yes, no]
              noValue: !If [NotDev, kept, !Ref AWS::NoValue]
              queue: !Ref Queue
              bucket: !GetAtt Bucket.Arn
              fn: !GetAtt [Fn, Arn]
              fnRef: !Ref Fn
              api: !Ref Api
              apiAttr: !GetAtt Api.RootResourceId
              json: !ToJsonString {a: [1, !Ref Env]}
              length: !Length [1, 2, 3]
              secret: !Ref Secret
            End: true
`, nil)
	m, warnings, err := read(t, path, "M", Options{Keep: true})
	require.NoError(t, err)
	v, err := source.DecodePlain(m.Text)
	require.NoError(t, err)
	result := v.(map[string]any)["States"].(map[string]any)["P"].(map[string]any)["Result"]
	assert.Equal(t, map[string]any{
		"ref":     "dev",
		"list":    []any{"a", "b"},
		"sub":     "us-east-1/123456789012/aws/amazonaws.com/M/${Literal}/arn:aws:sqs:us-east-1:123456789012:Queue",
		"subVars": "y-dev",
		"join":    "dev-128",
		"b64":     "aGk=",
		"azs":     []any{"us-east-1a", "us-east-1b", "us-east-1c"},
		"if":      "yes",
		"queue":   "https://sqs.us-east-1.amazonaws.com/123456789012/Queue",
		"bucket":  "arn:aws:s3:::bucket",
		"fn":      "arn:aws:lambda:us-east-1:123456789012:function:dev-fn",
		"fnRef":   "dev-fn",
		"api":     "${Ref:Api}",
		"apiAttr": "${Fn::GetAtt:Api.RootResourceId}",
		"json":    `{"a":[1,"dev"]}`,
		"length":  int64(3),
		"secret":  "${Secret}",
	}, result)
	assert.Equal(t, []string{"${Literal}", "${Secret}"}, m.Unresolved, "a parameter without Default and ${!Literal} are left to substitute")
	assert.Len(t, warnings, 7, "one per stand-in: %q", warnings)

	// Positions point into the template: P's Type is on line 24, its Result's ref on 26.
	p := m.Node.Member("States").Member("P")
	assert.Equal(t, source.Pos{Line: 24, Col: 19}, p.Member("Type").Pos)
	assert.Equal(t, source.Pos{Line: 26, Col: 20}, p.Member("Result").Member("ref").Pos)
}

// TestDefinitionFiles: DefinitionS3Location and DefinitionUri read local files relative to the template,
// substituted.
func TestDefinitionFiles(t *testing.T) {
	files := map[string]string{"statemachine/flow.asl.json": pass, "artifacts/flows/b.json": pass}
	for _, tc := range []struct{ name, props, file string }{
		{"SAM DefinitionUri path", "Type: AWS::Serverless::StateMachine\n    Properties: {DefinitionUri: statemachine/flow.asl.json, DefinitionSubstitutions: {Word: hi}}", "statemachine/flow.asl.json"},
		{"SAM DefinitionUri s3://, key", "Type: AWS::Serverless::StateMachine\n    Properties: {DefinitionUri: s3://artifacts/statemachine/flow.asl.json, DefinitionSubstitutions: {Word: hi}}", "statemachine/flow.asl.json"},
		{"SAM DefinitionUri object, bucket/key", "Type: AWS::Serverless::StateMachine\n    Properties: {DefinitionUri: {Bucket: artifacts, Key: flows/b.json}, DefinitionSubstitutions: {Word: hi}}", "artifacts/flows/b.json"},
		{"DefinitionS3Location", "Type: AWS::StepFunctions::StateMachine\n    Properties: {DefinitionS3Location: {Bucket: !Sub 'art${!x}', Key: statemachine/flow.asl.json}, DefinitionSubstitutions: {Word: hi}}", "statemachine/flow.asl.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, "Resources:\n  M:\n    "+tc.props+"\n", files)
			m, _, err := read(t, path, "M", Options{})
			require.NoError(t, err)
			assert.Equal(t, `{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "hi", "End": true}}}`, string(m.Text))
			assert.Equal(t, pass, string(m.Data))
			assert.Equal(t, tc.file, filepathRel(t, path, m.File))
		})
	}
}

func filepathRel(t *testing.T, template, file string) string {
	t.Helper()
	dir := template[:len(template)-len("template.yaml")]
	require.True(t, len(file) > len(dir) && file[:len(dir)] == dir, "%s is not under %s", file, dir)
	return file[len(dir):]
}

// TestErrors: what cannot be read is one error naming the template, the resource and what is wrong.
func TestErrors(t *testing.T) {
	two := "Resources:\n  A: {Type: AWS::StepFunctions::StateMachine, Properties: {Definition: " + pass + "}}\n  B: {Type: AWS::Serverless::StateMachine, Properties: {Definition: " + pass + "}}\n"
	for _, tc := range []struct{ name, text, id, want string }{
		{"no state machine", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q: {Type: AWS::SQS::Queue}\n", "",
			"template.yaml: no state machine (no resource of type AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine)"},
		{"unknown logical id", two, "C", `template.yaml: no state machine "C": the state machines are A, B`},
		{"two without an id", two, "", "template.yaml holds 2 state machines: name one as TEMPLATE#ID, ID one of A, B"},
		{"placeholder without value", "Resources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {DefinitionString: '" + pass + "'}}\n", "",
			"template.yaml: resource M: ${Word} in its DefinitionString has no value: give it in DefinitionSubstitutions or with --sub Word=VALUE"},
		{"malformed YAML", "Resources:\n  M: {Type: [\n", "", "template.yaml:3:1: did not find expected node content"},
		{"no definition", "Resources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {RoleArn: r}}\n", "",
			"template.yaml:2:59: resource M: no Definition, DefinitionString, DefinitionS3Location"},
		{"two definitions", "Resources:\n  M: {Type: AWS::Serverless::StateMachine, Properties: {Definition: {}, DefinitionUri: x.json}}\n", "",
			"template.yaml:2:56: resource M: both Definition and DefinitionUri: a state machine takes one"},
		{"missing definition file", "Resources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {DefinitionS3Location: {Bucket: b, Key: k.json}}}\n", "",
			"template.yaml:2:82: resource M: DefinitionS3Location: aslrun reads it from a local file, and there is no k.json nor b/k.json"},
		{"S3 version", "Resources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {DefinitionS3Location: {Bucket: b, Key: k, Version: '3'}}}\n", "",
			"template.yaml:2:102: resource M: DefinitionS3Location.Version: a local file has no versions (remove Version to read the file)"},
		{"Ref to nothing", "Resources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {Definition: {StartAt: !Ref Nope}}}\n", "",
			"template.yaml:2:82: resource M: Ref Nope: the template has no parameter or resource Nope"},
		{"GetAtt of nothing", "Resources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {DefinitionString: !GetAtt Nope.Arn}}\n", "",
			"template.yaml:2:78: resource M: Fn::GetAtt Nope.Arn: the template has no resource Nope"},
		{"unsupported function", "Resources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {DefinitionString: !Cidr [a, 1, 2]}}\n", "",
			"template.yaml:2:78: resource M: Fn::Cidr cannot be resolved locally"},
		{"unknown condition", "Resources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {DefinitionString: !If [Nope, a, b]}}\n", "",
			"template.yaml:2:83: resource M: the template has no condition Nope"},
		{"bad type", "Resources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {StateMachineType: FAST, Definition: {}}}\n", "",
			`template.yaml:2:78: resource M: StateMachineType must be STANDARD or EXPRESS, not "FAST"`},
		{"YAML DefinitionString", "Resources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {DefinitionString: 'StartAt: A'}}\n", "",
			"resource M: DefinitionString must be JSON, as AWS reads it (a YAML definition goes in Definition or DefinitionS3Location)"},
		{"Definition not an object", "Resources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {Definition: text}}\n", "",
			"template.yaml:2:72: resource M: Definition must be an object (DefinitionString takes a string)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, tc.text, nil)
			_, _, err := read(t, path, tc.id, Options{})
			require.Error(t, err)
			dir := path[:len(path)-len("template.yaml")]
			msg := err.Error()
			for len(msg) > 0 {
				i := indexOf(msg, dir)
				if i < 0 {
					break
				}
				msg = msg[:i] + msg[i+len(dir):]
			}
			msg = replaceAll(msg, "template.yaml#ID", "TEMPLATE#ID")
			assert.Contains(t, msg, tc.want)
		})
	}
}

func indexOf(s, sub string) int { return strings.Index(s, sub) }

func replaceAll(s, old, repl string) string { return strings.ReplaceAll(s, old, repl) }

// TestLiteralBlockShift: a DefinitionString written as a YAML literal block is placed in the template,
// plain or as Fn::Sub's format; other strings are not.
func TestLiteralBlockShift(t *testing.T) {
	for _, tc := range []struct {
		name, props string
		want        source.Pos
	}{
		{"plain block", "DefinitionString: |\n        {\"StartAt\": \"P\",\n         \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}\n", source.Pos{Line: 5, Col: 8}},
		{"Fn::Sub block", "DefinitionString: !Sub |-  # a comment\n\n          {\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}\n", source.Pos{Line: 5, Col: 10}},
		{"Fn::Sub list", "DefinitionString: !Sub\n        - |\n          {\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}\n        - {}\n", source.Pos{Line: 6, Col: 10}},
		{"quoted", "DefinitionString: '{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}'\n", source.Pos{}},
		{"folded", "DefinitionString: >\n        {\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}\n", source.Pos{}},
		{"indentation digit", "DefinitionString: |2\n          {\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}\n", source.Pos{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      "+tc.props, nil)
			m, _, err := read(t, path, "M", Options{})
			require.NoError(t, err)
			assert.Equal(t, tc.want, m.Shift)
			if tc.want != (source.Pos{}) {
				assert.Equal(t, path, m.File)
			} else {
				assert.Empty(t, m.File)
			}
		})
	}
}
