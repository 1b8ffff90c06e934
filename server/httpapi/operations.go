package httpapi

import "github.com/aslrun/aslrun/server/service"

// operations maps each operation name of X-Amz-Target to its service method.
func operations(s *service.Service) map[string]operation {
	return map[string]operation{
		"CreateStateMachine":               op(s.CreateStateMachine),
		"DescribeStateMachine":             op(s.DescribeStateMachine),
		"UpdateStateMachine":               op(s.UpdateStateMachine),
		"DeleteStateMachine":               op(s.DeleteStateMachine),
		"ListStateMachines":                op(s.ListStateMachines),
		"ValidateStateMachineDefinition":   op(s.ValidateStateMachineDefinition),
		"StartExecution":                   op(s.StartExecution),
		"StartSyncExecution":               op(s.StartSyncExecution),
		"StopExecution":                    op(s.StopExecution),
		"DescribeExecution":                op(s.DescribeExecution),
		"ListExecutions":                   op(s.ListExecutions),
		"GetExecutionHistory":              op(s.GetExecutionHistory),
		"DescribeStateMachineForExecution": op(s.DescribeStateMachineForExecution),
		"SendTaskSuccess":                  op(s.SendTaskSuccess),
		"SendTaskFailure":                  op(s.SendTaskFailure),
		"SendTaskHeartbeat":                op(s.SendTaskHeartbeat),
		"CreateActivity":                   op(s.CreateActivity),
		"DeleteActivity":                   op(s.DeleteActivity),
		"DescribeActivity":                 op(s.DescribeActivity),
		"ListActivities":                   op(s.ListActivities),
		"GetActivityTask":                  op(s.GetActivityTask),
		"TagResource":                      op(s.TagResource),
		"UntagResource":                    op(s.UntagResource),
		"ListTagsForResource":              op(s.ListTagsForResource),
		"DescribeMapRun":                   op(s.DescribeMapRun),
		"RedriveExecution":                 op(s.RedriveExecution),
		"ListMapRuns":                      op(s.ListMapRuns),
		"UpdateMapRun":                     op(s.UpdateMapRun),
		"TestState":                        op(s.TestState),
		"PublishStateMachineVersion":       op(s.PublishStateMachineVersion),
		"ListStateMachineVersions":         op(s.ListStateMachineVersions),
		"DeleteStateMachineVersion":        op(s.DeleteStateMachineVersion),
		"CreateStateMachineAlias":          op(s.CreateStateMachineAlias),
		"DescribeStateMachineAlias":        op(s.DescribeStateMachineAlias),
		"UpdateStateMachineAlias":          op(s.UpdateStateMachineAlias),
		"DeleteStateMachineAlias":          op(s.DeleteStateMachineAlias),
		"ListStateMachineAliases":          op(s.ListStateMachineAliases),
	}
}
