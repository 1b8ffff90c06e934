package sqs

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Known MD5OfMessageAttributes values, from SDK and emulator test suites checked against SQS.
func TestMD5OfAttributes(t *testing.T) {
	str := func(dataType, v string) any { return map[string]any{"DataType": dataType, "StringValue": v} }
	bin := func(v string) any {
		return map[string]any{"DataType": "Binary", "BinaryValue": base64.StdEncoding.EncodeToString([]byte(v))}
	}
	tests := []struct {
		name  string
		attrs map[string]any
		want  string
	}{
		{"number", map[string]any{"timestamp": str("Number", "1493147359900")}, "235c5c510d26fb653d073faed50ae77c"},
		{"string", map[string]any{"SellerName": str("String", "Example Store")}, "cd28f3b68aeee4b2eac9c66f2f694b58"},
		{"string with space", map[string]any{"attribName1": str("String", "attribValue 1")}, "19e27d4e946b072f3f58da80d94fd778"},
		{"custom type", map[string]any{"customNumberTypeAttrib": str("Number.float", "4563442423554324324264524243.32543234")}, "9fe1b90bbd9965bdf77bac517c7d2495"},
		{"binary", map[string]any{"binaryAttribute": bin("Hello binary world!")}, "31a92b15d92f8db860eda32aceb656c3"},
		{"several, sorted by name", map[string]any{
			"attribName1":            str("String", "attribValue 1"),
			"customNumberTypeAttrib": str("Number.float", "4563442423554324324264524243.32543234"),
			"binaryAttribute":        bin("Hello binary world!"),
		}, "c932db14a896c663f83c260297d594ff"},
		{"two", map[string]any{"ordinal": str("Number", "1"), "category": str("String", "test")}, "d21ae90c49061e927f57df5f5d72be1f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			attrs, err := parseAttributes(tt.attrs)
			require.NoError(t, err)
			assert.Equal(t, tt.want, md5OfAttributes(attrs))
			assert.Equal(t, tt.attrs, attributesValue(attrs), "received as sent")
		})
	}
}

func TestNoAttributes(t *testing.T) {
	attrs, err := parseAttributes(nil)
	require.NoError(t, err)
	assert.Empty(t, md5OfAttributes(attrs))
	assert.Nil(t, attributesValue(attrs))
	_, err = parseAttributes("not an object")
	requireAWSError(t, err, "InvalidParameterValue", 400, "The request must contain non-empty message attribute name.")
}
