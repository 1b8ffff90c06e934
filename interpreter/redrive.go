package interpreter

import (
	"encoding/json"
	"fmt"
)

// Redrive: an execution that failed, was aborted or timed out continues from the states that did not
// succeed, with the input they had, as AWS's RedriveExecution does. The results of what succeeded stay:
// finished Parallel branches and Map iterations are not run again, only those that failed, were aborted or
// had not started. Program.Resume runs the point RedrivePoint makes; the control plane records
// ExecutionRedriven before it and counts the redrive in Config.RedriveCount.

// RedrivePoint turns where an execution stood when it ended (Result.Final, or the checkpoint of a parked
// execution that was stopped) into the checkpoint a redrive resumes from.
func RedrivePoint(final []byte) ([]byte, error) {
	var cp rootCheckpoint
	if err := json.Unmarshal(final, &cp); err != nil {
		return nil, fmt.Errorf("redrive: the execution's last checkpoint cannot be read: %w", err)
	}
	cp.checkpoint.redrive()
	return json.Marshal(cp)
}

// redrive makes a frame's position the one a redrive takes up: a state that did not finish is entered
// again, from the input it was entered with; a Parallel or Map state that failed takes up its children,
// keeping those that finished.
func (cp *checkpoint) redrive() {
	switch cp.Phase {
	case "", phaseNext, phaseEnd, phaseItem, phaseResult:
		// Not started, about to enter a state, ended, or a result not yet recorded as the state's exit:
		// each goes on from there.
		return
	case phaseFork:
		// Interrupted while its children ran: they go on where they are.
	case phaseMapRun:
		// Interrupted while its Map Run ran: it finds its children, and redrives those that did not succeed.
		cp.Redrive = true
	case phaseFailed:
		switch {
		case cp.Fork != nil:
			cp.Phase = phaseFork
		case cp.MapRun != "":
			cp.Phase, cp.Redrive = phaseMapRun, true
		default:
			*cp = checkpoint{Phase: phaseNext, State: cp.State, Input: cp.Input, Vars: cp.Vars, LastEvent: cp.LastEvent}
			return
		}
	default:
		// Failed, or stopped while it ran, waited or backed off: entered again, its retries from zero.
		*cp = checkpoint{Phase: phaseNext, State: cp.State, Input: cp.Input, Vars: cp.Vars, LastEvent: cp.LastEvent}
		return
	}
	cp.Error, cp.Cause = "", ""
	if cp.Fork != nil {
		for _, child := range cp.Fork.Children {
			child.redrive()
		}
	}
}
