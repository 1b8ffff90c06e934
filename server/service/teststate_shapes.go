package service

import (
	"slices"
	"strings"

	"github.com/aslrun/aslrun/asl/value"
)

// A mocked result of a Task is checked against the response shape of its integration (mock's
// fieldValidationMode): STRICT checks that the required fields are present and that the fields present
// have the model's types (and enum values); PRESENT checks only the fields present; NONE nothing. Fields
// the model does not know pass, as on AWS. aslrun knows the shapes of the integrations it emulates, from
// the AWS API models: lambda:invoke, sqs:sendMessage, sns:publish, events:putEvents,
// states:startExecution, dynamodb's and aws-sdk:dynamodb's item actions, query and scan, and the aws-sdk:s3
// actions of the embedded S3. Other resources (HTTP Tasks, other aws-sdk actions, Lambda function ARNs,
// .sync and .waitForTaskToken) are not checked. Numbers of integer fields are not checked for being whole,
// nor lengths and ranges.

// shape is a response shape of an AWS API model, reduced to what the check needs.
type shape struct {
	kind     shapeKind
	members  map[string]*shape
	required []string
	// elem is a list's member or a map's value.
	elem *shape
	enum []string
}

type shapeKind int

const (
	kindStructure shapeKind = iota
	kindList
	kindMap
	kindString
	kindNumber
	kindBoolean
)

func structure(members map[string]*shape, required ...string) *shape {
	return &shape{kind: kindStructure, members: members, required: required}
}
func listOf(elem *shape) *shape  { return &shape{kind: kindList, elem: elem} }
func mapOf(elem *shape) *shape   { return &shape{kind: kindMap, elem: elem} }
func stringShape() *shape        { return &shape{kind: kindString} }
func numberShape() *shape        { return &shape{kind: kindNumber} }
func booleanShape() *shape       { return &shape{kind: kindBoolean} }
func enumOf(vs ...string) *shape { return &shape{kind: kindString, enum: vs} }

// validateMockResult checks a mocked result against the resource's response shape; strict also requires
// the required fields. It returns the problem, or "" when the result passes or the shape is unknown.
func validateMockResult(resource string, result any, strict bool) string {
	sh := responseShape(resource)
	if sh == nil {
		return ""
	}
	result = value.Plain(result)
	if _, ok := result.(map[string]any); !ok {
		// aslrun's wording: every known response is an object.
		return "The mocked result must be a JSON object"
	}
	return sh.check(result, "", strict)
}

// check reports the first problem of v against the shape; field is the name v is found under.
func (sh *shape) check(v any, field string, strict bool) string {
	mustBe := func(what string) string { return "Field '" + field + "' must be " + what }
	switch sh.kind {
	case kindStructure:
		obj, ok := v.(map[string]any)
		if !ok {
			return mustBe("an object")
		}
		if strict {
			for _, r := range sh.required {
				if _, ok := obj[r]; !ok {
					return "Required field '" + r + "' is missing"
				}
			}
		}
		for _, name := range sortedKeys(obj) {
			if m, ok := sh.members[name]; ok {
				if p := m.check(obj[name], name, strict); p != "" {
					return p
				}
			}
		}
	case kindList:
		list, ok := v.([]any)
		if !ok {
			return mustBe("an array")
		}
		for _, item := range list {
			if p := sh.elem.check(item, field, strict); p != "" {
				return p
			}
		}
	case kindMap:
		obj, ok := v.(map[string]any)
		if !ok {
			return mustBe("an object")
		}
		for _, k := range sortedKeys(obj) {
			if p := sh.elem.check(obj[k], field, strict); p != "" {
				return p
			}
		}
	case kindString:
		s, ok := v.(string)
		if !ok {
			return mustBe("a string")
		}
		if len(sh.enum) > 0 && !slices.Contains(sh.enum, s) {
			return "Field '" + field + "' is not an expected value"
		}
	case kindNumber:
		switch v.(type) {
		case int64, float64:
		default:
			return mustBe("a number")
		}
	case kindBoolean:
		if _, ok := v.(bool); !ok {
			return mustBe("a boolean")
		}
	}
	return ""
}

