package dynamodb

import (
	"fmt"

	"github.com/aslrun/aslrun/resources/awserr"
)

// DynamoDB's error codes. Every one of them is answered with HTTP 400.
const (
	codeValidation    = "ValidationException"
	codeConditional   = "ConditionalCheckFailedException"
	codeNotFound      = "ResourceNotFoundException"
	codeInUse         = "ResourceInUseException"
	codeSerialization = "SerializationException"
	codeUnknownOp     = "UnknownOperationException"
)

// Messages DynamoDB sends verbatim.
const (
	msgConditionFailed  = "The conditional request failed"
	msgTableNotFound    = "Requested resource not found"
	msgKeySchema        = "The provided key element does not match the schema"
	msgMissingKey       = "One of the required keys was not given a value"
	msgItemTooLarge     = "Item size has exceeded the maximum allowed size"
	msgUpdateTooLarge   = "Item size to update has exceeded the maximum allowed size"
	msgMissingOperand   = "The provided expression refers to an attribute that does not exist in the item"
	msgInvalidDocPath   = "The document path provided in the update expression is invalid for update"
	msgIncorrectOperand = "An operand in the update expression has an incorrect data type"
	msgReturnValues     = "Return values set to invalid value"
	msgStartKey         = "The provided starting key is invalid: The provided key element does not match the schema"
)

func validation(msg string) *awserr.Error { return awserr.New(codeValidation, 400, msg) }

func validationf(format string, args ...any) *awserr.Error {
	return awserr.New(codeValidation, 400, fmt.Sprintf(format, args...))
}

// serialization is the error for a request member of the wrong JSON type, which DynamoDB's protocol layer
// rejects before validating anything.
func serializationf(format string, args ...any) *awserr.Error {
	return awserr.New(codeSerialization, 400, fmt.Sprintf(format, args...))
}

// nullMember is the error for a required request member that is absent.
func nullMember(member string) *awserr.Error {
	return validationf("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}
