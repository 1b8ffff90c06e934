package template

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/source"
)

// read opens the template at path and reads the state machine id names, collecting the warnings.
func read(t *testing.T, path, id string, opts Options) (*Machine, []string, error) {
	t.Helper()
	var warnings []string
	opts.Warn = func(s string) { warnings = append(warnings, s) }
	s, err := Open(path)
	if err != nil {
		return nil, nil, err
	}
	tpl, lid, err := s.Find(id)
	if err != nil {
		return nil, nil, err
	}
	m, err := tpl.Machine(lid, opts)
	return m, warnings, err
}

// write writes a template into a temporary directory, with the other files given, and returns its path.
func write(t *testing.T, text string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	path := filepath.Join(dir, "template.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

const pass = `{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "${Word}", "End": true}}}`

// TestForms: each way a template holds a definition gives the definition AWS would receive.
func TestForms(t *testing.T) {
	for _, tc := range []struct {
		name, path, id string
		opts           Options
		want           string // the definition's value, as JSON
		wantName, typ  string
		warnings       []string
	}{
		{name: "SAM Definition with DefinitionSubstitutions", path: "../../definitions/templates/sam/template.yaml", id: "Greeter",
			want:     `{"Comment":"Greets a person and records the greeting","StartAt":"Greet","States":{"Deliver":{"Next":"Record","Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:GreeterFunction","Payload.$":"$"},"Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.delivery","ResultSelector":{"delivered.$":"$.Payload.message"},"Type":"Task"},"Greet":{"Next":"Deliver","Parameters":{"message.$":"States.Format('Hello, {}!', $.name)","name.$":"$.name"},"Type":"Pass"},"Record":{"End":true,"Parameters":{"Item":{"message":{"S.$":"$.message"},"name":{"S.$":"$.name"}},"TableName":"GreetingsTable"},"Resource":"arn:aws:states:::dynamodb:putItem","ResultPath":null,"Type":"Task"}}}`,
			wantName: "Greeter", typ: "STANDARD",
			warnings: []string{
				`../../definitions/templates/sam/template.yaml#Greeter: Fn::GetAtt GreeterFunction.Arn stands as "arn:aws:lambda:us-east-1:123456789012:function:GreeterFunction" (not resolved locally)`,
				`../../definitions/templates/sam/template.yaml#Greeter: Ref GreetingsTable stands as "GreetingsTable" (not resolved locally)`,
			}},
		{name: "--sub overrides a DefinitionSubstitution and a parameter", path: "../../definitions/templates/sam/template.yaml",
			opts:     Options{Subs: map[string]string{"Greeting": "Hi", "GreeterFunctionArn": "greeter"}},
			want:     `{"Comment":"Greets a person and records the greeting","StartAt":"Greet","States":{"Deliver":{"Next":"Record","Parameters":{"FunctionName":"greeter","Payload.$":"$"},"Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.delivery","ResultSelector":{"delivered.$":"$.Payload.message"},"Type":"Task"},"Greet":{"Next":"Deliver","Parameters":{"message.$":"States.Format('Hi, {}!', $.name)","name.$":"$.name"},"Type":"Pass"},"Record":{"End":true,"Parameters":{"Item":{"message":{"S.$":"$.message"},"name":{"S.$":"$.name"}},"TableName":"GreetingsTable"},"Resource":"arn:aws:states:::dynamodb:putItem","ResultPath":null,"Type":"Task"}}}`,
			wantName: "Greeter", typ: "STANDARD",
			warnings: []string{
				`../../definitions/templates/sam/template.yaml#Greeter: Fn::GetAtt GreeterFunction.Arn stands as "arn:aws:lambda:us-east-1:123456789012:function:GreeterFunction" (not resolved locally)`,
				`../../definitions/templates/sam/template.yaml#Greeter: Ref GreetingsTable stands as "GreetingsTable" (not resolved locally)`,
			}},
		{name: "DefinitionString Fn::Sub with variables, Fn::If, a named function and table", path: "../../definitions/templates/cloudformation/orders.json", id: "OrderFlow",
			want:     `{"Comment":"Prices an order, saves it and announces it","StartAt":"Price","States":{"Announce":{"End":true,"Parameters":{"Message.$":"States.JsonToString($)","TopicArn":"arn:aws:sns:us-east-1:123456789012:OrderEvents"},"Resource":"arn:aws:states:::sns:publish","ResultPath":"$.announced","ResultSelector":{"messageId.$":"$.MessageId"},"Type":"Task"},"Price":{"Next":"Settle","Resource":"arn:aws:lambda:us-east-1:123456789012:function:price","ResultPath":"$.price","Type":"Task"},"Save":{"Next":"Announce","Parameters":{"Item":{"orderId":{"S.$":"$.orderId"},"price":{"N.$":"States.Format('{}', $.price.amount)"}},"TableName":"orders-dev"},"Resource":"arn:aws:states:::dynamodb:putItem","ResultPath":null,"Type":"Task"},"Settle":{"Next":"Save","Seconds":60,"Type":"Wait"}}}`,
			wantName: "order-flow",
			warnings: []string{
				`../../definitions/templates/cloudformation/orders.json#OrderFlow: Fn::GetAtt PriceFunction.Arn stands as "arn:aws:lambda:us-east-1:123456789012:function:price" (not resolved locally)`,
				`../../definitions/templates/cloudformation/orders.json#OrderFlow: Ref OrdersTable stands as "orders-dev" (not resolved locally)`,
				`../../definitions/templates/cloudformation/orders.json#OrderFlow: Ref OrderEvents stands as "arn:aws:sns:us-east-1:123456789012:OrderEvents" (not resolved locally)`,
			}},
		{name: "the condition follows --sub's parameter", path: "../../definitions/templates/cloudformation/orders.json", id: "OrderFlow",
			opts:     Options{Subs: map[string]string{"Stage": "prod", "AWS::Region": "eu-west-1"}},
			want:     `{"Comment":"Prices an order, saves it and announces it","StartAt":"Price","States":{"Announce":{"End":true,"Parameters":{"Message.$":"States.JsonToString($)","TopicArn":"arn:aws:sns:eu-west-1:123456789012:OrderEvents"},"Resource":"arn:aws:states:::sns:publish","ResultPath":"$.announced","ResultSelector":{"messageId.$":"$.MessageId"},"Type":"Task"},"Price":{"Next":"Settle","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:price","ResultPath":"$.price","Type":"Task"},"Save":{"Next":"Announce","Parameters":{"Item":{"orderId":{"S.$":"$.orderId"},"price":{"N.$":"States.Format('{}', $.price.amount)"}},"TableName":"orders-prod"},"Resource":"arn:aws:states:::dynamodb:putItem","ResultPath":null,"Type":"Task"},"Settle":{"Next":"Save","Seconds":3600,"Type":"Wait"}}}`,
			wantName: "order-flow",
			warnings: []string{
				`../../definitions/templates/cloudformation/orders.json#OrderFlow: Fn::GetAtt PriceFunction.Arn stands as "arn:aws:lambda:eu-west-1:123456789012:function:price" (not resolved locally)`,
				`../../definitions/templates/cloudformation/orders.json#OrderFlow: Ref OrdersTable stands as "orders-prod" (not resolved locally)`,
				`../../definitions/templates/cloudformation/orders.json#OrderFlow: Ref OrderEvents stands as "arn:aws:sns:eu-west-1:123456789012:OrderEvents" (not resolved locally)`,
			}},
		{name: "DefinitionString Fn::Join with Fn::ImportValue", path: "../../definitions/templates/cloudformation/orders.json", id: "AuditFlow",
			want:     `{"Comment":"Audits an event: sends it to the audit queue of another stack","StartAt":"Send","States":{"Send":{"End":true,"Parameters":{"MessageAttributes":{"level":{"DataType":"String","StringValue":"INFO"}},"MessageBody.$":"$","QueueUrl":"${Fn::ImportValue:audit-queue-url}"},"Resource":"arn:aws:states:::sqs:sendMessage","Type":"Task"}}}`,
			wantName: "AuditFlow", typ: "EXPRESS",
			warnings: []string{`../../definitions/templates/cloudformation/orders.json#AuditFlow: Fn::ImportValue audit-queue-url stands as "${Fn::ImportValue:audit-queue-url}" (not resolved locally)`}},
		{name: "--sub fills a stand-in", path: "../../definitions/templates/cloudformation/orders.json", id: "AuditFlow",
			opts:     Options{Subs: map[string]string{"Fn::ImportValue:audit-queue-url": "https://q"}},
			want:     `{"Comment":"Audits an event: sends it to the audit queue of another stack","StartAt":"Send","States":{"Send":{"End":true,"Parameters":{"MessageAttributes":{"level":{"DataType":"String","StringValue":"INFO"}},"MessageBody.$":"$","QueueUrl":"https://q"},"Resource":"arn:aws:states:::sqs:sendMessage","Type":"Task"}}}`,
			wantName: "AuditFlow", typ: "EXPRESS"},
		{name: "cdk.out by construct name", path: "testdata/cdk.out", id: "OrdersMachine",
			want:     `{"StartAt":"Hello","States":{"Done":{"End":true,"Parameters":{"greeting.$":"$.hello","stack":"OrdersStack"},"Type":"Pass"},"Hello":{"Next":"Done","OutputPath":"$.Payload","Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:HelloFn3A7B2E4C","Payload.$":"$"},"Resource":"arn:aws:states:::lambda:invoke","Type":"Task"}}}`,
			wantName: "OrdersMachineB5C2D1E0",
			warnings: []string{`testdata/cdk.out/OrdersStack.template.json#OrdersMachineB5C2D1E0: Fn::GetAtt HelloFn3A7B2E4C.Arn stands as "arn:aws:lambda:us-east-1:123456789012:function:HelloFn3A7B2E4C" (not resolved locally)`}},
		{name: "cdk.out by construct path", path: "testdata/cdk.out", id: "OrdersStack/OrdersMachine", wantName: "OrdersMachineB5C2D1E0",
			want:     `{"StartAt":"Hello","States":{"Done":{"End":true,"Parameters":{"greeting.$":"$.hello","stack":"OrdersStack"},"Type":"Pass"},"Hello":{"Next":"Done","OutputPath":"$.Payload","Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:HelloFn3A7B2E4C","Payload.$":"$"},"Resource":"arn:aws:states:::lambda:invoke","Type":"Task"}}}`,
			warnings: []string{`testdata/cdk.out/OrdersStack.template.json#OrdersMachineB5C2D1E0: Fn::GetAtt HelloFn3A7B2E4C.Arn stands as "arn:aws:lambda:us-east-1:123456789012:function:HelloFn3A7B2E4C" (not resolved locally)`}},
		{name: "cdk.out's only state machine, by no name", path: "testdata/cdk.out", wantName: "OrdersMachineB5C2D1E0",
			want:     `{"StartAt":"Hello","States":{"Done":{"End":true,"Parameters":{"greeting.$":"$.hello","stack":"OrdersStack"},"Type":"Pass"},"Hello":{"Next":"Done","OutputPath":"$.Payload","Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:HelloFn3A7B2E4C","Payload.$":"$"},"Resource":"arn:aws:states:::lambda:invoke","Type":"Task"}}}`,
			warnings: []string{`testdata/cdk.out/OrdersStack.template.json#OrdersMachineB5C2D1E0: Fn::GetAtt HelloFn3A7B2E4C.Arn stands as "arn:aws:lambda:us-east-1:123456789012:function:HelloFn3A7B2E4C" (not resolved locally)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, warnings, err := read(t, tc.path, tc.id, tc.opts)
			require.NoError(t, err)
			v, err := source.Decode(m.Text)
			require.NoError(t, err, "%s", m.Text)
			want, err := source.DecodeString(tc.want)
			require.NoError(t, err)
			assert.Equal(t, want, v)
			assert.Equal(t, tc.wantName, m.Name)
			assert.Equal(t, tc.typ, m.Type)
			assert.Equal(t, tc.warnings, warnings)
		})
	}
}