// responseShape is the response shape of a request-response integration, nil when aslrun does not know it.
func responseShape(resource string) *shape {
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "states" || parts[3] != "" || parts[4] != "" {
		return nil
	}
	action := parts[5]
	sdk := strings.HasPrefix(action, "aws-sdk:")
	action = strings.TrimPrefix(action, "aws-sdk:")
	switch action {
	case "lambda:invoke":
		if sdk {
			return nil
		}
		// Payload is a blob in Lambda's model: a string, as AWS's TestState checks it.
		return structure(map[string]*shape{"StatusCode": numberShape(), "FunctionError": stringShape(),
			"LogResult": stringShape(), "Payload": stringShape(), "ExecutedVersion": stringShape()})
	case "sqs:sendMessage":
		return structure(map[string]*shape{"MD5OfMessageBody": stringShape(), "MD5OfMessageAttributes": stringShape(),
			"MD5OfMessageSystemAttributes": stringShape(), "MessageId": stringShape(), "SequenceNumber": stringShape()})
	case "sns:publish":
		return structure(map[string]*shape{"MessageId": stringShape(), "SequenceNumber": stringShape()})
	case "events:putEvents":
		return structure(map[string]*shape{"FailedEntryCount": numberShape(), "Entries": listOf(structure(map[string]*shape{
			"EventId": stringShape(), "ErrorCode": stringShape(), "ErrorMessage": stringShape()}))})
	case "states:startExecution":
		return structure(map[string]*shape{"ExecutionArn": stringShape(), "StartDate": stringShape()}, "ExecutionArn", "StartDate")
	}
	if svc, op, ok := strings.Cut(action, ":"); ok {
		switch svc {
		case "dynamodb":
			return dynamoDBShape(op, sdk)
		case "s3":
			if sdk {
				return s3Shape(op)
			}
		}
	}
	return nil
}

// dynamoDBShape is a DynamoDB action's response: the optimized integrations' four item actions, and
// through aws-sdk also query and scan.
func dynamoDBShape(op string, sdk bool) *shape {
	attr := &shape{kind: kindStructure}
	attr.members = map[string]*shape{"S": stringShape(), "N": stringShape(), "B": stringShape(), "SS": listOf(stringShape()),
		"NS": listOf(stringShape()), "BS": listOf(stringShape()), "M": mapOf(attr), "L": listOf(attr), "NULL": booleanShape(),
		"BOOL": booleanShape()}
	item := mapOf(attr)
	capacity := structure(map[string]*shape{"CapacityUnits": numberShape(), "ReadCapacityUnits": numberShape(), "WriteCapacityUnits": numberShape()})
	consumed := structure(map[string]*shape{"TableName": stringShape(), "CapacityUnits": numberShape(),
		"ReadCapacityUnits": numberShape(), "WriteCapacityUnits": numberShape(), "Table": capacity,
		"LocalSecondaryIndexes": mapOf(capacity), "GlobalSecondaryIndexes": mapOf(capacity)})
	metrics := structure(map[string]*shape{"ItemCollectionKey": item, "SizeEstimateRangeGB": listOf(numberShape())})
	switch op {
	case "getItem":
		return structure(map[string]*shape{"Item": item, "ConsumedCapacity": consumed})
	case "putItem", "updateItem", "deleteItem":
		return structure(map[string]*shape{"Attributes": item, "ConsumedCapacity": consumed, "ItemCollectionMetrics": metrics})
	case "query", "scan":
		if sdk {
			return structure(map[string]*shape{"Items": listOf(item), "Count": numberShape(), "ScannedCount": numberShape(),
				"LastEvaluatedKey": item, "ConsumedCapacity": consumed})
		}
	}
	return nil
}

// s3Shape is the response of an aws-sdk:s3 action of the embedded S3.
func s3Shape(op string) *shape {
	storage := enumOf("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
		"DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS", "FSX_ONTAP")
	object := map[string]*shape{"ContentLength": numberShape(), "ContentType": stringShape(), "ETag": stringShape(),
		"LastModified": stringShape(), "StorageClass": storage, "VersionId": stringShape(), "Metadata": mapOf(stringShape()),
		"DeleteMarker": booleanShape(), "CacheControl": stringShape(), "ContentEncoding": stringShape()}
	switch op {
	case "getObject":
		object["Body"] = stringShape()
		return structure(object)
	case "headObject":
		return structure(object)
	case "putObject":
		return structure(map[string]*shape{"ETag": stringShape(), "VersionId": stringShape(), "Size": numberShape()})
	case "deleteObject":
		return structure(map[string]*shape{"DeleteMarker": booleanShape(), "VersionId": stringShape()})
	case "copyObject":
		return structure(map[string]*shape{"CopyObjectResult": structure(map[string]*shape{"ETag": stringShape(),
			"LastModified": stringShape()}), "VersionId": stringShape()})
	case "listObjectsV2":
		return structure(map[string]*shape{"Contents": listOf(structure(map[string]*shape{"Key": stringShape(),
			"ETag": stringShape(), "Size": numberShape(), "StorageClass": storage, "LastModified": stringShape()})),
			"IsTruncated": booleanShape(), "KeyCount": numberShape(), "MaxKeys": numberShape(), "Name": stringShape(),
			"Prefix": stringShape(), "NextContinuationToken": stringShape(), "ContinuationToken": stringShape(),
			"CommonPrefixes": listOf(structure(map[string]*shape{"Prefix": stringShape()}))})
	}
	return nil
}
