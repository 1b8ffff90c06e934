package awscall

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
)

// request is a built call: the HTTP request and its body, which the signature hashes.
type request struct {
	http *http.Request
	body []byte
	hash string // of a streamed body (stream); empty: of body
}

// build encodes a call in its service's protocol. onAWS: the endpoint is AWS's own (S3 then addresses
// buckets by host).
func build(ctx context.Context, svc Service, action string, in map[string]any, endpoint *url.URL, onAWS bool) (*request, error) {
	var (
		method      = http.MethodPost
		u           = *endpoint
		body        []byte
		contentType string
		header      = http.Header{}
	)
	if u.Path == "" {
		u.Path = "/"
	}
	switch svc.Protocol {
	case JSON:
		body = []byte(jsonText(toWire(in, svc)))
		contentType = "application/x-amz-json-" + svc.JSONVersion
		header.Set("X-Amz-Target", svc.Target+"."+apiAction(action))
	case Query:
		form := url.Values{"Action": {apiAction(action)}, "Version": {svc.Version}}
		if err := flatten(form, "", in, svc); err != nil {
			return nil, paramError(svc, action, err)
		}
		body = []byte(form.Encode())
		contentType = "application/x-www-form-urlencoded; charset=utf-8"
	default:
		route := svc.Routes[action]
		method = route.Method
		rest, err := restRequest(svc, route, in, &u, header, onAWS)
		if err != nil {
			return nil, paramError(svc, action, err)
		}
		switch {
		case route.Payload != "":
			if p, ok := rest[route.Payload]; ok {
				delete(rest, route.Payload)
				if s, isString := p.(string); isString && svc.Protocol == RESTJSON {
					body = []byte(s)
				} else {
					// As Step Functions does: the JSON text of the payload (for S3's Body, even of a string).
					body = []byte(value.JSON(p))
				}
			}
			if len(rest) > 0 {
				return nil, paramError(svc, action, fmt.Errorf("it sends no parameter %s", strings.Join(slices.Sorted(maps.Keys(rest)), ", ")))
			}
		case len(rest) > 0 && (svc.Protocol == RESTXML || method == http.MethodGet || method == http.MethodDelete || method == http.MethodHead):
			return nil, paramError(svc, action, fmt.Errorf("it sends no parameter %s", strings.Join(slices.Sorted(maps.Keys(rest)), ", ")))
		case svc.Protocol == RESTJSON && method != http.MethodGet && method != http.MethodDelete && method != http.MethodHead:
			body = []byte(jsonText(toWire(rest, svc)))
			contentType = "application/json"
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if contentType != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", contentType)
	}
	return &request{http: req, body: body}, nil
}

func paramError(svc Service, action string, err error) error {
	return failure.New(failure.Runtime, fmt.Sprintf("The parameters of aws-sdk:%s:%s do not fit aslrun's %s call: %v",
		svc.Name, action, svc.Protocol, err))
}

func jsonText(v any) string { return value.JSON(v) }

var labelRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{([A-Za-z0-9]+)(\+?)\}`) })

// restRequest fills a REST call's URI and headers from the members the route names, and returns the
// members left for the body.
func restRequest(svc Service, route Route, in map[string]any, u *url.URL, header http.Header, onAWS bool) (map[string]any, error) {
	rest := make(map[string]any, len(in))
	for k, v := range in {
		rest[k] = v
	}
	path, rawQuery, _ := strings.Cut(route.Path, "?")
	var missing error
	if svc.Protocol == RESTXML && onAWS {
		// AWS's S3 addresses a bucket by host where its name allows (virtual-hosted style).
		if b, ok := rest["Bucket"].(string); ok && virtualHostable(b) && strings.HasPrefix(path, "/{Bucket}") {
			u.Host = b + "." + u.Host
			path = strings.TrimPrefix(path, "/{Bucket}")
			if path == "" {
				path = "/"
			}
			delete(rest, "Bucket")
		}
	}
	escaped := labelRE().ReplaceAllStringFunc(path, func(m string) string {
		sub := labelRE().FindStringSubmatch(m)
		v, ok := rest[sub[1]]
		s, isText := scalar(v)
		if !ok || !isText || s == "" {
			missing = fmt.Errorf("the parameter %s is required", sub[1])
			return ""
		}
		delete(rest, sub[1])
		if sub[2] == "+" {
			parts := strings.Split(s, "/")
			for i, p := range parts {
				parts[i] = url.PathEscape(p)
			}
			return strings.Join(parts, "/")
		}
		return url.PathEscape(s)
	})
	if missing != nil {
		return nil, missing
	}
	u.RawPath = strings.TrimSuffix(u.Path, "/") + escaped
	if unescaped, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = unescaped
	}
	q, _ := url.ParseQuery(rawQuery)
	for member, name := range route.Query {
		if v, ok := rest[member]; ok {
			s, isText := scalar(v)
			if !isText {
				return nil, fmt.Errorf("the parameter %s must be a string, number or boolean", member)
			}
			q.Set(name, s)
			delete(rest, member)
		}
	}
	u.RawQuery = q.Encode()
	for member, name := range route.Header {
		if v, ok := rest[member]; ok {
			s, isText := scalar(v)
			if !isText {
				return nil, fmt.Errorf("the parameter %s must be a string, number or boolean", member)
			}
			header.Set(name, s)
			delete(rest, member)
		}
	}
	if svc.Protocol == RESTXML {
		if m, ok := rest["Metadata"]; ok && route.Header["ContentType"] != "" {
			meta, isObject := m.(map[string]any)
			if !isObject {
				return nil, fmt.Errorf("the parameter Metadata must be an object of strings")
			}
			for k, v := range meta {
				s, isText := v.(string)
				if !isText {
					return nil, fmt.Errorf("the Metadata %q must be a string", k)
				}
				header.Set("x-amz-meta-"+k, s)
			}
			delete(rest, "Metadata")
		}
	}
	return rest, nil
}

// virtualHostable: a bucket name that can be a DNS label of AWS's TLS certificates (no dots).
func virtualHostable(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for _, r := range b {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// scalar renders a member sent as text (a URI label, a query parameter, a header).
func scalar(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case bool:
		return strconv.FormatBool(t), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case nil:
		return "", false
	}
	if n, ok := v.(interface{ String() string }); ok { // json.Number
		return n.String(), true
	}
	return "", false
}

// flatten encodes members as a query API's form: a.b for a structure's member, a.member.N for a list's
// entries, a.entry.N.key/value for a map's (svc.Maps; SNS names them Name and Value).
func flatten(form url.Values, prefix string, v any, svc Service) error {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			name := k
			if prefix != "" {
				name = prefix + "." + k
			}
			if m, isObject := t[k].(map[string]any); isObject && isMapMember(svc.Maps, k) {
				key, value := "key", "value"
				if svc.MapEntry[0] != "" {
					key, value = svc.MapEntry[0], svc.MapEntry[1]
				}
				for i, mk := range slices.Sorted(maps.Keys(m)) {
					entry := fmt.Sprintf("%s.entry.%d.", name, i+1)
					form.Set(entry+key, mk)
					if err := flatten(form, entry+value, m[mk], svc); err != nil {
						return err
					}
				}
				continue
			}
			if err := flatten(form, name, t[k], svc); err != nil {
				return err
			}
		}
	case []any:
		if len(t) == 0 {
			form.Set(prefix, "")
		}
		for i, e := range t {
			if err := flatten(form, fmt.Sprintf("%s.member.%d", prefix, i+1), e, svc); err != nil {
				return err
			}
		}
	default:
		s, ok := scalar(v)
		if !ok {
			return fmt.Errorf("the parameter %s is null", prefix)
		}
		form.Set(prefix, s)
	}
	return nil
}
