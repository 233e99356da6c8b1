package harness

// Pausing the allot scheduler (kube-scheduler profile `allot`) for journeys that must look at allot's
// answers after a cluster change and before that scheduler reacts to it: SIGSTOP to its PID freezes it
// (its watches stay open; the API server buffers or, after a while, closes them and the scheduler relists
// on resume), SIGCONT resumes it. Nothing else in the cluster is paused: allot, the API server and the
// controllers keep running.
//
// Thread-safety: like Cluster, driven by one goroutine.

import (
	"fmt"
	"syscall"
)

// PauseAllotScheduler stops (SIGSTOP) the allot scheduler process and returns the function that resumes
// it (SIGCONT; safe to call more than once). Callers register the resume with t.Cleanup so that a failing
// test never leaves the scheduler frozen for the tests after it.
func (c *Cluster) PauseAllotScheduler() (resume func(), err error) {
	p := c.schedAllot
	if p == nil {
		return nil, fmt.Errorf("harness: the allot scheduler is not running")
	}
	if exited, werr := p.Exited(); exited {
		return nil, fmt.Errorf("harness: the allot scheduler has exited (%v)", werr)
	}
	if err := p.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		return nil, fmt.Errorf("harness: SIGSTOP kube-scheduler-allot (pid %d): %w", p.PID(), err)
	}
	resumed := false
	return func() {
		if resumed {
			return
		}
		resumed = true
		if exited, _ := p.Exited(); !exited {
			_ = p.cmd.Process.Signal(syscall.SIGCONT)
		}
	}, nil
}
