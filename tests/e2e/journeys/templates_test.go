package journeys

// Journey 2: claims from a ResourceClaimTemplate (created by the claim controller, owned by the pod,
// deleted when the pod is done) and one ResourceClaim shared by two pods (one allocation, reserved for
// both, deallocated only after both are done). The shared claim also carries a driver's status.devices
// entry, which every later claim write (the second pod's reservation, the controller's release) keeps.

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	resourcev1 "k8s.io/api/resource/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestTemplateClaim(t *testing.T) {
	variants(t, func(e *env) {
		e.twoExampleNodes()
		e.addTemplate("gpu-template", gpuClaimSpec(exampleClass, tenGi))
		e.addPod("tpod", templateRef("gpu", "gpu-template"))
		node := e.waitBound("tpod")
		pod := e.getPod("tpod")
		name := e.claimOfPod(pod, "gpu")
		if name == "" {
			e.t.Fatalf("pod status.resourceClaimStatuses has no claim for entry gpu: %+v", pod.Status.ResourceClaimStatuses)
		}
		claim := e.getClaim(name)
		owned := false
		for _, o := range claim.OwnerReferences {
			owned = owned || (o.UID == pod.UID && o.Controller != nil && *o.Controller)
		}
		if !owned {
			e.t.Fatalf("generated claim %s not controlled by pod %s: %+v", name, pod.UID, claim.OwnerReferences)
		}
		if got := claim.Annotations[resourcev1.PodResourceClaimAnnotation]; got != "gpu" {
			e.t.Fatalf("generated claim annotation %s = %q, want gpu", resourcev1.PodResourceClaimAnnotation, got)
		}
		e.checkAllocatedFor(claim, pod, node)

		// The pod finishes (the test plays kubelet): the controller deallocates and deletes the claim.
		e.setPhase("tpod", corev1.PodSucceeded)
		e.eventually(controllerWait, "generated claim "+name+" to be deleted", func() (bool, string) {
			c, err := e.c.ResourceV1().ResourceClaims(e.ns).Get(e.ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return true, ""
			}
			if err != nil {
				return false, err.Error()
			}
			return false, "still there, reservedFor=" + reservedNames(c)
		})
	})
}

func TestSharedClaim(t *testing.T) {
	variants(t, func(e *env) {
		e.twoExampleNodes()
		e.gpuClaim("shared-gpu")
		e.addPod("a", claimRef("gpu", "shared-gpu"))
		nodeA := e.waitBound("a")
		devStatus := e.writeDeviceStatus("shared-gpu")
		e.addPod("b", claimRef("gpu", "shared-gpu"))
		nodeB := e.waitBound("b")
		e.checkDeviceStatus("shared-gpu", devStatus, "after b's reservation was written")
		if nodeA != nodeB {
			e.t.Fatalf("pods sharing a claim landed on %s and %s; the allocation pins one node", nodeA, nodeB)
		}
		claim := e.getClaim("shared-gpu")
		e.checkAllocatedFor(claim, e.getPod("a"), nodeA)
		e.checkAllocatedFor(claim, e.getPod("b"), nodeA)
		if n := len(claim.Status.Allocation.Devices.Results); n != 1 {
			e.t.Fatalf("shared claim has %d results, want 1", n)
		}
		if n := len(claim.Status.ReservedFor); n != 2 {
			e.t.Fatalf("shared claim reservedFor has %d entries, want 2: %s", n, reservedNames(claim))
		}
		device := claim.Status.Allocation.Devices.Results[0].Device

		// a finishes: the claim stays allocated (same device) and reserved for b only.
		e.setPhase("a", corev1.PodSucceeded)
		e.eventually(controllerWait, "reservation of a to be dropped", func() (bool, string) {
			c := e.getClaim("shared-gpu")
			return len(c.Status.ReservedFor) == 1 && c.Status.ReservedFor[0].Name == "b", "reservedFor=" + reservedNames(c)
		})
		c := e.getClaim("shared-gpu")
		if c.Status.Allocation == nil || c.Status.Allocation.Devices.Results[0].Device != device {
			e.t.Fatalf("shared claim lost or changed its allocation while b still uses it: %+v", c.Status.Allocation)
		}
		e.checkDeviceStatus("shared-gpu", devStatus, "after a's reservation was dropped")

		// b finishes: now the claim is deallocated (it is not generated, so it is not deleted).
		e.setPhase("b", corev1.PodSucceeded)
		e.waitDeallocated("shared-gpu")
		e.getClaim("shared-gpu")
	})
}

// writeDeviceStatus plays the driver (KEP-4817): it writes a status.devices entry for the claim's first
// allocated device (a condition, opaque data, network data) and returns the entries as stored.
func (e *env) writeDeviceStatus(name string) []resourcev1.AllocatedDeviceStatus {
	e.t.Helper()
	c := e.getClaim(name)
	if c.Status.Allocation == nil {
		e.t.Fatalf("claim %s: not allocated, no device to report on", name)
	}
	r := c.Status.Allocation.Devices.Results[0]
	c.Status.Devices = []resourcev1.AllocatedDeviceStatus{{
		Driver: r.Driver, Pool: r.Pool, Device: r.Device,
		Conditions: []metav1.Condition{{Type: "Ready", Status: metav1.ConditionTrue, Reason: "Prepared",
			Message: "prepared by the e2e driver", LastTransitionTime: metav1.Now()}},
		Data:        &runtime.RawExtension{Raw: []byte(`{"health":"ok","temperatureC":41}`)},
		NetworkData: &resourcev1.NetworkDeviceData{InterfaceName: "gpu0", IPs: []string{"10.9.8.7/24"}},
	}}
	out, err := e.c.ResourceV1().ResourceClaims(e.ns).UpdateStatus(e.ctx, c, metav1.UpdateOptions{})
	if err != nil {
		e.t.Fatalf("claim %s: write status.devices as the driver: %v", name, err)
	}
	if len(out.Status.Devices) != 1 {
		e.t.Fatalf("claim %s: status.devices not stored: %+v", name, out.Status.Devices)
	}
	return out.Status.Devices
}

// checkDeviceStatus asserts the claim still has exactly the status.devices entries a driver wrote.
func (e *env) checkDeviceStatus(name string, want []resourcev1.AllocatedDeviceStatus, when string) {
	e.t.Helper()
	got := e.getClaim(name).Status.Devices
	if !apiequality.Semantic.DeepEqual(got, want) {
		e.t.Fatalf("claim %s %s: status.devices = %+v, want the driver's %+v", name, when, got, want)
	}
}

func reservedNames(c *resourcev1.ResourceClaim) string {
	s := "["
	for i, r := range c.Status.ReservedFor {
		if i > 0 {
			s += " "
		}
		s += r.Name
	}
	return s + "]"
}
