package journeys

// Issue 13's "a pending pod's explain matches what then happens when capacity is freed", against the real
// control plane (allot variant only: explain and simulate are allot's). Two nodes are filled, a pod whose
// claim cannot be allocated stays pending, and then:
//   - its FailedScheduling event (what `kubectl describe pod` shows) carries the reason code of both nodes
//     (filter's FailedNodes, docs/extender-api.md "Reason codes in FailedNodes");
//   - POST /api/v1/explain {"podRef"} fits nowhere, with that code on each node and a message naming what
//     blocks it there (the claims holding the devices, or the used-up counters);
//   - POST /api/v1/simulate for the same pod places 0 replicas, and its firstFailure is that explain answer;
//   - with the allot scheduler paused (harness.PauseAllotScheduler: allot keeps running, the scheduler
//     cannot act yet), the blocking pods and claims of one node are deleted; explain, polled, then says
//     exactly that node fits (the other one unchanged), and simulate places the pod there on freed devices;
//   - resumed, the scheduler binds the pending pod (the same pod, not a new one) to exactly that node, with
//     the devices simulate predicted.
// Two ways of filling a node: both GPUs held by two other claims, the pending claim asking for two GPUs, so
// that it fits on a node only once both are freed (DevicesInUse); and a MIG GPU whose counters a 7g.80gb
// instance uses up, so that none of its free 1g.10gb instances can be created (CountersExhausted).
// CountersExhausted's message names the used-up counters, not the claim using them (docs/tooling.md,
// "Codes"), so for MIG the journey checks the counters only.

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	resourcev1 "k8s.io/api/resource/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// failedSchedulingEvents returns the notes of the FailedScheduling events about pod.
func (e *env) failedSchedulingEvents(pod string) []string {
	e.t.Helper()
	list, err := e.c.CoreV1().Events(e.ns).List(e.ctx, metav1.ListOptions{})
	if err != nil {
		e.t.Fatalf("list events: %v", err)
	}
	var notes []string
	for _, ev := range list.Items {
		if ev.InvolvedObject.Kind == "Pod" && ev.InvolvedObject.Name == pod && ev.Reason == "FailedScheduling" {
			notes = append(notes, ev.Message)
		}
	}
	return notes
}

// explainCase is one way of filling a node so that the pending pod's claim does not fit there.
type explainCase struct {
	code    string // the reason code on a full node
	summary string // its fixed summary in filter's FailedNodes (alloc::ReasonCodeSummary)
	request string // the pending claim's request name
	count   int    // how many devices it asks for (all of a freed node's, so that it fits only once all are freed)
	// publish creates the device class and two nodes with their devices and returns the nodes.
	publish func(e *env) (string, string)
	// fill makes node full: creates blocking claims and pods pinned to node (names starting with tag),
	// waits until they are bound, and returns the blocking claims' names.
	fill func(e *env, node, tag string) []string
	// want creates the pending pod's claim `name`.
	want func(e *env, name string)
	// checkMessage fails the test unless msg (explain's message for the claim on a full node) names what
	// blocks it there: holders are the blocking claims fill created on that node.
	checkMessage func(e *env, node string, holders []string, msg string)
	// freed returns the devices of node that the pending claim may get once node's blocking claims are gone.
	freed func(e *env, node string) map[string]bool
}

// TestExplainPending: whole devices held by other claims.
func TestExplainPending(t *testing.T) {
	allotOnly(t, func(e *env) { explainFreeJourney(e, devicesInUseCase()) })
}

// TestExplainPendingMIG: a MIG GPU whose counters are used up by a 7g.80gb instance.
func TestExplainPendingMIG(t *testing.T) {
	allotOnly(t, func(e *env) { explainFreeJourney(e, countersExhaustedCase()) })
}

