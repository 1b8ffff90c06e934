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
		"StartExecution":                   hot(s.StartExecution, startMembers),
		"StartSyncExecution":               hot(s.StartSyncExecution, startMembers),
		"StopExecution":                    hot(s.StopExecution, stopMembers),
		"DescribeExecution":                hot(s.DescribeExecution, describeMembers),
		"ListExecutions":                   op(s.ListExecutions),
		"GetExecutionHistory":              op(s.GetExecutionHistory),
		"DescribeStateMachineForExecution": op(s.DescribeStateMachineForExecution),
		"SendTaskSuccess":                  hot(s.SendTaskSuccess, successMembers),
		"SendTaskFailure":                  hot(s.SendTaskFailure, failureMembers),
		"SendTaskHeartbeat":                hot(s.SendTaskHeartbeat, heartbeatMembers),
		"CreateActivity":                   op(s.CreateActivity),
		"DeleteActivity":                   op(s.DeleteActivity),
		"DescribeActivity":                 op(s.DescribeActivity),
		"ListActivities":                   op(s.ListActivities),
		"GetActivityTask":                  hot(s.GetActivityTask, pollMembers),
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
