package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/console"
	"github.com/aslrun/aslrun/server/httpapi"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/sigv4"
	"github.com/aslrun/aslrun/server/store/memory"
)

const role = "arn:aws:iam::123456789012:role/r"

// server is the console and the API over a service with the memory store, as serve mounts them.
type server struct {
	svc *service.Service
	url string
}

func newServer(t *testing.T, opts console.Options, auth *sigv4.Verifier) *server {
	t.Helper()
	svc, err := service.New(service.Options{Store: memory.New(), PollTimeout: 200 * time.Millisecond})
	require.NoError(t, err)
	con, err := console.New(svc, opts)
	require.NoError(t, err)
	api := httpapi.New(svc, httpapi.Options{Auth: auth, Authorized: con.Authorized})
	srv := httptest.NewServer(console.Route(con, api))
	t.Cleanup(func() {
		con.Close()
		srv.Close()
		svc.Close()
	})
	return &server{svc: svc, url: srv.URL}
}

func (s *server) machine(t *testing.T, name, definition string) string {
	t.Helper()
	out, err := s.svc.CreateStateMachine(context.Background(), &service.CreateStateMachineInput{Name: name, Definition: definition, RoleArn: role})
	require.NoError(t, err)
	return out.StateMachineArn
}

func (s *server) start(t *testing.T, machine, name string) string {
	t.Helper()
	out, err := s.svc.StartExecution(context.Background(), &service.StartExecutionInput{StateMachineArn: machine, Name: name, Input: `{"n":1}`})
	require.NoError(t, err)
	return out.ExecutionArn
}

func get(t *testing.T, u string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(body)
}

