package interpreter_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/aslrun/aslrun/interpreter"
)

// TestMaxDurationAndWaitScale: Config.MaxDuration times an execution out as TimeoutSeconds does, the shorter
// of the two winning; Config.WaitScale stretches or shrinks Wait states, not the limits.
func TestMaxDurationAndWaitScale(t *testing.T) {
	wait := func(seconds, timeout int) string {
		def := `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":` + strconv.Itoa(seconds) + `,"End":true}}`
		if timeout > 0 {
			def += `,"TimeoutSeconds":` + strconv.Itoa(timeout)
		}
		return def + `}`
	}
	scale := func(f float64) *float64 { return &f }
	tests := []struct {
		name      string
		def       string
		max       time.Duration
		waitScale *float64
		status    interpreter.Status
		elapsed   time.Duration
	}{
		{"within the limit", wait(60, 0), 5 * time.Minute, nil, interpreter.Succeed, time.Minute},
		{"past the limit", wait(400, 0), 5 * time.Minute, nil, interpreter.TimedOut, 5 * time.Minute},
		{"TimeoutSeconds first", wait(400, 100), 5 * time.Minute, nil, interpreter.TimedOut, 100 * time.Second},
		{"the limit first", wait(400, 350), 5 * time.Minute, nil, interpreter.TimedOut, 5 * time.Minute},
		{"no limit", wait(400, 0), 0, nil, interpreter.Succeed, 400 * time.Second},
		{"waits scaled down", wait(400, 0), 5 * time.Minute, scale(0.5), interpreter.Succeed, 200 * time.Second},
		{"waits scaled to nothing", wait(400, 0), 5 * time.Minute, scale(0), interpreter.Succeed, 0},
		{"waits scaled up", wait(200, 0), 5 * time.Minute, scale(2), interpreter.TimedOut, 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := interpreter.NewVirtualClock(epoch)
			cfg := interpreter.NewConfig("test", "exec", false)
			cfg.Clock, cfg.MaxDuration, cfg.WaitScale = clock, tt.max, tt.waitScale
			res := compile(t, tt.def).Run(context.Background(), map[string]any{}, cfg)
			assert.Equal(t, tt.status, res.Status, "%s: %s", res.Error, res.Cause)
			assert.Equal(t, tt.elapsed, res.StopDate.Sub(res.StartDate))
			if tt.status == interpreter.TimedOut {
				assert.Equal(t, "States.Timeout", res.Error)
			}
		})
	}
}
