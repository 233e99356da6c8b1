package main

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	resourceapi "k8s.io/api/resource/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/dynamic-resource-allocation/structured"
)

func ptrTo[T any](v T) *T { return &v }

func allocated(results ...resourceapi.DeviceRequestAllocationResult) *resourceapi.ResourceClaim {
	return &resourceapi.ResourceClaim{Status: resourceapi.ResourceClaimStatus{
		Allocation: &resourceapi.AllocationResult{Devices: resourceapi.DeviceAllocationResult{Results: results}},
	}}
}

func TestBuildAllocatedState(t *testing.T) {
	share := types.UID("bbbbbbbb-bbbb-bbbb-bbbb-000000000001")
	claims := []*resourceapi.ResourceClaim{
		allocated(resourceapi.DeviceRequestAllocationResult{Driver: "d", Pool: "p", Device: "exclusive"}),
		allocated(resourceapi.DeviceRequestAllocationResult{Driver: "d", Pool: "p", Device: "admin", AdminAccess: ptrTo(true)}),
		allocated(resourceapi.DeviceRequestAllocationResult{Driver: "d", Pool: "p", Device: "shared", ShareID: &share,
			ConsumedCapacity: map[resourceapi.QualifiedName]resource.Quantity{"memory": resource.MustParse("10Gi")}}),
		allocated(resourceapi.DeviceRequestAllocationResult{Driver: "d", Pool: "p", Device: "shared", ShareID: &share,
			ConsumedCapacity: map[resourceapi.QualifiedName]resource.Quantity{"memory": resource.MustParse("6Gi")}}),
	}
	exclusive := structured.MakeDeviceID("d", "p", "exclusive")
	admin := structured.MakeDeviceID("d", "p", "admin")
	shared := structured.MakeDeviceID("d", "p", "shared")

	on := BuildAllocatedState(claims, structured.Features{ConsumableCapacity: true})
	if !on.AllocatedDevices.Has(exclusive) || on.AllocatedDevices.Has(admin) || on.AllocatedDevices.Has(shared) {
		t.Errorf("ConsumableCapacity on: AllocatedDevices = %v", on.AllocatedDevices)
	}
	if !on.AllocatedSharedDeviceIDs.Has(structured.MakeSharedDeviceID(shared, &share)) {
		t.Errorf("ConsumableCapacity on: shared ID missing: %v", on.AllocatedSharedDeviceIDs)
	}
	if got := on.AggregatedCapacity[shared]["memory"]; got == nil || got.Cmp(resource.MustParse("16Gi")) != 0 {
		t.Errorf("aggregated memory = %v, want 16Gi", got)
	}

	off := BuildAllocatedState(claims, structured.Features{})
	if !off.AllocatedDevices.Has(shared) || !off.AllocatedDevices.Has(exclusive) || off.AllocatedDevices.Has(admin) {
		t.Errorf("ConsumableCapacity off: AllocatedDevices = %v", off.AllocatedDevices)
	}
	if len(off.AggregatedCapacity) != 0 || off.AllocatedSharedDeviceIDs.Len() != 0 {
		t.Errorf("ConsumableCapacity off: unexpected shared state %v %v", off.AggregatedCapacity, off.AllocatedSharedDeviceIDs)
	}
}

func TestParseFeatures(t *testing.T) {
	f, err := ParseFeatures([]string{"BindingConditions", "PartitionableDevices", "ExtendedResource"})
	if err != nil {
		t.Fatal(err)
	}
	if !f.DeviceBindingAndStatus || !f.PartitionableDevices || f.ConsumableCapacity {
		t.Errorf("features = %+v", f)
	}
	if _, err := ParseFeatures([]string{"Partitionable"}); err == nil {
		t.Error("unknown feature accepted")
	}
}

