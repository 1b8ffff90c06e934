package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/service"
)

// mapRuns is what the progress line asks of the control plane: the Map Runs of an execution and their
// counts, as ListMapRuns and DescribeMapRun answer them.
type mapRuns interface {
	ListMapRuns(context.Context, *service.ListMapRunsInput) (*service.ListMapRunsOutput, error)
	DescribeMapRun(context.Context, *service.DescribeMapRunInput) (*service.DescribeMapRunOutput, error)
}

// progressInterval is how often the progress line is redrawn: a few times a second.
const progressInterval = 250 * time.Millisecond

// mapProgress draws one line on a terminal while Distributed Maps run: each running Map Run's items done
// of the total, those failed, and the rate; the line is erased when the execution ends. It polls the
// control plane rather than hooking the interpreter: the Map Run records hold the counts.
type mapProgress struct {
	w   io.Writer
	svc mapRuns
	// started receives the executions whose Map Runs started (their MapRunStarted events).
	started chan string
	stop    chan struct{}
	once    sync.Once
	wg      sync.WaitGroup
}

// startProgress starts drawing the progress of the Map Runs that sub reports started; the returned
// function stops it and erases the line.
func startProgress(w io.Writer, svc mapRuns, every time.Duration) *mapProgress {
	p := &mapProgress{w: w, svc: svc, started: make(chan string, 64), stop: make(chan struct{})}
	p.wg.Add(1)
	go p.loop(every)
	return p
}

// event takes the engine's events; it must not block, as the engine waits for it.
func (p *mapProgress) event(ev service.ExecutionEvent) {
	if ev.Event.Kind == interpreter.MapRunStarted {
		select {
		case p.started <- ev.ExecutionArn:
		default: // the line is a convenience: a full queue drops the news rather than stall the run
		}
	}
}

// close stops drawing and erases the line; it may be called again.
func (p *mapProgress) close() {
	p.once.Do(func() { close(p.stop) })
	p.wg.Wait()
}

// runState is what the line remembers of a Map Run to compute its rate.
type runState struct {
	first     time.Time
	firstDone int64
}

func (p *mapProgress) loop(every time.Duration) {
	defer p.wg.Done()
	tick := time.NewTicker(every)
	defer tick.Stop()
	parents := map[string]bool{}
	runs := map[string]*runState{}
	drawn := false
	for {
		select {
		case arn := <-p.started:
			parents[arn] = true
			continue
		case <-p.stop:
			if drawn {
				fmt.Fprint(p.w, "\r\x1b[K")
			}
			return
		case <-tick.C:
		}
		var parts []string
		for parent := range parents {
			parts = append(parts, p.describe(parent, runs)...)
		}
		if len(parts) > 0 {
			fmt.Fprint(p.w, "\r\x1b[K"+strings.Join(parts, "; "))
			drawn = true
		}
	}
}

// describe tells the running Map Runs of one execution.
func (p *mapProgress) describe(parent string, runs map[string]*runState) []string {
	ctx := context.Background()
	list, err := p.svc.ListMapRuns(ctx, &service.ListMapRunsInput{ExecutionArn: parent})
	if err != nil {
		return nil
	}
	var parts []string
	for _, item := range list.MapRuns {
		if !item.StopDate.IsZero() {
			continue
		}
		d, err := p.svc.DescribeMapRun(ctx, &service.DescribeMapRunInput{MapRunArn: item.MapRunArn})
		if err != nil || d.Status != "RUNNING" {
			continue
		}
		parts = append(parts, progressText(d, runs, time.Now()))
	}
	return parts
}

// progressText words one Map Run's progress: "Map Run Label: 4,210 of 10,000 items done (3 failed), 1,830/s".
func progressText(d *service.DescribeMapRunOutput, runs map[string]*runState, now time.Time) string {
	c := d.ItemCounts
	done := c.Succeeded + c.Failed + c.TimedOut + c.Aborted
	r := runs[d.MapRunArn]
	if r == nil {
		r = &runState{first: now, firstDone: done}
		runs[d.MapRunArn] = r
	}
	text := "Map Run"
	if label := mapRunLabel(d.MapRunArn); !isUUID(label) { // a Map state without Label has a UUID
		text += " " + label
	}
	text += ": " + thousands(done)
	if c.Total > 0 {
		text += " of " + thousands(c.Total)
	}
	text += " items done"
	if bad := c.Failed + c.TimedOut + c.Aborted; bad > 0 {
		text += " (" + thousands(bad) + " failed)"
	}
	if secs := now.Sub(r.first).Seconds(); secs > 0 {
		text += ", " + thousands(int64(float64(done-r.firstDone)/secs)) + "/s"
	}
	return text
}

// mapRunLabel is the Map state's label in a Map Run's ARN (...:mapRun:MACHINE/LABEL:ID).
func mapRunLabel(arn string) string {
	_, rest, ok := strings.Cut(arn, ":mapRun:")
	if !ok {
		return arn
	}
	if _, label, ok := strings.Cut(rest, "/"); ok {
		rest = label
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// isUUID reports whether s has a UUID's shape (8-4-4-4-12 characters).
func isUUID(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) != 5 {
		return false
	}
	for i, n := range []int{8, 4, 4, 4, 12} {
		if len(parts[i]) != n {
			return false
		}
	}
	return true
}

// thousands writes n with commas between thousands.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
