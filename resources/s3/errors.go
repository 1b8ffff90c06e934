package s3

import (
	"errors"

	"github.com/aslrun/aslrun/interpreter/maprun"
	"github.com/aslrun/aslrun/resources/awserr"
)

// S3's error codes for a missing bucket and a missing key.
const (
	CodeNoSuchBucket = "NoSuchBucket"
	CodeNoSuchKey    = "NoSuchKey"
)

// S3's messages, as its REST API sends them (the bucket's without a full stop, the key's with one).
func errNoSuchBucket() error {
	return awserr.New(CodeNoSuchBucket, 404, "The specified bucket does not exist")
}

func errNoSuchKey() error {
	return awserr.New(CodeNoSuchKey, 404, "The specified key does not exist.")
}

func errInvalidArgument(format string, args ...any) error {
	return awserr.Newf("InvalidArgument", 400, format, args...)
}

// errNotImplemented is S3's answer to a request it does not implement; the embedded S3 gives it for the
// parameters it does not honour, rather than ignore them.
func errNotImplemented(action, parameter string) error {
	return awserr.Newf("NotImplemented", 501, "The embedded S3 does not implement the parameter %s of %s", parameter, action)
}

// isCode reports whether err is S3's error code.
func isCode(err error, code string) bool {
	var e *awserr.Error
	return errors.As(err, &e) && e.Code == code
}

// objectError turns a missing bucket or key into the *maprun.ObjectError a Map Run reports; other errors
// are returned as they are.
func objectError(err error, bucket, key string) error {
	for _, code := range []string{CodeNoSuchBucket, CodeNoSuchKey} {
		if isCode(err, code) {
			return &maprun.ObjectError{Code: code, Bucket: bucket, Key: key}
		}
	}
	return err
}
