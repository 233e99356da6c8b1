package journeys

// Journey 5, faults: allot restarted (killed) between two allocations must relist and not hand out a
// device that is already allocated; two pods racing for the last device get it exactly once; a burst of
// pods created at once for few devices never gets a device twice; with allot
// unreachable a pod stays pending (the extender is not ignorable) and is scheduled once allot is back.

import (
	"fmt"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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

// TestBurstFewDevices: 12 pods, each with its own claim, created at once (concurrently) for 4 GPUs on 2
// nodes. The scheduler binds asynchronously, so with allot several binds are in flight together and
// filters run before earlier binds have landed. Exactly 4 pods must end bound, no device may be in two
// claims, every bound pod's claim is allocated on its node and reserved for it, and the 8 others are
// unschedulable with their claims untouched.
func TestBurstFewDevices(t *testing.T) {
	variants(t, func(e *env) {
		const pods, perNode = 12, 2
		e.addClass(e.fixtureClass("deviceclasses-example.json", exampleClass))
		nodes := []string{e.addNode("n1"), e.addNode("n2")}
		for _, n := range nodes {
			e.addFixtureSlices("example-driver-8gpu.json", n, deviceNamed("gpu-0", "gpu-1"))
		}
		for i := 0; i < pods; i++ {
			e.gpuClaim(fmt.Sprintf("c%d", i))
		}
		var wg sync.WaitGroup
		for i := 0; i < pods; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				pod := e.buildPod(fmt.Sprintf("p%d", i), claimRef("gpu", fmt.Sprintf("c%d", i)))
				if _, err := e.c.CoreV1().Pods(e.ns).Create(e.ctx, pod, metav1.CreateOptions{}); err != nil {
					e.t.Errorf("create pod p%d: %v", i, err)
				}
			}(i)
		}
		wg.Wait()
		if e.t.Failed() {
			return
		}
		want := perNode * len(nodes)
		// Settled: every pod is bound or reported Unschedulable, and that holds for settleTime.
		settled := func() (bound []*corev1.Pod, pending int, detail string) {
			list, err := e.c.CoreV1().Pods(e.ns).List(e.ctx, metav1.ListOptions{})
			if err != nil {
				return nil, 0, err.Error()
			}
			for i := range list.Items {
				p := &list.Items[i]
				if p.Spec.NodeName != "" {
					bound = append(bound, p)
					continue
				}
				for _, c := range p.Status.Conditions {
					if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
						pending++
					}
				}
			}
			return bound, pending, fmt.Sprintf("%d bound, %d unschedulable of %d", len(bound), pending, pods)
		}
		e.eventually(bindTimeout, fmt.Sprintf("%d pods bound and the rest unschedulable", want), func() (bool, string) {
			bound, pending, detail := settled()
			if len(bound) > want {
				e.t.Fatalf("%d pods bound with %d devices: %s", len(bound), want, detail)
			}
			return len(bound) == want && pending == pods-want, detail
		})
		time.Sleep(settleTime)
		bound, _, detail := settled()
		if len(bound) != want {
			e.t.Fatalf("after settling: %s, want %d bound", detail, want)
		}
		taken := map[string]string{}
		boundClaims := map[string]bool{}
		for _, p := range bound {
			claim := e.getClaim(e.claimOfPod(p, "gpu"))
			e.checkAllocatedFor(claim, p, p.Spec.NodeName)
			boundClaims[claim.Name] = true
			for _, r := range claim.Status.Allocation.Devices.Results {
				id := r.Driver + "/" + r.Pool + "/" + r.Device
				if other, dup := taken[id]; dup {
					e.t.Fatalf("device %s allocated to claims %s and %s", id, other, claim.Name)
				}
				taken[id] = claim.Name
			}
		}
		for i := 0; i < pods; i++ {
			name := fmt.Sprintf("c%d", i)
			if boundClaims[name] {
				continue
			}
			if c := e.getClaim(name); c.Status.Allocation != nil || len(c.Status.ReservedFor) != 0 {
				e.t.Errorf("claim %s of an unbound pod is allocated or reserved: %+v %v", name, c.Status.Allocation, c.Status.ReservedFor)
			}
		}
		if len(taken) != want {
			e.t.Errorf("%d distinct devices allocated, want %d", len(taken), want)
		}
	})
}
