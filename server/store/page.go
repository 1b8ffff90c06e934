package store

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Page sizes, as the Step Functions API defines maxResults.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// Listing kinds: a page token names its listing, so that a token from one listing is refused by another.
const (
	KindStateMachines  = "machines"
	KindActivities     = "activities"
	KindExecutions     = "executions"
	KindHistory        = "history"
	KindHistoryReverse = "history-reverse"
	KindMapRuns        = "map-runs"
	KindVersions       = "versions"
	KindAliases        = "aliases"
)

// Page asks for one page of a listing: Token is the previous page's next token ("" for the first page).
type Page struct {
	Token string
	Max   int
}

// Size is the number of records the page holds at most: Max, or the default when Max is not positive,
// capped at MaxPageSize. Callers that must reject an out-of-range maxResults do so before calling.
func (p Page) Size() int {
	switch {
	case p.Max <= 0:
		return DefaultPageSize
	case p.Max > MaxPageSize:
		return MaxPageSize
	}
	return p.Max
}

// Cursor returns the position p.Token encodes for a listing of kind, or 0 for the first page. Backends
// resume after the position, so records added or deleted between pages shift nothing. A token issued for
// another kind of listing, or not issued at all, is ErrInvalidToken.
func (p Page) Cursor(kind string) (int64, error) {
	if p.Token == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(p.Token)
	if err != nil {
		return 0, ErrInvalidToken
	}
	k, pos, ok := strings.Cut(string(raw), ":")
	if !ok || k != kind {
		return 0, ErrInvalidToken
	}
	n, err := strconv.ParseInt(pos, 10, 64)
	if err != nil || n <= 0 {
		return 0, ErrInvalidToken
	}
	return n, nil
}

// NextToken is the token that resumes a listing of kind after position pos; "" when pos is 0, which
// backends use for "no next page".
func NextToken(kind string, pos int64) string {
	if pos == 0 {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatInt(pos, 10)))
}