func devicesInUseCase() explainCase {
	return explainCase{
		code: "DevicesInUse", summary: "all matching devices are allocated", request: "gpu", count: 2,
		publish: func(e *env) (string, string) {
			e.addClass(e.fixtureClass("deviceclasses-example.json", exampleClass))
			n1, n2 := e.addNode("n1"), e.addNode("n2")
			e.addFixtureSlices("example-driver-8gpu.json", n1, deviceNamed("gpu-0", "gpu-1"))
			e.addFixtureSlices("example-driver-8gpu.json", n2, deviceNamed("gpu-0", "gpu-1"))
			return n1, n2
		},
		fill: func(e *env, node, tag string) []string {
			var claims []string
			for i := 0; i < 2; i++ {
				name := fmt.Sprintf("%s-hold%d", tag, i)
				e.gpuClaim(name)
				e.addPinnedPod(name, node, claimRef("gpu", name))
				claims = append(claims, name)
			}
			for _, name := range claims {
				if got := e.bindAndCheck(name, name); got != node {
					e.t.Fatalf("pod %s bound to %s, want %s (its nodeSelector)", name, got, node)
				}
			}
			return claims
		},
		want: func(e *env, name string) {
			spec := gpuClaimSpec(exampleClass, tenGi)
			spec.Devices.Requests[0].Exactly.Count = 2
			e.addClaim(&resourcev1.ResourceClaim{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec})
		},
		checkMessage: func(e *env, node string, holders []string, msg string) {
			want := "all 2 remaining devices are allocated, held by " + e.claimList(holders)
			if msg != want {
				e.t.Fatalf("explain message on %s = %q, want %q", node, msg, want)
			}
		},
		freed: func(e *env, node string) map[string]bool { return map[string]bool{"gpu-0": true, "gpu-1": true} },
	}
}

// gpu0Counters is the counter set of GPU 0 in the MIG fixture.
const gpu0Counters = "gpu-0-counter-set"

func countersExhaustedCase() explainCase {
	oneGPU := func(d resourcev1.Device) bool { return strings.HasPrefix(d.Name, "gpu-0-mig-") }
	devices := map[string]map[string]bool{} // node -> its 1g.10gb devices
	// GPU 0's memory counter: its total and what a 7g.80gb and a 1g.10gb instance take (from the fixture).
	var memTotal, mem7g, mem1g resource.Quantity
	return explainCase{
		code: "CountersExhausted", summary: "the shared counters of the free matching devices are used up", request: "mig", count: 1,
		publish: func(e *env) (string, string) {
			e.addClass(e.fixtureClass("deviceclasses-nvidia.json", migClass))
			n1, n2 := e.addNode("n1"), e.addNode("n2")
			for _, n := range []string{n1, n2} {
				devices[n] = map[string]bool{}
				for _, s := range e.addFixtureSlices(h100File, n, oneGPU) {
					for _, cs := range s.Spec.SharedCounters {
						if cs.Name == gpu0Counters {
							memTotal = cs.Counters["memory"].Value
						}
					}
					for _, d := range s.Spec.Devices {
						p := d.Attributes["profile"].StringValue
						if p == nil || len(d.ConsumesCounters) != 1 || d.ConsumesCounters[0].CounterSet != gpu0Counters {
							continue
						}
						switch *p {
						case "1g.10gb":
							devices[n][d.Name] = true
							mem1g = d.ConsumesCounters[0].Counters["memory"].Value
						case "7g.80gb":
							mem7g = d.ConsumesCounters[0].Counters["memory"].Value
						}
					}
				}
				if len(devices[n]) == 0 || memTotal.IsZero() || mem7g.IsZero() || mem1g.IsZero() {
					e.t.Fatalf("fixture %s: no 1g.10gb and 7g.80gb devices consuming %s.memory", h100File, gpu0Counters)
				}
			}
			return n1, n2
		},
		fill: func(e *env, node, tag string) []string {
			name := tag + "-whole"
			e.migClaim(name, "7g.80gb", 1, false)
			e.addPinnedPod(name, node, claimRef("mig", name))
			if got := e.bindAndCheck(name, name); got != node {
				e.t.Fatalf("pod %s bound to %s, want %s (its nodeSelector)", name, got, node)
			}
			return []string{name}
		},
		want: func(e *env, name string) { e.migClaim(name, "1g.10gb", 1, false) },
		checkMessage: func(e *env, node string, holders []string, msg string) {
			// The message names the used-up counters of the node's GPU and the claim using them (the 7g.80gb
			// holder): see docs/tooling.md, "Codes".
			left := memTotal.DeepCopy()
			left.Sub(mem7g)
			prefix := fmt.Sprintf("all %d remaining devices need shared counters that are used up: ", len(devices[node]))
			memory := fmt.Sprintf("%s/%s.memory: %s left of %s, a device needs %s (%d)", node, gpu0Counters, left.String(),
				memTotal.String(), mem1g.String(), len(devices[node]))
			usedBy := "; used by " + e.claimList(holders)
			if !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, memory) || !strings.HasSuffix(msg, usedBy) {
				e.t.Fatalf("explain message on %s = %q, want %q, %q and %q", node, msg, prefix, memory, usedBy)
			}
		},
		freed: func(e *env, node string) map[string]bool { return devices[node] },
	}
}

