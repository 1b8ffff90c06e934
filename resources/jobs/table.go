package jobs

import (
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
)

// table holds the modelled .sync integrations by service:action, as the Resource writes them.
//
// Cadence: Step Functions polls Glue's GetJobRun once a minute for the first 10 minutes, then every 5
// minutes (AWS support, re:Post "a glue job in a step function is taking so long"). The other services send
// their state changes through a managed EventBridge rule, so Step Functions learns of a job's end soon
// after it happens; AWS documents no interval, so aslrun looks every 5 seconds.
var table = map[string]*Job{
	"ecs:runTask": {
		Service: "ecs", Submit: "runTask", Describe: "describeTasks",
		request: func(_, submitted map[string]any) (map[string]any, error) {
			arn, err := sub(submitted, "Tasks.0.TaskArn")
			if err != nil {
				return nil, err
			}
			req := map[string]any{"Tasks": []any{arn}}
			if cluster, _ := sub(submitted, "Tasks.0.ClusterArn"); cluster != "" {
				req["Cluster"] = cluster
			}
			return req, nil
		},
		job:       single("Tasks.0"),
		status:    "LastStatus",
		terminal:  map[string]bool{"STOPPED": true},
		succeeded: ecsSucceeded,
		submitted: ECSRunFailures,
		interval:  every(5 * time.Second),
	},
	"batch:submitJob": {
		Service: "batch", Submit: "submitJob", Describe: "describeJobs",
		request: func(_, submitted map[string]any) (map[string]any, error) {
			id, err := sub(submitted, "JobId")
			return map[string]any{"Jobs": []any{id}}, err
		},
		job:      single("Jobs.0"),
		status:   "Status",
		terminal: map[string]bool{"SUCCEEDED": true, "FAILED": false},
		interval: every(5 * time.Second),
	},
	"glue:startJobRun": {
		Service: "glue", Submit: "startJobRun", Describe: "getJobRun",
		request: func(params, submitted map[string]any) (map[string]any, error) {
			name, err := param(params, "JobName")
			if err != nil {
				return nil, err
			}
			id, err := sub(submitted, "JobRunId")
			return map[string]any{"JobName": name, "RunId": id}, err
		},
		// Step Functions adds the job's name to the run it returns.
		job: func(described, req map[string]any) (map[string]any, any, error) {
			run, err := object(described, "JobRun")
			if err != nil {
				return nil, nil, err
			}
			out := make(map[string]any, len(run)+1)
			for k, v := range run {
				out[k] = v
			}
			if _, ok := out["JobName"]; !ok {
				out["JobName"] = req["JobName"]
			}
			return run, out, nil
		},
		status:   "JobRunState",
		terminal: map[string]bool{"SUCCEEDED": true, "STOPPED": true, "FAILED": false, "TIMEOUT": false, "ERROR": false},
		interval: func(n int) time.Duration {
			if n < 10 {
				return time.Minute
			}
			return 5 * time.Minute
		},
	},
	"athena:startQueryExecution": {
		Service: "athena", Submit: "startQueryExecution", Describe: "getQueryExecution",
		request: func(_, submitted map[string]any) (map[string]any, error) {
			id, err := sub(submitted, "QueryExecutionId")
			return map[string]any{"QueryExecutionId": id}, err
		},
		job:      whole("QueryExecution"),
		status:   "Status.State",
		terminal: map[string]bool{"SUCCEEDED": true, "FAILED": false, "CANCELLED": false},
		interval: every(5 * time.Second),
	},
	"codebuild:startBuild": {
		Service: "codebuild", Submit: "startBuild", Describe: "batchGetBuilds",
		request: func(_, submitted map[string]any) (map[string]any, error) {
			id, err := sub(submitted, "Build.Id")
			return map[string]any{"Ids": []any{id}}, err
		},
		// The Task returns {"Build": ...}, as startBuild does, with the build as it ended.
		job: func(described, _ map[string]any) (map[string]any, any, error) {
			build, err := object(described, "Builds.0")
			if err != nil {
				return nil, nil, err
			}
			return build, map[string]any{"Build": build}, nil
		},
		status:   "BuildStatus",
		terminal: map[string]bool{"SUCCEEDED": true, "FAILED": false, "FAULT": false, "TIMED_OUT": false, "STOPPED": false},
		interval: every(5 * time.Second),
	},
	"sagemaker:createTrainingJob": {
		Service: "sagemaker", Submit: "createTrainingJob", Describe: "describeTrainingJob",
		request:  fromParams("TrainingJobName"),
		job:      whole(""),
		status:   "TrainingJobStatus",
		terminal: map[string]bool{"Completed": true, "Failed": false, "Stopped": false},
		interval: every(5 * time.Second),
	},
	"sagemaker:createTransformJob": {
		Service: "sagemaker", Submit: "createTransformJob", Describe: "describeTransformJob",
		request:  fromParams("TransformJobName"),
		job:      whole(""),
		status:   "TransformJobStatus",
		terminal: map[string]bool{"Completed": true, "Failed": false, "Stopped": false},
		interval: every(5 * time.Second),
	},
	"elasticmapreduce:addStep": {
		Service: "elasticmapreduce", Submit: "addStep", Describe: "describeStep",
		request: func(params, submitted map[string]any) (map[string]any, error) {
			cluster, err := param(params, "ClusterId")
			if err != nil {
				return nil, err
			}
			step, err := sub(submitted, "StepId")
			if err != nil {
				step, err = sub(submitted, "StepIds.0")
			}
			return map[string]any{"ClusterId": cluster, "StepId": step}, err
		},
		job:      whole("Step"),
		status:   "Status.State",
		terminal: map[string]bool{"COMPLETED": true, "CANCELLED": false, "FAILED": false, "INTERRUPTED": false},
		interval: every(5 * time.Second),
	},
	"emr-serverless:startJobRun": {
		Service: "emr-serverless", Submit: "startJobRun", Describe: "getJobRun",
		request: func(params, submitted map[string]any) (map[string]any, error) {
			app, err := sub(submitted, "ApplicationId")
			if err != nil {
				if app, err = param(params, "ApplicationId"); err != nil {
					return nil, err
				}
			}
			id, err := sub(submitted, "JobRunId")
			return map[string]any{"ApplicationId": app, "JobRunId": id}, err
		},
		job:      whole("JobRun"),
		status:   "State",
		terminal: map[string]bool{"SUCCESS": true, "FAILED": false, "CANCELLED": false},
		interval: every(5 * time.Second),
	},
}

