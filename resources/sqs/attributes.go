package sqs

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// attribute is one message attribute (MessageAttributeValue), its binary value decoded.
type attribute struct {
	dataType string
	str      string
	bin      []byte
	isBinary bool
}

const maxAttributes = 10

var numberRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`) })

// parseAttributes validates a MessageAttributes value (name -> {DataType, StringValue | BinaryValue}, the
// binary value base64 as in the JSON protocol) the way SendMessage does.
func parseAttributes(v any) (map[string]attribute, error) {
	if v == nil {
		return nil, nil
	}
	raw, ok := v.(map[string]any)
	if !ok {
		return nil, errInvalidValue("The request must contain non-empty message attribute name.")
	}
	if len(raw) > maxAttributes {
		return nil, errAttribute("Number of message attributes [%d] exceeds the allowed maximum [%d].", len(raw), maxAttributes)
	}
	attrs := make(map[string]attribute, len(raw))
	for name, value := range raw {
		if name == "" {
			return nil, errInvalidValue("The request must contain non-empty message attribute name.")
		}
		fields, _ := value.(map[string]any)
		dataType, _ := fields["DataType"].(string)
		if dataType == "" {
			return nil, errAttribute("The message attribute '%s' must contain non-empty message attribute type.", name)
		}
		a := attribute{dataType: dataType}
		switch base, _, _ := strings.Cut(dataType, "."); base {
		case "String", "Number":
			a.str, _ = fields["StringValue"].(string)
			if a.str == "" {
				return nil, errAttribute("Message (user) attribute '%s' must contain a non-empty value of type '%s'.", name, base)
			}
			if base == "Number" && !numberRE().MatchString(a.str) {
				return nil, errAttribute("Can't cast the value of message (user) attribute '%s' to a number.", name)
			}
		case "Binary":
			a.isBinary = true
			encoded, _ := fields["BinaryValue"].(string)
			var err error
			if a.bin, err = base64.StdEncoding.DecodeString(encoded); err != nil || len(a.bin) == 0 {
				return nil, errAttribute("Message (user) attribute '%s' must contain a non-empty value of type 'Binary'.", name)
			}
		default:
			return nil, errAttribute("The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", name)
		}
		attrs[name] = a
	}
	return attrs, nil
}

// attributesSize is what the attributes add to a message's size: every name, type and value.
func attributesSize(attrs map[string]attribute) int {
	n := 0
	for name, a := range attrs {
		n += len(name) + len(a.dataType) + len(a.str) + len(a.bin)
	}
	return n
}

// md5OfAttributes is MD5OfMessageAttributes as SQS documents it ("Calculating the MD5 message digest for
// message attributes"): for each attribute, by name in ascending order, the name, the data type, a
// transport byte (1 string, 2 binary) and the value, each string prefixed by its 4-byte big-endian length.
func md5OfAttributes(attrs map[string]attribute) string {
	if len(attrs) == 0 {
		return ""
	}
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	var buf []byte
	field := func(b []byte) {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(b)))
		buf = append(buf, b...)
	}
	for _, name := range names {
		a := attrs[name]
		field([]byte(name))
		field([]byte(a.dataType))
		if a.isBinary {
			buf = append(buf, 2)
			field(a.bin)
		} else {
			buf = append(buf, 1)
			field([]byte(a.str))
		}
	}
	sum := md5.Sum(buf)
	return hex.EncodeToString(sum[:])
}

// attributesValue returns attributes as ReceiveMessage shows them, a fresh copy on each call.
func attributesValue(attrs map[string]attribute) map[string]any {
	if len(attrs) == 0 {
		return nil
	}
	out := make(map[string]any, len(attrs))
	for name, a := range attrs {
		if a.isBinary {
			out[name] = map[string]any{"DataType": a.dataType, "BinaryValue": base64.StdEncoding.EncodeToString(a.bin)}
		} else {
			out[name] = map[string]any{"DataType": a.dataType, "StringValue": a.str}
		}
	}
	return out
}