func result(t *testing.T, js string) resourceapi.AllocationResult {
	t.Helper()
	var a resourceapi.AllocationResult
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCompareWithExpect(t *testing.T) {
	got := result(t, `{"devices":{"results":[
		{"request":"r","driver":"d","pool":"p","device":"b","shareID":"11111111-1111-1111-1111-111111111111","consumedCapacity":{"memory":"1Gi"}},
		{"request":"r","driver":"d","pool":"p","device":"a"}]}}`)
	exp := func(allocs ...string) Expectation {
		e := Expectation{Outcome: "allocated"}
		for _, a := range allocs {
			e.Allocations = append(e.Allocations, json.RawMessage(a))
		}
		return e
	}
	same := `{"devices":{"results":[
		{"request":"r","driver":"d","pool":"p","device":"a"},
		{"request":"r","driver":"d","pool":"p","device":"b","shareID":"aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa","consumedCapacity":{"memory":"1024Mi"}}]}}`
	reason, notes := CompareWithExpect(exp(same), false, []resourceapi.AllocationResult{got}, nil)
	if reason != "" {
		t.Errorf("unordered equal results rejected: %s", reason)
	}
	if len(notes) != 2 { // file's 1024Mi vs the reference's 1Gi on the wire, and the order
		t.Errorf("notes = %q, want a wire-form and an order note", notes)
	}
	if reason, _ := CompareWithExpect(exp(same), true, []resourceapi.AllocationResult{got}, nil); reason == "" {
		t.Error("ordered comparison accepted a different order")
	}
	noShare := strings.Replace(same, `"shareID":"aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",`, "", 1)
	if reason, _ := CompareWithExpect(exp(noShare), false, []resourceapi.AllocationResult{got}, nil); reason == "" {
		t.Error("missing shareID accepted")
	}
	other := strings.Replace(same, `"device":"a"`, `"device":"c"`, 1)
	if reason, _ := CompareWithExpect(exp(other), false, []resourceapi.AllocationResult{got}, nil); reason == "" {
		t.Error("different device accepted")
	}
	if reason, _ := CompareWithExpect(Expectation{Outcome: "unsatisfiable"}, false, nil, nil); reason != "" {
		t.Errorf("unsatisfiable: %s", reason)
	}
	if reason, _ := CompareWithExpect(Expectation{Outcome: "error", ErrorContains: "class"}, false, nil,
		errors.New("could not retrieve device class x")); reason != "" {
		t.Errorf("error: %s", reason)
	}
	if reason, _ := CompareWithExpect(Expectation{Outcome: "error", ErrorContains: "CEL"}, false, nil,
		errors.New("could not retrieve device class x")); reason == "" {
		t.Error("wrong error text accepted")
	}
	if reason, _ := CompareWithExpect(Expectation{Outcome: "unsatisfiable"}, false, []resourceapi.AllocationResult{got}, nil); reason == "" {
		t.Error("allocated accepted as unsatisfiable")
	}
}

// TestSharedScenarios runs the k8s scenario set (re-checked upstream against
// 1.37) and allot's 1.37-vs-1.36 cases through the pinned reference (v0.37.2):
// no failures allowed. Under v0.36.6 the four result-config cases (052, 054,
// 068, 069) failed here; tests/testdata/release136 keeps 1.36.6's answers for
// them, which the pinned version must now reject.
func TestSharedScenarios(t *testing.T) {
	for _, sub := range []string{"scenarios/k8s", "release137"} {
		dir := filepath.Join("..", "..", "tests", "testdata", filepath.FromSlash(sub))
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		if len(files) == 0 {
			t.Fatalf("no scenarios at %s", dir)
		}
		failed, err := RunCheckQuiet(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range failed {
			t.Errorf("%s/%s disagrees with the reference", sub, f)
		}
	}
	dir := filepath.Join("..", "..", "tests", "testdata", "release136")
	failed, err := RunCheckQuiet(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 4 {
		t.Errorf("release136: %d of 4 files differ from the 1.37 reference, want all 4 (1.36.6 config answers): %v", len(failed), failed)
	}
}
