package journeys

// Journey 3: NVIDIA dynamic MIG on one 8 x H100 node (tests/testdata/data/nvidia-h100-80gb-x8-dynmig.json:
// partitionable devices whose placements consume per-GPU counters). Seven 1g.10gb instances fit on one
// GPU, an eighth does not; without a same-GPU constraint they spill to other GPUs; a 7g.80gb takes a whole
// GPU and never shares it with anything.

import (
	"fmt"
	"testing"

	resourcev1 "k8s.io/api/resource/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	migClass  = "mig.nvidia.com"
	h100File  = "nvidia-h100-80gb-x8-dynmig.json"
	parentKey = "gpu.nvidia.com/parentUUID"
	h100GPUs  = 8
)

// migClaim asks for count MIG devices of profile, optionally all on one GPU (matchAttribute parentUUID).
func (e *env) migClaim(name, profile string, count int64, sameGPU bool) {
	spec := resourcev1.ResourceClaimSpec{Devices: resourcev1.DeviceClaim{Requests: []resourcev1.DeviceRequest{{
		Name: "mig",
		Exactly: &resourcev1.ExactDeviceRequest{
			DeviceClassName: migClass,
			Selectors: []resourcev1.DeviceSelector{{CEL: &resourcev1.CELDeviceSelector{
				Expression: fmt.Sprintf("device.attributes['gpu.nvidia.com'].profile == '%s'", profile),
			}}},
			AllocationMode: resourcev1.DeviceAllocationModeExactCount,
			Count:          count,
		},
	}}}}
	if sameGPU {
		key := resourcev1.FullyQualifiedName(parentKey)
		spec.Devices.Constraints = []resourcev1.DeviceConstraint{{MatchAttribute: &key}}
	}
	e.addClaim(&resourcev1.ResourceClaim{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec})
}

// parentsOf maps each allocated device of claim to its GPU (parentUUID) and checks the device's profile.
func (e *env) parentsOf(claim, profile string, parent map[string]string, prof map[string]string) map[string]int {
	e.t.Helper()
	c := e.getClaim(claim)
	if c.Status.Allocation == nil {
		e.t.Fatalf("claim %s not allocated", claim)
	}
	perGPU := map[string]int{}
	for _, r := range c.Status.Allocation.Devices.Results {
		p, ok := parent[r.Device]
		if !ok {
			e.t.Fatalf("claim %s: allocated device %s is not a MIG device of the node", claim, r.Device)
		}
		if prof[r.Device] != profile {
			e.t.Fatalf("claim %s: device %s has profile %s, want %s", claim, r.Device, prof[r.Device], profile)
		}
		perGPU[p]++
	}
	return perGPU
}

func TestMIG(t *testing.T) {
	variants(t, func(e *env) {
		e.addClass(e.fixtureClass("deviceclasses-nvidia.json", migClass))
		node := e.addNode("dgx")
		slices := e.addFixtureSlices(h100File, node, nil)
		parent, prof := map[string]string{}, map[string]string{}
		for _, s := range slices {
			for _, d := range s.Spec.Devices {
				if a, ok := d.Attributes["parentUUID"]; ok && a.StringValue != nil {
					parent[d.Name] = *a.StringValue
					prof[d.Name] = *d.Attributes["profile"].StringValue
				}
			}
		}

		// Seven 1g.10gb on one GPU fit.
		e.migClaim("seven", "1g.10gb", 7, true)
		e.addPod("seven", claimRef("mig", "seven"))
		e.bindAndCheck("seven", "seven")
		seven := e.parentsOf("seven", "1g.10gb", parent, prof)
		if len(seven) != 1 {
			e.t.Fatalf("seven 1g.10gb with a same-GPU constraint spread over %d GPUs: %v", len(seven), seven)
		}

		// Eight 1g.10gb on one GPU never fit.
		e.migClaim("eight-same", "1g.10gb", 8, true)
		e.addPod("eight-same", claimRef("mig", "eight-same"))
		e.waitUnschedulable("eight-same")
		e.deletePod("eight-same")

		// Eight 1g.10gb without the constraint spill: at most seven per GPU, never on the full GPU.
		e.migClaim("eight", "1g.10gb", 8, false)
		e.addPod("eight", claimRef("mig", "eight"))
		e.bindAndCheck("eight", "eight")
		eight := e.parentsOf("eight", "1g.10gb", parent, prof)
		if len(eight) < 2 {
			e.t.Fatalf("eight 1g.10gb fit on %d GPU(s): %v", len(eight), eight)
		}
		touched := map[string]bool{}
		for p := range seven {
			touched[p] = true
		}
		for p, n := range eight {
			if n > 7 {
				e.t.Fatalf("GPU %s holds %d 1g.10gb instances; at most 7 fit", p, n)
			}
			if seven[p] > 0 {
				e.t.Fatalf("GPU %s got 1g.10gb instances although claim seven uses all its slices", p)
			}
			touched[p] = true
		}

		// 7g.80gb takes whole GPUs: the untouched ones fit, one more does not.
		free := int64(h100GPUs - len(touched))
		e.migClaim("whole", "7g.80gb", free, false)
		e.addPod("whole", claimRef("mig", "whole"))
		e.bindAndCheck("whole", "whole")
		whole := e.parentsOf("whole", "7g.80gb", parent, prof)
		if int64(len(whole)) != free {
			e.t.Fatalf("%d x 7g.80gb landed on %d GPUs: %v", free, len(whole), whole)
		}
		for p := range whole {
			if touched[p] {
				e.t.Fatalf("a 7g.80gb shares GPU %s with 1g.10gb instances", p)
			}
		}
		e.migClaim("one-more", "7g.80gb", 1, false)
		e.addPod("one-more", claimRef("mig", "one-more"))
		e.waitUnschedulable("one-more")
	})
}
