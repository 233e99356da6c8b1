package journeys

// Journey 1, the DRA tutorial: DeviceClass gpu.example.com, dra-example-driver slices on two nodes, a
// ResourceClaim `some-gpu` asking for >= 10Gi of GPU memory, a pod using it. Each node publishes one GPU so
// that "full" and "freed" are observable.

import (
	"testing"

	resourcev1 "k8s.io/api/resource/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const exampleClass = "gpu.example.com"

// gpuClaimSpec asks for one device of class with the tutorial's memory selector.
func gpuClaimSpec(class, cel string) resourcev1.ResourceClaimSpec {
	req := resourcev1.DeviceRequest{
		Name:    "gpu",
		Exactly: &resourcev1.ExactDeviceRequest{DeviceClassName: class},
	}
	if cel != "" {
		req.Exactly.Selectors = []resourcev1.DeviceSelector{{CEL: &resourcev1.CELDeviceSelector{Expression: cel}}}
	}
	return resourcev1.ResourceClaimSpec{Devices: resourcev1.DeviceClaim{Requests: []resourcev1.DeviceRequest{req}}}
}

const tenGi = "device.capacity['gpu.example.com'].memory.compareTo(quantity('10Gi')) >= 0"

func (e *env) gpuClaim(name string) *resourcev1.ResourceClaim {
	return e.addClaim(&resourcev1.ResourceClaim{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: gpuClaimSpec(exampleClass, tenGi)})
}

// twoExampleNodes sets up the tutorial's class and two nodes with one example GPU each.
func (e *env) twoExampleNodes() (string, string) {
	e.addClass(e.fixtureClass("deviceclasses-example.json", exampleClass))
	n1, n2 := e.addNode("n1"), e.addNode("n2")
	e.addFixtureSlices("example-driver-8gpu.json", n1, deviceNamed("gpu-0"))
	e.addFixtureSlices("example-driver-8gpu.json", n2, deviceNamed("gpu-0"))
	return n1, n2
}

func TestTutorial(t *testing.T) {
	variants(t, func(e *env) {
		n1, n2 := e.twoExampleNodes()

		// some-gpu: allocated, reserved, finalizer set, pod bound where the device is.
		e.gpuClaim("some-gpu")
		e.addPod("pod0", claimRef("gpu", "some-gpu"))
		node0 := e.waitBound("pod0")
		if node0 != n1 && node0 != n2 {
			e.t.Fatalf("pod0 bound to %q, not one of the test's nodes", node0)
		}
		claim := e.getClaim("some-gpu")
		e.checkAllocatedFor(claim, e.getPod("pod0"), node0)
		res := claim.Status.Allocation.Devices.Results
		if len(res) != 1 || res[0].Request != "gpu" || res[0].Driver != exampleClass || res[0].Pool != node0 || res[0].Device != "gpu-0" {
			e.t.Fatalf("some-gpu results = %+v, want one gpu.example.com/%s/gpu-0 for request gpu", res, node0)
		}

		// A second claim takes the other node's GPU; a third finds no device and stays pending.
		e.gpuClaim("other-gpu")
		e.addPod("pod1", claimRef("gpu", "other-gpu"))
		node1 := e.waitBound("pod1")
		if node1 == node0 {
			e.t.Fatalf("pod1 bound to %s, the node whose only GPU pod0 holds", node1)
		}
		e.checkAllocatedFor(e.getClaim("other-gpu"), e.getPod("pod1"), node1)
		e.gpuClaim("third-gpu")
		e.addPod("pod2", claimRef("gpu", "third-gpu"))
		msg := e.waitUnschedulable("pod2")
		e.t.Logf("pod2 pending as expected: %s", msg)
		if c := e.getClaim("third-gpu"); c.Status.Allocation != nil {
			e.t.Fatalf("third-gpu allocated (%+v) although its pod is pending", c.Status.Allocation.Devices.Results)
		}
		e.deletePod("pod2")

		// Deleting pod0 makes the claim controller release and deallocate some-gpu.
		e.deletePod("pod0")
		e.waitDeallocated("some-gpu")

		// The freed device can be taken by a new pod with a new claim.
		e.gpuClaim("next-gpu")
		e.addPod("pod3", claimRef("gpu", "next-gpu"))
		node3 := e.waitBound("pod3")
		if node3 != node0 {
			e.t.Fatalf("pod3 bound to %s, want %s (the only free GPU)", node3, node0)
		}
		e.checkAllocatedFor(e.getClaim("next-gpu"), e.getPod("pod3"), node3)
	})
}
