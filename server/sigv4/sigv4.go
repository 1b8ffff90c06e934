// Package sigv4 verifies AWS Signature Version 4 on API requests (the Authorization header form the SDKs
// and the CLI send) against a set of configured credentials, and refuses with the codes and messages
// AWS's JSON services use, so that the SDKs raise the errors users know.
package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/httpbinding"
)

const (
	algorithm  = "AWS4-HMAC-SHA256"
	terminator = "aws4_request"
	amzDate    = "20060102T150405Z"
	scopeDate  = "20060102"
	// MaxSkew is how far a request's date may be from the server's clock: AWS's five minutes, which bounds
	// how long a captured request can be replayed.
	MaxSkew = 5 * time.Minute
)

// The error codes of refusals.
const (
	CodeMissingToken       = "MissingAuthenticationTokenException"
	CodeIncomplete         = "IncompleteSignatureException"
	CodeUnrecognizedClient = "UnrecognizedClientException"
	CodeInvalidSignature   = "InvalidSignatureException"
)

// Error is a refused request; AWS's JSON protocol answers each with HTTP 400.
type Error struct {
	Code, Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func refuse(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Options configure a Verifier.
type Options struct {
	// Service is the service the credential scope must name; default "states".
	Service string
	// Now is the server's clock; default time.Now.
	Now func() time.Time
}

// Verifier checks signatures. It accepts any region in the credential scope, since clients of a local
// endpoint are configured with all sorts of regions; the region still enters the signature.
type Verifier struct {
	secrets map[string]string // by access key ID
	service string
	now     func() time.Time
}

// New returns a verifier of requests signed with one of credentials (secret access keys by access key ID).
func New(credentials map[string]string, opts Options) (*Verifier, error) {
	if len(credentials) == 0 {
		return nil, errors.New("sigv4: no credentials")
	}
	v := &Verifier{secrets: map[string]string{}, service: opts.Service, now: opts.Now}
	for id, secret := range credentials {
		if id == "" || secret == "" {
			return nil, errors.New("sigv4: an access key ID and its secret may not be empty")
		}
		v.secrets[id] = secret
	}
	if v.service == "" {
		v.service = "states"
	}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

// ParseCredential reads "ACCESS_KEY_ID:SECRET_ACCESS_KEY".
func ParseCredential(s string) (id, secret string, err error) {
	id, secret, ok := strings.Cut(s, ":")
	if !ok || id == "" || secret == "" {
		return "", "", errors.New("credentials are given as ACCESS_KEY_ID:SECRET_ACCESS_KEY")
	}
	return id, secret, nil
}

// authorization is the parsed Authorization header.
type authorization struct {
	id, date, region, service string
	signedHeaders             []string
	signature                 string
}

// Verify checks the signature of r, whose body (already read) is body. It returns nil or an *Error.
func (v *Verifier) Verify(r *http.Request, body []byte) error {
	header := r.Header.Get("Authorization")
	if header == "" {
		return refuse(CodeMissingToken, "Request is missing Authentication Token")
	}
	auth, err := parseAuthorization(header)
	if err != nil {
		return err
	}
	stamp, err := requestTime(r, header)
	if err != nil {
		return err
	}
	secret, ok := v.secrets[auth.id]
	if !ok {
		return refuse(CodeUnrecognizedClient, "The security token included in the request is invalid.")
	}
	if date := stamp.Format(scopeDate); auth.date != date {
		return refuse(CodeInvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			auth.date, date, stamp.Format(amzDate))
	}
	if auth.service != v.service {
		return refuse(CodeInvalidSignature, "Credential should be scoped to correct service: '%s'. ", v.service)
	}
	now := v.now().UTC()
	if stamp.Before(now.Add(-MaxSkew)) {
		return refuse(CodeInvalidSignature, "Signature expired: %s is now earlier than %s (%s - 5 min.)",
			stamp.Format(amzDate), now.Add(-MaxSkew).Format(amzDate), now.Format(amzDate))
	}
	if stamp.After(now.Add(MaxSkew)) {
		return refuse(CodeInvalidSignature, "Signature not yet current: %s is still later than %s (%s + 5 min.)",
			stamp.Format(amzDate), now.Add(MaxSkew).Format(amzDate), now.Format(amzDate))
	}

	canonical := canonicalRequest(r, auth.signedHeaders, body)
	scope := strings.Join([]string{auth.date, auth.region, auth.service, terminator}, "/")
	sum := sha256.Sum256([]byte(canonical))
	toSign := strings.Join([]string{algorithm, stamp.Format(amzDate), scope, hex.EncodeToString(sum[:])}, "\n")
	key := hmacSHA256([]byte("AWS4"+secret), auth.date)
	for _, part := range []string{auth.region, auth.service, terminator} {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(auth.signature)) {
		return refuse(CodeInvalidSignature, "The request signature we calculated does not match the signature you provided. "+
			"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"+
			"The Canonical String for this request should have been\n'%s'\n\nThe String-to-Sign should have been\n'%s'\n", canonical, toSign)
	}
	return nil
}

// parseAuthorization reads "AWS4-HMAC-SHA256 Credential=ID/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b, Signature=HEX", reporting every missing part at once, as AWS does.
func parseAuthorization(header string) (*authorization, error) {
	alg, rest, _ := strings.Cut(header, " ")
	if alg != algorithm {
		return nil, refuse(CodeIncomplete, "Unsupported AWS 'algorithm': '%s'. Only %s is supported.", alg, algorithm)
	}
	params := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		params[k] = val
	}
	var missing []string
	for _, name := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[name] == "" {
			missing = append(missing, fmt.Sprintf("Authorization header requires '%s' parameter.", name))
		}
	}
	if len(missing) > 0 {
		return nil, refuse(CodeIncomplete, "%s Authorization=%s", strings.Join(missing, " "), header)
	}
	scope := strings.Split(params["Credential"], "/")
	if len(scope) != 5 || scope[0] == "" {
		return nil, refuse(CodeIncomplete, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", params["Credential"])
	}
	if scope[4] != terminator {
		return nil, refuse(CodeIncomplete, "Credential should be scoped with a valid terminator: '%s', not '%s'.", terminator, scope[4])
	}
	signed := strings.Split(params["SignedHeaders"], ";")
	if !slices.Contains(signed, "host") {
		return nil, refuse(CodeIncomplete, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	return &authorization{id: scope[0], date: scope[1], region: scope[2], service: scope[3], signedHeaders: signed, signature: params["Signature"]}, nil
}

// requestTime is the request's X-Amz-Date, or its Date header.
func requestTime(r *http.Request, header string) (time.Time, error) {
	if s := r.Header.Get("X-Amz-Date"); s != "" {
		t, err := time.Parse(amzDate, s)
		if err != nil {
			return time.Time{}, refuse(CodeIncomplete, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", s)
		}
		return t, nil
	}
	if s := r.Header.Get("Date"); s != "" {
		t, err := http.ParseTime(s)
		if err != nil {
			return time.Time{}, refuse(CodeIncomplete, "Date must be an HTTP date. Got '%s'.", s)
		}
		return t.UTC(), nil
	}
	return time.Time{}, refuse(CodeIncomplete, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=%s", header)
}

// canonicalRequest is the request as SigV4 canonicalises it, over the headers the client signed: the
// method, the path (encoded again, as for every service but S3), the sorted query, the signed headers with
// their values trimmed, the list of them, and the hash of the payload as received.
func canonicalRequest(r *http.Request, signed []string, body []byte) string {
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	// Sorted by encoded name, then encoded value: sorting "name=value" strings would put "a-=" before "a=".
	var pairs [][2]string
	for k, vals := range r.URL.Query() {
		for _, val := range vals {
			pairs = append(pairs, [2]string{httpbinding.EscapePath(k, true), httpbinding.EscapePath(val, true)})
		}
	}
	slices.SortFunc(pairs, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	query := make([]string, len(pairs))
	for i, p := range pairs {
		query[i] = p[0] + "=" + p[1]
	}
	var headers strings.Builder
	for _, name := range signed {
		var values []string
		switch name {
		case "host":
			values = []string{r.Host}
		case "content-length":
			values = slices.Clone(r.Header.Values(name))
			if len(values) == 0 && r.ContentLength >= 0 {
				values = []string{strconv.FormatInt(r.ContentLength, 10)}
			}
		default:
			values = slices.Clone(r.Header.Values(name))
		}
		for i, val := range values {
			values[i] = collapseSpaces(val)
		}
		headers.WriteString(name + ":" + strings.Join(values, ",") + "\n")
	}
	sum := sha256.Sum256(body)
	return strings.Join([]string{r.Method, httpbinding.EscapePath(path, false), strings.Join(query, "&"),
		headers.String(), strings.Join(signed, ";"), hex.EncodeToString(sum[:])}, "\n")
}

// collapseSpaces trims a header value and turns each run of spaces inside it into one.
func collapseSpaces(s string) string {
	var b strings.Builder
	space := false
	for _, c := range strings.Trim(s, " ") {
		if c == ' ' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(c)
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}
