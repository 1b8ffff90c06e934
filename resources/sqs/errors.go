package sqs

import "github.com/aslrun/aslrun/resources/awserr"

// The errors below carry the codes of SQS's JSON protocol (the __type of the error body, e.g.
// QueueDoesNotExist) where the API models them; those it does not model keep their Query-protocol code
// (InvalidParameterValue, MissingParameter), which is also what the JSON protocol sends for them.

func errNoQueue() error {
	return awserr.New("QueueDoesNotExist", 400, "The specified queue does not exist.")
}

func errMissing(parameter string) error {
	return awserr.Newf("MissingParameter", 400, "The request must contain the parameter %s.", parameter)
}

func errInvalidValue(message string) error {
	return awserr.New("InvalidParameterValue", 400, message)
}

func errInvalidParameter(parameter string, value any, reason string) error {
	return awserr.Newf("InvalidParameterValue", 400, "Value %v for parameter %s is invalid. Reason: %s", value, parameter, reason)
}

func errTooLong(limit int) error {
	return awserr.Newf("InvalidParameterValue", 400, "One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", limit)
}

func errInvalidCharacter(r rune) error {
	return awserr.Newf("InvalidMessageContents", 400,
		"Invalid binary character '#x%X' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].", r)
}

func errInvalidAttributeValue(name string) error {
	return awserr.Newf("InvalidAttributeValue", 400, "Invalid value for the parameter %s.", name)
}

func errInvalidAttributeName(name string) error {
	return awserr.Newf("InvalidAttributeName", 400, "Unknown Attribute %s.", name)
}

func errQueueNameExists(attribute string) error {
	return awserr.Newf("QueueNameExists", 400, "A queue already exists with the same name and a different value for attribute %s", attribute)
}

func errReceiptHandle(handle string) error {
	return awserr.Newf("ReceiptHandleIsInvalid", 400, "The input receipt handle \"%s\" is not a valid receipt handle.", handle)
}

func errAttribute(format string, args ...any) error {
	return awserr.Newf("InvalidParameterValue", 400, format, args...)
}
