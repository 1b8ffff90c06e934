package console

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store"
)

const (
	// heartbeat is how often an idle stream says it lives, so that proxies and the page keep it.
	heartbeat = 15 * time.Second
	// writeGrace bounds one write to the page: a page that stopped reading is let go.
	writeGrace = 10 * time.Second
	// liveBuffer holds the events that come while the stream writes; past it the stream ends, and the
	// page reconnects and catches up from the history.
	liveBuffer = 1024
	// gapWait and gapTries: an event published before the stream subscribed may not be in the store yet
	// (the recorder commits within 100 ms); the stream reads the history again until it has it.
	gapWait  = 20 * time.Millisecond
	gapTries = 50
	// reconnectMillis is the page's wait before it reconnects (the SSE retry field).
	reconnectMillis = 1000
)

// terminal tells whether an event type ends an execution.
func terminal(typ string) bool {
	switch typ {
	case "ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted":
		return true
	}
	return false
}

// event is a history event as the stream handles it: its id and type, and its JSON as the API gives it.
type event struct {
	id   int64
	typ  string
	data []byte
}

// events streams an execution's history as Server-Sent Events: each event's JSON (GetExecutionHistory's)
// with its id, oldest first, then "end" once the execution has ended. It subscribes before it reads the
// stored history, so that no event falls between the two; a page that reconnects sends Last-Event-ID and
// gets only what came after it. An execution another node runs publishes nothing here: its events come
// from the store, every Options.Poll.
func (c *Handler) events(w http.ResponseWriter, r *http.Request, arn string) {
	after, err := lastEventID(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, service.CodeValidation, err.Error())
		return
	}
	// Reading the (empty) body to its end tells the server the client now waits for answers, so that it
	// does not close this connection to make room for others.
	_, _ = io.Copy(io.Discard, r.Body)

	live := make(chan event, liveBuffer)
	overflow := make(chan struct{})
	var once sync.Once
	cancel := c.svc.Subscribe(arn, func(e service.ExecutionEvent) {
		// Called on the execution's goroutine: never block it.
		data, err := e.Event.MarshalJSON()
		if err != nil {
			c.logf("console: event %d of %s: %v", e.Event.ID, arn, err)
			once.Do(func() { close(overflow) })
			return
		}
		select {
		case live <- event{id: e.Event.ID, typ: e.Event.Type(), data: data}:
		default:
			once.Do(func() { close(overflow) })
		}
	})
	defer cancel()

	s := &stream{w: w, rc: http.NewResponseController(w), last: after}
	stored, err := c.history(r.Context(), arn)
	if err != nil {
		writeServiceError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	// A stream outlives the server's read deadline, which would end its context: the heartbeat's writes
	// find a page that has gone.
	_ = s.rc.SetReadDeadline(time.Time{})
	if err := s.retry(); err != nil {
		return
	}
	if err := s.send(stored...); err != nil || s.ended {
		return
	}

	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	look := time.NewTicker(c.opts.Poll)
	defer look.Stop()
	var pending []event
	for {
		select {
		case <-r.Context().Done():
			return
		case <-overflow:
			return
		case <-c.closed:
			return
		case <-tick.C:
			if err := s.comment(); err != nil {
				return
			}
			continue
		case <-look.C:
			if latest, err := c.latest(r.Context(), arn); err != nil || latest <= s.last {
				continue
			}
			stored, err := c.history(r.Context(), arn)
			if err != nil {
				return
			}
			if err := s.send(stored...); err != nil || s.ended {
				return
			}
			continue
		case e := <-live:
			pending = append(pending, e)
		}
		// Take what else has come, in id order.
		for more := true; more; {
			select {
			case e := <-live:
				pending = append(pending, e)
			default:
				more = false
			}
		}
		slices.SortFunc(pending, func(a, b event) int { return cmp.Compare(a.id, b.id) })
		pending = slices.DeleteFunc(pending, func(e event) bool { return e.id <= s.last })
		for tries := 0; len(pending) > 0 && pending[0].id > s.last+1; tries++ {
			if tries == gapTries {
				c.logf("console: events %d to %d of %s are not in the store", s.last+1, pending[0].id-1, arn)
				return // the page reconnects and catches up
			}
			if tries > 0 {
				time.Sleep(gapWait)
			}
			stored, err := c.history(r.Context(), arn)
			if err != nil {
				return
			}
			if err := s.send(stored...); err != nil || s.ended {
				return
			}
			pending = slices.DeleteFunc(pending, func(e event) bool { return e.id <= s.last })
		}
		for len(pending) > 0 && pending[0].id == s.last+1 {
			if err := s.send(pending[0]); err != nil || s.ended {
				return
			}
			pending = pending[1:]
		}
	}
}

// history reads an execution's stored events, all of them.
func (c *Handler) history(ctx context.Context, arn string) ([]event, error) {
	var out []event
	in := &service.GetExecutionHistoryInput{ExecutionArn: arn, MaxResults: store.MaxPageSize}
	for {
		page, err := c.svc.GetExecutionHistory(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, raw := range page.Events {
			var head struct {
				ID   int64  `json:"id"`
				Type string `json:"type"`
			}
			if err := json.Unmarshal(raw, &head); err != nil {
				return nil, fmt.Errorf("a stored event of %s: %w", arn, err)
			}
			out = append(out, event{id: head.ID, typ: head.Type, data: raw})
		}
		if page.NextToken == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// latest is the id of an execution's last stored event.
func (c *Handler) latest(ctx context.Context, arn string) (int64, error) {
	page, err := c.svc.GetExecutionHistory(ctx, &service.GetExecutionHistoryInput{ExecutionArn: arn, MaxResults: 1, ReverseOrder: true})
	if err != nil || len(page.Events) == 0 {
		return 0, err
	}
	var head struct {
		ID int64 `json:"id"`
	}
	err = json.Unmarshal(page.Events[0], &head)
	return head.ID, err
}

// lastEventID is the id of the last event the page has: EventSource's Last-Event-ID on a reconnection, or
// the after query parameter; 0 for none.
func lastEventID(r *http.Request) (int64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, fmt.Errorf("the last event id %q is not an event id", v)
	}
	return id, nil
}

// stream writes Server-Sent Events: last is the id of the last event sent, ended says it sent "end".
type stream struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	last  int64
	ended bool
}

// send writes the events that follow last, in order, and "end" after an execution's last event.
func (s *stream) send(events ...event) error {
	var b bytes.Buffer
	for _, e := range events {
		if e.id <= s.last {
			continue
		}
		// An event's JSON is on one line, as a data field must be.
		b.WriteString("id: " + strconv.FormatInt(e.id, 10) + "\ndata: ")
		if err := json.Compact(&b, e.data); err != nil {
			return err
		}
		b.WriteString("\n\n")
		s.last = e.id
		s.ended = terminal(e.typ)
	}
	if s.ended {
		b.WriteString("event: end\ndata: {}\n\n")
	}
	return s.write(b.Bytes())
}

func (s *stream) retry() error {
	return s.write([]byte("retry: " + strconv.Itoa(reconnectMillis) + "\n\n"))
}

func (s *stream) comment() error { return s.write([]byte(": alive\n\n")) }

func (s *stream) write(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	_ = s.rc.SetWriteDeadline(time.Now().Add(writeGrace))
	if _, err := s.w.Write(p); err != nil {
		return err
	}
	return s.rc.Flush()
}