func apiCall(t *testing.T, u, op string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u+"/", strings.NewReader("{}"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(body)
}

const parallel = `{"StartAt":"Fan","States":{"Fan":{"Type":"Parallel","Branches":[
	{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
	{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],
	"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Oops"}],"Next":"Done"},
	"Oops":{"Type":"Fail","Error":"E"},"Done":{"Type":"Succeed"}}}`

// TestRoute: the console answers GETs of / and /console/..., the API everything else.
func TestRoute(t *testing.T) {
	s := newServer(t, console.Options{LoopbackOnly: true}, nil)
	machine := s.machine(t, "fan", parallel)
	tests := []struct {
		name, method, path string
		status             int
		contentType, body  string
	}{
		{"the page", http.MethodGet, "/", 200, "text/html", `src="/console/assets/app.js"`},
		{"the page under /console/", http.MethodGet, "/console/", 200, "text/html", `<main id="main"`},
		{"the page as /console", http.MethodGet, "/console", 200, "text/html", `<main id="main"`},
		{"the page's head", http.MethodHead, "/", 200, "text/html", ""},
		{"its script", http.MethodGet, "/console/assets/app.js", 200, "text/javascript", "EventSource"},
		{"its stylesheet", http.MethodGet, "/console/assets/app.css", 200, "text/css", ".state"},
		{"no such asset", http.MethodGet, "/console/assets/nope.js", 404, "text/plain", ""},
		{"no such page", http.MethodGet, "/console/nope", 404, "application/json", `"__type":"ResourceNotFound"`},
		{"no such endpoint", http.MethodGet, "/console/api/nope?arn=x", 404, "application/json", "no endpoint nope"},
		{"an endpoint without arn", http.MethodGet, "/console/api/graph", 400, "application/json", "arn query parameter"},
		{"a GET elsewhere is the API's", http.MethodGet, "/other", 405, "application/x-amz-json-1.0", "UnknownOperationException"},
		{"no HEAD of an endpoint", http.MethodHead, "/console/api/events?arn=x", 405, "application/json", ""},
		{"the graph", http.MethodGet, "/console/api/graph?arn=" + url.QueryEscape(machine), 200, "application/json", `"startAt":"Fan"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, s.url+tt.path, nil)
			require.NoError(t, err)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, res.StatusCode, string(body))
			assert.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), tt.contentType), res.Header.Get("Content-Type"))
			assert.Contains(t, string(body), tt.body)
		})
	}
	t.Run("a POST to / is the API's", func(t *testing.T) {
		res, body := apiCall(t, s.url, "ListStateMachines", nil)
		assert.Equal(t, 200, res.StatusCode)
		assert.Contains(t, body, `"name":"fan"`)
	})
	t.Run("the page may not be framed nor run other scripts", func(t *testing.T) {
		res, _ := get(t, s.url+"/", nil)
		assert.Contains(t, res.Header.Get("Content-Security-Policy"), "default-src 'self'")
		assert.Contains(t, res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
		assert.Equal(t, "no-referrer", res.Header.Get("Referrer-Policy"))
	})
}

// TestLoopbackOnly: on the loopback, a browser that reached the server under another name (DNS
// rebinding) gets neither the console nor the API; the SDKs, which send no Origin, are not affected.
func TestLoopbackOnly(t *testing.T) {
	s := newServer(t, console.Options{LoopbackOnly: true}, nil)
	tests := []struct {
		name         string
		get          bool
		host, origin string
		status       int
	}{
		{"the page as localhost", true, "localhost:8083", "", 200},
		{"the page as ::1", true, "[::1]:8083", "", 200},
		{"the page under another name", true, "attacker.example:8083", "", 403},
		{"an API call from the loopback's page", false, "", "http://127.0.0.1:8083", 200},
		{"an API call from localhost's page", false, "", "http://localhost:8083", 200},
		{"an API call from another site's page", false, "", "http://attacker.example:8083", 403},
		{"an API call of an SDK under another name", false, "sync-attacker.example:8083", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, body := http.MethodGet, io.Reader(nil)
			if !tt.get {
				method, body = http.MethodPost, strings.NewReader("{}")
			}
			req, err := http.NewRequest(method, s.url+"/", body)
			require.NoError(t, err)
			req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
			if tt.host != "" {
				req.Host = tt.host
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			assert.Equal(t, tt.status, res.StatusCode)
		})
	}
	t.Run("off, another name is served", func(t *testing.T) {
		open := newServer(t, console.Options{}, nil)
		res, _ := get(t, open.url+"/", http.Header{"Host": {"aslrun.internal:8083"}})
		assert.Equal(t, 200, res.StatusCode)
	})
}

// TestToken: under signatures, the console's token stands in for one, on the console's endpoints and on
// the API; nothing else does.
func TestToken(t *testing.T) {
	auth, err := sigv4.New(map[string]string{"AKID": "secret"}, sigv4.Options{})
	require.NoError(t, err)
	s := newServer(t, console.Options{Token: "t0ken"}, auth)
	machine := s.machine(t, "fan", parallel)
	graph := s.url + "/console/api/graph?arn=" + url.QueryEscape(machine)
	tests := []struct {
		name   string
		url    string
		header http.Header
		status int
	}{
		{"no token", graph, nil, 403},
		{"a wrong token", graph, http.Header{console.TokenHeader: {"t0kem"}}, 403},
		{"the token in its header", graph, http.Header{console.TokenHeader: {"t0ken"}}, 200},
		{"the token in the query", graph + "&token=t0ken", nil, 200},
		{"the page needs none: it holds no data", s.url + "/", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, tt.url, tt.header)
			assert.Equal(t, tt.status, res.StatusCode, body)
		})
	}
	t.Run("the API with the token", func(t *testing.T) {
		res, body := apiCall(t, s.url, "ListStateMachines", http.Header{console.TokenHeader: {"t0ken"}})
		assert.Equal(t, 200, res.StatusCode, body)
	})
	t.Run("the API without it needs a signature", func(t *testing.T) {
		res, body := apiCall(t, s.url, "ListStateMachines", http.Header{console.TokenHeader: {"wrong"}})
		assert.Equal(t, 400, res.StatusCode)
		assert.Contains(t, body, sigv4.CodeMissingToken)
	})
	t.Run("no token configured accepts none", func(t *testing.T) {
		open := newServer(t, console.Options{}, auth)
		res, body := apiCall(t, open.url, "ListStateMachines", http.Header{console.TokenHeader: {""}})
		assert.Equal(t, 400, res.StatusCode)
		assert.Contains(t, body, sigv4.CodeMissingToken)
	})
}

// graphJSON is the part of asl/graph's JSON the tests read.
type graphJSON struct {
	StartAt string `json:"startAt"`
	Nodes   []struct {
		ID       string      `json:"id"`
		Name     string      `json:"name"`
		Type     string      `json:"type"`
		Branches []graphJSON `json:"branches"`
	} `json:"nodes"`
	Edges []struct{ From, To, Kind, Label string } `json:"edges"`
}

func TestGraph(t *testing.T) {
	s := newServer(t, console.Options{}, nil)
	machine := s.machine(t, "fan", parallel)
	exec := s.start(t, machine, "first")
	<-s.svc.WhenEnded(exec)
	// An update after the execution started does not change the graph of what it ran.
	_, err := s.svc.UpdateStateMachine(context.Background(), &service.UpdateStateMachineInput{StateMachineArn: machine,
		Definition: `{"StartAt":"Only","States":{"Only":{"Type":"Succeed"}}}`})
	require.NoError(t, err)

	t.Run("an execution's: its definition's", func(t *testing.T) {
		res, body := get(t, s.url+"/console/api/graph?arn="+url.QueryEscape(exec), nil)
		require.Equal(t, 200, res.StatusCode, body)
		var g graphJSON
		require.NoError(t, json.Unmarshal([]byte(body), &g))
		assert.Equal(t, "Fan", g.StartAt)
		require.Len(t, g.Nodes, 3)
		assert.Equal(t, "Parallel", g.Nodes[0].Type)
		require.Len(t, g.Nodes[0].Branches, 2)
		assert.Equal(t, "A", g.Nodes[0].Branches[0].Nodes[0].Name)
		assert.Contains(t, g.Edges, struct{ From, To, Kind, Label string }{"Fan", "Oops", "catch", "States.ALL"})
	})
	t.Run("a machine's: its current definition", func(t *testing.T) {
		res, body := get(t, s.url+"/console/api/graph?arn="+url.QueryEscape(machine), nil)
		require.Equal(t, 200, res.StatusCode, body)
		var g graphJSON
		require.NoError(t, json.Unmarshal([]byte(body), &g))
		assert.Equal(t, "Only", g.StartAt)
	})
	errors := []struct{ name, arn, code string }{
		{"no such machine", strings.Replace(machine, ":fan", ":nope", 1), "StateMachineDoesNotExist"},
		{"no such execution", exec + "x", "ExecutionDoesNotExist"},
		{"not an ARN", "fan", "InvalidArn"},
	}
	for _, tt := range errors {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, s.url+"/console/api/graph?arn="+url.QueryEscape(tt.arn), nil)
			assert.Equal(t, 400, res.StatusCode)
			assert.Contains(t, body, `"__type":"`+tt.code+`"`)
		})
	}
}

// sse is one Server-Sent Event.
type sse struct {
	id    int64
	event string
	data  string
}

// events reads a stream's events until "end" or the stream's end.
func readEvents(t *testing.T, body io.Reader, each func(sse)) []sse {
	t.Helper()
	var out []sse
	var cur sse
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		field, value, _ := strings.Cut(line, ": ")
		switch field {
		case "id":
			id, err := strconv.ParseInt(value, 10, 64)
			require.NoError(t, err)
			cur.id = id
		case "event":
			cur.event = value
		case "data":
			cur.data = value
		case "":
			if cur.data == "" {
				continue // retry, a comment
			}
			out = append(out, cur)
			if each != nil {
				each(cur)
			}
			if cur.event == "end" {
				return out
			}
			cur = sse{}
		}
	}
	return out
}

func openStream(t *testing.T, u string, header http.Header) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// ids checks that a stream's events are the history's, from first on, without a gap, then "end".
func ids(t *testing.T, got []sse, first int64) []string {
	t.Helper()
	require.NotEmpty(t, got)
	require.Equal(t, "end", got[len(got)-1].event, "the stream ends with end")
	var types []string
	for i, e := range got[:len(got)-1] {
		assert.Equal(t, first+int64(i), e.id, "event %d", i)
		var head struct {
			ID   int64  `json:"id"`
			Type string `json:"type"`
		}
		require.NoError(t, json.Unmarshal([]byte(e.data), &head))
		assert.Equal(t, e.id, head.ID)
		types = append(types, head.Type)
	}
	return types
}

func TestEventsOfAnEndedExecution(t *testing.T) {
	s := newServer(t, console.Options{}, nil)
	exec := s.start(t, s.machine(t, "fan", parallel), "done")
	<-s.svc.WhenEnded(exec)
	u := s.url + "/console/api/events?arn=" + url.QueryEscape(exec)

	res := openStream(t, u, nil)
	require.Equal(t, 200, res.StatusCode)
	assert.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	types := ids(t, readEvents(t, res.Body, nil), 1)
	assert.Equal(t, "ExecutionStarted", types[0])
	assert.Equal(t, "ExecutionSucceeded", types[len(types)-1])

	resumed := []struct {
		name   string
		url    string
		header http.Header
	}{
		{"Last-Event-ID", u, http.Header{"Last-Event-Id": {"3"}}},
		{"after", u + "&after=3", nil},
	}
	for _, tt := range resumed {
		t.Run(tt.name, func(t *testing.T) {
			rest := ids(t, readEvents(t, openStream(t, tt.url, tt.header).Body, nil), 4)
			assert.Equal(t, types[3:], rest)
		})
	}
}

func TestEventsRefused(t *testing.T) {
	s := newServer(t, console.Options{}, nil)
	exec := s.start(t, s.machine(t, "fan", parallel), "done")
	tests := []struct{ name, query, code string }{
		{"no such execution", "arn=" + url.QueryEscape(exec+"x"), "ExecutionDoesNotExist"},
		{"not an event id", "arn=" + url.QueryEscape(exec) + "&after=x", "ValidationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, s.url+"/console/api/events?"+tt.query, nil)
			assert.Equal(t, 400, res.StatusCode)
			assert.Contains(t, body, `"__type":"`+tt.code+`"`)
		})
	}
}

// TestEventsLive: a stream opened while the execution waits for an activity's worker gets what it did so
// far, then what it does once answered, as it happens, and ends with it.
func TestEventsLive(t *testing.T) {
	s := newServer(t, console.Options{}, nil)
	ctx := context.Background()
	act, err := s.svc.CreateActivity(ctx, &service.CreateActivityInput{Name: "approve"})
	require.NoError(t, err)
	machine := s.machine(t, "wait", `{"StartAt":"Approve","States":{"Approve":{"Type":"Task","Resource":"`+act.ActivityArn+`","Next":"After"},
		"After":{"Type":"Pass","End":true}}}`)
	exec := s.start(t, machine, "live")

	res := openStream(t, s.url+"/console/api/events?arn="+url.QueryEscape(exec), nil)
	require.Equal(t, 200, res.StatusCode)
	answered := false
	got := readEvents(t, res.Body, func(e sse) {
		if answered || !strings.Contains(e.data, `"type":"ActivityScheduled"`) {
			return
		}
		answered = true
		task, err := s.svc.GetActivityTask(ctx, &service.GetActivityTaskInput{ActivityArn: act.ActivityArn})
		require.NoError(t, err)
		require.NotEmpty(t, task.TaskToken)
		_, err = s.svc.SendTaskSuccess(ctx, &service.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: `{"ok":true}`})
		require.NoError(t, err)
	})
	types := ids(t, got, 1)
	assert.True(t, answered)
	assert.Contains(t, types, "ActivitySucceeded")
	assert.Equal(t, "ExecutionSucceeded", types[len(types)-1])
}

// TestEventsOfAnotherNode: an execution that another node runs (two services over one store) publishes
// nothing to this one's subscribers; its events still come, from the store.
func TestEventsOfAnotherNode(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	other, err := service.New(service.Options{Store: st, NodeID: "other"})
	require.NoError(t, err)
	t.Cleanup(other.Close)
	here, err := service.New(service.Options{Store: st, NodeID: "here"})
	require.NoError(t, err)
	t.Cleanup(here.Close)
	con, err := console.New(here, console.Options{Poll: 20 * time.Millisecond})
	require.NoError(t, err)
	srv := httptest.NewServer(console.Route(con, httpapi.New(here, httpapi.Options{})))
	t.Cleanup(srv.Close)
	t.Cleanup(con.Close)

	act, err := other.CreateActivity(ctx, &service.CreateActivityInput{Name: "approve"})
	require.NoError(t, err)
	machine, err := other.CreateStateMachine(ctx, &service.CreateStateMachineInput{Name: "wait", RoleArn: role,
		Definition: `{"StartAt":"Approve","States":{"Approve":{"Type":"Task","Resource":"` + act.ActivityArn + `","End":true}}}`})
	require.NoError(t, err)
	exec, err := other.StartExecution(ctx, &service.StartExecutionInput{StateMachineArn: machine.StateMachineArn, Input: "{}"})
	require.NoError(t, err)

	res := openStream(t, srv.URL+"/console/api/events?arn="+url.QueryEscape(exec.ExecutionArn), nil)
	require.Equal(t, 200, res.StatusCode)
	answered := false
	got := readEvents(t, res.Body, func(e sse) {
		if answered || !strings.Contains(e.data, `"type":"ActivityScheduled"`) {
			return
		}
		answered = true
		task, err := other.GetActivityTask(ctx, &service.GetActivityTaskInput{ActivityArn: act.ActivityArn})
		require.NoError(t, err)
		_, err = other.SendTaskSuccess(ctx, &service.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: `{}`})
		require.NoError(t, err)
	})
	types := ids(t, got, 1)
	assert.Equal(t, "ExecutionSucceeded", types[len(types)-1])
}
