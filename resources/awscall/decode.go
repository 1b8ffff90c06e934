package awscall

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/source"
)

// decode shapes a successful response as Step Functions returns it.
func decode(svc Service, action string, resp *http.Response, body []byte) (map[string]any, error) {
	switch svc.Protocol {
	case JSON:
		return jsonObject(body, svc)
	case Query:
		root, err := parseXML(body)
		if err != nil || root == nil {
			return map[string]any{}, err
		}
		if result := root.child(apiAction(action) + "Result"); result != nil {
			out, _ := result.value(svc, false).(map[string]any)
			if out == nil {
				out = map[string]any{}
			}
			return out, nil
		}
		return map[string]any{}, nil
	}
	route := svc.Routes[action]
	out := map[string]any{}
	switch {
	case route.Result != "":
		out[route.Result] = strings.ToValidUTF8(string(body), "\uFFFD")
	case svc.Protocol == RESTJSON:
		m, err := jsonObject(body, svc)
		if err != nil {
			return nil, err
		}
		out = m
	default:
		root, err := parseXML(body)
		if err != nil {
			return nil, err
		}
		if root != nil {
			v := root.value(svc, true)
			if action == "copyObject" { // the SDK's CopyObjectResponse holds the element as a member
				out[root.name] = v
			} else if m, ok := v.(map[string]any); ok {
				out = m
			}
		}
	}
	for name, member := range route.OutHeader {
		if v := resp.Header.Get(name); v != "" {
			out[member] = headerValue(svc, member, v)
		}
	}
	if svc.Protocol == RESTXML && (action == "getObject" || action == "headObject") {
		meta := map[string]any{}
		for k, v := range resp.Header {
			if name, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-meta-"); ok && len(v) > 0 {
				meta[name] = v[0]
			}
		}
		out["Metadata"] = meta
	}
	if route.Status != "" {
		out[route.Status] = int64(resp.StatusCode)
	}
	return out, nil
}

func jsonObject(body []byte, svc Service) (map[string]any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]any{}, nil
	}
	v, err := source.DecodePlain(body)
	if err != nil {
		return nil, err
	}
	m, ok := fromWire(v, svc).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a JSON object")
	}
	return m, nil
}

// headerValue types a response header's member: S3's numbers and booleans, dates as ISO 8601 text.
func headerValue(svc Service, member, v string) any {
	switch {
	case s3Numbers[member]:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case s3Bools[member]:
		return v == "true"
	case member == "LastModified":
		if t, err := http.ParseTime(v); err == nil {
			return t.UTC().Format(time.RFC3339)
		}
	}
	return v
}

// decodeError reads a service's error response.
func decodeError(svc Service, resp *http.Response, body []byte) *ServiceError {
	e := &ServiceError{Service: svc, Status: resp.StatusCode}
	for _, h := range []string{"X-Amzn-Requestid", "X-Amz-Request-Id", "X-Amzn-Request-Id"} {
		if id := resp.Header.Get(h); id != "" && e.RequestID == "" {
			e.RequestID = id
		}
	}
	switch svc.Protocol {
	case JSON, RESTJSON:
		if v, err := source.DecodePlain(body); err == nil {
			obj, _ := v.(map[string]any)
			for _, k := range []string{"__type", "code", "Code"} {
				if t, ok := obj[k].(string); ok && e.Code == "" {
					e.Code = t
				}
			}
			for _, k := range []string{"message", "Message", "errorMessage"} {
				if m, ok := obj[k].(string); ok && e.Message == "" {
					e.Message = m
				}
			}
		}
		if t := resp.Header.Get("X-Amzn-Errortype"); t != "" {
			e.Code = t
		}
		// "aws.protocoltests#Code", "Code:http://internal.amazon.com/...": the code is the bare name.
		e.Code, _, _ = strings.Cut(e.Code[strings.LastIndexByte(e.Code, '#')+1:], ":")
	default:
		if root, err := parseXML(body); err == nil && root != nil {
			errNode := root
			if root.name != "Error" {
				errNode = root.child("Error")
			}
			if errNode != nil {
				e.Code, e.Message = errNode.text("Code"), errNode.text("Message")
				if id := errNode.text("RequestId"); id != "" && e.RequestID == "" {
					e.RequestID = id
				}
			}
			if id := root.text("RequestId"); id != "" && e.RequestID == "" {
				e.RequestID = id
			}
		}
		if e.Code == "" && resp.StatusCode == http.StatusNotFound && svc.Protocol == RESTXML {
			e.Code = "NoSuchKey" // a HEAD's 404 has no body; the SDK for Java 2 names it so
		}
	}
	if e.Message == "" && e.Code == "" && len(body) > 0 {
		e.Message = snippet(body)
	}
	return e
}

// node is an XML element.
type node struct {
	name     string
	chars    string
	children []*node
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (n *node) text(name string) string {
	if c := n.child(name); c != nil {
		return strings.TrimSpace(c.chars)
	}
	return ""
}

// parseXML reads a document's root element; nil for an empty body.
func parseXML(body []byte) (*node, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].chars += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no XML element")
	}
	return root, nil
}

// value converts an element as the SDKs read it without a model: a query list (<member> entries) or map
// (<entry> with key and value) is an array or an object; S3's list members (s3Lists) are arrays, wrapped or
// flattened; an element repeated is an array; a leaf is its text (S3's numbers and booleans typed).
func (n *node) value(svc Service, s3 bool) any {
	if len(n.children) == 0 {
		t := strings.TrimSpace(n.chars)
		if s3 {
			return headerValue(svc, n.name, t)
		}
		return t
	}
	if allNamed(n.children, "member") {
		out := make([]any, len(n.children))
		for i, c := range n.children {
			out[i] = c.value(svc, s3)
		}
		return out
	}
	if allNamed(n.children, "entry") && !s3 {
		key, val := "key", "value"
		if svc.MapEntry[0] != "" {
			key, val = svc.MapEntry[0], svc.MapEntry[1]
		}
		out := map[string]any{}
		for _, c := range n.children {
			if v := c.child(val); v != nil {
				out[c.text(key)] = v.value(svc, s3)
			}
		}
		return out
	}
	if s3 && s3Lists[n.name] && allNamed(n.children, n.children[0].name) && len(n.children[0].children) > 0 && n.name != "Contents" {
		out := make([]any, len(n.children))
		for i, c := range n.children {
			out[i] = c.value(svc, s3)
		}
		return out
	}
	out := map[string]any{}
	for _, c := range n.children {
		v := c.value(svc, s3)
		prev, seen := out[c.name]
		switch {
		case s3 && s3Lists[c.name]:
			if list, isList := v.([]any); isList && !seen {
				out[c.name] = list
				continue
			}
			list, _ := prev.([]any)
			out[c.name] = append(list, v)
		case seen:
			list, isList := prev.([]any)
			if !isList {
				list = []any{prev}
			}
			out[c.name] = append(list, v)
		default:
			out[c.name] = v
		}
	}
	return out
}

func allNamed(nodes []*node, name string) bool {
	for _, c := range nodes {
		if c.name != name {
			return false
		}
	}
	return true
}
