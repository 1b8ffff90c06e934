package service

import (
	"context"
	"testing"
)

// BenchmarkTestState answers TestState for one Task state with a mocked result, as a test suite calls it
// for each case: the definition is the same every time.
func BenchmarkTestState(b *testing.B) {
	s := newTestService(b, Options{})
	result := `{"id":7,"items":[1,2,3]}`
	in := TestStateInput{
		Definition: `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},` +
			`"ResultSelector":{"id.$":"$.id","n.$":"States.ArrayLength($.items)"},"ResultPath":"$.out","Next":"After"}`,
		RoleArn: "arn:aws:iam::123456789012:role/r", Input: `{"order":42}`, Mock: &MockInput{Result: &result},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.TestState(context.Background(), &in); err != nil {
			b.Fatal(err)
		}
	}
}
