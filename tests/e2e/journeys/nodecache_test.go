package journeys

// Journey: allot behind a kube-scheduler whose extender is configured with nodeCacheCapable: false. The
// scheduler then sends the full Node objects in `Nodes` (filter and prioritize) instead of `NodeNames`,
// expects the filter's answer in `Nodes` too, and builds the NodeInfos of its scoring plugins from the Node
// objects allot returns. One representative workload runs through the stock scheduler, allot in the default
// mode and allot in this mode, and must end the same: template claims on example GPUs (one per node), seven
// 1g.10gb MIG devices on one H100 (partitionable devices with counters), and a pod that stays pending with
// its claim untouched.

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

func TestNodeCacheCapableFalse(t *testing.T) {
	outcomes := map[string]string{}
	variantsOf(t, []string{Stock, Allot, AllotNodes}, func(e *env) {
		n1, n2 := e.twoExampleNodes()
		e.addClass(e.fixtureClass("deviceclasses-nvidia.json", migClass))
		dgx := e.addNode("dgx")
		parent, prof := map[string]string{}, map[string]string{}
		for _, s := range e.addFixtureSlices(h100File, dgx, nil) {
			for _, d := range s.Spec.Devices {
				if a, ok := d.Attributes["parentUUID"]; ok && a.StringValue != nil {
					parent[d.Name] = *a.StringValue
					prof[d.Name] = *d.Attributes["profile"].StringValue
				}
			}
		}
		short := map[string]string{n1: "n1", n2: "n2", dgx: "dgx"}
		var got []string

		// Created together: two pods with claims from one template (one example GPU per node, so one pod per
		// example node) and seven 1g.10gb MIG devices on one GPU of the H100 node.
		e.addTemplate("gpu-template", gpuClaimSpec(exampleClass, tenGi))
		e.migClaim("mig", "1g.10gb", 7, true)
		for _, name := range []string{"t1", "t2"} {
			e.addPod(name, templateRef("gpu", "gpu-template"))
		}
		e.addPod("mig", claimRef("mig", "mig"))
		var placed []string
		for _, name := range []string{"t1", "t2"} {
			node := e.waitBound(name)
			pod := e.getPod(name)
			claim := e.claimOfPod(pod, "gpu")
			if claim == "" {
				e.t.Fatalf("pod %s: no generated claim in status: %+v", name, pod.Status.ResourceClaimStatuses)
			}
			e.checkAllocatedFor(e.getClaim(claim), pod, node)
			placed = append(placed, short[node])
		}
		sort.Strings(placed)
		got = append(got, "t1,t2 on "+strings.Join(placed, ","))

		node := e.bindAndCheck("mig", "mig")
		perGPU := e.parentsOf("mig", "1g.10gb", parent, prof)
		got = append(got, fmt.Sprintf("mig on %s, %d GPU(s)", short[node], len(perGPU)))

		// A third template pod: both example GPUs are taken, the H100's devices are not in the class.
		e.addPod("t3", templateRef("gpu", "gpu-template"))
		e.waitUnschedulable("t3")
		if c := e.claimOfPod(e.getPod("t3"), "gpu"); c != "" && e.getClaim(c).Status.Allocation != nil {
			e.t.Fatalf("claim %s of the pending pod t3 is allocated", c)
		}
		got = append(got, "t3 pending")
		outcomes[e.variant] = strings.Join(got, "; ")
		e.t.Logf("outcome: %s", outcomes[e.variant])
	})

	want, ok := outcomes[Stock]
	if !ok {
		return // the stock variant failed and says why
	}
	if want != "t1,t2 on n1,n2; mig on dgx, 1 GPU(s); t3 pending" {
		t.Errorf("stock outcome %q is not the expected one", want)
	}
	for _, v := range []string{Allot, AllotNodes} {
		if got, ok := outcomes[v]; ok && got != want {
			t.Errorf("variant %s: outcome %q, stock had %q", v, got, want)
		}
	}
}
