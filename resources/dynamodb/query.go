package dynamodb

import (
	"hash/fnv"
	"slices"

	"github.com/aslrun/aslrun/resources/awserr"
)

// maxPageBytes is DynamoDB's 1 MB limit on the items one Query or Scan page reads.
const maxPageBytes = 1 << 20

var (
	queryMembers      = []string{"KeyConditionExpression", "FilterExpression", "ProjectionExpression"}
	queryValueMembers = []string{"KeyConditionExpression", "FilterExpression"}
	scanMembers       = []string{"FilterExpression", "ProjectionExpression"}
	scanValueMembers  = []string{"FilterExpression"}
)

// readOptions are the members Query and Scan share.
type readOptions struct {
	selectMode string
	limit      int64
	filter     condition
	projection []docPath
	start      item
}

func readCommon(req map[string]any, ctx *exprContext) (readOptions, *awserr.Error) {
	var o readOptions
	var err *awserr.Error
	if o.selectMode, err = enumMember(req, "Select", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"); err != nil {
		return o, err
	}
	limit, hasLimit, err := optInt(req, "Limit")
	if err != nil {
		return o, err
	}
	if hasLimit && limit < 1 {
		return o, validation("1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
	}
	o.limit = limit
	if o.filter, err = optCondition(req, ctx, "FilterExpression"); err != nil {
		return o, err
	}
	if o.projection, err = optProjection(req, ctx); err != nil {
		return o, err
	}
	if _, err := optBool(req, "ConsistentRead"); err != nil {
		return o, err
	}
	return o, nil
}

// checkTable finishes validation once the table is known: no indexes, and a start key of the table's.
func (o *readOptions) checkTable(req map[string]any, t *table) *awserr.Error {
	index, ok, err := optString(req, "IndexName")
	if err != nil {
		return err
	}
	if ok {
		return validation("The table does not have the specified index: " + index)
	}
	if o.selectMode == "ALL_PROJECTED_ATTRIBUTES" {
		return validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
	}
	o.start, err = t.startKey(req)
	return err
}

// query is Query: the items of one partition, in sort key order, within the key condition.
func (db *DB) query(req map[string]any) (map[string]any, *awserr.Error) {
	ctx, err := newExprContext(req, queryMembers, queryValueMembers)
	if err != nil {
		return nil, err
	}
	src, ok, err := optString(req, "KeyConditionExpression")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	kc, err := parseCondition(ctx, "KeyConditionExpression", src)
	if err != nil {
		return nil, err
	}
	opts, err := readCommon(req, ctx)
	if err != nil {
		return nil, err
	}
	if err := ctx.checkUnused(); err != nil {
		return nil, err
	}
	forward := true
	if raw, ok := req["ScanIndexForward"]; ok && raw != nil {
		b, ok := raw.(bool)
		if !ok {
			return nil, serializationf("Unexpected %s for ScanIndexForward, which must be a boolean", jsonType(raw))
		}
		forward = b
	}
	t, err := db.table(req)
	if err != nil {
		return nil, err
	}
	if err := opts.checkTable(req, t); err != nil {
		return nil, err
	}
	keys, err := t.keyConditions(kc)
	if err != nil {
		return nil, err
	}
	if opts.filter != nil {
		if name, ok := t.keyInCondition(opts.filter); ok {
			return nil, validation("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + name)
		}
	}

	t.mu.RLock()
	defer t.mu.RUnlock()
	var items []item
	for _, it := range t.sortedItems() {
		if keys.match(it) {
			items = append(items, it)
		}
	}
	if !forward {
		slices.Reverse(items)
	}
	if opts.start != nil {
		items = slices.DeleteFunc(items, func(it item) bool {
			c := t.compareKeys(it, opts.start)
			return forward && c <= 0 || !forward && c >= 0
		})
	}
	return t.page(items, opts), nil
}

// scan is Scan: every item of the table (or of one segment of it), in key order.
func (db *DB) scan(req map[string]any) (map[string]any, *awserr.Error) {
	ctx, err := newExprContext(req, scanMembers, scanValueMembers)
	if err != nil {
		return nil, err
	}
	opts, err := readCommon(req, ctx)
	if err != nil {
		return nil, err
	}
	if err := ctx.checkUnused(); err != nil {
		return nil, err
	}
	segment, total, err := segments(req)
	if err != nil {
		return nil, err
	}
	t, err := db.table(req)
	if err != nil {
		return nil, err
	}
	if err := opts.checkTable(req, t); err != nil {
		return nil, err
	}

	t.mu.RLock()
	defer t.mu.RUnlock()
	var items []item
	for _, it := range t.sortedItems() {
		if total > 1 && segmentOf(t, it, total) != segment {
			continue
		}
		if opts.start != nil && t.compareKeys(it, opts.start) <= 0 {
			continue
		}
		items = append(items, it)
	}
	return t.page(items, opts), nil
}

// segments reads Scan's Segment and TotalSegments, which come together.
func segments(req map[string]any) (segment, total int64, err *awserr.Error) {
	segment, hasSegment, err := optInt(req, "Segment")
	if err != nil {
		return 0, 0, err
	}
	total, hasTotal, err := optInt(req, "TotalSegments")
	switch {
	case err != nil:
		return 0, 0, err
	case hasSegment && !hasTotal:
		return 0, 0, validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
	case hasTotal && !hasSegment:
		return 0, 0, validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
	case !hasTotal:
		return 0, 1, nil
	case total < 1 || total > 1000000:
		return 0, 0, validationf("1 validation error detected: Value '%d' at 'totalSegments' failed to satisfy constraint: Member must have value between 1 and 1000000", total)
	case segment < 0:
		return 0, 0, validationf("1 validation error detected: Value '%d' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0", segment)
	case segment >= total:
		return 0, 0, validationf("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", segment, total)
	}
	return segment, total, nil
}

// segmentOf assigns an item to a parallel scan segment by a hash of its partition key.
func segmentOf(t *table, it item, total int64) int64 {
	pk := it[t.key.PartitionKey.Name]
	text := pk.str
	if pk.kind == kindN {
		text = pk.num.String()
	}
	h := fnv.New32a()
	h.Write([]byte(text))
	return int64(h.Sum32()) % total
}

// page reads items in order until the Limit or the 1 MB page size, filters and projects them, and reports
// where it stopped: LastEvaluatedKey is there whenever a limit ended the page, even if nothing follows,
// as in DynamoDB.
func (t *table) page(items []item, o readOptions) map[string]any {
	var out []any
	var last item
	scanned, count, bytes := 0, 0, 0
	stopped := false
	for _, it := range items {
		if o.limit > 0 && int64(scanned) >= o.limit || bytes >= maxPageBytes {
			stopped = true
			break
		}
		scanned++
		bytes += it.size()
		last = it
		if o.filter != nil && !evalCondition(o.filter, it) {
			continue
		}
		count++
		if o.selectMode == "COUNT" {
			continue
		}
		if o.projection != nil {
			it = project(it, o.projection)
		}
		out = append(out, itemJSON(it))
	}
	resp := map[string]any{"Count": int64(count), "ScannedCount": int64(scanned)}
	if o.selectMode != "COUNT" {
		if out == nil {
			out = []any{}
		}
		resp["Items"] = out
	}
	if stopped || o.limit > 0 && int64(scanned) == o.limit {
		resp["LastEvaluatedKey"] = itemJSON(t.keyOf(last))
	}
	return resp
}
