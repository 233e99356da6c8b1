package journeys

// Journey 5, faults: allot restarted (killed) between two allocations must relist and not hand out a
// device that is already allocated; two pods racing for the last device get it exactly once; with allot
// unreachable a pod stays pending (the extender is not ignorable) and is scheduled once allot is back.

import (
	"testing"
	"time"
)

// allotOnly runs fn as the single subtest "allot" (the fault concerns allot itself).
func allotOnly(t *testing.T, fn func(e *env)) {
	skipIfNoAllot(t, Allot)
	t.Run(Allot, func(t *testing.T) { fn(newEnv(t, Allot)) })
}

func TestAllotRestart(t *testing.T) {
	allotOnly(t, func(e *env) {
		e.twoExampleNodes()
		e.gpuClaim("first")
		e.addPod("first", claimRef("gpu", "first"))
		n1 := e.waitBound("first")

		cl.KillAllot()
		if err := cl.StartAllot(); err != nil {
			e.t.Fatalf("restart allot: %v", err)
		}
		e.gpuClaim("second")
		e.addPod("second", claimRef("gpu", "second"))
		n2 := e.waitBound("second")
		if n1 == n2 {
			e.t.Fatalf("after the restart allot put a second pod on %s, whose only GPU is allocated to the first", n1)
		}
		e.checkAllocatedFor(e.getClaim("second"), e.getPod("second"), n2)
		e.checkAllocatedFor(e.getClaim("first"), e.getPod("first"), n1)

		e.gpuClaim("third")
		e.addPod("third", claimRef("gpu", "third"))
		e.waitUnschedulable("third")
	})
}

func TestRaceLastDevice(t *testing.T) {
	variants(t, func(e *env) {
		e.addClass(e.fixtureClass("deviceclasses-example.json", exampleClass))
		n := e.addNode("n1")
		e.addFixtureSlices("example-driver-8gpu.json", n, deviceNamed("gpu-0"))
		e.gpuClaim("ca")
		e.gpuClaim("cb")
		// Both pods exist before either is scheduled.
		e.addPod("pa", claimRef("gpu", "ca"))
		e.addPod("pb", claimRef("gpu", "cb"))

		var winner, loser string
		e.eventually(bindTimeout, "one of the racing pods to be bound", func() (bool, string) {
			pa, pb := e.getPod("pa"), e.getPod("pb")
			switch {
			case pa.Spec.NodeName != "" && pb.Spec.NodeName != "":
				e.t.Fatalf("both pods bound to %s/%s with a single device", pa.Spec.NodeName, pb.Spec.NodeName)
			case pa.Spec.NodeName != "":
				winner, loser = "pa", "pb"
				return true, ""
			case pb.Spec.NodeName != "":
				winner, loser = "pb", "pa"
				return true, ""
			}
			return false, "pa: " + scheduledCondition(pa) + "; pb: " + scheduledCondition(pb)
		})
		e.waitUnschedulable(loser)
		claims := map[string]string{"pa": "ca", "pb": "cb"}
		e.checkAllocatedFor(e.getClaim(claims[winner]), e.getPod(winner), n)
		if c := e.getClaim(claims[loser]); c.Status.Allocation != nil || len(c.Status.ReservedFor) != 0 {
			e.t.Fatalf("loser's claim %s is allocated/reserved: %+v %v", c.Name, c.Status.Allocation, c.Status.ReservedFor)
		}

		// The winner goes away; a new pod with the loser's claim gets the device. (A fresh pod, because an
		// extender-rejected pod waits for a cluster event the scheduler watches, and a claim being
		// deallocated is not one when DynamicResources is disabled.)
		e.deletePod(winner)
		e.waitDeallocated(claims[winner])
		e.deletePod(loser)
		e.addPod("late", claimRef("gpu", claims[loser]))
		e.bindAndCheck("late", claims[loser])
	})
}

func TestAllotUnreachable(t *testing.T) {
	allotOnly(t, func(e *env) {
		e.twoExampleNodes()
		e.gpuClaim("gpu")
		cl.StopAllot()
		e.addPod("p", claimRef("gpu", "gpu"))
		msg := e.waitPending("p", "") // an extender error (connection refused): reason SchedulerError
		e.t.Logf("with allot down: %s", msg)
		if c := e.getClaim("gpu"); c.Status.Allocation != nil {
			e.t.Fatalf("claim allocated while allot was down: %+v", c.Status.Allocation)
		}
		time.Sleep(time.Second)
		if err := cl.StartAllot(); err != nil {
			e.t.Fatalf("restart allot: %v", err)
		}
		node := e.waitBound("p")
		e.checkAllocatedFor(e.getClaim("gpu"), e.getPod("p"), node)
	})
}
