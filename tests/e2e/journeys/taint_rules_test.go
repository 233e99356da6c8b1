package journeys

// Journey: DeviceTaintRules (resource.k8s.io/v1, GA in 1.37), stock scheduler vs allot. Two nodes with two
// example GPUs each; a rule taints every device of n1's pool (NoSchedule): pods go to n2. Changing the
// rule's effect to None lets the next pod onto n1; back to NoSchedule, a new pod cannot use n1's last free
// device; after the rule is deleted it can. Each step uses a new pod, so no step depends on when a
// scheduler retries an unschedulable pod.

import (
	"testing"
	"time"

	resourcev1 "k8s.io/api/resource/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ruleSettle: how long the schedulers are given to see a rule change through their watches before the
// next pod is created (both watch DeviceTaintRules; events arrive in milliseconds).
const ruleSettle = 2 * time.Second

func TestDeviceTaintRules(t *testing.T) {
	variants(t, func(e *env) {
		e.addClass(e.fixtureClass("deviceclasses-example.json", exampleClass))
		n1, n2 := e.addNode("n1"), e.addNode("n2")
		e.addFixtureSlices("example-driver-8gpu.json", n1, deviceNamed("gpu-0", "gpu-1"))
		e.addFixtureSlices("example-driver-8gpu.json", n2, deviceNamed("gpu-0", "gpu-1"))

		rules := e.c.ResourceV1().DeviceTaintRules()
		pool := n1
		rule := &resourcev1.DeviceTaintRule{
			ObjectMeta: metav1.ObjectMeta{Name: e.prefix + "-maintenance"},
			Spec: resourcev1.DeviceTaintRuleSpec{
				DeviceSelector: &resourcev1.DeviceTaintSelector{Pool: &pool},
				Taint: resourcev1.DeviceTaint{Key: "example.com/maintenance", Value: "planned",
					Effect: resourcev1.DeviceTaintEffectNoSchedule},
			},
		}
		if _, err := rules.Create(e.ctx, rule, metav1.CreateOptions{}); err != nil {
			e.t.Fatalf("create DeviceTaintRule: %v", err)
		}
		e.t.Cleanup(func() { _ = rules.Delete(e.ctx, rule.Name, metav1.DeleteOptions{}) })
		setEffect := func(effect resourcev1.DeviceTaintEffect) {
			e.t.Helper()
			current, err := rules.Get(e.ctx, rule.Name, metav1.GetOptions{})
			if err != nil {
				e.t.Fatalf("get DeviceTaintRule: %v", err)
			}
			current.Spec.Taint.Effect = effect
			if _, err := rules.Update(e.ctx, current, metav1.UpdateOptions{}); err != nil {
				e.t.Fatalf("update DeviceTaintRule: %v", err)
			}
			time.Sleep(ruleSettle)
		}
		time.Sleep(ruleSettle)

		// Added: both pods avoid n1.
		for _, name := range []string{"a", "b"} {
			e.gpuClaim(name)
			e.addPod(name, claimRef("gpu", name))
			if node := e.waitBound(name); node != n2 {
				e.t.Fatalf("pod %s bound to %s while the rule taints every device of %s", name, node, n1)
			}
		}

		// Changed to None: informational only, the next pod takes one of n1's devices (n2 is full).
		setEffect(resourcev1.DeviceTaintEffectNone)
		e.gpuClaim("c")
		e.addPod("c", claimRef("gpu", "c"))
		if node := e.waitBound("c"); node != n1 {
			e.t.Fatalf("pod c bound to %s, want %s", node, n1)
		}

		// Back to NoSchedule: n1's last free device is tainted again, so a new pod stays pending.
		setEffect(resourcev1.DeviceTaintEffectNoSchedule)
		e.gpuClaim("d")
		e.addPod("d", claimRef("gpu", "d"))
		e.waitUnschedulable("d")
		e.deletePod("d") // its claim was never allocated, so n1's device stays free

		// Removed: the device is usable again.
		if err := rules.Delete(e.ctx, rule.Name, metav1.DeleteOptions{}); err != nil {
			e.t.Fatalf("delete DeviceTaintRule: %v", err)
		}
		time.Sleep(ruleSettle)
		e.gpuClaim("e")
		e.addPod("e", claimRef("gpu", "e"))
		if node := e.waitBound("e"); node != n1 {
			e.t.Fatalf("pod e bound to %s, want %s", node, n1)
		}
	})
}
