package console

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/graph"
	"github.com/aslrun/aslrun/server/service"
)

// graph answers the graph (asl/graph's JSON) of a state machine, of one of its versions, or of the
// definition an execution ran (the one it started with, whatever updates came after).
func (c *Handler) graph(w http.ResponseWriter, r *http.Request, arn string) {
	def, typ, err := c.definition(r.Context(), arn)
	if err != nil {
		writeServiceError(w, err)
		return
	}
	sm, ds := asl.Check([]byte(def), asl.Options{Type: typ})
	if sm == nil || asl.HasErrors(ds) {
		// The API refuses such definitions; one here is a stored definition a newer aslrun reads otherwise.
		writeError(w, http.StatusInternalServerError, service.CodeInternalFailure,
			"the stored definition of "+arn+" does not check: "+asl.InvalidDefinitionMessage(ds))
		return
	}
	data, err := json.Marshal(graph.Build(sm))
	if err != nil {
		writeServiceError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(data)
}

// definition reads the definition behind an ARN, and the machine's type when it knows it.
func (c *Handler) definition(ctx context.Context, arn string) (string, string, error) {
	// arn:PARTITION:states:REGION:ACCOUNT:TYPE:...
	if parts := strings.SplitN(arn, ":", 7); len(parts) == 7 && (parts[5] == "execution" || parts[5] == "express") {
		d, err := c.svc.DescribeStateMachineForExecution(ctx, &service.DescribeStateMachineForExecutionInput{ExecutionArn: arn})
		if err != nil {
			return "", "", err
		}
		return d.Definition, "", nil
	}
	d, err := c.svc.DescribeStateMachine(ctx, &service.DescribeStateMachineInput{StateMachineArn: arn})
	if err != nil {
		return "", "", err
	}
	return d.Definition, d.Type, nil
}