// explainFreeJourney is the journey of the file comment for one way of filling the nodes.
func explainFreeJourney(e *env, c explainCase) {
	n1, n2 := c.publish(e)
	holders := map[string][]string{n1: c.fill(e, n1, "a"), n2: c.fill(e, n2, "b")}

	// The pending pod.
	c.want(e, "want")
	e.addPod("waiting", claimRef(c.request, "want"))
	condition := e.waitUnschedulable("waiting")
	if c := e.getClaim("want"); c.Status.Allocation != nil {
		e.t.Fatalf("claim want allocated (%+v) although its pod is pending", c.Status.Allocation.Devices.Results)
	}

	// What `kubectl describe pod` shows: both nodes grouped under the code (node-independent text).
	failedNodes := fmt.Sprintf("2 claim want, request %s: %s (%s)", c.request, c.code, c.summary)
	if !strings.Contains(condition, failedNodes) {
		e.t.Fatalf("PodScheduled condition %q does not contain %q", condition, failedNodes)
	}
	var events []string
	e.eventually(30*time.Second, "a FailedScheduling event of pod waiting naming "+c.code, func() (bool, string) {
		events = e.failedSchedulingEvents("waiting")
		for _, note := range events {
			if strings.Contains(note, failedNodes) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("FailedScheduling events: %q", events)
	})
	e.t.Logf("FailedScheduling: %q", events)

	// explain: no node fits, each for the code, with what blocks it there.
	before, raw := e.explainPod("waiting", n1, n2)
	e.t.Logf("explain while full: %s", raw)
	if len(before.Fits) != 0 || len(before.Nodes) != 2 || before.Summary != "0/2 nodes fit; 2 "+c.code {
		e.t.Fatalf("explain = %s, want no node fitting and 2 %s", raw, c.code)
	}
	for i, n := range before.Nodes {
		if want := []string{n1, n2}[i]; n.Node != want || n.Fits || n.Error != "" || len(n.Reasons) != 1 {
			e.t.Fatalf("explain node %d = %+v, want %s not fitting with one reason", i, n, want)
		}
		r := n.Reasons[0]
		if r.Claim != e.ns+"/want" || r.Request != c.request || r.Code != c.code {
			e.t.Fatalf("explain on %s: reason %+v, want claim %s/want request %s code %s", n.Node, r, e.ns, c.request, c.code)
		}
		// explain and filter agree on the code (filter's text is in the event).
		if !strings.Contains(condition, fmt.Sprintf("claim want, request %s: %s", r.Request, r.Code)) {
			e.t.Fatalf("explain's reason %s/%s on %s is not in the scheduler's message %q", r.Request, r.Code, n.Node, condition)
		}
		c.checkMessage(e, n.Node, holders[n.Node], r.Message)
	}

	// simulate: the same pod places 0 replicas, and its first failure is the explain answer.
	sim := e.simulatePod(e.getPod("waiting"), n1, n2)
	if sim.Placed != 0 || len(sim.Placements) != 0 || sim.Error != "" || len(sim.FirstFailure) == 0 {
		e.t.Fatalf("simulate while full: placed %d, placements %d, error %q, firstFailure %s; want 0 placed with a firstFailure",
			sim.Placed, len(sim.Placements), sim.Error, sim.FirstFailure)
	}
	var first any
	if err := json.Unmarshal(sim.FirstFailure, &first); err != nil {
		e.t.Fatal(err)
	}
	var explained any
	_ = json.Unmarshal(raw, &explained)
	if canonicalJSON(first) != canonicalJSON(explained) {
		e.t.Fatalf("simulate's firstFailure differs from explain:\n  simulate: %s\n  explain:  %s", canonicalJSON(first), canonicalJSON(explained))
	}

	// Free n1 with the scheduler paused, so that explain and simulate are asked before it can act.
	resume, err := cl.PauseAllotScheduler()
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(resume)
	for _, h := range holders[n1] {
		e.deletePod(h)
		if err := e.c.ResourceV1().ResourceClaims(e.ns).Delete(e.ctx, h, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			e.t.Fatalf("delete claim %s: %v", h, err)
		}
	}
	freedAt := time.Now()
	var after explainAnswer
	e.eventually(60*time.Second, "explain to say that "+n1+" fits once its claims are gone", func() (bool, string) {
		a, raw := e.explainPod("waiting", n1, n2)
		after = a
		return len(a.Fits) == 1 && a.Fits[0] == n1, string(raw)
	})
	e.t.Logf("explain says %s fits %v after its claims were deleted", n1, time.Since(freedAt).Round(time.Millisecond))
	// explain follows the claims: by now the claim controller has deallocated them (or they are gone).
	for _, h := range holders[n1] {
		hc, err := e.c.ResourceV1().ResourceClaims(e.ns).Get(e.ctx, h, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			e.t.Fatalf("get claim %s: %v", h, err)
		}
		if err == nil && hc.Status.Allocation != nil {
			e.t.Fatalf("explain says %s fits, but its claim %s is still allocated: %+v", n1, h, hc.Status.Allocation.Devices.Results)
		}
	}
	if after.Summary != "1/2 nodes fit; 1 "+c.code || len(after.Nodes) != 2 || !after.Nodes[0].Fits || len(after.Nodes[0].Reasons) != 0 ||
		after.Nodes[1].Fits || len(after.Nodes[1].Reasons) != 1 || after.Nodes[1].Reasons[0] != before.Nodes[1].Reasons[0] {
		e.t.Fatalf("explain after freeing %s = %+v, want %s fitting and %s unchanged (%+v)", n1, after, n1, n2, before.Nodes[1])
	}
	if p := e.getPod("waiting"); p.Spec.NodeName != "" {
		e.t.Fatalf("pod waiting bound to %s while the allot scheduler was paused", p.Spec.NodeName)
	}

	// simulate: one replica placed on n1, on a freed device.
	sim = e.simulatePod(e.getPod("waiting"), n1, n2)
	if sim.Placed != 1 || len(sim.Placements) != 1 || sim.Placements[0].Node != n1 || len(sim.FirstFailure) != 0 {
		e.t.Fatalf("simulate after freeing %s: placed %d on %+v, firstFailure %s; want 1 on %s", n1, sim.Placed, sim.Placements, sim.FirstFailure, n1)
	}
	allocs := sim.Placements[0].Allocations
	if len(allocs) != 1 || allocs[0].Claim != e.ns+"/want" || len(allocs[0].Results) != c.count {
		e.t.Fatalf("simulate allocations %+v, want %d result(s) for claim %s/want", allocs, c.count, e.ns)
	}
	freed := c.freed(e, n1)
	var predicted []string
	for _, r := range allocs[0].Results {
		if r.Pool != n1 || !freed[r.Device] || r.Request != c.request {
			e.t.Fatalf("simulate placed request %s on %s/%s, want one of %s's freed devices %v", r.Request, r.Pool, r.Device, n1, keys(freed))
		}
		predicted = append(predicted, r.Device)
	}
	sort.Strings(predicted)

	// The scheduler resumes and binds the pending pod there, on the devices simulate named.
	resume()
	node := e.bindAndCheck("waiting", "want")
	if node != n1 {
		e.t.Fatalf("pod waiting bound to %s, want %s (the node that was freed)", node, n1)
	}
	var got []string
	for _, r := range e.getClaim("want").Status.Allocation.Devices.Results {
		if r.Pool != n1 || r.Request != c.request {
			e.t.Fatalf("claim want: result %+v, want request %s on pool %s", r, c.request, n1)
		}
		got = append(got, r.Device)
	}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(predicted, ",") {
		e.t.Fatalf("claim want allocated %v on %s, simulate predicted %v", got, n1, predicted)
	}
	// n2 is untouched: its holders still hold it.
	for _, h := range holders[n2] {
		if hc := e.getClaim(h); hc.Status.Allocation == nil || selectorNode(hc.Status.Allocation) != n2 {
			e.t.Fatalf("claim %s on %s lost its allocation", h, n2)
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// claimList is how explain lists claims of this namespace holding one device each: "ns/a (1), ns/b (1)", sorted.
func (e *env) claimList(names []string) string {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	var out []string
	for _, n := range sorted {
		out = append(out, e.ns+"/"+n+" (1)")
	}
	return strings.Join(out, ", ")
}
