package awscall

import (
	"math"
	"time"
)

// Step Functions' aws-sdk integrations read a response with the AWS SDK for Java 2, which parses timestamp
// members into instants, and render them as ISO 8601 text in UTC (Instant's form: "2013-08-23T01:02:15.422Z",
// no fraction for whole seconds), whatever the wire had: epoch seconds in AWS JSON and REST-JSON, ISO text
// in XML. Which members are timestamps is in each service's model, which aslrun does not carry; timestamps
// lists them, by Step Functions' member name, for the services of the table and the calls workflows make
// most. A member missing here keeps its wire form. Members the models type as numbers stay numbers (Batch's
// and CloudWatch Logs' epoch milliseconds) and as text stay text (Lambda's LastModified); the query
// services' values stay text, as every value of theirs does.
var timestamps = map[string][]string{
	"athena":         {"SubmissionDateTime", "CompletionDateTime", "CreationTime", "LastModifiedTime"},
	"codebuild":      {"StartTime", "EndTime", "Created", "LastModified"},
	"dynamodb":       {"CreationDateTime", "LastIncreaseDateTime", "LastDecreaseDateTime", "LastUpdateDateTime"},
	"ecs":            {"CreatedAt", "StartedAt", "StoppedAt", "StoppingAt", "PullStartedAt", "PullStoppedAt", "ExecutionStoppedAt", "ConnectivityAt", "UpdatedAt", "RegisteredAt", "DeregisteredAt"},
	"emr":            {"CreationDateTime", "StartDateTime", "EndDateTime", "ReadyDateTime"},
	"emrserverless":  {"CreatedAt", "UpdatedAt", "StartedAt", "EndedAt", "AttemptCreatedAt", "AttemptUpdatedAt"},
	"eventbridge":    {"CreationTime", "LastModifiedTime", "LastAuthorizedTime"},
	"firehose":       {"CreateTimestamp", "LastUpdateTimestamp"},
	"glue":           {"StartedOn", "CompletedOn", "LastModifiedOn", "CreatedOn", "CreateTime", "UpdateTime", "LastAccessTime", "LastAnalyzedTime", "CreationTime", "LastUpdated", "StartTime"},
	"kinesis":        {"StreamCreationTimestamp", "ApproximateArrivalTimestamp"},
	"kms":            {"CreationDate", "DeletionDate", "ValidTo"},
	"s3":             {"LastModified", "CreationDate", "Initiated"},
	"sagemaker":      {"CreationTime", "LastModifiedTime", "TrainingStartTime", "TrainingEndTime", "TransformStartTime", "TransformEndTime", "StartTime", "EndTime"},
	"secretsmanager": {"CreatedDate", "LastChangedDate", "LastAccessedDate", "LastRotatedDate", "DeletedDate", "NextRotationDate", "DeletionDate"},
	"sfn":            {"CreationDate", "StartDate", "StopDate", "UpdateDate", "Timestamp", "RedriveDate"},
	"ssm":            {"LastModifiedDate", "CreatedDate"},
}

// SDKTimestamps renders the timestamp members of an aws-sdk integration's response (Do's Result, which it
// changes in place) as Step Functions does; service is the table's name of the service.
func SDKTimestamps(service string, result map[string]any) map[string]any {
	members := timestamps[service]
	if len(members) == 0 {
		return result
	}
	svc, _ := Lookup(service)
	set := make(map[string]bool, len(members))
	for _, m := range members {
		set[m] = true
	}
	renderTimestamps(result, set, svc.Maps)
	return result
}

func renderTimestamps(v any, set map[string]bool, maps []string) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			switch {
			case isMapMember(maps, k): // the user's keys and values
			case set[k]:
				if s, ok := instant(e); ok {
					t[k] = s
				}
			default:
				renderTimestamps(e, set, maps)
			}
		}
	case []any:
		for _, e := range t {
			renderTimestamps(e, set, maps)
		}
	}
}

// instant reads a timestamp as the wire sends it (epoch seconds, ISO 8601 text) and writes it as Java's
// Instant.toString does; ok is false for a value that is no timestamp, which stays as it is.
func instant(v any) (string, bool) {
	var t time.Time
	switch x := v.(type) {
	case int64:
		t = time.Unix(x, 0)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", false
		}
		t = time.UnixMilli(int64(math.Round(x * 1000))) // the SDK reads epoch seconds to the millisecond
	case string:
		var err error
		if t, err = time.Parse(time.RFC3339Nano, x); err != nil {
			return "", false
		}
	default:
		return "", false
	}
	t = t.UTC()
	out := t.Format("2006-01-02T15:04:05")
	switch ns := t.Nanosecond(); {
	case ns == 0:
	case ns%1_000_000 == 0:
		out += t.Format(".000")
	case ns%1_000 == 0:
		out += t.Format(".000000")
	default:
		out += t.Format(".000000000")
	}
	return out + "Z", true
}
