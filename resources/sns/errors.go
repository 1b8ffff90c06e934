package sns

import "github.com/aslrun/aslrun/resources/awserr"

func errNotFound() error {
	return awserr.New("NotFound", 404, "Topic does not exist")
}

// errInvalid is SNS's InvalidParameter, whose messages read "Invalid parameter: WHAT".
func errInvalid(what string) error {
	return awserr.New("InvalidParameter", 400, "Invalid parameter: "+what)
}

// errInvalidValue is SNS's ParameterValueInvalid, which it answers for bad message attributes.
func errInvalidValue(format string, args ...any) error {
	return awserr.Newf("ParameterValueInvalid", 400, format, args...)
}