// every is a constant polling interval.
func every(d time.Duration) func(int) time.Duration { return func(int) time.Duration { return d } }

// single reads the one job of a describe response's list, which is also what the Task returns.
func single(path string) func(described, req map[string]any) (map[string]any, any, error) {
	return func(described, _ map[string]any) (map[string]any, any, error) {
		job, err := object(described, path)
		return job, job, err
	}
}

// whole reads the job at path (the response itself for ""); the Task returns the whole describe response.
func whole(path string) func(described, req map[string]any) (map[string]any, any, error) {
	return func(described, _ map[string]any) (map[string]any, any, error) {
		if path == "" {
			return described, described, nil
		}
		job, err := object(described, path)
		return job, described, err
	}
}

// fromParams describes the job by the name the Task gave it.
func fromParams(key string) func(params, _ map[string]any) (map[string]any, error) {
	return func(params, _ map[string]any) (map[string]any, error) {
		name, err := param(params, key)
		return map[string]any{key: name}, err
	}
}

// ECSRunFailures fails a runTask whose response lists Failures: Step Functions' ECS integration fails a
// .sync or .waitForTaskToken Task with AmazonECS.Unknown then, and returns the response of a
// request-response one (connect-ecs: "Key features of Optimized Amazon ECS/Fargate integration").
func ECSRunFailures(resp map[string]any) error {
	if f, _ := lookup(resp, "Failures").([]any); len(f) > 0 {
		return failure.New("AmazonECS.Unknown", value.JSON(resp))
	}
	return nil
}

// ecsSucceeded reads a stopped task: it failed when it never started (stopCode TaskFailedToStart) or a
// container exited with a non-zero code. DescribeTasks does not say which containers are essential, so
// every container with an exit code counts.
func ecsSucceeded(task map[string]any) bool {
	if code, _ := lookup(task, "StopCode").(string); code == "TaskFailedToStart" {
		return false
	}
	containers, _ := lookup(task, "Containers").([]any)
	for _, c := range containers {
		switch code := lookup(c, "ExitCode").(type) {
		case nil:
		case int64:
			if code != 0 {
				return false
			}
		case float64:
			if code != 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
