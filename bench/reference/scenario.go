// Scenario files (shared/scenarios/FORMAT.md) and how they become inputs of the
// reference structured allocator: feature flags, the allocated state derived
// from `allocatedClaims`, a DeviceClass lister and the node.
//
// Nothing here is concurrent; a loaded Scenario is read-only afterwards.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	v1 "k8s.io/api/core/v1"
	resourceapi "k8s.io/api/resource/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/dynamic-resource-allocation/cel"
	"k8s.io/dynamic-resource-allocation/structured"
)

// ScenarioNode is the `node` object of a scenario: a name and labels.
type ScenarioNode struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels,omitempty"`
}

// Expectation is the `expect` object of a scenario.
type Expectation struct {
	Outcome       string            `json:"outcome"`
	ErrorContains string            `json:"errorContains,omitempty"`
	Allocations   []json.RawMessage `json:"allocations,omitempty"`
}

// Scenario is one scenario file.
type Scenario struct {
	Name            string                       `json:"name"`
	Origin          string                       `json:"origin,omitempty"`
	Features        []string                     `json:"features"`
	Node            ScenarioNode                 `json:"node"`
	DeviceClasses   []*resourceapi.DeviceClass   `json:"deviceClasses"`
	ResourceSlices  []*resourceapi.ResourceSlice `json:"resourceSlices"`
	AllocatedClaims []*resourceapi.ResourceClaim `json:"allocatedClaims"`
	Claims          []*resourceapi.ResourceClaim `json:"claims"`
	Expect          Expectation                  `json:"expect"`
}

// LoadScenario reads and decodes one scenario file.
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Scenario
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// ParseFeatures maps the scenario feature names (FORMAT.md table) to the
// allocator's feature flags. ExtendedResource is scheduler-only and has no
// allocator flag. Unknown names are an error so that typos do not silently
// turn a gate off.
func ParseFeatures(names []string) (structured.Features, error) {
	var f structured.Features
	for _, n := range names {
		switch n {
		case "AdminAccess":
			f.AdminAccess = true
		case "PrioritizedList":
			f.PrioritizedList = true
		case "PartitionableDevices":
			f.PartitionableDevices = true
		case "DeviceTaints":
			f.DeviceTaints = true
		case "ConsumableCapacity":
			f.ConsumableCapacity = true
		case "BindingConditions":
			f.DeviceBindingAndStatus = true
		case "ListTypeAttributes":
			f.ListTypeAttributes = true
		case "ExtendedResource":
			// Scheduler only; the allocator has no flag for it.
		default:
			return f, fmt.Errorf("unknown feature %q", n)
		}
	}
	return f, nil
}

// NewCELCache returns a CEL cache configured the way the reference test
// configures it for the given features.
func NewCELCache(size int, f structured.Features) *cel.Cache {
	return cel.NewCache(size, cel.Features{
		EnableConsumableCapacity: f.ConsumableCapacity,
		EnableListTypeAttributes: f.ListTypeAttributes,
	})
}

// BuildAllocatedState derives the allocator's allocated state from claims
// that carry status.allocation, the way the scheduler does
// (FORMAT.md "allocatedClaims"; dra-semantics.md §9):
//   - a result with adminAccess: true is ignored;
//   - else, with ConsumableCapacity on and a shareID, it is a shared
//     allocation whose consumedCapacity (if any) is summed per device;
//   - else the device is in exclusive use.
func BuildAllocatedState(claims []*resourceapi.ResourceClaim, f structured.Features) structured.AllocatedState {
	state := structured.AllocatedState{
		AllocatedDevices:         sets.New[structured.DeviceID](),
		AllocatedSharedDeviceIDs: sets.New[structured.SharedDeviceID](),
		AggregatedCapacity:       structured.NewConsumedCapacityCollection(),
	}
	for _, claim := range claims {
		if claim.Status.Allocation == nil {
			continue
		}
		for _, r := range claim.Status.Allocation.Devices.Results {
			if r.AdminAccess != nil && *r.AdminAccess {
				continue
			}
			id := structured.MakeDeviceID(r.Driver, r.Pool, r.Device)
			if f.ConsumableCapacity && r.ShareID != nil {
				state.AllocatedSharedDeviceIDs.Insert(structured.MakeSharedDeviceID(id, r.ShareID))
				if r.ConsumedCapacity != nil {
					state.AggregatedCapacity.Insert(structured.NewDeviceConsumedCapacity(id, r.ConsumedCapacity))
				}
				continue
			}
			state.AllocatedDevices.Insert(id)
		}
	}
	return state
}

// classLister serves DeviceClasses in file order, like the reference test's
// informer lister (listing order makes results deterministic).
type classLister struct {
	classes []*resourceapi.DeviceClass
}

func (l classLister) List() ([]*resourceapi.DeviceClass, error) {
	return l.classes, nil
}

func (l classLister) Get(name string) (*resourceapi.DeviceClass, error) {
	for _, c := range l.classes {
		if c.Name == name {
			return c, nil
		}
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Group: "resource.k8s.io", Resource: "deviceclasses"}, name)
}

// MakeNode turns the scenario node into a v1.Node.
func MakeNode(n ScenarioNode) *v1.Node {
	return &v1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: n.Labels}}
}
