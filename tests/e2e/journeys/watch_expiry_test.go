package journeys

// Journey 5, faults: a forced watch expiry. For this test allot talks to kube-apiserver through the
// harness's APIProxy (harness/proxy.go); everything else (schedulers, controller manager, the test) talks
// to the API server directly. The proxy cuts allot's watch of one resource, holds allot's reconnect while
// the test changes the cluster, then sends allot's reconnect with resourceVersion=1, which the real API
// server rejects as too old (a 410 ERROR event). allot must relist: it must see what changed while it had
// no watch. Checked twice:
//
//   - ResourceClaims: during the gap the stock scheduler allocates the only GPU of a node. Afterwards an
//     allot pod for a GPU must be unschedulable (an allot that missed the allocation would hand the same
//     device out again).
//   - ResourceSlices: during the gap a new node publishes a GPU. Afterwards an allot pod must be bound there
//     (an allot that missed the slice would find no device).
//
// Both times allot's allot_watch_lists_total{kind, reason="gone"} must grow, and the proxy must have seen
// the API server's own 410 answer.

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"allot/tests/e2e/harness"
)

// expireWatch breaks allot's watch of resource through the proxy and runs change while allot has no
// watch of it; then lets allot reconnect with an expired resourceVersion and waits until allot has
// relisted (its "gone" list counter for kind grew).
func (e *env) expireWatch(proxy *harness.APIProxy, resource, kind string, change func()) {
	e.t.Helper()
	e.eventually(30*time.Second, "allot's "+resource+" watch to be open through the proxy", func() (bool, string) {
		return proxy.OpenWatches(resource) > 0, "no open watch"
	})
	gone := e.allotMetric("allot_watch_lists_total", "kind", kind, "reason", "gone")
	fault, err := proxy.ExpireWatch(resource, "1")
	if err != nil {
		e.t.Fatal(err)
	}
	defer fault.Release()
	if fault.Cut() == 0 {
		e.t.Fatalf("no %s watch stream was cut", resource)
	}
	change()
	// allot's reflector noticed the cut and is trying to watch again (held by the proxy): the changes above
	// reached it through no watch.
	e.eventually(30*time.Second, "allot to re-watch "+resource+" after the cut", func() (bool, string) {
		return fault.Held() > 0, "no watch request held yet"
	})
	fault.Release()
	answer, err := fault.WaitAnswer(`"code":410`, 30*time.Second)
	if err != nil {
		e.t.Fatalf("kube-apiserver's answer to a watch at resourceVersion 1: %v%s", err, e.diagnostics())
	}
	if answer.Status == 200 && !strings.Contains(answer.Head, "too old resource version") {
		e.t.Fatalf("410 without \"too old resource version\": %q", answer.Head)
	}
	e.t.Logf("%s watch from resourceVersion %s sent as %s: kube-apiserver answered HTTP %d %.200s",
		resource, answer.OriginalRV, answer.SentRV, answer.Status, strings.TrimSpace(answer.Head))
	after := e.waitMetricAbove(30*time.Second, gone, "allot_watch_lists_total", "kind", kind, "reason", "gone")
	e.t.Logf("allot_watch_lists_total{kind=%q,reason=\"gone\"}: %g -> %g", kind, gone, after)
	// The list counter counts completed lists, so allot's next watch starts from the list's version, which
	// the proxy passes. A second expired request would mean allot retried the old version first.
	if n := fault.Rewritten(); n != 1 {
		e.t.Fatalf("allot watched %s from the expired resourceVersion %d times, want once (then relist)", resource, n)
	}
}

// addStockPod creates a pod for the stock scheduler (in-tree DRA plugin), whatever the env's variant.
func (e *env) addStockPod(name string, claims ...podClaim) {
	e.t.Helper()
	pod := e.buildPod(name, claims...)
	pod.Spec.SchedulerName = harness.StockScheduler
	if _, err := e.c.CoreV1().Pods(e.ns).Create(e.ctx, pod, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("create pod %s: %v", name, err)
	}
}

func TestWatchExpiry(t *testing.T) {
	allotOnly(t, func(e *env) {
		proxy, err := harness.StartAPIProxy(cl.APIServerURL)
		if err != nil {
			e.t.Fatalf("proxy: %v", err)
		}
		e.t.Cleanup(proxy.Close)
		kubeconfig, err := cl.WriteKubeconfig("allot-via-proxy.kubeconfig", proxy.URL, cl.AllotToken)
		if err != nil {
			e.t.Fatal(err)
		}
		if err := cl.StartAllotAs("allot-via-proxy", kubeconfig); err != nil {
			e.t.Fatalf("allot through the proxy: %v", err)
		}
		// Runs before proxy.Close: the standard allot is back before the proxied one loses its server.
		e.t.Cleanup(func() {
			if err := cl.StartAllot(); err != nil {
				e.t.Errorf("restore the standard allot: %v", err)
			}
		})

		e.addClass(e.fixtureClass("deviceclasses-example.json", exampleClass))
		n1 := e.addNode("n1")
		e.addFixtureSlices("example-driver-8gpu.json", n1, deviceNamed("gpu-0"))

		// ResourceClaims: the only GPU gets allocated (by the stock scheduler) while allot has no watch.
		e.expireWatch(proxy, "resourceclaims", "ResourceClaim", func() {
			e.gpuClaim("taken")
			e.addStockPod("taker", claimRef("gpu", "taken"))
			e.bindAndCheck("taker", "taken")
		})
		e.gpuClaim("late")
		e.addPod("late", claimRef("gpu", "late"))
		msg := e.waitUnschedulable("late")
		e.t.Logf("allot pod after the claim relist: %s", msg)
		if c := e.getClaim("late"); c.Status.Allocation != nil || len(c.Status.ReservedFor) != 0 {
			e.t.Fatalf("claim late allocated/reserved although the only GPU is taken: %+v %v", c.Status.Allocation, c.Status.ReservedFor)
		}
		e.checkAllocatedFor(e.getClaim("taken"), e.getPod("taker"), n1)
		// Gone before the next step adds a node: that node event would send it back to scheduling.
		e.deletePod("late")

		// ResourceSlices: a new node publishes a GPU while allot has no slice watch (the node watch is intact).
		var n2 string
		e.expireWatch(proxy, "resourceslices", "ResourceSlice", func() {
			n2 = e.addNode("n2")
			e.addFixtureSlices("example-driver-8gpu.json", n2, deviceNamed("gpu-0"))
		})
		e.gpuClaim("fresh")
		e.addPod("fresh", claimRef("gpu", "fresh"))
		if node := e.bindAndCheck("fresh", "fresh"); node != n2 {
			e.t.Fatalf("pod fresh bound to %s, want %s (the only free GPU is on the slice created during the gap)", node, n2)
		}
	})
}
